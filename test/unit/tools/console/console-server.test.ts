import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../../src/approvals/index.js';
import { loadBotConfig } from '../../../../src/config/index.js';
import { LocalConsole, splitSlashCommand } from '../../../../tools/console/index.js';
import {
  DEMO_ALERTS_CHANNEL,
  DEMO_CHANNELS,
  DEMO_ROLE_LABELS,
  demoPolicyYaml,
} from '../../../../tools/demo/demo-workspace.js';
import { FAKE_IDS, FakeSlack } from '../../../../tools/fake-slack/index.js';

let fake: FakeSlack;
let localConsole: LocalConsole;

beforeAll(async () => {
  fake = new FakeSlack({ channels: [...DEMO_CHANNELS] });
  localConsole = LocalConsole.attach(fake, {
    labels: DEMO_ROLE_LABELS,
    defaultUser: FAKE_IDS.requester,
    defaultChannel: FAKE_IDS.ops,
  });
  await fake.start();
});

afterAll(async () => {
  localConsole.close();
  await fake.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A GET of `path` exactly as written, with a Host header of our choosing (fetch allows neither). */
function getWithHost(path: string, host: string): Promise<number> {
  const { port } = new URL(fake.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('splitSlashCommand', () => {
  it('splits the command from its text, trimming, keeping inner quoting', () => {
    expect(splitSlashCommand('/vnet list')).toEqual({ command: '/vnet', text: 'list' });
    expect(splitSlashCommand('  /vnet   create isolated lab1 --reason "a b"  ')).toEqual({
      command: '/vnet',
      text: 'create isolated lab1 --reason "a b"',
    });
    expect(splitSlashCommand('/vnet')).toEqual({ command: '/vnet', text: '' });
  });

  it('refuses what is not a slash command', () => {
    expect(splitSlashCommand('vnet list')).toBeUndefined();
    expect(splitSlashCommand('/')).toBeUndefined();
    expect(splitSlashCommand('/Vnet list')).toBeUndefined();
  });
});

describe('the console server', () => {
  it('serves the page and its scripts with their types, and nothing else from disk', async () => {
    const page = await fetch(`${fake.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    // No other site may frame it (a hidden frame could trick someone into clicking Approve).
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    for (const file of ['app.js', 'blocks.js', 'mrkdwn.js']) {
      const script = await fetch(`${fake.baseUrl}/console/${file}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    }
    // Sent as written (fetch would resolve the dots itself): the server serves a fixed list, not paths.
    const loopback = `127.0.0.1:${new URL(fake.baseUrl).port}`;
    expect(await getWithHost('/console/../console-server.ts', loopback)).toBe(404);
    expect(await getWithHost('/console/%2e%2e/public/index.html', loopback)).toBe(404);
    expect((await fetch(`${fake.baseUrl}/console/console-server.ts`)).status).toBe(404);
    // Slack's own paths are still the fake's.
    const authTest = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}` },
    });
    expect(((await authTest.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('answers only under loopback names (no DNS rebinding)', async () => {
    expect(await getWithHost('/console/api/state', `127.0.0.1:${new URL(fake.baseUrl).port}`)).toBe(200);
    expect(await getWithHost('/console/api/state', 'localhost')).toBe(200);
    expect(await getWithHost('/console/api/state', 'attacker.example:80')).toBe(403);
    expect(await getWithHost('/', 'attacker.example')).toBe(403);
  });

  it('takes actions only as JSON from its own origin, and says what is wrong with a bad one', async () => {
    const plain = await fetch(`${fake.baseUrl}/console/api/message`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(415);
    const foreign = await post(
      '/console/api/message',
      { user: FAKE_IDS.requester, channel: FAKE_IDS.ops, text: 'hi' },
      { origin: 'https://attacker.example' },
    );
    expect(foreign.status).toBe(403);
    expect(fake.messages(FAKE_IDS.ops)).toEqual([]);
    const invalid = await post('/console/api/message', { user: 'nobody', channel: FAKE_IDS.ops, text: 'hi' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/user/);
    const notCommand = await post('/console/api/command', {
      user: FAKE_IDS.requester,
      channel: FAKE_IDS.ops,
      text: 'list',
    });
    expect(notCommand.status).toBe(400);
    expect(((await notCommand.json()) as { error: string }).error).toMatch(/starts with \//);
  });

  it('a command with no bot behind it is a clear error, not a hang', async () => {
    const answer = await post('/console/api/command', {
      user: FAKE_IDS.requester,
      channel: FAKE_IDS.ops,
      text: '/vnet list',
    });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { error: string }).error).toMatch(/no request URL/);
  });

  it('shows each person their own view: people with labels, channels, messages, only their ephemerals', async () => {
    const posted = await post('/console/api/message', {
      user: FAKE_IDS.requester,
      channel: FAKE_IDS.ops,
      text: 'hello *team*',
    });
    expect(posted.status).toBe(200);
    fake.store.postEphemeral(FAKE_IDS.ops, FAKE_IDS.approver, { text: 'for Alex only' }, 'chat.postEphemeral');
    type State = {
      me: string;
      users: { id: string; label: string }[];
      channels: { id: string }[];
      history: Record<string, { text: string; user: string }[]>;
      ephemerals: { text: string }[];
      view: unknown;
    };
    const asRita = (await (
      await fetch(`${fake.baseUrl}/console/api/state?user=${FAKE_IDS.requester}`)
    ).json()) as State;
    const asAlex = (await (await fetch(`${fake.baseUrl}/console/api/state?user=${FAKE_IDS.approver}`)).json()) as State;
    expect(asRita.me).toBe(FAKE_IDS.requester);
    expect(asRita.users.find((user) => user.id === FAKE_IDS.approver)?.label).toBe('approver');
    expect(asRita.channels.map((channel) => channel.id)).toEqual([
      FAKE_IDS.ops,
      FAKE_IDS.approvals,
      DEMO_ALERTS_CHANNEL,
    ]);
    expect(asRita.history[FAKE_IDS.ops]).toEqual([
      expect.objectContaining({ text: 'hello *team*', user: FAKE_IDS.requester }),
    ]);
    expect(asRita.ephemerals).toEqual([]);
    expect(asAlex.ephemerals.map((message) => message.text)).toEqual(['for Alex only']);
    expect(asAlex.view).toBeNull();
    // An unknown person falls back to the default one rather than failing the page.
    expect(((await (await fetch(`${fake.baseUrl}/console/api/state?user=UNOBODY`)).json()) as State).me).toBe(
      FAKE_IDS.requester,
    );
  });

  it('announces every change on its event stream', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${fake.baseUrl}/console/api/events`, { signal: abort.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = stream.body!.getReader();
    await post('/console/api/message', { user: FAKE_IDS.viewer, channel: FAKE_IDS.approvals, text: 'ping' });
    let received = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      received += new TextDecoder().decode(chunk.value as Uint8Array);
      if (received.includes('event: change')) break;
    }
    expect(received).toContain(`"channel":"${FAKE_IDS.approvals}"`);
    abort.abort();
  });
});

describe('the demo workspace', () => {
  it('its policy loads as the bot loads it and gives each person the role the console labels them with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnetops-demo-policy-'));
    try {
      writeFileSync(join(dir, 'config.yaml'), demoPolicyYaml());
      const config = loadBotConfig({
        file: join(dir, 'config.yaml'),
        env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' },
      });
      const policy = compilePolicy(config);
      for (const [userId, label] of Object.entries(DEMO_ROLE_LABELS)) {
        expect(policy.rolesOf({ userId, userGroups: [], channelId: FAKE_IDS.ops }).at(-1)).toBe(label);
      }
      expect(policy.needsApproval('create')).toBe(true);
      expect(policy.approvalsChannel).toBe(FAKE_IDS.approvals);
      expect(config.alerts.channel).toBe(DEMO_ALERTS_CHANNEL);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
