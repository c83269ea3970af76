/**
 * The event monitor in a real host worker: a sandbox libvirt host, the worker process inside its
 * network namespace, real Redis. Changes are made by hand (virsh, ip) and by vnetops jobs, and the
 * events the worker appends to the monitor stream are read back as the bot would read them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobName, type JobPayload, type MonitorEvent } from '../../src/contract/index.js';
import { HostRegistry, JobClient, createRedisConnection } from '../../src/queue/index.js';
import {
  type SandboxHost,
  attachVethGuest,
  detachVethGuest,
  execInSandbox,
  requestDhcpLease,
  restartLibvirtd,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { MonitorEventLog } from './helpers/monitor-events.js';
import { dnsmasqPidFromFile } from './helpers/sandbox-inspect.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import { TEST_APPROVAL, testJobSigner } from '../../tools/test-workspace.js';

const HOST = 'mw1';
const prefix = `mon-${randomUUID().slice(0, 8)}`;
const requestedBy = { userId: 'UANA0001', userName: 'ana' };
const WORKER_ENV = { VNETOPS_MONITOR_HEALTH_MS: '300' };
let host: SandboxHost;
let worker: WorkerProcess | undefined;
let events: MonitorEventLog;
let redis: Redis;
let jobs: JobClient;
let xmlDir: string;

/** Defines a network by hand with virsh, as an operator would. */
async function defineByHand(
  name: string,
  bridge: string,
  third: number,
  range: [number, number] = [100, 150],
): Promise<void> {
  const file = join(xmlDir, `${name}.xml`);
  writeFileSync(
    file,
    `<network><name>${name}</name><bridge name='${bridge}' stp='off'/><ip address='10.210.${third}.1' prefix='24'>` +
      `<dhcp><range start='10.210.${third}.${range[0]}' end='10.210.${third}.${range[1]}'/></dhcp></ip></network>`,
  );
  await virsh(host, ['net-define', file]);
}

async function runJob<N extends JobName>(name: N, payload: Omit<JobPayload<N>, 'requestedBy'>): Promise<string> {
  const { jobId } = await jobs.submit(HOST, name, { requestedBy, ...payload } as JobPayload<N>, {
    approval: TEST_APPROVAL,
  });
  const outcome = await jobs.waitForOutcome<N>(HOST, jobId, { timeoutMs: 30_000 });
  if (!outcome.ok) throw new Error(`${name} failed: ${JSON.stringify(outcome.failure)}`);
  return jobId;
}

const about = (network: string, kind: MonitorEvent['kind'], source?: MonitorEvent['source']) => (event: MonitorEvent) =>
  event.network === network && event.kind === kind && (source === undefined || event.source === source);

/** Events that arrived after the first `from` ones. */
const since = (from: number, predicate: (event: MonitorEvent) => boolean): MonitorEvent[] =>
  events.events.slice(from).filter(predicate);

beforeAll(async () => {
  xmlDir = mkdtempSync(join(tmpdir(), 'vnetops-mon-'));
  host = await startSandboxHost(HOST);
  events = await MonitorEventLog.start(host.redisSocketPath, prefix);
  worker = await WorkerProcess.start(host, { hostId: HOST, prefix, env: WORKER_ENV });
  redis = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
  jobs = new JobClient({
    redis: { socketPath: host.redisSocketPath },
    connection: redis,
    prefix,
    registry: new HostRegistry(redis, prefix, 3000),
    signer: testJobSigner(),
  });
});

afterAll(async () => {
  await jobs?.close();
  await worker?.stop();
  await events?.stop();
  redis?.disconnect();
  await stopSandboxHost(HOST);
  if (xmlDir) rmSync(xmlDir, { recursive: true, force: true });
});

describe('network lifecycle', () => {
  it('reports a network defined and started by hand as changed outside vnetops', async () => {
    await defineByHand('hand1', 'vnbr50', 50);
    await virsh(host, ['net-start', 'hand1']);
    const defined = await events.waitFor(about('hand1', 'network-defined'));
    const started = await events.waitFor(about('hand1', 'network-started'));
    expect([defined.source, started.source]).toEqual(['outside', 'outside']);
    expect(started.host).toBe(HOST);
    expect(started.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.job).toBeUndefined();
  });

  it("attributes a job's own stop and start to the job and its requester, not to outside hands", async () => {
    const mark = events.events.length;
    const stopJob = await runJob('stop', { name: 'hand1' });
    const stopped = await events.waitFor(
      (e) => about('hand1', 'network-stopped')(e) && events.events.indexOf(e) >= mark,
    );
    expect(stopped).toMatchObject({
      source: 'job',
      job: { id: stopJob, name: 'stop', userId: requestedBy.userId, userName: 'ana' },
    });
    const startJob = await runJob('start', { name: 'hand1' });
    const started = await events.waitFor(
      (e) => about('hand1', 'network-started')(e) && events.events.indexOf(e) >= mark,
    );
    expect(started).toMatchObject({ source: 'job', job: { id: startJob, name: 'start' } });
    expect(since(mark, (e) => e.network === 'hand1' && e.source === 'outside')).toEqual([]);
  });

  it('attributes every event of a create job to it', async () => {
    const mark = events.events.length;
    const jobId = await runJob('create', { request: { mode: 'isolated', name: 'byjob1' } });
    await events.waitFor((e) => about('byjob1', 'network-started')(e) && events.events.indexOf(e) >= mark);
    const mine = since(mark, (e) => e.network === 'byjob1');
    expect(mine.map((e) => [e.kind, e.source, e.job?.id])).toEqual([
      ['network-defined', 'job', jobId],
      ['network-started', 'job', jobId],
    ]);
  });

  it('reports net-destroy by hand as outside vnetops', async () => {
    const mark = events.events.length;
    await virsh(host, ['net-destroy', 'byjob1']);
    const stopped = await events.waitFor(
      (e) => about('byjob1', 'network-stopped')(e) && events.events.indexOf(e) >= mark,
    );
    expect(stopped.source).toBe('outside');
  });
});

describe('bridges and ports', () => {
  it('reports a guest port attached and detached, naming the bridge and the network', async () => {
    const mark = events.events.length;
    const guest = await attachVethGuest(host, 'vnbr50', 'g1', { waitForwarding: false });
    const attached = await events.waitFor(
      (e) => e.kind === 'port-attached' && events.events.indexOf(e) >= mark,
      5000,
      'port-attached',
    );
    expect(attached).toMatchObject({ bridge: 'vnbr50', port: 'vg-g1', network: 'hand1', source: 'observed' });
    await detachVethGuest(guest);
    const detached = await events.waitFor(
      (e) => e.kind === 'port-detached' && events.events.indexOf(e) >= mark,
      5000,
      'port-detached',
    );
    expect(detached).toMatchObject({ bridge: 'vnbr50', port: 'vg-g1', network: 'hand1' });
  });

  it('reports the bridge link going down and coming back', async () => {
    const mark = events.events.length;
    await execInSandbox(host, 'ip', ['link', 'set', 'vnbr50', 'down']);
    const down = await events.waitFor(
      (e) => e.kind === 'bridge-down' && events.events.indexOf(e) >= mark,
      5000,
      'bridge-down',
    );
    expect(down).toMatchObject({ bridge: 'vnbr50', network: 'hand1' });
    await execInSandbox(host, 'ip', ['link', 'set', 'vnbr50', 'up']);
    await events.waitFor(
      (e) => e.kind === 'bridge-up' && e.bridge === 'vnbr50' && events.events.indexOf(e) >= mark,
      5000,
      'bridge-up',
    );
  });
});

describe('health checks', () => {
  it("reports a network's dnsmasq killed", async () => {
    const pid = dnsmasqPidFromFile(host, 'hand1');
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, 'SIGKILL');
    const died = await events.waitFor(about('hand1', 'dnsmasq-died'), 5000, 'dnsmasq-died');
    expect(died.detail).toContain(String(pid));
    // Restarting the network brings a new dnsmasq; the stop/start clears the alarm without a "back".
    await virsh(host, ['net-destroy', 'hand1']);
    await virsh(host, ['net-start', 'hand1']);
  });

  it('reports a DHCP range nearly full', async () => {
    await defineByHand('tiny1', 'vnbr51', 51, [100, 101]);
    await virsh(host, ['net-start', 'tiny1']);
    const guests = [
      await attachVethGuest(host, 'vnbr51', 't1', { waitForwarding: false }),
      await attachVethGuest(host, 'vnbr51', 't2', { waitForwarding: false }),
    ];
    try {
      for (const guest of guests) await requestDhcpLease(guest, { timeoutMs: 15_000 });
      const full = await events.waitFor(about('tiny1', 'dhcp-nearly-full'), 5000, 'dhcp-nearly-full');
      expect(full.detail).toContain('2 of 2');
    } finally {
      for (const guest of guests) await detachVethGuest(guest);
    }
  });
});

describe('while the monitor was blind', () => {
  it('reports a network destroyed by hand while libvirtd restarted as changed while disconnected', async () => {
    const mark = events.events.length;
    const child = worker as WorkerProcess;
    // Freeze the worker so it cannot see the restart or the destroy as they happen.
    process.kill(child.pid, 'SIGSTOP');
    try {
      host = await restartLibvirtd(host);
      await virsh(host, ['net-destroy', 'hand1']);
    } finally {
      process.kill(child.pid, 'SIGCONT');
    }
    const stopped = await events.waitFor(
      (e) => about('hand1', 'network-stopped')(e) && events.events.indexOf(e) >= mark,
      15_000,
      'reconciled stop',
    );
    expect(stopped.source).toBe('reconciled');
    expect(stopped.blindSince).toBeGreaterThan(0);
    expect(stopped.detail).toMatch(/disconnected/);
  });

  it('reports what changed while the worker was down, after it restarts', async () => {
    await worker?.stop();
    worker = undefined;
    const mark = events.events.length;
    await virsh(host, ['net-start', 'hand1']);
    await virsh(host, ['net-undefine', 'byjob1']);
    worker = await WorkerProcess.start(host, { hostId: HOST, prefix, env: WORKER_ENV });
    const started = await events.waitFor(
      (e) => about('hand1', 'network-started')(e) && events.events.indexOf(e) >= mark,
      10_000,
      'reconciled start',
    );
    const undefinedEvent = await events.waitFor(
      (e) => about('byjob1', 'network-undefined')(e) && events.events.indexOf(e) >= mark,
      10_000,
      'reconciled undefine',
    );
    for (const event of [started, undefinedEvent]) {
      expect(event.source).toBe('reconciled');
      expect(event.detail).toMatch(/no worker was watching/);
    }
    expect(events.invalid).toEqual([]);
  });
});
