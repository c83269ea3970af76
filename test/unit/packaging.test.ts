/**
 * The deployment files stay true to the code: the compose file's services, and a Slack app manifest
 * whose scopes cover every Web API method the bot calls (and no more).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The bot-token scope each Web API method needs (api.slack.com/methods); undefined = none. */
const SCOPE_OF_METHOD: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'views.open': undefined,
  'usergroups.users.list': 'usergroups:read',
};

function webApiMethodsCalled(): string[] {
  const dir = join(ROOT, 'src/slack');
  const methods = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/client\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g)) methods.add(match[1] as string);
  }
  return [...methods].sort();
}

describe('config/slack-app-manifest.yml', () => {
  const manifest = parse(read('config/slack-app-manifest.yml')) as {
    features: { slash_commands: { command: string; url: string }[] };
    oauth_config: { scopes: { bot: string[] } };
    settings: { interactivity: { is_enabled: boolean; request_url: string } };
  };

  it('registers /vnet and interactivity at the bot’s events endpoint', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/vnet']);
    expect(manifest.features.slash_commands[0]?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: expect.stringMatching(/\/slack\/events$/) as unknown });
  });

  it('asks for exactly the scopes of the Web API methods the bot calls, plus commands', () => {
    const called = webApiMethodsCalled();
    for (const method of called) expect(Object.keys(SCOPE_OF_METHOD), `scope of ${method} unknown: add it to the table`).toContain(method);
    const needed = new Set(['commands', ...called.flatMap((m) => (SCOPE_OF_METHOD[m] ? [SCOPE_OF_METHOD[m]] : []))]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, { command?: string[]; profiles?: string[]; network_mode?: string; pid?: string; volumes?: string[]; depends_on?: Record<string, unknown> }> };

  it('runs Redis durable and without eviction, the bot after it, and a worker only under its profile', () => {
    const { redis, bot, worker } = compose.services;
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(bot?.command).toEqual(['node', 'dist/src/bot.js']);
    expect(bot?.depends_on).toHaveProperty('redis');
    expect(worker?.command).toEqual(['node', 'dist/workers/host-worker.js']);
    expect(worker).toMatchObject({ profiles: ['worker'], network_mode: 'host', pid: 'host' });
    expect(worker?.volumes).toContain('/run/libvirt:/run/libvirt');
  });

  it('starts what the build makes', () => {
    expect(read('Dockerfile')).toContain('CMD ["node", "dist/src/bot.js"]');
    expect(read('tsconfig.build.json')).toContain('"outDir": "dist"');
  });
});
