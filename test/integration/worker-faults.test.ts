/**
 * Host workers under faults, for real: workers SIGKILLed again and again during a run of creates
 * and deletes on two sandbox hosts; Redis (with AOF) killed and restarted during a burst; libvirtd
 * restarted in the middle of a job. Figures are printed for the closing note.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient } from '../../src/libvirt/index.js';
import { type JobProgress } from '../../src/contract/index.js';
import { HostRegistry, JobClient, type JobOutcome, createRedisConnection } from '../../src/queue/index.js';
import {
  type SandboxHost,
  restartLibvirtd,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { dnsmasqPids, interfaceNames } from './helpers/sandbox-inspect.js';
import { waitUntil } from './helpers/wait.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import { TEST_APPROVAL, testJobSigner } from '../../tools/test-workspace.js';

const requestedBy = { userId: 'U1', userName: 'fault-test' };

describe('workers SIGKILLed repeatedly during creates and deletes on two hosts', () => {
  const prefix = `vnf-${randomUUID().slice(0, 8)}`;
  const NETWORKS_PER_HOST = Number(process.env.FAULT_NETWORKS_PER_HOST ?? 60);
  const MIN_KILLS = 10;
  const MAX_KILLS = 12;
  let hosts: SandboxHost[] = [];
  const workers = new Map<string, WorkerProcess>();
  let redis: Redis;
  let jobs: JobClient;

  beforeAll(async () => {
    hosts = await Promise.all([startSandboxHost('fk1'), startSandboxHost('fk2')]);
    for (const host of hosts) workers.set(host.name, await WorkerProcess.start(host, { hostId: host.name, prefix }));
    redis = createRedisConnection({ socketPath: hosts[0]!.redisSocketPath }, 'client');
    // Workers are down for a moment after each kill: the bot side must still accept the jobs.
    const registry = new HostRegistry(redis, prefix, 60_000);
    jobs = new JobClient({
      signer: testJobSigner(),
      redis: { socketPath: hosts[0]!.redisSocketPath },
      connection: redis,
      prefix,
      registry,
      attempts: 5,
    });
  });

  afterAll(async () => {
    await jobs?.close();
    await Promise.all([...workers.values()].map((w) => w.stop()));
    redis?.disconnect();
    await Promise.all(hosts.map((h) => stopSandboxHost(h.name)));
  });

  it(`ends with every job terminal, none lost, no duplicate network and nothing orphaned`, async () => {
    let kills = 0;
    let running = true;
    const killer = (async () => {
      // Kill a worker every ~3 s (alternating hosts) and restart it at once, while the run goes on.
      for (let round = 0; running && kills < MAX_KILLS; round++) {
        await new Promise((r) => setTimeout(r, 3000));
        if (!running) break;
        const host = hosts[round % hosts.length]!;
        await workers.get(host.name)!.kill();
        kills++;
        workers.set(host.name, await WorkerProcess.start(host, { hostId: host.name, prefix }));
      }
    })();

    const outcomes: {
      host: string;
      kind: 'create' | 'delete';
      name: string;
      outcome: JobOutcome<'create'> | JobOutcome<'delete'>;
    }[] = [];
    let pairs = 0;
    const createThenDelete = async (host: SandboxHost, name: string): Promise<void> => {
      pairs++;
      const create = await jobs.submit(
        host.name,
        'create',
        { requestedBy, request: { mode: 'isolated', name, dhcp: false } },
        { approval: TEST_APPROVAL },
      );
      const created = await jobs.waitForOutcome<'create'>(host.name, create.jobId, { timeoutMs: 300_000 });
      outcomes.push({ host: host.name, kind: 'create', name, outcome: created });
      // Delete whatever the create left, even if it failed: nothing may stay behind.
      const del = await jobs.submit(
        host.name,
        'delete',
        { requestedBy, name, force: true },
        { approval: TEST_APPROVAL },
      );
      const deleted = await jobs.waitForOutcome<'delete'>(host.name, del.jobId, { timeoutMs: 300_000 });
      outcomes.push({ host: host.name, kind: 'delete', name, outcome: deleted });
    };
    const startedAt = Date.now();
    await Promise.all(
      hosts.flatMap((host) => Array.from({ length: NETWORKS_PER_HOST }, (_, i) => createThenDelete(host, `f${i}`))),
    );
    // A fast machine can finish the run before the killer got to MIN_KILLS: keep jobs coming until it has.
    for (let round = 0; kills < MIN_KILLS; round++) {
      await Promise.all(
        hosts.flatMap((host) => Array.from({ length: 10 }, (_, i) => createThenDelete(host, `g${round}x${i}`))),
      );
    }
    running = false;
    await killer;
    const seconds = (Date.now() - startedAt) / 1000;

    const failed = outcomes.filter((o) => !o.outcome.ok);
    // A job whose worker was killed every time it ran ends 'interrupted' (told to the user, not lost);
    // the delete after such a create finds nothing, which is right. Anything else is a defect.
    const interrupted = failed.filter((o) => !o.outcome.ok && o.outcome.failure.code === 'interrupted');
    const deletesAfterInterrupted = failed.filter(
      (o) =>
        o.kind === 'delete' &&
        !o.outcome.ok &&
        o.outcome.failure.code === 'not-found' &&
        interrupted.some((i) => i.host === o.host && i.name === o.name),
    );
    const resumed = outcomes.filter(
      (o) => o.kind === 'create' && o.outcome.ok && (o.outcome.result as { alreadyDone?: boolean }).alreadyDone,
    ).length;
    // Figures for the closing note.
    console.log(
      JSON.stringify({
        test: 'worker-kills',
        jobs: outcomes.length,
        kills,
        seconds,
        failed: failed.length,
        interrupted: interrupted.length,
        resumedCreates: resumed,
      }),
    );

    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(outcomes).toHaveLength(pairs * 2);
    expect(pairs).toBeGreaterThanOrEqual(hosts.length * NETWORKS_PER_HOST);
    // A create may only fail for a reason the user can act on; lost (expired/internal) is a defect.
    const unexplained = failed.filter((f) => !interrupted.includes(f) && !deletesAfterInterrupted.includes(f));
    expect(
      unexplained.map((f) => `${f.host} ${f.kind} ${f.name}: ${JSON.stringify(!f.outcome.ok && f.outcome.failure)}`),
    ).toEqual([]);

    // Every job terminal in BullMQ too: nothing waiting, active or delayed.
    for (const host of hosts) {
      const counts = await redis.keys(`${prefix}:host.${host.name}:wait`);
      expect(counts).toEqual([]);
    }
    // No network left, no duplicate ever visible, no orphan bridge or dnsmasq.
    for (const host of hosts) {
      const libvirt = await LibvirtClient.connect(host.uri);
      try {
        expect(await libvirt.listNetworks()).toEqual([]);
      } finally {
        await libvirt.close();
      }
      expect(await interfaceNames(host, 'bridge')).toEqual([]);
      expect(dnsmasqPids(host)).toEqual([]);
    }
  }, 900_000);
});

describe('Redis (AOF) killed and restarted during a burst', () => {
  const prefix = `vnr-${randomUUID().slice(0, 8)}`;
  let host: SandboxHost;
  let worker: WorkerProcess | undefined;
  let redisDir: string;
  let redisServer: ChildProcess | undefined;
  let redis: Redis;
  let jobs: JobClient;

  function startRedis(): ChildProcess {
    const server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--unixsocket',
        join(redisDir, 'redis.sock'),
        '--unixsocketperm',
        '700',
        '--dir',
        redisDir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    return server;
  }

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'vnetops-aof-'));
    redisServer = startRedis();
    host = await startSandboxHost('rr1');
    const socket = join(redisDir, 'redis.sock');
    await waitUntil('redis socket', () => {
      try {
        return readFileSync(socket) !== undefined;
      } catch (error) {
        return (
          (error as NodeJS.ErrnoException).code === 'ENXIO' || (error as NodeJS.ErrnoException).code === 'EOPNOTSUPP'
        );
      }
    });
    worker = await WorkerProcess.start(host, { hostId: 'rr1', prefix, redisSocket: socket });
    // Errors while Redis is down are expected here; ioredis reconnects by itself.
    redis = createRedisConnection({ socketPath: socket }, 'worker', {}, () => undefined);
    jobs = new JobClient({
      signer: testJobSigner(),
      redis: { socketPath: socket },
      connection: redis,
      prefix,
      registry: new HostRegistry(redis, prefix, 60_000),
    });
  });

  afterAll(async () => {
    await jobs?.close();
    await worker?.stop();
    redis?.disconnect();
    redisServer?.kill('SIGKILL');
    await stopSandboxHost('rr1');
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('loses no acknowledged job, and the worker carries on by itself', async () => {
    const acknowledged: string[] = [];
    let restarted = false;
    const burst = (async () => {
      for (let i = 0; i < 300; i++) {
        try {
          acknowledged.push((await jobs.submit('rr1', 'list', { requestedBy })).jobId);
        } catch {
          // Not acknowledged (Redis down at that moment): the bot would tell the user; not counted.
        }
        if (i === 100) {
          redisServer!.kill('SIGKILL');
          await new Promise((r) => redisServer!.once('exit', r));
          redisServer = startRedis();
          restarted = true;
        }
      }
    })();
    await burst;
    expect(restarted).toBe(true);
    const outcomes = await Promise.all(
      acknowledged.map((id) => jobs.waitForOutcome<'list'>('rr1', id, { timeoutMs: 120_000 })),
    );
    const notDone = outcomes.filter((o) => !o.ok);
    console.log(
      JSON.stringify({
        test: 'redis-restart',
        acknowledged: acknowledged.length,
        completed: outcomes.length - notDone.length,
      }),
    );
    expect(acknowledged.length).toBeGreaterThan(200);
    expect(notDone).toEqual([]);
    expect(worker!.child.exitCode).toBeNull();
  }, 300_000);
});

describe('libvirtd restarted in the middle of a job', () => {
  const prefix = `vnl-${randomUUID().slice(0, 8)}`;
  let host: SandboxHost;
  let worker: WorkerProcess | undefined;
  let redis: Redis;
  let jobs: JobClient;

  beforeAll(async () => {
    host = await startSandboxHost('lr1');
    worker = await WorkerProcess.start(host, { hostId: 'lr1', prefix });
    redis = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
    jobs = new JobClient({
      signer: testJobSigner(),
      redis: { socketPath: host.redisSocketPath },
      connection: redis,
      prefix,
      registry: new HostRegistry(redis, prefix, 60_000),
    });
  });

  afterAll(async () => {
    await jobs?.close();
    await worker?.stop();
    redis?.disconnect();
    await stopSandboxHost('lr1');
  });

  it('the job fails with a clear reason or retries to success; the worker reconnects', async () => {
    const { jobId } = await jobs.submit(
      'lr1',
      'create',
      { requestedBy, request: { mode: 'nat', name: 'lr-net' } },
      { approval: TEST_APPROVAL },
    );
    let restarting: Promise<SandboxHost> | undefined;
    const progress: JobProgress[] = [];
    const outcome = await jobs.waitForOutcome<'create'>('lr1', jobId, {
      timeoutMs: 120_000,
      onProgress: (p) => {
        progress.push(p);
        // Restart the daemon as soon as the job is under way.
        if (!restarting) restarting = restartLibvirtd(host);
      },
    });
    expect(restarting).toBeDefined();
    host = await restarting!;
    console.log(JSON.stringify({ test: 'libvirtd-restart', outcome, steps: progress.map((p) => p.step) }));
    if (outcome.ok) {
      expect(outcome.result.name).toBe('lr-net');
    } else {
      expect(outcome.failure.code).toBe('libvirt-unavailable');
      expect(outcome.failure.message).toMatch(/^libvirt is not reachable on this host right now/);
    }
    await worker!.waitForLog('libvirt connection restored');
    // The worker works again: a fresh job goes through, and the network is there exactly once (or not at all).
    const list = await jobs.submit('lr1', 'list', { requestedBy });
    const listed = await jobs.waitForOutcome<'list'>('lr1', list.jobId, { timeoutMs: 60_000 });
    expect(listed.ok).toBe(true);
    if (listed.ok)
      expect(listed.result.networks.filter((n) => n.name === 'lr-net').length).toBe(
        outcome.ok ? 1 : listed.result.networks.length,
      );
  }, 180_000);

  it('SIGTERM during a job lets the job finish, then the worker exits cleanly and shows down', async () => {
    const { jobId } = await jobs.submit(
      'lr1',
      'create',
      { requestedBy, request: { mode: 'isolated', name: 'term-net' } },
      { approval: TEST_APPROVAL },
    );
    let terminated = false;
    const outcome = await jobs.waitForOutcome<'create'>('lr1', jobId, {
      timeoutMs: 60_000,
      onProgress: (p) => {
        if (p.step === 'define' && !terminated) {
          terminated = true;
          worker!.signal('SIGTERM');
        }
      },
    });
    expect(terminated).toBe(true);
    expect(outcome).toMatchObject({ ok: true, result: { name: 'term-net' } });
    expect(await worker!.stop()).toBe(0);
    worker = undefined;
    const registry = new HostRegistry(redis, prefix, 60_000);
    expect((await registry.get('lr1'))?.up).toBe(false);
  }, 120_000);
});
