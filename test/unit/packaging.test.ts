/**
 * The deployment files stay true to the code: the compose file's services, and a Slack app manifest
 * whose scopes cover every Web API method the bot calls (and no more), and a build and image that
 * hold the product only (bot, workers and what they import), never the harness.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
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
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/client\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g))
      methods.add(match[1] as string);
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
    expect(manifest.settings.interactivity).toMatchObject({
      is_enabled: true,
      request_url: expect.stringMatching(/\/slack\/events$/) as unknown,
    });
  });

  it('asks for exactly the scopes of the Web API methods the bot calls, plus commands', () => {
    const called = webApiMethodsCalled();
    for (const method of called)
      expect(Object.keys(SCOPE_OF_METHOD), `scope of ${method} unknown: add it to the table`).toContain(method);
    const needed = new Set(['commands', ...called.flatMap((m) => (SCOPE_OF_METHOD[m] ? [SCOPE_OF_METHOD[m]] : []))]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      {
        command?: string[];
        profiles?: string[];
        network_mode?: string;
        pid?: string;
        volumes?: string[];
        depends_on?: Record<string, unknown>;
      }
    >;
  };

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

describe('the product apart from its harness', () => {
  const HARNESS = /^(tools|test|bench|scripts)\//;

  it('`npm run build` compiles only bot, workers and what they import: no harness, test or bench file', () => {
    // --listFilesOnly names every file the build would compile, including any it reaches by import.
    const listed = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--listFilesOnly'],
      { encoding: 'utf8' },
    );
    const ours = listed
      .split('\n')
      .filter((line) => line.startsWith(ROOT) && !line.includes('/node_modules/'))
      .map((line) => relative(ROOT, line));
    expect(ours).toContain('src/bot.ts');
    expect(ours).toContain('workers/host-worker.ts');
    expect(ours.filter((path) => HARNESS.test(path) || !/^(src|workers)\//.test(path))).toEqual([]);
  });

  it('the Docker build context leaves the harness out, and the Dockerfile copies only the product', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const inContext = (path: string): boolean =>
      !ignored.some((pattern) =>
        pattern.startsWith('*') ? path.endsWith(pattern.slice(1)) : path === pattern || path.startsWith(`${pattern}/`),
      );
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(tracked.some((path) => path.startsWith('tools/'))).toBe(true);
    expect(tracked.filter(inContext).filter((path) => HARNESS.test(path))).toEqual([]);
    const copied = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((match) =>
      match[1]!.trim().split(/\s+/).slice(0, -1),
    );
    expect(
      copied.filter((source) => !/^(package(-lock)?\.json|tsconfig(\.build)?\.json|src|workers|config)$/.test(source)),
    ).toEqual([]);
  });
});
