/**
 * Host workers end to end: two sandbox libvirt hosts, a real worker process inside each one's
 * network namespace, real Redis (the sandbox's, over its unix socket), jobs submitted through the
 * bot-side JobClient. Each job type is checked against what really happened on the host.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient } from '../../src/libvirt/index.js';
import { renderNetworkXml } from '../../src/network/index.js';
import { type JobName, type JobPayload, type JobProgress, type JobResult } from '../../src/contract/index.js';
import {
  HostRegistry,
  HostUnavailableError,
  JobClient,
  type JobOutcome,
  createRedisConnection,
} from '../../src/queue/index.js';
import {
  type SandboxHost,
  attachVethGuest,
  detachVethGuest,
  requestDhcpLease,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { interfaceNames } from './helpers/sandbox-inspect.js';
import { waitUntil } from './helpers/wait.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import { TEST_APPROVAL, testJobSigner } from '../../tools/test-workspace.js';

const prefix = `vnt-${randomUUID().slice(0, 8)}`;
const requestedBy = { userId: 'U123', userName: 'ana' };
let h1: SandboxHost;
let h2: SandboxHost;
let w1: WorkerProcess | undefined;
let w2: WorkerProcess | undefined;
let redis: Redis;
let registry: HostRegistry;
let jobs: JobClient;

async function run<N extends JobName>(
  hostId: string,
  name: N,
  payload: Omit<JobPayload<N>, 'requestedBy'>,
  progress?: JobProgress[],
): Promise<JobOutcome<N>> {
  const { jobId } = await jobs.submit(hostId, name, { requestedBy, ...payload } as JobPayload<N>, {
    approval: TEST_APPROVAL,
  });
  return jobs.waitForOutcome<N>(hostId, jobId, { timeoutMs: 60_000, onProgress: (p) => progress?.push(p) });
}

async function ok<N extends JobName>(
  hostId: string,
  name: N,
  payload: Omit<JobPayload<N>, 'requestedBy'>,
): Promise<JobResult<N>> {
  const outcome = await run(hostId, name, payload);
  if (!outcome.ok) throw new Error(`${name} on ${hostId} failed: ${JSON.stringify(outcome.failure)}`);
  return outcome.result;
}

const interfaces = (host: SandboxHost): Promise<string[]> => interfaceNames(host);

beforeAll(async () => {
  [h1, h2] = await Promise.all([startSandboxHost('wk1'), startSandboxHost('wk2')]);
  [w1, w2] = await Promise.all([
    WorkerProcess.start(h1, { hostId: 'wk1', prefix }),
    WorkerProcess.start(h2, { hostId: 'wk2', prefix }),
  ]);
  redis = createRedisConnection({ socketPath: h1.redisSocketPath }, 'client');
  registry = new HostRegistry(redis, prefix, 2000);
  jobs = new JobClient({
    redis: { socketPath: h1.redisSocketPath },
    connection: redis,
    prefix,
    registry,
    signer: testJobSigner(),
  });
});

afterAll(async () => {
  await jobs?.close();
  await Promise.all([w1?.stop(), w2?.stop()]);
  redis?.disconnect();
  await Promise.all([stopSandboxHost('wk1'), stopSandboxHost('wk2')]);
});

describe('host registry', () => {
  it('lists both hosts as up, with what their workers report', async () => {
    const hosts = await registry.list();
    expect(hosts.map((h) => [h.hostId, h.up, h.libvirtConnected, h.libvirtVersion])).toEqual([
      ['wk1', true, true, '9.0.0'],
      ['wk2', true, true, '9.0.0'],
    ]);
    expect(await ok('wk1', 'host-info', {})).toMatchObject({ hostId: 'wk1', libvirtVersion: '9.0.0', networks: 0 });
  });
});

describe('create and the read jobs', () => {
  it('plans without changing anything, then creates with the planned subnet and bridge, reporting each step', async () => {
    const plan = await ok('wk1', 'plan', { request: { mode: 'isolated', name: 'lab1' } });
    expect(plan).toMatchObject({
      subnetChosen: true,
      bridgeChosen: true,
      spec: { mode: 'isolated', bridge: 'vnbr0', ipv4: { subnet: '10.200.0.0/24' } },
    });
    expect(plan.xml).toContain('<bridge name="vnbr0"');
    expect((await ok('wk1', 'list', {})).networks).toEqual([]);

    const progress: JobProgress[] = [];
    const created = await run(
      'wk1',
      'create',
      { request: { mode: 'isolated', name: 'lab1', autostart: true, description: 'lab <one> & "two"' } },
      progress,
    );
    expect(created).toMatchObject({
      ok: true,
      result: { name: 'lab1', bridge: 'vnbr0', subnet: '10.200.0.0/24', alreadyDone: false },
    });
    expect(progress.map((p) => p.step)).toEqual(['check', 'plan', 'define', 'start', 'autostart']);
    expect(await interfaces(h1)).toContain('vnbr0');
    expect(await interfaces(h2)).not.toContain('vnbr0');
  });

  it('lists per host: the network is on wk1 only', async () => {
    const [list1, list2] = await Promise.all([ok('wk1', 'list', {}), ok('wk2', 'list', {})]);
    expect(list1.networks).toEqual([
      expect.objectContaining({
        name: 'lab1',
        active: true,
        persistent: true,
        autostart: true,
        mode: 'isolated',
        bridge: 'vnbr0',
        subnets: ['10.200.0.0/24'],
      }),
    ]);
    expect(list2.networks).toEqual([]);
  });

  it('info gives the spec with who asked, the XML and the bridge state', async () => {
    const info = await ok('wk1', 'info', { name: 'lab1', includeXml: true });
    expect(info.spec).toMatchObject({
      mode: 'isolated',
      metadata: { requestedBy: 'ana', description: 'lab <one> & "two"' },
    });
    expect(info.xml).toContain('lab &lt;one&gt; &amp; "two"');
    expect(info.bridge).toMatchObject({ name: 'vnbr0', stp: true, addresses: ['10.200.0.1/24'], ports: [] });
  });

  it('a second network gets the next free subnet and bridge', async () => {
    const created = await ok('wk1', 'create', { request: { mode: 'nat', name: 'lab2' } });
    expect(created).toMatchObject({ bridge: 'vnbr1', subnet: '10.200.1.0/24' });
  });

  it('refuses a subnet overlapping another network, naming it', async () => {
    const outcome = await run('wk1', 'create', { request: { mode: 'routed', name: 'lab3', subnet: '10.200.0.0/16' } });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.code).toBe('conflict');
    expect(outcome.failure.step).toBe('plan');
    expect(outcome.failure.message).toMatch(/^subnet 10\.200\.0\.0\/16 (overlaps|contains).*network "lab1"/);
    expect((await ok('wk1', 'list', {})).networks.map((n) => n.name)).toEqual(['lab1', 'lab2']);
  });

  it('refuses an invalid request with the validation message, and a taken name as a conflict', async () => {
    const invalid = await run('wk1', 'create', { request: { mode: 'isolated', name: 'Lab 4' } });
    expect(invalid).toMatchObject({ ok: false, failure: { code: 'invalid-request' } });
    if (!invalid.ok) expect(invalid.failure.message).toContain('network name "Lab 4"');
    const taken = await run('wk1', 'create', { request: { mode: 'isolated', name: 'lab1' } });
    expect(taken).toMatchObject({ ok: false, failure: { code: 'conflict', step: 'check' } });
    if (!taken.ok)
      expect(taken.failure.message).toMatch(
        /a network named "lab1" already exists on host wk1 \(created by job [\w-]+\)/,
      );
  });

  it('resumes its own half-made network instead of making a second one (same job id)', async () => {
    const libvirt = await LibvirtClient.connect(h1.uri);
    try {
      const jobId = `resume-${randomUUID().slice(0, 8)}`;
      const spec = {
        mode: 'isolated',
        name: 'half1',
        bridge: 'vnhalf1',
        autostart: false,
        ipv4: { subnet: '10.201.0.0/24', gateway: '10.201.0.1' },
        metadata: { jobId },
      } as const;
      await libvirt.defineNetwork(renderNetworkXml(spec)); // as if a worker died right after define
      const { jobId: submitted } = await jobs.submit(
        'wk1',
        'create',
        { requestedBy, request: { mode: 'isolated', name: 'half1' } },
        { jobId, approval: TEST_APPROVAL },
      );
      const outcome = await jobs.waitForOutcome<'create'>('wk1', submitted, { timeoutMs: 60_000 });
      expect(outcome).toMatchObject({
        ok: true,
        result: { name: 'half1', alreadyDone: true, subnet: '10.201.0.0/24' },
      });
      expect(await libvirt.isActive('half1')).toBe(true);
      expect((await libvirt.listNetworks()).filter((n) => n.name === 'half1')).toHaveLength(1);
    } finally {
      await libvirt.close();
    }
    await ok('wk1', 'delete', { name: 'half1' });
  });
});

describe('changing networks', () => {
  it('stop and start report whether they had anything to do', async () => {
    expect(await ok('wk1', 'stop', { name: 'lab2' })).toMatchObject({ alreadyDone: false });
    expect(await ok('wk1', 'stop', { name: 'lab2' })).toMatchObject({ alreadyDone: true });
    expect(await interfaces(h1)).not.toContain('vnbr1');
    expect(await ok('wk1', 'start', { name: 'lab2' })).toMatchObject({ alreadyDone: false });
    expect(await interfaces(h1)).toContain('vnbr1');
  });

  it('autostart off and on', async () => {
    expect(await ok('wk1', 'autostart', { name: 'lab1', enabled: false })).toMatchObject({ enabled: false });
    expect((await ok('wk1', 'list', {})).networks.find((n) => n.name === 'lab1')?.autostart).toBe(false);
    await ok('wk1', 'autostart', { name: 'lab1', enabled: true });
  });

  it('list sees changes made by hand: lifecycle changes through libvirt events, autostart within the 2 s listing age', async () => {
    const listed = async (name: string) => (await ok('wk1', 'list', {})).networks.find((n) => n.name === name);
    expect(await listed('lab2')).toMatchObject({ active: true }); // the listing is now in the worker's memory
    const primedAt = Date.now();
    await virsh(h1, ['net-destroy', 'lab2']);
    await waitUntil('list shows lab2 stopped', async () => (await listed('lab2'))?.active === false, 5000);
    // A listing is kept up to 2 s; seeing the change sooner means the lifecycle event dropped it.
    expect(Date.now() - primedAt).toBeLessThan(1500);
    await virsh(h1, ['net-start', 'lab2']);
    await waitUntil('list shows lab2 running', async () => (await listed('lab2'))?.active === true, 5000);

    // libvirt raises no event for autostart: the listing's age bounds how stale it can be.
    expect(await listed('lab2')).toMatchObject({ autostart: false });
    await virsh(h1, ['net-autostart', 'lab2']);
    await waitUntil('list shows lab2 with autostart', async () => (await listed('lab2'))?.autostart === true, 5000);
    await virsh(h1, ['net-autostart', 'lab2', '--disable']);
    await waitUntil('list shows lab2 without autostart', async () => (await listed('lab2'))?.autostart === false, 5000);
  });

  it('updates the DHCP range and fixed hosts, refusing a range outside the subnet', async () => {
    expect(
      await ok('wk1', 'update', {
        name: 'lab1',
        change: { kind: 'dhcp-range', range: { start: '10.200.0.100', end: '10.200.0.150' } },
      }),
    ).toMatchObject({
      applied: 'DHCP range 10.200.0.100-10.200.0.150',
    });
    await ok('wk1', 'update', {
      name: 'lab1',
      change: { kind: 'dhcp-host-add', host: { mac: '52:54:00:AA:00:01', name: 'db1', ip: '10.200.0.20' } },
    });
    const info = await ok('wk1', 'info', { name: 'lab1' });
    expect(info.spec).toMatchObject({
      ipv4: {
        dhcp: { start: '10.200.0.100', end: '10.200.0.150' },
        dhcpHosts: [{ mac: '52:54:00:aa:00:01', name: 'db1', ip: '10.200.0.20' }],
      },
    });
    const outside = await run('wk1', 'update', {
      name: 'lab1',
      change: { kind: 'dhcp-range', range: { start: '10.200.1.10', end: '10.200.1.20' } },
    });
    expect(outside).toMatchObject({ ok: false, failure: { code: 'invalid-request' } });
    await ok('wk1', 'update', { name: 'lab1', change: { kind: 'dhcp-host-remove', mac: '52:54:00:aa:00:01' } });
    expect((await ok('wk1', 'info', { name: 'lab1' })).spec).not.toHaveProperty('ipv4.dhcpHosts');
  });
});

describe('guests on a network', () => {
  it('bridges and leases show a guest; delete refuses while it is attached, unless forced', async () => {
    const guest = await attachVethGuest(h1, 'vnbr0', 'g1', { mac: '52:54:00:10:00:01' });
    try {
      await requestDhcpLease(guest, { hostname: 'guest1' });
      const bridges = await ok('wk1', 'bridges', { name: 'lab1' });
      expect(bridges.bridges).toEqual([
        expect.objectContaining({
          name: 'vnbr0',
          networks: ['lab1'],
          ports: [expect.objectContaining({ name: 'vg-g1', state: 'forwarding' })],
        }),
      ]);
      let leases: JobResult<'leases'>['leases'] = [];
      for (let i = 0; i < 100 && leases.length === 0; i++)
        leases = (await ok('wk1', 'leases', { name: 'lab1' })).leases;
      expect(leases).toEqual([expect.objectContaining({ mac: '52:54:00:10:00:01', hostname: 'guest1' })]);

      const refused = await run('wk1', 'delete', { name: 'lab1' });
      expect(refused).toMatchObject({
        ok: false,
        failure: {
          code: 'in-use',
          message: expect.stringContaining('1 port attached: vg-g1 (no VM known)') as unknown,
        },
      });
      expect(await interfaces(h1)).toContain('vnbr0');
    } finally {
      await detachVethGuest(guest);
    }
    expect(await ok('wk1', 'delete', { name: 'lab1', force: true })).toMatchObject({ name: 'lab1', wasActive: true });
    await ok('wk1', 'delete', { name: 'lab2' });
    expect((await ok('wk1', 'list', {})).networks).toEqual([]);
    expect(await interfaces(h1)).not.toContain('vnbr0');
  });
});

describe('a host that is down', () => {
  it('fails fast instead of queueing for a worker that is not there', async () => {
    expect(await w2!.stop()).toBe(0);
    w2 = undefined;
    const started = Date.now();
    const failure = await jobs.submit('wk2', 'list', { requestedBy }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HostUnavailableError);
    expect((failure as Error).message).toMatch(/^host "wk2" is down: its worker has not been heard from for \d+ s$/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await registry.get('wk2'))?.up).toBe(false);
  });
});

describe('worker configuration', () => {
  it('refuses to start with a bad config, naming every wrong setting and its variable', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'workers/host-worker.ts'], {
      env: {
        PATH: process.env.PATH,
        VNETOPS_HOST_ID: 'Bad Host',
        VNETOPS_WORKER_CONCURRENCY: '0',
        VNETOPS_REDIS_URL: 'http://x',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('worker.hostId (env VNETOPS_HOST_ID)');
    expect(result.stderr).toContain('worker.concurrency (env VNETOPS_WORKER_CONCURRENCY)');
    expect(result.stderr).toContain('redis.url (env VNETOPS_REDIS_URL)');
  });
});
