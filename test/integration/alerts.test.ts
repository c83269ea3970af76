/**
 * The bot side of the event monitor, without a host: monitor events written to the Redis stream as
 * a worker would (MonitorEventWriter), read by the real Bolt app's alert feed, shown by the fake
 * Slack, which enforces a Slack-like rate limit on chat.postMessage and chat.update. Real Redis at
 * 127.0.0.1:6379 (VNETOPS_TEST_REDIS_URL to change), one fresh key prefix for the file.
 * The Redis stores of src/alerts are checked directly first.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WebClient, LogLevel as WebLogLevel } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertThreads, MuteStore, PostedEvents, postedKey } from '../../src/alerts/index.js';
import { AuditLog } from '../../src/audit/index.js';
import type { FakeSlack } from '../../tools/fake-slack/index.js';
import { type MonitorEvent, monitorStreamKey } from '../../src/contract/index.js';
import { MonitorEventReader, MonitorEventWriter, createRedisConnection } from '../../src/queue/index.js';
import { type SeenAlert, alertsIn, blockTexts, threadParentOf } from '../../tools/fake-slack/alert-reading.js';
import { type BotProcess, startBotProcess } from '../../tools/processes/bot-process.js';
import {
  BOT_TOKEN,
  type BotStack,
  CHANNELS,
  PEOPLE,
  newPrefix,
  policyYaml,
  startBotStack,
  startTestFakeSlack,
} from './helpers/bot-stack.js';

const REDIS_URL = process.env.VNETOPS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = newPrefix('alt');
const COALESCE_MS = 300;
// Like Slack: chat.postMessage about a message a second per channel with a short burst allowed.
const RATE_LIMITS = {
  'chat.postMessage': { ratePerSecond: 2, burst: 3, perChannel: true },
  'chat.update': { ratePerSecond: 5, burst: 5 },
};
// lab* networks → the lab channel; health events of host kvm9, and any lost uplink → the health channel.
const ROUTES_YAML = `  routes:
    - { channel: ${CHANNELS.labAlerts}, networks: ["lab*"] }
    - { channel: ${CHANNELS.healthAlerts}, hosts: [kvm9], kinds: [health] }
    - { channel: ${CHANNELS.healthAlerts}, kinds: [uplink-carrier-lost] }
`;
const ALERT_CHANNELS = [CHANNELS.alerts, CHANNELS.labAlerts, CHANNELS.healthAlerts] as const;

let redis: Redis;
let writer: MonitorEventWriter;
let stack: BotStack | undefined;
const children: BotProcess[] = [];
let crashFake: FakeSlack | undefined;

let sequence = 0;
/** An event as a worker would write it (host kvm1, seen now, observed) with the given fields on top. */
function event(fields: Partial<MonitorEvent> & Pick<MonitorEvent, 'kind'>): MonitorEvent {
  return { id: `kvm1:${prefix}:${sequence++}`, host: 'kvm1', at: Date.now(), source: 'observed', ...fields };
}

function bot(): BotStack {
  if (!stack) throw new Error('the bot stack is not running');
  return stack;
}

/** Alerts about `network` in `channel` as a person reads them (thread replies and digest rows). */
const alertsAbout = (fake: FakeSlack, channel: string, network: string): SeenAlert[] =>
  alertsIn(fake, channel).filter((a) => a.network === network);

/** Waits until an alert about `network` in `channel` matches. */
function waitForAlert(
  fake: FakeSlack,
  channel: string,
  network: string,
  matches: (alert: SeenAlert) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<SeenAlert> {
  return fake.waitFor(
    () => alertsAbout(fake, channel, network).find(matches),
    timeoutMs,
    `${what} (seen: ${JSON.stringify(alertsAbout(fake, channel, network).map((a) => a.line))})`,
  );
}

/** Entries the bot's consumer group has read and not acknowledged. */
async function pendingEntries(): Promise<number> {
  const summary = (await redis.xpending(monitorStreamKey(prefix), 'bot')) as [number, ...unknown[]];
  return Number(summary[0]);
}

/** Waits until the stream has no pending entry left: every event was posted (or dropped) and acknowledged. */
async function waitAllAcknowledged(timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; (await pendingEntries()) > 0;) {
    if (Date.now() > deadline)
      throw new Error(`${await pendingEntries()} stream entries still unacknowledged after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The bot's Prometheus metrics as `name{labels}` → value. */
async function metricsOf(port: number | undefined): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
  );
}

beforeAll(async () => {
  redis = createRedisConnection({ url: REDIS_URL }, 'client');
  writer = new MonitorEventWriter(redis, prefix);
  stack = await startBotStack(
    { redisUrl: REDIS_URL },
    {
      prefix,
      rateLimits: RATE_LIMITS,
      alerts: { channel: CHANNELS.alerts, coalesceMs: COALESCE_MS, burstNetworks: 5, routesYaml: ROUTES_YAML },
    },
  );
});

afterAll(async () => {
  // Each step on its own: one failing must not leave the others running.
  for (const child of children)
    await child.kill().catch((error: unknown) => console.error('killing a bot process:', error));
  await stack?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  await crashFake?.close().catch((error: unknown) => console.error('stopping the fake Slack:', error));
  if (redis) {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>)
      if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
});

describe('the Redis stores behind alerts', () => {
  const storePrefix = `${prefix}-store`;

  it('mutes a network on every host or on one, counts what it holds back, and ends mutes by themselves', async () => {
    let clock = 1_700_000_000_000;
    const mutes = new MuteStore(redis, storePrefix, () => clock, 0);
    const about = (network: string | undefined, host: string): MonitorEvent => ({
      id: randomUUID(),
      host,
      kind: 'network-stopped',
      at: clock,
      source: 'outside',
      ...(network ? { network } : {}),
    });
    await mutes.mute({ network: 'n1', until: clock + 60_000, by: PEOPLE.operator });
    await mutes.mute({ network: 'n2', host: 'kvm1', until: clock + 60_000, by: PEOPLE.admin });

    expect(await mutes.suppresses(about('n1', 'kvm1'))).toMatchObject({ network: 'n1', by: PEOPLE.operator });
    expect(await mutes.suppresses(about('n1', 'kvm2'))).toMatchObject({ network: 'n1' });
    expect(await mutes.suppresses(about('n2', 'kvm1'))).toMatchObject({
      network: 'n2',
      host: 'kvm1',
      by: PEOPLE.admin,
    });
    expect(await mutes.suppresses(about('n2', 'kvm2'))).toBeUndefined();
    expect(await mutes.suppresses(about('n3', 'kvm1'))).toBeUndefined();
    expect(await mutes.suppresses(about(undefined, 'kvm1'))).toBeUndefined();
    // Another replica sees the same mutes.
    expect((await new MuteStore(redis, storePrefix, () => clock, 0).list()).map((m) => m.network).sort()).toEqual([
      'n1',
      'n2',
    ]);

    // Muting again extends the mute and keeps its count.
    await mutes.mute({ network: 'n1', until: clock + 120_000, by: PEOPLE.admin });
    await mutes.suppresses(about('n1', 'kvm3'));
    expect(await mutes.unmute('n1')).toEqual({ wasMuted: true, suppressed: 3 });
    expect(await mutes.unmute('n1')).toEqual({ wasMuted: false, suppressed: 0 });
    expect(await mutes.suppresses(about('n1', 'kvm1'))).toBeUndefined();

    clock += 61_000;
    expect(await mutes.suppresses(about('n2', 'kvm1'))).toBeUndefined();
    expect(await mutes.list()).toEqual([]);
    // The expired mute went away with its count.
    expect(await mutes.unmute('n2', 'kvm1')).toEqual({ wasMuted: false, suppressed: 0 });
  });

  it('remembers posted events per channel, for a limited time', async () => {
    const posted = new PostedEvents(redis, storePrefix, 1);
    await posted.markPosted([{ id: 'e1', channel: 'C1' }]);
    const asked = [
      { id: 'e1', channel: 'C1' },
      { id: 'e1', channel: 'C2' },
      { id: 'e2', channel: 'C1' },
    ];
    expect([...(await posted.posted(asked))]).toEqual([postedKey({ id: 'e1', channel: 'C1' })]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect([...(await posted.posted(asked))]).toEqual([]);
  });

  it('keeps one thread per channel, host and network', async () => {
    const threads = new AlertThreads(redis, storePrefix);
    expect(await threads.get('C1', 'kvm1', 'web1')).toBeUndefined();
    await threads.set('C1', 'kvm1', 'web1', { ts: '1.000100', total: 3 });
    expect(await new AlertThreads(redis, storePrefix).get('C1', 'kvm1', 'web1')).toEqual({ ts: '1.000100', total: 3 });
    expect(await threads.get('C1', 'kvm2', 'web1')).toBeUndefined();
    expect(await threads.get('C2', 'kvm1', 'web1')).toBeUndefined();
  });

  it('hands a restarted consumer its unacknowledged entries once, then new ones', async () => {
    const streamPrefix = `${storePrefix}-stream`;
    const connection = createRedisConnection({ url: REDIS_URL }, 'client');
    try {
      const first = new MonitorEventReader(connection, streamPrefix, 'g', 'c1');
      await first.ensureGroup();
      const streamWriter = new MonitorEventWriter(redis, streamPrefix);
      await streamWriter.append([
        event({ kind: 'network-started', network: 'r1' }),
        event({ kind: 'network-stopped', network: 'r1' }),
      ]);
      const taken = await first.read(10, 100);
      expect(taken).toHaveLength(2);

      // The "restarted" consumer: same name, nothing acknowledged.
      const again = new MonitorEventReader(connection, streamPrefix, 'g', 'c1');
      expect((await again.read(10, 100)).map((e) => e.streamId)).toEqual(taken.map((e) => e.streamId));
      // Not handed out a second time while they are being worked on.
      expect(await again.read(10, 50)).toEqual([]);
      await streamWriter.append([event({ kind: 'network-defined', network: 'r2' })]);
      const next = await again.read(10, 100);
      expect(next.map((e) => ('event' in e ? e.event.network : e.invalid))).toEqual(['r2']);
      await again.ack([...taken, ...next].map((e) => e.streamId));
      expect(await new MonitorEventReader(connection, streamPrefix, 'g', 'c1').read(10, 50)).toEqual([]);
    } finally {
      connection.disconnect();
    }
  });
});

describe('monitor events become channel alerts', () => {
  it('puts one event in a new thread for its network, and a later burst in the same thread, updating the parent', async () => {
    const fake = bot().fake;
    await writer.append([
      event({
        kind: 'network-stopped',
        network: 'web1',
        source: 'job',
        job: { id: 'j-123', name: 'stop', userId: PEOPLE.operator },
      }),
    ]);
    await waitForAlert(fake, CHANNELS.alerts, 'web1', (a) => a.change === 'stopped', 'the first alert');
    const parent = threadParentOf(fake, CHANNELS.alerts, 'web1');
    expect(parent?.text).toBe('web1 on kvm1: stopped');
    const [firstReply] = fake.threadReplies(CHANNELS.alerts, parent?.ts ?? '');
    expect(blockTexts(firstReply ?? { text: '' }).join('\n')).toContain(`by <@${PEOPLE.operator}> via job \`j-123\``);

    const blindSince = Date.now() - 60_000;
    await writer.append([
      event({
        kind: 'network-stopped',
        network: 'web1',
        source: 'reconciled',
        blindSince,
        detail: 'libvirt was disconnected',
      }),
      event({ kind: 'port-attached', network: 'web1', bridge: 'vnbr1', port: 'vnet3', vm: 'web-vm1' }),
      event({ kind: 'network-started', network: 'web1', source: 'outside' }),
    ]);
    const replies = await fake.waitFor(
      () => {
        const all = fake.threadReplies(CHANNELS.alerts, parent?.ts ?? '');
        return all.length >= 2 ? all : undefined;
      },
      10_000,
      'the second reply in the web1 thread',
    );
    expect(replies).toHaveLength(2);
    // One reply per batch, every event of it on its own line.
    const lines = blockTexts(replies[1] ?? { text: '' })
      .join('\n')
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /\*stopped\* found afterwards: it happened while the monitor could not see \(since <!date\^\d+/,
    );
    expect(lines[0]).toContain('libvirt was disconnected');
    expect(lines[1]).toContain('*port vnet3 (VM web-vm1) attached to vnbr1*');
    expect(lines[2]).toContain('*started* :warning: *outside vnetops*');

    // Still one parent for the network, now showing its latest state.
    expect(fake.messages(CHANNELS.alerts).filter((m) => m.text.startsWith('web1 on '))).toHaveLength(1);
    const updated = await fake.waitFor(
      () => {
        const current = threadParentOf(fake, CHANNELS.alerts, 'web1');
        return current?.text === 'web1 on kvm1: started (outside vnetops)' ? current : undefined;
      },
      5000,
      'the parent updated in place',
    );
    expect(updated.ts).toBe(parent?.ts);
    expect(blockTexts(updated).join('\n')).toContain('4 alerts in this thread');
    expect(fake.calls('chat.update').some((call) => call.status === 200 && call.args.ts === parent?.ts)).toBe(true);
  });

  it('routes by network, host and kind to two channels, everything else to the default channel, and skips invalid entries', async () => {
    const fake = bot().fake;
    const expected: Record<string, string[]> = {
      lab3: [CHANNELS.labAlerts], // network lab*
      web3: [CHANNELS.healthAlerts], // health on kvm9
      lab4: [CHANNELS.labAlerts, CHANNELS.healthAlerts], // both routes
      web4: [CHANNELS.alerts], // health, but on kvm1
      web5: [CHANNELS.healthAlerts], // uplink lost, any host
      web6: [CHANNELS.alerts], // kvm9, but not a health kind
    };
    // An entry no worker would write: logged, acknowledged, and the ones after it still posted.
    await redis.xadd(monitorStreamKey(prefix), '*', 'e', '{"not":"an event"}');
    await writer.append([
      event({ kind: 'network-stopped', network: 'lab3' }),
      event({ kind: 'dnsmasq-died', network: 'web3', host: 'kvm9' }),
      event({ kind: 'dnsmasq-died', network: 'lab4', host: 'kvm9' }),
      event({ kind: 'dnsmasq-died', network: 'web4' }),
      event({ kind: 'uplink-carrier-lost', network: 'web5', port: 'eno1' }),
      event({ kind: 'network-started', network: 'web6', host: 'kvm9' }),
    ]);
    for (const [network, channels] of Object.entries(expected)) {
      for (const channel of channels)
        await waitForAlert(fake, channel, network, () => true, `${network} in ${channel}`);
    }
    await waitAllAcknowledged();
    for (const [network, channels] of Object.entries(expected)) {
      const shownIn = ALERT_CHANNELS.filter((channel) => alertsAbout(fake, channel, network).length > 0);
      expect(shownIn, network).toEqual(ALERT_CHANNELS.filter((channel) => channels.includes(channel)));
      for (const channel of channels)
        expect(alertsAbout(fake, channel, network), `${network} in ${channel}`).toHaveLength(1);
    }
    expect(alertsAbout(fake, CHANNELS.healthAlerts, 'web5')[0]?.change).toBe('uplink eno1 lost carrier');
  });

  it('posts a burst of 200 events over 50 networks as digests accounting for every event, through the rate limit', async () => {
    const fake = bot().fake;
    const start = Date.now();
    const kinds = ['network-defined', 'network-started', 'port-attached', 'network-stopped'] as const;
    const burst = Array.from({ length: 50 }, (_, n) =>
      kinds.map((kind) =>
        event({ kind, network: `burst${n}`, bridge: `vnbr${n}`, port: `vnet${n}`, source: 'outside' }),
      ),
    ).flat();
    expect(burst).toHaveLength(200);
    await writer.append(burst);

    const words = {
      'network-defined': 'defined',
      'network-started': 'started',
      'port-attached': (n: number) => `port vnet${n} attached to vnbr${n}`,
      'network-stopped': 'stopped',
    };
    const expected = Array.from({ length: 50 }, (_, n) =>
      kinds.map((kind) => {
        const word = words[kind];
        return `burst${n} ${typeof word === 'function' ? word(n) : word}`;
      }),
    ).flat();
    const seen = await fake.waitFor(
      () => {
        const rows = alertsIn(fake, CHANNELS.alerts).filter((a) => a.network.startsWith('burst'));
        return rows.length >= expected.length ? rows : undefined;
      },
      30_000,
      'all 200 events of the burst in the channel',
    );
    await waitAllAcknowledged();
    const final = alertsIn(fake, CHANNELS.alerts).filter((a) => a.network.startsWith('burst'));
    // Every event exactly once, all in digests (no thread per network), the outside cause on each.
    expect(final.map((a) => `${a.network} ${a.change}`).sort()).toEqual([...expected].sort());
    expect(seen.every((a) => a.form === 'digest' && a.line.includes('OUTSIDE vnetops'))).toBe(true);
    expect(fake.messages(CHANNELS.alerts).filter((m) => /^burst\d+ on /.test(m.text))).toEqual([]);

    // The fake's limit bit, and each 429 was waited out: the next post to the channel came a Retry-After (≥ 1 s) later.
    const posts = fake
      .calls('chat.postMessage')
      .filter((call) => call.at >= start && call.args.channel === CHANNELS.alerts);
    const limited = posts.filter((call) => call.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const call of limited) {
      const next = posts.find((later) => later.at > call.at);
      expect(next, 'a post after the 429').toBeDefined();
      expect((next?.at ?? 0) - call.at).toBeGreaterThanOrEqual(900);
    }
    const digests = posts.filter((call) => call.status === 200);
    expect(digests.length).toBe(fake.messages(CHANNELS.alerts).filter((m) => m.text.startsWith('Burst')).length);
    const metrics = await metricsOf(bot().bot.port);
    expect(metrics.get('vnetops_alert_batches_total{form="digest"}')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('vnetops_alert_events_total{outcome="posted"}')).toBeGreaterThanOrEqual(200);
    expect(metrics.get('vnetops_slack_rate_limited_total{method="chat.postMessage"}')).toBeGreaterThanOrEqual(
      limited.length,
    );
  });

  it('posts an event written twice only once, whether the copy comes at once or after the post', async () => {
    const fake = bot().fake;
    const died = event({ kind: 'dnsmasq-died', network: 'dup1', detail: 'dnsmasq (pid 4242) is gone' });
    await writer.append([died, died]);
    await waitForAlert(fake, CHANNELS.alerts, 'dup1', (a) => a.change.startsWith('dnsmasq died'), 'the dup1 alert');
    await waitAllAcknowledged();
    await writer.append([died]);
    await writer.append([event({ kind: 'dnsmasq-back', network: 'dup1' })]);
    await waitForAlert(
      fake,
      CHANNELS.alerts,
      'dup1',
      (a) => a.change.startsWith('dnsmasq runs again'),
      'the second dup1 alert',
    );
    await waitAllAcknowledged();
    expect(alertsAbout(fake, CHANNELS.alerts, 'dup1').map((a) => a.change)).toEqual([
      'dnsmasq died (no DHCP/DNS)',
      'dnsmasq runs again',
    ]);
    const metrics = await metricsOf(bot().bot.port);
    expect(metrics.get('vnetops_alert_events_total{outcome="duplicate"}')).toBe(2);
  });

  it('mutes and unmutes by slash command for operators only, audited, counting what it held back', async () => {
    const { fake, redis: botRedis } = bot();
    const denied = await fake.slashCommand({ userId: PEOPLE.viewer, channelId: CHANNELS.ops, text: 'mute mut1 1h' });
    expect(denied.body).toContain('operator');
    expect(await new MuteStore(botRedis, prefix).list()).toEqual([]);
    const tooLong = await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'mute mut1 8d' });
    expect(tooLong.body).toContain('at most 7d');

    const muted = await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'mute mut1 1h' });
    expect(muted.body).toContain('mute alerts about network mut1 for 1 h on every host');
    await fake.waitFor(
      () => fake.messages(CHANNELS.ops).find((m) => m.text.includes('muted alerts about mut1')),
      5000,
      'the mute notice in the channel',
    );
    await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'mute mut2 30m --host kvm9' });

    await writer.append([
      event({ kind: 'network-stopped', network: 'mut1' }),
      event({ kind: 'network-started', network: 'mut1', host: 'kvm2' }),
      event({ kind: 'network-stopped', network: 'mut2', host: 'kvm9' }),
      event({ kind: 'network-stopped', network: 'mut2', host: 'kvm1' }),
    ]);
    await waitForAlert(
      fake,
      CHANNELS.alerts,
      'mut2',
      (a) => a.change === 'stopped',
      'mut2 from the host it is not muted on',
    );
    await waitAllAcknowledged();
    expect(alertsAbout(fake, CHANNELS.alerts, 'mut1')).toEqual([]);
    expect(alertsAbout(fake, CHANNELS.alerts, 'mut2')).toHaveLength(1);
    expect(fake.messages(CHANNELS.alerts).find((m) => m.text.startsWith('mut2 on '))?.text).toBe(
      'mut2 on kvm1: stopped',
    );

    const unmuted = await fake.slashCommand({ userId: PEOPLE.operator, channelId: CHANNELS.ops, text: 'unmute mut1' });
    expect(unmuted.body).toContain('2 alerts were held back');
    const notice = await fake.waitFor(
      () => fake.messages(CHANNELS.ops).find((m) => m.text.includes('unmuted alerts about mut1')),
      5000,
      'the unmute notice',
    );
    expect(blockTexts(notice).join(' ')).toContain('2 alerts were held back');
    await writer.append([event({ kind: 'network-started', network: 'mut1' })]);
    await waitForAlert(fake, CHANNELS.alerts, 'mut1', (a) => a.change === 'started', 'mut1 after the unmute');

    const audit = await new AuditLog(botRedis, prefix).latest(20);
    expect(audit.filter((e) => e.network === 'mut1').map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ['unmute', PEOPLE.operator, 'unmuted'],
      ['mute', PEOPLE.operator, 'muted'],
    ]);
    expect(audit.find((e) => e.network === 'mut2')).toMatchObject({ action: 'mute', hostId: 'kvm9', outcome: 'muted' });
    const metrics = await metricsOf(bot().bot.port);
    expect(metrics.get('vnetops_alert_events_total{outcome="muted"}')).toBe(3);
  });
});

describe('a bot that dies', () => {
  it('posts after a restart, once, what it had read but not acknowledged, and skips what it had posted', async () => {
    await bot().stop();
    stack = undefined;
    const fake = await startTestFakeSlack(RATE_LIMITS);
    crashFake = fake;
    const configYaml = `${policyYaml('24h')}alerts:\n  channel: ${CHANNELS.alerts}\n`;

    // Posted, then died before acknowledging: read as the bot's consumer, marked posted, never acknowledged.
    const posted = event({ kind: 'network-undefined', network: 'gone1' });
    await writer.append([posted]);
    const connection = createRedisConnection({ url: REDIS_URL }, 'client');
    const taken = await new MonitorEventReader(connection, prefix, 'bot', hostname()).read(10, 100);
    connection.disconnect();
    expect(taken.map((e) => ('event' in e ? e.event.id : e.invalid))).toEqual([posted.id]);
    await new PostedEvents(redis, prefix).markPosted([{ id: posted.id, channel: CHANNELS.alerts }]);
    expect(await pendingEntries()).toBe(1);

    // A bot with a long window reads three events and is killed before it posts them.
    const first = await startBotProcess({
      slackApiUrl: fake.apiUrl,
      redis: { url: REDIS_URL },
      prefix,
      configYaml,
      env: { VNETOPS_ALERT_COALESCE_MS: '20000' },
    });
    children.push(first);
    await waitAllAcknowledged(15_000); // gone1 taken up and recognised as posted
    const crashed = ['crash1', 'crash2', 'crash3'].map((network) => event({ kind: 'network-stopped', network }));
    await writer.append(crashed);
    for (const deadline = Date.now() + 10_000; (await pendingEntries()) < 3;) {
      if (Date.now() > deadline) throw new Error(`the bot did not read the events:\n${first.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await first.kill();
    expect(await pendingEntries()).toBe(3);
    expect(fake.messages(CHANNELS.alerts)).toEqual([]);

    const second = await startBotProcess({
      slackApiUrl: fake.apiUrl,
      redis: { url: REDIS_URL },
      prefix,
      configYaml,
      env: { VNETOPS_ALERT_COALESCE_MS: '200' },
    });
    children.push(second);
    for (const network of ['crash1', 'crash2', 'crash3'])
      await waitForAlert(
        fake,
        CHANNELS.alerts,
        network,
        (a) => a.change === 'stopped',
        `${network} after the restart`,
        15_000,
      );
    await writer.append([event({ kind: 'network-defined', network: 'after1' })]);
    await waitForAlert(fake, CHANNELS.alerts, 'after1', (a) => a.change === 'defined', 'a new event after the restart');
    await waitAllAcknowledged();
    for (const network of ['crash1', 'crash2', 'crash3'])
      expect(alertsAbout(fake, CHANNELS.alerts, network), network).toHaveLength(1);
    expect(alertsAbout(fake, CHANNELS.alerts, 'gone1')).toEqual([]);
    await second.stop();
    expect(second.child.exitCode, second.output()).toBe(0);
  });

  it('stops within its grace period while Slack holds an alert back, and posts it after the next start', async () => {
    // One message a minute in the alerts channel, and that one already taken: the bot's post meets a 429 with Retry-After 60.
    const held = await startBotStack(
      { redisUrl: REDIS_URL },
      {
        prefix,
        rateLimits: { 'chat.postMessage': { ratePerMinute: 1, burst: 1, perChannel: true } },
        alerts: { channel: CHANNELS.alerts },
        alertFeed: { coalesceMs: 100 },
      },
    );
    stack = held;
    const other = new WebClient(BOT_TOKEN, {
      slackApiUrl: held.fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logLevel: WebLogLevel.ERROR,
    });
    await other.chat.postMessage({ channel: CHANNELS.alerts, text: 'someone else talking' });
    const start = Date.now();
    await writer.append([
      event({ kind: 'network-stopped', network: 'held1' }),
      event({ kind: 'network-started', network: 'held1' }),
    ]);
    await held.fake.waitFor(
      () => held.fake.calls('chat.postMessage').find((call) => call.at >= start && call.status === 429),
      10_000,
      "the bot's post rate limited",
    );

    const stopping = Date.now();
    await held.stop(); // bot.stop(5000)
    stack = undefined;
    expect(Date.now() - stopping).toBeLessThan(8000);
    expect(await pendingEntries()).toBe(2);

    stack = await startBotStack(
      { redisUrl: REDIS_URL },
      { prefix, alerts: { channel: CHANNELS.alerts }, alertFeed: { coalesceMs: 100 } },
    );
    const fake = stack.fake;
    await waitForAlert(fake, CHANNELS.alerts, 'held1', (a) => a.change === 'started', 'held1 after the restart');
    await waitAllAcknowledged();
    expect(alertsAbout(fake, CHANNELS.alerts, 'held1').map((a) => a.change)).toEqual(['stopped', 'started']);
  });
});
