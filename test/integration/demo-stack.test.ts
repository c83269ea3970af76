/**
 * The demo's other setup: what `npm run demo` does when the person has Slack credentials and a libvirt
 * host of their own. Slack is the fake here, reached the way real Slack is (Socket Mode, the API URL
 * from the environment); the "real" host is a sandbox's libvirtd reached by its URI from this
 * machine's own namespace; and no Redis answers where the demo looks, so it starts its own.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoInterrupted, type DemoStack, startDemoStack } from '../../tools/demo/demo-stack.js';
import { runCommand } from '../../tools/sandbox/processes.js';
import {
  type SandboxHost,
  listSandboxHosts,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { CHANNELS, PEOPLE, policyYaml, startTestFakeSlack } from './helpers/bot-stack.js';
import type { FakeSlack } from '../../tools/fake-slack/index.js';
import { freePort } from '../../tools/free-port.js';

const HOST = 'dst1';

let host: SandboxHost;
let fake: FakeSlack;
let stack: DemoStack;
let workDir: string;
const said: string[] = [];

describe('the demo with Slack credentials and a libvirt URI of its own', () => {
  beforeAll(async () => {
    host = await startSandboxHost(HOST);
    // A network the host already has, defined by hand as on any real host.
    writeFileSync(
      join(tmpdir(), 'vnetops-dst1-own1.xml'),
      "<network><name>own1</name><bridge name='ownbr1'/><ip address='10.77.0.1' prefix='24'/></network>",
    );
    await virsh(host, ['net-define', join(tmpdir(), 'vnetops-dst1-own1.xml')]);
    await virsh(host, ['net-start', 'own1']);
    rmSync(join(tmpdir(), 'vnetops-dst1-own1.xml'));
    fake = await startTestFakeSlack();
    workDir = mkdtempSync(join(tmpdir(), 'vnetops-demo-stack-test-'));
    writeFileSync(join(workDir, 'policy.yaml'), policyYaml('1h'));
    // A port nothing listens on stands in for "no Redis on 127.0.0.1:6379".
    const closedPort = await freePort();
    stack = await startDemoStack({
      workDir,
      run: 'sources',
      defaultRedisUrl: `redis://127.0.0.1:${closedPort}`,
      say: (line) => said.push(line),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_SIGNING_SECRET: fake.signingSecret,
        VNETOPS_SLACK_MODE: 'socket',
        VNETOPS_SLACK_API_URL: fake.apiUrl,
        VNETOPS_SLACK_PORT: String(await freePort()),
        VNETOPS_CONFIG: join(workDir, 'policy.yaml'),
        VNETOPS_LIBVIRT_URI: host.uri,
        VNETOPS_HOST_ID: 'kvm-own',
      },
    });
  }, 180_000);

  afterAll(async () => {
    const problems = stack ? await stack.stop() : [];
    await fake?.close();
    await stopSandboxHost(HOST);
    rmSync(workDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('starts no sandbox and no console, and its own Redis on a socket; it says so', () => {
    expect(stack.sandbox).toBeUndefined();
    expect(stack.consoleUrl).toBeUndefined();
    expect(stack.hostId).toBe('kvm-own');
    expect(stack.processes.map((child) => child.name)).toEqual(['Redis', 'host worker', 'bot']);
    expect(said.join('\n')).toMatch(/none answers at redis:\/\/127\.0\.0\.1:\d+; starting one of the demo's own/);
    expect(said.join('\n')).toContain('slack: real Slack (SLACK_BOT_TOKEN is set), mode socket');
  });

  it('the bot answers over Socket Mode and the worker lists the host behind the URI', async () => {
    await fake.waitFor(
      () => fake.calls('apps.connections.open').length > 0,
      30_000,
      'the bot opening its Socket Mode connection',
    );
    const hosts = await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'hosts' });
    expect(hosts.status).toBe(200);
    // hosts is answered in the ack, from the worker's heartbeat in the demo's own Redis.
    const shown = fake.ephemerals(PEOPLE.operator).at(-1);
    expect(shown?.text).toMatch(/1 of 1 hosts? up/);
    expect(JSON.stringify(shown?.blocks)).toContain('kvm-own');
    // list goes through the worker to libvirt at the URI.
    expect((await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'list' })).status).toBe(
      200,
    );
    const list = await fake.waitFor(
      (store) => store.messages(CHANNELS.ops).find((message) => /network.* on 1 host/.test(message.text)),
      30_000,
      'the list of kvm-own',
    );
    expect(JSON.stringify(list.blocks)).toMatch(/kvm-own\s+own1\s+active/);
  });

  it('refuses to start on a sandbox host that is running (another demo), and leaves that one alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnetops-demo-twice-test-'));
    try {
      await expect(
        startDemoStack({
          workDir: dir,
          run: 'sources',
          sandboxName: HOST,
          consolePort: 0,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        }),
      ).rejects.toThrow(`a sandbox host "${HOST}" is running already`);
      expect(await virsh(host, ['net-list', '--name'])).toContain('own1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops everything it started, the Redis included', async () => {
    const pids = stack.processes.map((child) => child.pid!);
    // The worker and the ip/bridge monitors it runs: found by their environment, so the check below can see them.
    expect(processesWithEnv('VNETOPS_HOST_ID=kvm-own')).toContain(stack.processes[1]!.pid);
    expect(await stack.stop()).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(processesWithEnv('VNETOPS_HOST_ID=kvm-own')).toEqual([]);
  });
});

/** Pids of running processes whose environment holds `entry` (e.g. the worker of one host). */
function processesWithEnv(entry: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

describe('Ctrl-C while the demo is starting', () => {
  it('stops what had started (worker, sandbox host and its namespace) and says it was interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnetops-demo-abort-test-'));
    const abort = new AbortController();
    const lines: string[] = [];
    try {
      const started = startDemoStack({
        workDir: dir,
        run: 'sources',
        sandboxName: 'dst2',
        consolePort: 0,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        signal: abort.signal,
        say: (line) => {
          lines.push(line);
          // The person presses Ctrl-C while the worker is starting.
          if (line.startsWith('starting the host worker')) abort.abort();
        },
      });
      await expect(started).rejects.toBeInstanceOf(DemoInterrupted);
      expect(lines.some((line) => line.startsWith('starting the bot'))).toBe(false);
      expect(await listSandboxHosts()).not.toContainEqual(expect.objectContaining({ name: 'dst2' }));
      expect(await runCommand('ip', ['netns', 'list'], 5_000).then((result) => result.stdout)).not.toContain(
        'vnetops-dst2',
      );
      expect(processesWithEnv('VNETOPS_HOST_ID=dst2')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
