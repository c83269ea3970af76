/**
 * Monitor alerts end to end: a real host worker on a sandbox host watching its networks and bridges,
 * the real Bolt app reading the monitor stream, the fake Slack (enforcing a rate limit) showing the
 * channels. Changes are made by hand (virsh, ip), by vnetops jobs, and — for the bot-side cases —
 * written straight to the stream as a worker would.
 */
import { hostname } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { LibvirtClient } from '../../src/libvirt/index.js';
import { type MonitorEvent } from '../../src/contract/index.js';
import { MonitorEventReader, MonitorEventWriter, createRedisConnection } from '../../src/queue/index.js';
import {
  type SandboxHost,
  attachVethGuest,
  detachVethGuest,
  execInSandbox,
  restartLibvirtd,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { type SeenAlert, alertsIn, blockTexts, threadParentOf } from '../../tools/fake-slack/alert-reading.js';
import { type BotStack, CHANNELS, PEOPLE, newPrefix, startBotStack } from './helpers/bot-stack.js';
import { dnsmasqPidFromFile } from './helpers/sandbox-inspect.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';

const HOST = 'ma1';
const COALESCE_MS = 300;
const prefix = newPrefix('mal');
// Slack allows about one message a second per channel with short bursts; the fake enforces a limit like it.
const RATE_LIMITS = {
  'chat.postMessage': { ratePerSecond: 4, burst: 4, perChannel: true },
  'chat.update': { ratePerSecond: 10, burst: 10 },
};
const ROUTES = `  routes:\n    - { channel: ${CHANNELS.labAlerts}, networks: ["lab*"] }\n`;
let host: SandboxHost;
let worker: WorkerProcess | undefined;
let stack: BotStack;
let writer: MonitorEventWriter;
let writerConnection: ReturnType<typeof createRedisConnection>;
let xmlDir: string;

async function startStack(): Promise<BotStack> {
  return startBotStack(host, {
    prefix,
    rateLimits: RATE_LIMITS,
    alerts: { channel: CHANNELS.alerts, coalesceMs: COALESCE_MS, burstNetworks: 5, routesYaml: ROUTES },
  });
}

let sequence = 0;
/** An event as a worker of host `inj1` would write it. */
function injected(fields: Partial<MonitorEvent> & Pick<MonitorEvent, 'kind' | 'network'>): MonitorEvent {
  return { id: `inj1:test:${sequence++}`, host: 'inj1', at: Date.now(), source: 'outside', ...fields };
}

async function defineByHand(name: string, bridge: string, third: number): Promise<void> {
  const file = join(xmlDir, `${name}.xml`);
  writeFileSync(
    file,
    `<network><name>${name}</name><bridge name='${bridge}' stp='off'/><ip address='10.220.${third}.1' prefix='24'><dhcp><range start='10.220.${third}.10' end='10.220.${third}.99'/></dhcp></ip></network>`,
  );
  await virsh(host, ['net-define', file]);
}

/** Alerts about `network` in `channel` (latest versions). */
const alertsAbout = (channel: string, network: string): SeenAlert[] =>
  alertsIn(stack.fake, channel).filter((a) => a.network === network);

/** Waits until an alert about `network` in `channel` matches. */
async function waitForAlert(
  channel: string,
  network: string,
  matches: (alert: SeenAlert) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<SeenAlert> {
  return stack.fake.waitFor(
    () => alertsAbout(channel, network).find(matches),
    timeoutMs,
    `${what} (seen: ${JSON.stringify(alertsAbout(channel, network).map((a) => a.line))})`,
  );
}

beforeAll(async () => {
  xmlDir = mkdtempSync(join(tmpdir(), 'vnetops-mal-'));
  host = await startSandboxHost(HOST);
  stack = await startStack();
  worker = await WorkerProcess.start(host, { hostId: HOST, prefix, env: { VNETOPS_MONITOR_HEALTH_MS: '300' } });
  // Its own connection: the bot stack's goes away when the "crash" test stops the bot.
  writerConnection = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
  writer = new MonitorEventWriter(writerConnection, prefix);
});

afterAll(async () => {
  // Each step on its own: one failing must not leave the sandbox behind.
  await worker?.stop().catch((error: unknown) => console.error('stopping the worker:', error));
  await stack?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  writerConnection?.disconnect();
  await stopSandboxHost(HOST);
  if (xmlDir) rmSync(xmlDir, { recursive: true, force: true });
});

describe('changes on a real host become channel alerts', () => {
  it('shows a network started by hand as made outside vnetops, in its own thread', async () => {
    await defineByHand('hand1', 'vnbr60', 60);
    await virsh(host, ['net-start', 'hand1']);
    const started = await waitForAlert(CHANNELS.alerts, 'hand1', (a) => a.change === 'started', 'started alert');
    expect(started.line).toContain('outside vnetops');
    const parent = threadParentOf(stack.fake, CHANNELS.alerts, 'hand1');
    expect(parent?.text).toContain(`hand1 on ${HOST}`);
    expect(alertsAbout(CHANNELS.alerts, 'hand1').map((a) => a.change)).toEqual(['defined', 'started']);
  });

  it('attributes a /vnet stop and start to the job and the person, in the same thread', async () => {
    const parentTs = threadParentOf(stack.fake, CHANNELS.alerts, 'hand1')?.ts;
    const ack = await stack.fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'stop hand1' });
    expect(ack.status).toBe(200);
    const stopped = await waitForAlert(CHANNELS.alerts, 'hand1', (a) => a.change === 'stopped', 'stopped alert');
    expect(stopped.line).toContain(`by <@${PEOPLE.operator}> via job`);
    expect(stopped.line).not.toContain('outside vnetops');
    await stack.fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'start hand1' });
    await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) => a.change === 'started' && a.line.includes('via job'),
      'started-by-job alert',
    );
    // Still one thread for the network; its parent shows the latest change.
    expect(threadParentOf(stack.fake, CHANNELS.alerts, 'hand1')?.ts).toBe(parentTs);
    await stack.fake.waitFor(
      () => threadParentOf(stack.fake, CHANNELS.alerts, 'hand1')?.text.includes('started') || undefined,
      5000,
      'parent updated',
    );
    // Stopping a network takes its bridge down and strips its address: part of the stop, not news of its own.
    expect(alertsAbout(CHANNELS.alerts, 'hand1').filter((a) => /set down|removed|detached/.test(a.change))).toEqual([]);
  });

  it('shows net-destroy by hand as outside vnetops', async () => {
    await virsh(host, ['net-destroy', 'hand1']);
    await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) => a.change === 'stopped' && a.line.includes('outside vnetops'),
      'outside stop',
    );
    await virsh(host, ['net-start', 'hand1']);
    await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) =>
        a.change === 'started' &&
        a.line.includes('outside vnetops') &&
        alertsAbout(CHANNELS.alerts, 'hand1').length >= 6,
      'outside start again',
    );
  });

  it('shows a guest port attached and detached, and the bridge set down and up, naming the bridge', async () => {
    const guest = await attachVethGuest(host, 'vnbr60', 'p1', { waitForwarding: false });
    await waitForAlert(CHANNELS.alerts, 'hand1', (a) => a.change === 'port vg-p1 attached to vnbr60', 'port attached');
    await detachVethGuest(guest);
    await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) => a.change === 'port vg-p1 detached from vnbr60',
      'port detached',
    );
    await execInSandbox(host, 'ip', ['link', 'set', 'vnbr60', 'down']);
    await waitForAlert(CHANNELS.alerts, 'hand1', (a) => a.change === 'bridge vnbr60 set down', 'bridge down');
    await execInSandbox(host, 'ip', ['link', 'set', 'vnbr60', 'up']);
    await waitForAlert(CHANNELS.alerts, 'hand1', (a) => a.change === 'bridge vnbr60 set up', 'bridge up');
  });

  it("alerts when a network's dnsmasq is killed", async () => {
    const pid = dnsmasqPidFromFile(host, 'hand1');
    process.kill(pid, 'SIGKILL');
    const died = await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) => a.change.startsWith('dnsmasq died'),
      'dnsmasq alert',
    );
    expect(died.line).toContain(String(pid));
    await virsh(host, ['net-destroy', 'hand1']);
    await virsh(host, ['net-start', 'hand1']);
  });

  it('after libvirtd restarts while a network is destroyed by hand, says it changed while the monitor could not see', async () => {
    const before = alertsAbout(CHANNELS.alerts, 'hand1').length;
    const child = worker as WorkerProcess;
    process.kill(child.pid, 'SIGSTOP');
    try {
      host = await restartLibvirtd(host);
      await virsh(host, ['net-destroy', 'hand1']);
    } finally {
      process.kill(child.pid, 'SIGCONT');
    }
    const blind = await waitForAlert(
      CHANNELS.alerts,
      'hand1',
      (a) =>
        a.change === 'stopped' &&
        a.line.includes('could not see') &&
        alertsAbout(CHANNELS.alerts, 'hand1').length > before,
      'changed-while-disconnected alert',
      15_000,
    );
    expect(blind.line).toContain('disconnected from libvirt');
  });

  it('accounts for every event of a burst: 50 networks defined, started, stopped and deleted by hand', async () => {
    const client = await LibvirtClient.connect(host.uri);
    try {
      // Each step for all 50 at once (pipelined calls), as a script looping over virsh in parallel would.
      const nets = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          client.defineNetwork(`<network><name>burst${i}</name><bridge name='vnburst${i}'/></network>`),
        ),
      );
      await Promise.all(nets.map((net) => client.startNetwork(net)));
      await Promise.all(nets.map((net) => client.destroyNetwork(net)));
      await Promise.all(nets.map((net) => client.undefineNetwork(net)));
    } finally {
      await client.close();
    }
    const expected = Array.from({ length: 50 }, (_, i) =>
      ['defined', 'started', 'stopped', 'deleted (undefined)'].map((change) => `burst${i} ${change}`),
    ).flat();
    const seen = await stack.fake.waitFor(
      () => {
        const lines = alertsIn(stack.fake, CHANNELS.alerts)
          .filter((a) => a.network.startsWith('burst'))
          .map((a) => `${a.network} ${a.change}`);
        return lines.length >= expected.length ? lines : undefined;
      },
      60_000,
      'all 200 burst events in the channel',
    );
    expect(seen.sort()).toEqual([...expected].sort());
    // Mostly digests, not 50 threads; the fake's rate limit bit and nothing was lost to it.
    expect(
      alertsIn(stack.fake, CHANNELS.alerts).filter((a) => a.network.startsWith('burst') && a.form === 'digest').length,
    ).toBeGreaterThanOrEqual(100);
    expect(stack.fake.rateLimitedCount).toBeGreaterThan(0);
  });
});

describe('alert routing, de-duplication, redelivery and muting (events written as a worker would)', () => {
  it('routes lab* networks to the lab channel and everything else to the default channel', async () => {
    await writer.append([
      injected({ kind: 'network-stopped', network: 'lab7' }),
      injected({ kind: 'network-stopped', network: 'web7' }),
    ]);
    await waitForAlert(CHANNELS.labAlerts, 'lab7', (a) => a.change === 'stopped', 'lab7 in the lab channel');
    await waitForAlert(CHANNELS.alerts, 'web7', (a) => a.change === 'stopped', 'web7 in the default channel');
    expect(alertsAbout(CHANNELS.alerts, 'lab7')).toEqual([]);
    expect(alertsAbout(CHANNELS.labAlerts, 'web7')).toEqual([]);
  });

  it('posts an event written twice only once', async () => {
    const event = injected({ kind: 'dnsmasq-died', network: 'dup1', detail: 'dnsmasq (pid 1) is gone' });
    await writer.append([event]);
    await writer.append([event]);
    await waitForAlert(CHANNELS.alerts, 'dup1', (a) => a.change.startsWith('dnsmasq died'), 'dup1 alert');
    await writer.append([injected({ kind: 'dnsmasq-back', network: 'dup1' })]);
    await waitForAlert(CHANNELS.alerts, 'dup1', (a) => a.change.startsWith('dnsmasq runs again'), 'dup1 second alert');
    expect(alertsAbout(CHANNELS.alerts, 'dup1').map((a) => a.change)).toEqual([
      'dnsmasq died (no DHCP/DNS)',
      'dnsmasq runs again',
    ]);
  });

  it('mutes and unmutes by slash command, audited, counting what it held back; a viewer may not', async () => {
    const denied = await stack.fake.slashCommand({
      userId: PEOPLE.viewer,
      channelId: CHANNELS.ops,
      text: 'mute mut1 1h',
    });
    expect(denied.body).toContain('operator');
    await stack.fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'mute mut1 1h' });
    await stack.fake.waitFor(
      () => stack.fake.messages(CHANNELS.ops).find((m) => m.text.includes('muted alerts about mut1')),
      5000,
      'mute notice',
    );
    await writer.append([
      injected({ kind: 'network-stopped', network: 'mut1' }),
      injected({ kind: 'network-started', network: 'mut1' }),
      injected({ kind: 'network-stopped', network: 'other1' }),
    ]);
    // other1 arrives after mut1's events: once it is posted, mut1's were handled (and held back).
    await waitForAlert(CHANNELS.alerts, 'other1', (a) => a.change === 'stopped', 'other1 alert');
    expect(alertsAbout(CHANNELS.alerts, 'mut1')).toEqual([]);
    await stack.fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'unmute mut1' });
    const notice = await stack.fake.waitFor(
      () => stack.fake.messages(CHANNELS.ops).find((m) => m.text.includes('unmuted alerts about mut1')),
      5000,
      'unmute notice',
    );
    expect(blockTexts(notice).join(' ')).toContain('2 alerts were held back');
    await writer.append([injected({ kind: 'network-started', network: 'mut1' })]);
    await waitForAlert(CHANNELS.alerts, 'mut1', (a) => a.change === 'started', 'mut1 alert after unmute');
    const audit = await new AuditLog(stack.redis, prefix).latest(10);
    expect(audit.filter((e) => e.network === 'mut1').map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ['unmute', PEOPLE.operator, 'unmuted'],
      ['mute', PEOPLE.operator, 'muted'],
    ]);
  });

  it('posts, once, an event a crashed bot had read but not acknowledged', async () => {
    await stack.stop();
    const event = injected({ kind: 'network-undefined', network: 'crash1' });
    await writer.append([event]);
    // Read it as the bot's consumer would, and "crash" before acknowledging it.
    const connection = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
    const reader = new MonitorEventReader(connection, prefix, 'bot', hostname());
    const taken = await reader.read(10, 100);
    connection.disconnect();
    expect(taken.map((e) => ('event' in e ? e.event.id : e.invalid))).toContain(event.id);
    stack = await startStack();
    await waitForAlert(CHANNELS.alerts, 'crash1', (a) => a.change === 'deleted (undefined)', 'redelivered alert');
    // A later event proves the feed moved on; crash1 is still there once.
    await writer.append([injected({ kind: 'network-defined', network: 'crash2' })]);
    await waitForAlert(CHANNELS.alerts, 'crash2', (a) => a.change === 'defined', 'crash2 alert');
    expect(alertsAbout(CHANNELS.alerts, 'crash1')).toHaveLength(1);
  });
});
