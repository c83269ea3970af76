/**
 * Hosts gone dark and back, as on-call sees them: a real host worker on a sandbox host, stopped with
 * SIGSTOP (a hung or cut-off host: no heartbeat, no goodbye) and resumed; the real Bolt app turns the
 * lapse into a `host-unreachable` alert and the return into `host-back` with how long it was gone,
 * in one thread for the host; libvirtd away past the worker's grace is `libvirt-disconnected`, then
 * `libvirt-back` with what reconcile found. Two watches on one Redis (two bot replicas) report each change once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { HostWatch } from '../../src/app/host-watch.js';
import { duration } from '../../src/text/index.js';
import { type HostRecord, type MonitorEvent, monitorStreamKey } from '../../src/contract/index.js';
import { HostRegistry, MonitorEventWriter, createRedisConnection } from '../../src/queue/index.js';
import {
  type SandboxHost,
  restartLibvirtd,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import { type BotStack, CHANNELS, newPrefix, startBotStack } from './helpers/bot-stack.js';

const HOST = 'hw1';
const LIBVIRT_GRACE_MS = 500;
let host: SandboxHost;
let worker: WorkerProcess | undefined;
let stack: BotStack;

beforeAll(async () => {
  host = await startSandboxHost(HOST);
  const prefix = newPrefix('vhw');
  worker = await WorkerProcess.start(host, {
    hostId: HOST,
    prefix,
    heartbeatMs: 500,
    env: { VNETOPS_LIBVIRT_GRACE_MS: String(LIBVIRT_GRACE_MS) },
  });
  stack = await startBotStack(host, { prefix, alerts: { channel: CHANNELS.alerts, coalesceMs: 200 } });
});

afterAll(async () => {
  worker?.signal('SIGCONT');
  await stack?.stop();
  await worker?.stop();
  await stopSandboxHost(HOST);
});

/** Every text of a message, flattened. */
function shown(message: unknown): string {
  return JSON.stringify(message);
}

describe('a host that goes dark', () => {
  it('is reported unreachable once its heartbeat lapses, and back (with how long) when it returns: one thread', async () => {
    const hostThread = () =>
      stack.fake
        .messages(CHANNELS.alerts)
        .filter((m) => shown(m).includes(`Host \`${HOST}\``) && (m.thread_ts === undefined || m.thread_ts === m.ts));
    expect(hostThread()).toEqual([]);

    worker!.signal('SIGSTOP');
    const parent = await stack.fake.waitFor(() => hostThread().find((m) => /host unreachable/.test(shown(m))), 20_000);
    const lapse = await stack.fake.waitFor(
      () =>
        stack.fake
          .threadReplies(CHANNELS.alerts, parent.ts)
          .find((m) => /no heartbeat from its worker for \d+ s/.test(shown(m))),
      10_000,
    );
    expect(shown(lapse)).toContain(':red_circle:');

    worker!.signal('SIGCONT');
    await stack.fake.waitFor(
      () =>
        stack.fake
          .threadReplies(CHANNELS.alerts, parent.ts)
          .find((m) => /host back/.test(shown(m)) && /heard from again after \d+ (s|min)/.test(shown(m))),
      20_000,
    );
    // The parent now shows the latest state, and the host has one thread, not one per change.
    await stack.fake.waitFor(() => hostThread().find((m) => m.ts === parent.ts && /host back/.test(shown(m))), 10_000);
    expect(hostThread()).toHaveLength(1);
    const lines = stack.fake
      .threadReplies(CHANNELS.alerts, parent.ts)
      .flatMap((m) => shown(m).match(/\*host (unreachable|back)\*/g) ?? []);
    expect(lines).toEqual(['*host unreachable*', '*host back*']);
  });
});

describe('a host whose libvirtd is away', () => {
  it('says libvirt is unreachable past the grace, and back with how long and what reconcile found', async () => {
    const hostReplies = () => {
      const parent = stack.fake
        .messages(CHANNELS.alerts)
        .find((m) => shown(m).includes(`Host \`${HOST}\``) && (m.thread_ts === undefined || m.thread_ts === m.ts));
      return parent ? stack.fake.threadReplies(CHANNELS.alerts, parent.ts).map(shown) : [];
    };
    const before = hostReplies().length;
    // Down for four times the grace: long enough to be news, and the worker reconnects by itself.
    host = await restartLibvirtd(host, { downForMs: 4 * LIBVIRT_GRACE_MS });
    await stack.fake.waitFor(
      () =>
        hostReplies()
          .slice(before)
          .some((text) => /\*libvirt unreachable\* — the worker has had no libvirt connection for \d+ s/.test(text))
          ? true
          : undefined,
      20_000,
    );
    const back = await stack.fake.waitFor(
      () =>
        hostReplies()
          .slice(before)
          .find((text) => /\*libvirt back\* — reconnected after \d+ s; nothing changed meanwhile/.test(text)),
      20_000,
    );
    expect(back).toContain(':large_green_circle:');
  });
});

describe('several bot replicas', () => {
  it('report each change of a host once between them, and nothing while nothing changes', async () => {
    const redis = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
    const prefix = newPrefix('vhr');
    try {
      const registry = new HostRegistry(redis, prefix, 3000);
      const watches = [0, 1].map(
        () =>
          new HostWatch({
            registry,
            redis,
            prefix,
            writer: new MonitorEventWriter(redis, prefix),
            log: pino({ level: 'silent' }),
          }),
      );
      const now = Date.now();
      const record: HostRecord = {
        hostId: 'r1',
        hostname: 'r1',
        libvirtVersion: '9.0.0',
        networks: 0,
        libvirtConnected: true,
        lastHeartbeat: now - 60_000,
        startedAt: now - 3_600_000,
        workerVersion: 'test',
        heartbeatMs: 1000,
      };
      const kinds = async (): Promise<string[]> =>
        (await redis.xrange(monitorStreamKey(prefix), '-', '+')).map(
          ([, fields]) => (JSON.parse(fields[1]!) as MonitorEvent).kind,
        );

      await registry.publish(record);
      await Promise.all(watches.map((watch) => watch.check(now)));
      await Promise.all(watches.map((watch) => watch.check(now + 1000)));
      expect(await kinds()).toEqual(['host-unreachable']);

      await registry.publish({ ...record, lastHeartbeat: now + 2000 });
      await Promise.all(watches.map((watch) => watch.check(now + 2500)));
      await Promise.all(watches.map((watch) => watch.check(now + 3000)));
      expect(await kinds()).toEqual(['host-unreachable', 'host-back']);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

describe('duration', () => {
  it('reads as a person would say it', () => {
    expect([duration(400), duration(45_000), duration(185_000), duration(7_800_000)]).toEqual([
      '0 s',
      '45 s',
      '3 min 5 s',
      '2 h 10 min',
    ]);
  });
});
