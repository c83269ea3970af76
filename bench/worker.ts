/**
 * bench:worker — a real host worker process inside a sandbox host's network namespace (Redis: the
 * sandbox's shared unix-socket Redis, a key prefix of its own), next to virsh on the same host in the
 * same run:
 *   1. throughput: BURST `list` jobs enqueued at once with one `Queue.addBulk` (the job options
 *      JobClient.submit uses), wall time from the addBulk call until the last job's `completed` event
 *      (QueueEvents); worker concurrency 16, then a new worker with the default 4;
 *   2. latency enqueue→result, one job at a time, through JobClient.submit + waitForOutcome: `list`,
 *      and `create` of an isolated network (auto subnet; each followed by an untimed `delete`);
 *   3. peers: `virsh net-list --all` as a process; `virsh net-define FILE` then `virsh net-start NAME`
 *      (two processes, timed together) with the XML a `plan` job renders for the same request;
 *   4. the worker's RSS (VmRSS of its pid; the worker runs built, `node dist/workers/host-worker.js`): idle, peak during each burst (sampled every 50 ms), after.
 * Targets: ≥ 2000 list jobs/s; create / virsh pair ≤ 1.15×; RSS < 150 MB. Also printed, to see where
 * the time goes: CPU ms per job of the worker, libvirtd, Redis and this process during each burst.
 * The last line of output is one JSON object with every figure.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { LibvirtClient } from '../src/libvirt/index.js';
import {
  type JobName,
  type JobPayload,
  type JobResult,
  hostQueueName,
  jobPayloadSchemas,
} from '../src/contract/index.js';
import { DEFAULT_JOB_TTL_MS, HostRegistry, JobClient, createRedisConnection } from '../src/queue/index.js';
import {
  type SandboxHost,
  sharedRedisStatus,
  startSandboxHost,
  stopSandboxHost,
} from '../tools/sandbox/sandbox-host.js';
import { measureJobSigning, signingLines } from './signing.js';
import { round, summarize, timeEach } from './stats.js';
import { WorkerProcess } from '../tools/processes/worker-process.js';
import { TEST_APPROVAL, testJobSigner } from '../tools/test-workspace.js';

const run = promisify(execFile);
const HOST = 'benchw';
/** The test key pair: the bench's worker process trusts it (see WorkerProcess). */
const signer = testJobSigner();
const NETWORKS = Number(process.env.BENCH_NETWORKS ?? 12);
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const WARMUP_BURST = Number(process.env.BENCH_WARMUP_BURST ?? 200);
const LIST_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 300);
const CREATE_SAMPLES = Number(process.env.BENCH_CREATE_SAMPLES ?? 30);
const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 60);
const VIRSH_CREATE_ROUNDS = Number(process.env.BENCH_VIRSH_CREATE_ROUNDS ?? 30);
/** Extra node options for the worker process, e.g. `--import /path/to/profiling-hook.mjs` (Node 20 refuses --cpu-prof there). */
const WORKER_NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS;
const CONCURRENCIES = [16, 4] as const;
const RSS_SAMPLE_MS = 50;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux unless built otherwise). */
const CLOCK_TICKS = 100;
const BURST_STALL_MS = 60_000;
const requestedBy = { userId: 'UBENCH', userName: 'bench' };

/** The options JobClient.submit gives a read job, so the burst costs what real submits cost in Redis. */
const READ_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** What one burst measured. */
interface BurstFigures {
  concurrency: number;
  jobs: number;
  /** addBulk call until it resolved (all jobs in Redis). */
  enqueueMs: number;
  /** addBulk call until the last `completed` event reached us. */
  wallMs: number;
  jobsPerSecond: number;
  /** From the jobs' own timestamps (worker clock): first start and last finish, ms after the addBulk call. */
  workerFirstStartMs: number;
  workerLastFinishMs: number;
  /** Jobs / (last finish − first start): the rate the worker drained the queue at. */
  workerDrainJobsPerSecond: number;
  /** processedOn → finishedOn of each job (time inside the worker, queueing on its event loop included). */
  jobInWorkerMs: { median: number; p99: number; n: number };
  /** CPU milliseconds per job during the burst, by process. */
  cpuMsPerJob: { worker: number; libvirtd: number; redis: number | null; bench: number };
  rssMb: { idle: number; peak: number; after: number; samples: number };
}

/** VmRSS of a process in MB (from /proc/<pid>/status). */
function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** User + system CPU time of a process so far, ms (from /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function benchCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function seedNetworks(uri: string): Promise<void> {
  // As bench:libvirt: some networks running, some only defined, a few with autostart; subnets outside the worker's pool.
  const client = await LibvirtClient.connect(uri);
  try {
    for (let i = 0; i < NETWORKS; i++) {
      const xml = `<network><name>bench${i}</name><bridge name='vnbench${i}'/><ip address='10.123.${i}.1' prefix='24'/></network>`;
      const net = await client.defineNetwork(xml);
      if (i % 2 === 0) await client.startNetwork(net);
      if (i % 3 === 0) await client.setAutostart(net, true);
    }
  } finally {
    await client.close();
  }
}

/** Everything the bench started, torn down once by {@link cleanup} (normal end, failure or Ctrl-C). */
const started: {
  hostOwned: boolean;
  worker?: WorkerProcess;
  redis?: Redis;
  jobs?: JobClient;
  queue?: Queue;
  events?: QueueEvents;
  /** The connection handed to our QueueEvents: BullMQ uses a duplicate for blocking reads and leaves this one to us. */
  eventsRedis?: Redis;
  tmp?: string;
  prefix?: string;
  timers: Set<NodeJS.Timeout>;
} = { hostOwned: false, timers: new Set() };

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const timer of started.timers) clearInterval(timer);
    const problems: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>): Promise<void> => {
      await action().catch((error: unknown) =>
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    await attempt('closing the job client', async () => started.jobs?.close());
    await attempt('closing the queue events', async () => started.events?.close());
    await attempt('closing the queue', async () => started.queue?.close());
    // Stopped by its own pid (SIGTERM, SIGKILL after 20 s); the sandbox teardown below ends anything left in the namespace.
    await attempt('stopping the worker', async () => started.worker?.stop());
    await attempt('deleting the bench keys', async () => {
      const redis = started.redis;
      if (!redis || !started.prefix) return;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${started.prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    });
    started.eventsRedis?.disconnect();
    started.redis?.disconnect();
    if (started.tmp) rmSync(started.tmp, { recursive: true, force: true });
    if (started.hostOwned) await attempt(`stopping sandbox host ${HOST}`, () => stopSandboxHost(HOST));
    if (problems.length > 0) throw new Error(`cleanup left problems:\n  - ${problems.join('\n  - ')}`);
  })();
  return cleaning;
}

/** Samples a process's RSS every {@link RSS_SAMPLE_MS} until stopped; returns the samples. */
function sampleRss(pid: number): { stop: () => number[] } {
  const samples = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), RSS_SAMPLE_MS);
  started.timers.add(timer);
  return {
    stop: () => {
      clearInterval(timer);
      started.timers.delete(timer);
      samples.push(rssMb(pid));
      return samples;
    },
  };
}

/**
 * Enqueues `count` list jobs with one addBulk and resolves when the last of them has completed
 * (counted from QueueEvents). Throws if any fails or the burst stops progressing.
 */
async function burst(
  queue: Queue,
  events: QueueEvents,
  label: string,
  count: number,
): Promise<{ ids: string[]; t0Wall: number; enqueueMs: number; wallMs: number }> {
  const ids = Array.from({ length: count }, (_, i) => `${label}-${i}`);
  const pending = new Set(ids);
  const failures: string[] = [];
  let lastProgress = performance.now();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let doneAt = 0;
  const settle = (jobId: string): void => {
    if (!pending.delete(jobId)) return;
    lastProgress = performance.now();
    if (pending.size === 0) {
      doneAt = lastProgress;
      finish();
    }
  };
  const onCompleted = ({ jobId }: { jobId: string }): void => settle(jobId);
  const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
    if (pending.has(jobId)) failures.push(`${jobId}: ${failedReason}`);
    settle(jobId);
  };
  events.on('completed', onCompleted);
  events.on('failed', onFailed);
  const payload = jobPayloadSchemas.list.parse({ requestedBy });
  const stalled = setInterval(() => {
    if (performance.now() - lastProgress > BURST_STALL_MS) finish();
  }, 1000);
  started.timers.add(stalled);
  try {
    const t0Wall = Date.now();
    const t0 = performance.now();
    // Signing is part of enqueueing, as in JobClient.submit.
    await queue.addBulk(
      ids.map((jobId) => ({
        name: 'list',
        data: signer.signJob({ hostId: HOST, jobName: 'list', jobId, payload, ttlMs: DEFAULT_JOB_TTL_MS }),
        opts: { ...READ_JOB_OPTIONS, jobId },
      })),
    );
    const enqueueMs = performance.now() - t0;
    await done;
    if (pending.size > 0) {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      throw new Error(
        `burst ${label}: ${pending.size} of ${count} jobs not done after ${BURST_STALL_MS} ms without progress; queue counts ${JSON.stringify(counts)}`,
      );
    }
    if (failures.length > 0) throw new Error(`burst ${label}: ${failures.length} jobs failed, e.g. ${failures[0]}`);
    return { ids, t0Wall, enqueueMs, wallMs: doneAt - t0 };
  } finally {
    clearInterval(stalled);
    started.timers.delete(stalled);
    events.off('completed', onCompleted);
    events.off('failed', onFailed);
  }
}

/** Starts a worker with `concurrency`, warms it up and measures one burst; leaves the worker running. */
async function throughput(
  host: SandboxHost,
  prefix: string,
  queue: Queue,
  events: QueueEvents,
  concurrency: number,
): Promise<BurstFigures> {
  const worker = await WorkerProcess.start(host, {
    hostId: HOST,
    prefix,
    concurrency,
    heartbeatMs: 5000,
    compiled: true,
    ...(WORKER_NODE_OPTIONS ? { env: { NODE_OPTIONS: WORKER_NODE_OPTIONS } } : {}),
  });
  started.worker = worker;
  // `ip netns exec` execs node, so the child's pid is the worker's own.
  const comm = readFileSync(`/proc/${worker.pid}/comm`, 'utf8').trim();
  if (comm !== 'node') throw new Error(`expected pid ${worker.pid} to be the node worker, it is ${comm}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idle = rssMb(worker.pid);

  if (WARMUP_BURST > 0) await burst(queue, events, `warm${concurrency}`, WARMUP_BURST);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const redisPid = sharedRedisStatus()?.pid;
  const before = {
    worker: cpuMs(worker.pid),
    libvirtd: cpuMs(host.libvirtdPid),
    redis: redisPid ? cpuMs(redisPid) : 0,
    bench: benchCpuMs(),
  };
  const rss = sampleRss(worker.pid);
  const measured = await burst(queue, events, `c${concurrency}`, BURST);
  const peakSamples = rss.stop();
  const cpu = {
    worker: round((cpuMs(worker.pid) - before.worker) / BURST),
    libvirtd: round((cpuMs(host.libvirtdPid) - before.libvirtd) / BURST),
    redis: redisPid ? round((cpuMs(redisPid) - before.redis) / BURST) : null,
    bench: round((benchCpuMs() - before.bench) / BURST),
  };
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = rssMb(worker.pid);

  // The jobs' own timestamps (kept: removeOnComplete keeps the last 1000).
  const jobs = (await Promise.all(measured.ids.map((id) => queue.getJob(id)))).filter(
    (job) => job?.processedOn && job.finishedOn,
  );
  const firstStart = Math.min(...jobs.map((job) => job!.processedOn!));
  const lastFinish = Math.max(...jobs.map((job) => job!.finishedOn!));
  return {
    concurrency,
    jobs: BURST,
    enqueueMs: round(measured.enqueueMs),
    wallMs: round(measured.wallMs),
    jobsPerSecond: round((BURST * 1000) / measured.wallMs, 1),
    workerFirstStartMs: firstStart - measured.t0Wall,
    workerLastFinishMs: lastFinish - measured.t0Wall,
    workerDrainJobsPerSecond: round((jobs.length * 1000) / Math.max(1, lastFinish - firstStart), 1),
    jobInWorkerMs: summarize(jobs.map((job) => job!.finishedOn! - job!.processedOn!)),
    cpuMsPerJob: cpu,
    rssMb: {
      idle: round(idle, 1),
      peak: round(Math.max(...peakSamples), 1),
      after: round(after, 1),
      samples: peakSamples.length,
    },
  };
}

async function main(): Promise<void> {
  const prefix = `vnb-${randomUUID().slice(0, 8)}`;
  started.prefix = prefix;
  // The worker runs built, as deployments run it (tsx's loader alone adds tens of MB of RSS).
  console.log('building (npm run build)…');
  await run('npm', ['run', 'build', '--silent']);
  console.log(`starting sandbox host ${HOST}…`);
  started.hostOwned = true;
  let host: SandboxHost;
  try {
    host = await startSandboxHost(HOST);
  } catch (error) {
    started.hostOwned = false; // refused (already there) or rolled back by startSandboxHost itself
    throw error;
  }
  await seedNetworks(host.uri);

  const redis = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
  started.redis = redis;
  const registry = new HostRegistry(redis, prefix);
  // JobClient.close() leaves the connection it made for its QueueEvents open (BullMQ blocks on a duplicate of it and
  // closes only that): keep it quiet once the sandbox's Redis is gone; the process exits explicitly at the end.
  const jobs = new JobClient({
    redis: { socketPath: host.redisSocketPath },
    connection: redis,
    prefix,
    registry,
    signer,
    onConnectionError: () => undefined,
  });
  started.jobs = jobs;
  const queue = new Queue(hostQueueName(HOST), { connection: redis, prefix });
  started.queue = queue;
  // QueueEvents blocks on its connection (XREAD): one of its own.
  started.eventsRedis = createRedisConnection({ socketPath: host.redisSocketPath }, 'worker', {}, () => undefined);
  const events = new QueueEvents(hostQueueName(HOST), { connection: started.eventsRedis, prefix });
  started.events = events;
  await events.waitUntilReady();

  const bursts: BurstFigures[] = [];
  for (const concurrency of CONCURRENCIES) {
    if (started.worker) {
      const code = await started.worker.stop();
      started.worker = undefined;
      if (code !== 0) throw new Error(`the worker exited with code ${code} when stopped`);
    }
    console.log(`burst of ${BURST} list jobs, worker concurrency ${concurrency}…`);
    bursts.push(await throughput(host, prefix, queue, events, concurrency));
  }
  const concurrencyNow = CONCURRENCIES[CONCURRENCIES.length - 1];

  const submitAndWait = async <N extends JobName>(
    name: N,
    payload: Omit<JobPayload<N>, 'requestedBy'>,
  ): Promise<JobResult<N>> => {
    // The bench stands in for the bot after an approval: create and delete need one.
    const { jobId } = await jobs.submit(HOST, name, { requestedBy, ...payload } as JobPayload<N>, {
      approval: TEST_APPROVAL,
    });
    const outcome = await jobs.waitForOutcome<N>(HOST, jobId, { timeoutMs: 60_000 });
    if (!outcome.ok) throw new Error(`${name} job ${jobId} failed: ${JSON.stringify(outcome.failure)}`);
    return outcome.result;
  };

  console.log(`latency, one job at a time (worker concurrency ${concurrencyNow})…`);
  const listed = await submitAndWait('list', {});
  if (listed.networks.length !== NETWORKS)
    throw new Error(`the list job reports ${listed.networks.length} networks, expected ${NETWORKS}`);
  const listJob = summarize(await timeEach(LIST_SAMPLES, 30, () => submitAndWait('list', {})));

  const createSamples: number[] = [];
  const createWarmup = 3;
  let createdSubnet: string | undefined;
  for (let i = 0; i < createWarmup + CREATE_SAMPLES; i++) {
    const name = `bc${i}`;
    const start = performance.now();
    const created = await submitAndWait('create', { request: { mode: 'isolated', name } });
    const elapsed = performance.now() - start;
    if (i >= createWarmup) createSamples.push(elapsed);
    createdSubnet ??= created.subnet;
    await submitAndWait('delete', { name });
  }
  const createJob = summarize(createSamples);

  console.log('virsh on the same host…');
  const virshNetList = summarize(
    await timeEach(PROCESS_ROUNDS, 5, () => run('virsh', ['-c', host.uri, 'net-list', '--all'])),
  );
  const virshNetName = 'bvirsh';
  const plan = await submitAndWait('plan', { request: { mode: 'isolated', name: virshNetName } });
  // The same network the create jobs made: same mode, same auto subnet (each was deleted before the next).
  const planned = plan.spec as { mode?: string; ipv4?: { subnet?: string } };
  if (planned.mode !== 'isolated' || planned.ipv4?.subnet !== createdSubnet) {
    throw new Error(`the plan is not the network the create jobs made (subnet ${createdSubnet}):\n${plan.xml}`);
  }
  started.tmp = mkdtempSync(join(tmpdir(), 'vnetops-bench-'));
  const xmlFile = join(started.tmp, `${virshNetName}.xml`);
  writeFileSync(xmlFile, plan.xml);
  const virshPairSamples: number[] = [];
  const virshWarmup = 3;
  for (let i = 0; i < virshWarmup + VIRSH_CREATE_ROUNDS; i++) {
    const start = performance.now();
    await run('virsh', ['-c', host.uri, 'net-define', xmlFile]);
    await run('virsh', ['-c', host.uri, 'net-start', virshNetName]);
    const elapsed = performance.now() - start;
    if (i >= virshWarmup) virshPairSamples.push(elapsed);
    await run('virsh', ['-c', host.uri, 'net-destroy', virshNetName]);
    await run('virsh', ['-c', host.uri, 'net-undefine', virshNetName]);
  }
  const virshPair = summarize(virshPairSamples);

  const createRatio = round(createJob.median / virshPair.median);
  const listRatio = round(listJob.median / virshNetList.median);
  const maxPeakRss = Math.max(...bursts.map((b) => b.rssMb.peak));
  const targets = {
    listJobsPerSecond2000: Object.fromEntries(bursts.map((b) => [`c${b.concurrency}`, b.jobsPerSecond >= 2000])),
    createToVirshPairAtMost115: createRatio <= 1.15,
    rssUnder150Mb: maxPeakRss < 150,
  };

  console.log('');
  console.log(
    `networks on the host: ${NETWORKS} (half active); burst: ${BURST} list jobs in one Queue.addBulk, counted done by QueueEvents`,
  );
  console.log(`throughput${' '.repeat(36)}${bursts.map((b) => `c=${b.concurrency}`.padStart(10)).join('')}`);
  const trow = (label: string, value: (b: BurstFigures) => number | string | null): void =>
    console.log(`  ${label.padEnd(44)}${bursts.map((b) => String(value(b)).padStart(10)).join('')}`);
  trow('list jobs/s (addBulk → last completed event)', (b) => b.jobsPerSecond);
  trow('wall ms', (b) => b.wallMs);
  trow('  of which addBulk ms', (b) => b.enqueueMs);
  trow('worker: first start / last finish ms', (b) => `${b.workerFirstStartMs}/${b.workerLastFinishMs}`);
  trow('worker drain rate, jobs/s', (b) => b.workerDrainJobsPerSecond);
  trow('job in worker ms, median', (b) => b.jobInWorkerMs.median);
  trow('job in worker ms, p99', (b) => b.jobInWorkerMs.p99);
  trow('CPU ms per job: worker', (b) => b.cpuMsPerJob.worker);
  trow('CPU ms per job: libvirtd', (b) => b.cpuMsPerJob.libvirtd);
  trow('CPU ms per job: redis (shared)', (b) => b.cpuMsPerJob.redis);
  trow('CPU ms per job: this process', (b) => b.cpuMsPerJob.bench);
  trow('worker RSS MB: idle', (b) => b.rssMb.idle);
  trow('worker RSS MB: peak in burst', (b) => b.rssMb.peak);
  trow('worker RSS MB: after', (b) => b.rssMb.after);
  console.log('');
  console.log(`latency, one at a time (worker concurrency ${concurrencyNow})      median ms     p99 ms      n`);
  const row = (label: string, s: { median: number; p99: number; n: number }): void =>
    console.log(
      `  ${label.padEnd(56)}${String(s.median).padStart(9)}  ${String(s.p99).padStart(9)}  ${String(s.n).padStart(5)}`,
    );
  row('list job (submit → result)', listJob);
  row('create isolated job (submit → result)', createJob);
  row('virsh net-list --all (new process)', virshNetList);
  row('virsh net-define FILE + virsh net-start NAME', virshPair);
  console.log('');
  console.log(
    `create: mode isolated, auto subnet (${createdSubnet}), each followed by an untimed delete; virsh: the plan job's XML`,
  );
  console.log(`create isolated / virsh define+start: ${createRatio}× (target ≤ 1.15×)`);
  console.log(`list job / virsh net-list process:    ${listRatio}×`);
  console.log(
    `list jobs/s ≥ 2000: ${bursts.map((b) => `c=${b.concurrency} ${b.jobsPerSecond >= 2000 ? 'met' : 'NOT met'}`).join(', ')}`,
  );
  console.log(`worker RSS peak ${maxPeakRss} MB < 150 MB: ${targets.rssUnder150Mb ? 'met' : 'NOT met'}`);
  // In this process, after the worker is done: what checking a job's signature costs a worker.
  const signing = await measureJobSigning();
  console.log('');
  for (const line of signingLines(signing)) console.log(line);
  console.log(
    JSON.stringify({
      bench: 'worker',
      networks: NETWORKS,
      burst: BURST,
      enqueue: 'Queue.addBulk',
      throughput: bursts,
      latencyConcurrency: concurrencyNow,
      listJobMs: listJob,
      createIsolatedJobMs: createJob,
      virshNetListProcessMs: virshNetList,
      virshDefineStartMs: virshPair,
      createSubnet: createdSubnet,
      ratioCreateToVirshPair: createRatio,
      ratioListJobToVirshNetList: listRatio,
      workerRssPeakMb: maxPeakRss,
      signing,
      targets,
      targetsMet:
        Object.values(targets.listJobsPerSecond2000).every(Boolean) &&
        targets.createToVirshPairAtMost115 &&
        targets.rssUnder150Mb,
    }),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up…`);
    cleanup().then(
      () => process.exit(130),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  });
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() =>
    cleanup()
      .catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      })
      // Explicit: a connection JobClient.close() leaves open would keep the process alive.
      .finally(() => process.exit()),
  );
