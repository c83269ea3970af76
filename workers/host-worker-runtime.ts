import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_REDIS_URL, type WorkerConfig } from '../src/config/index.js';
import { LibvirtClient, type LibvirtClientOptions } from '../src/libvirt/index.js';
import { MUTATING_JOBS, type JobName, type JobProgress, hostQueueName } from '../src/contract/index.js';
import type { CommandRunner } from '../src/network/index.js';
import {
  HostRegistry,
  MonitorEventWriter,
  type RedisLocation,
  createRedisConnection,
  loadJobVerifier,
} from '../src/queue/index.js';
import { formatLibvirtVersion } from './jobs/host-info.js';
import { isRetryable, toBullmqError } from './bullmq-failure.js';
import { type Admission, admitJob } from './job-admission.js';
import type { JobContext } from './job-context.js';
import { JobFailedError, describeFailure } from './job-failure.js';
import { processors, networkKeyOf } from './job-processors.js';
import { readNetworkList } from './jobs/list.js';
import { KeyedMutex } from './keyed-mutex.js';
import { EventPublisher } from './monitor/event-publisher.js';
import { HostMonitor, type HostMonitorOptions } from './monitor/host-monitor.js';
import { NetworkInventory } from './network-inventory.js';
import { RedisSeenJobs } from './seen-jobs.js';
import { WORKER_VERSION } from './worker-version.js';

const runFile = promisify(execFile);

/** Options of {@link startHostWorker}. */
export interface HostWorkerOptions {
  readonly config: WorkerConfig;
  readonly log: Logger;
  /** Runs host commands (ip, bridge); default: execFile on this machine. */
  readonly run?: CommandRunner;
  readonly libvirt?: LibvirtClientOptions;
  /**
   * How long a job's lock lasts without renewal. A killed worker's job is picked up again after at
   * most this plus `stalledIntervalMs`. Defaults 10 s and 5 s: back within ~15 s.
   */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** How long a network listing may be served from memory (see {@link NetworkInventory}). Default 2000. */
  readonly listingMaxAgeMs?: number;
  /** Monitor tunables beyond the config (e.g. how `ip monitor` is spawned). */
  readonly monitor?: Pick<HostMonitorOptions, 'linkWatcher'>;
  /**
   * How long a job id is remembered past its expiry, so a retry (libvirt restarting) or a stalled
   * job run again after a crash still runs. Default 1 h.
   */
  readonly retryWindowMs?: number;
}

/** A running host worker. */
export interface RunningHostWorker {
  readonly libvirt: LibvirtClient;
  /** The event monitor, when `worker.monitor` is on. */
  readonly monitor?: HostMonitor;
  /**
   * Stops taking jobs, lets active ones finish for up to `graceMs`, then hands back the rest
   * (their locks lapse and another worker picks them up), marks the host stopped and disconnects.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Default runner: execFile with an argv array (no shell), 30 s limit. */
export const runOnHost: CommandRunner = async (file, args) =>
  (await runFile(file, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 })).stdout;

/**
 * Builds and starts one host's worker: connects libvirt (retrying until it answers), registers the
 * host and keeps its heartbeat fresh, and consumes the host's job queue.
 */
export async function startHostWorker(options: HostWorkerOptions): Promise<RunningHostWorker> {
  const { config, log } = options;
  const hostId = config.worker.hostId;
  // First, before connecting anything: a worker without the bot's public key must not start.
  const verifier = loadJobVerifier(config.worker);
  const redisLocation: RedisLocation =
    config.redis.socketPath !== undefined
      ? { socketPath: config.redis.socketPath }
      : { url: config.redis.url ?? DEFAULT_REDIS_URL };
  const onRedisError = (error: Error): void => log.warn({ err: error.message }, 'redis connection problem');
  const redis: Redis = createRedisConnection(redisLocation, 'worker', {}, onRedisError);
  const registry = new HostRegistry(redis, config.redis.prefix, config.worker.heartbeatMs * 3);
  const startedAt = Date.now();

  const libvirt = await connectLibvirt(config.worker.libvirtUri, options.libvirt ?? {}, log);
  const run = options.run ?? runOnHost;
  const inventory = await watchedInventory(libvirt, run, options.listingMaxAgeMs ?? 2000, log);
  libvirt.on('disconnected', (error) => {
    inventory.invalidate();
    log.warn({ reason: error.reason, err: error.message }, 'libvirt connection lost; reconnecting');
  });
  libvirt.on('reconnected', () => {
    inventory.invalidate();
    log.info('libvirt connection restored');
  });
  const hostname = await libvirt.getHostname();
  const libvirtVersion = formatLibvirtVersion(await libvirt.getLibVersion());

  let networks = 0;
  const heartbeat = async (): Promise<void> => {
    if (libvirt.connected) networks = (await libvirt.listAllNetworks().catch(() => undefined))?.length ?? networks;
    await registry.publish({
      hostId,
      hostname,
      libvirtVersion,
      networks,
      libvirtConnected: libvirt.connected,
      lastHeartbeat: Date.now(),
      startedAt,
      workerVersion: WORKER_VERSION,
      heartbeatMs: config.worker.heartbeatMs,
    });
  };
  await heartbeat();
  const heartbeatTimer = setInterval(() => {
    heartbeat().catch((error: Error) => log.warn({ err: error.message }, 'heartbeat failed'));
  }, config.worker.heartbeatMs);

  const monitor =
    config.worker.monitor === 'on'
      ? new HostMonitor(
          { hostId, libvirt, run, redis, prefix: config.redis.prefix, log: log.child({ part: 'monitor' }) },
          {
            snapshotMs: config.worker.monitorSnapshotMs,
            healthCheckMs: config.worker.monitorHealthMs,
            libvirtGraceMs: config.worker.libvirtGraceMs,
            dhcpNearlyFull: config.worker.dhcpAlertPercent / 100,
            ...options.monitor,
          },
        )
      : undefined;
  await monitor?.start();

  const seen = new RedisSeenJobs(redis, config.redis.prefix, hostId);
  // Refusals are alerts even with the monitor off.
  const refusals = new EventPublisher(hostId, new MonitorEventWriter(redis, config.redis.prefix), log, 'refusals');
  const admissionRules = {
    hostId,
    verifier,
    approvalRequiredFor: config.worker.approvalRequiredFor as readonly JobName[],
    seen,
    retryWindowMs: options.retryWindowMs ?? 3_600_000,
  };

  /** Jobs whose failure BullMQ will not retry: their `failed` event ends them for good. */
  const failedForGood = new Set<string>();
  const mutex = new KeyedMutex();
  const processJob = async (job: Job): Promise<unknown> => {
    // Before anything else, and before any libvirt call: did the bot sign this job, for this host, now?
    const admission = await admitJob({ id: job.id, name: job.name, data: job.data as unknown }, admissionRules);
    if (!admission.ok) throw refuse(admission);
    const { name, payload } = admission;
    // Per-job child loggers only when a job logs: at thousands of reads a second they add up.
    let jobLog: Logger | undefined;
    const context: JobContext = {
      hostId,
      jobId: job.id ?? 'unknown',
      attempt: job.attemptsMade + 1,
      previousStep: stepOf(job.progress),
      libvirt,
      redis,
      keyPrefix: config.redis.prefix,
      subnetPool: config.worker.subnetPool,
      subnetPrefix: config.worker.subnetPrefix,
      run,
      inventory,
      get log() {
        return (jobLog ??= log.child({ job: job.id, name }));
      },
      progress: async (step, message) => {
        const progress: JobProgress = { step, message, at: Date.now() };
        await job.updateProgress(progress);
      },
    };
    const processor = processors[name] as (c: JobContext, p: unknown) => Promise<unknown>;
    const key = networkKeyOf(name, payload);
    const mutating = MUTATING_JOBS.includes(name);
    // Lifecycle events this job causes are reported as its doing, not as changes made outside vnetops.
    const { requestedBy } = payload;
    const network = key?.slice('network:'.length);
    const jobEnded = network
      ? monitor?.attribution.expect(name, network, {
          id: context.jobId,
          name,
          userId: requestedBy.userId,
          ...(requestedBy.userName ? { userName: requestedBy.userName } : {}),
        })
      : undefined;
    try {
      const result = key ? await mutex.run(key, () => processor(context, payload)) : await processor(context, payload);
      if (mutating) context.log.info('job done');
      else if (log.isLevelEnabled('debug')) context.log.debug('job done');
      jobEnded?.('done');
      return result;
    } catch (error) {
      jobEnded?.('failed');
      const failure = describeFailure(error);
      context.log.warn({ code: failure.code, step: failure.step, err: failure.message }, 'job failed');
      // A job BullMQ will run again stays `running` in the replay record, so its retry is let in.
      if (!isRetryable(failure.code) || context.attempt >= (job.opts.attempts ?? 1)) failedForGood.add(context.jobId);
      throw toBullmqError(failure);
    } finally {
      // Autostart and XML edits raise no libvirt event: drop the listing after every change of ours.
      if (mutating) inventory.invalidate();
    }
  };

  /**
   * From now on a copy of this job is a replay. Called once BullMQ has recorded the job's end (its
   * `completed` and `failed` events): a worker killed before that leaves the job `running`, so its
   * stalled re-run is let in. This worker's memory knows at once; a lost Redis write only weakens the
   * guard for other workers of this host (or after a restart) to the job's expiry window.
   */
  function endForGood(jobId: string): void {
    seen
      .finish(jobId)
      .catch((error: unknown) => log.warn({ err: String(error), job: jobId }, 'could not record the job as ended'));
  }

  /** Logs and alerts a refused job; returns the error that fails it (never retried). */
  function refuse(refusal: Extract<Admission, { ok: false }>): Error {
    const { claimed, check } = refusal;
    const reason = claimed.network ? `${refusal.reason} (it named network ${claimed.network})` : refusal.reason;
    log.warn({ job: claimed.jobId, name: claimed.jobName, check, claimedBy: claimed.userId }, 'job refused');
    refusals.publish({
      kind: 'job-refused',
      at: Date.now(),
      source: 'observed',
      check,
      detail: reason,
      job: {
        id: claimed.jobId,
        name: claimed.jobName,
        userId: claimed.userId ?? 'unknown',
        ...(claimed.userName ? { userName: claimed.userName } : {}),
      },
    });
    return toBullmqError({ code: 'refused', message: refusal.reason });
  }

  const workerConnection = createRedisConnection(redisLocation, 'worker', {}, onRedisError);
  const worker = new Worker(hostQueueName(hostId), processJob, {
    connection: workerConnection,
    prefix: config.redis.prefix,
    concurrency: config.worker.concurrency,
    lockDuration: options.lockDurationMs ?? 10_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    // A job whose worker died mid-way is picked up again a few times before it is failed as stalled.
    maxStalledCount: 5,
  });
  worker.on('error', (error) => log.warn({ err: error.message }, 'queue worker problem'));
  worker.on('completed', (job) => {
    if (job.id) endForGood(job.id);
  });
  worker.on('failed', (job) => {
    if (job?.id && failedForGood.delete(job.id)) endForGood(job.id);
  });
  await worker.waitUntilReady();
  log.info({ hostId, hostname, libvirtVersion, queue: hostQueueName(hostId) }, 'host worker ready');

  return {
    libvirt,
    ...(monitor ? { monitor } : {}),
    stop: async (graceMs = 10_000) => {
      clearInterval(heartbeatTimer);
      const closed = worker.close();
      const inTime = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
      ]);
      if (!inTime) {
        log.warn({ graceMs }, 'active jobs did not finish in time; handing them back');
        await worker.close(true);
      }
      await registry.markStopped(hostId).catch(() => undefined);
      await refusals.drain(2000);
      refusals.close();
      await monitor?.stop().catch((error: unknown) => log.warn({ err: String(error) }, 'monitor did not stop cleanly'));
      await libvirt.close();
      // BullMQ closes only the duplicates it made of the connection it was given.
      workerConnection.disconnect();
      redis.disconnect();
    },
  };
}

/**
 * The shared network listing, dropped on every libvirt lifecycle event. If events cannot be
 * subscribed to, every list reads libvirt afresh rather than risk serving a stale listing.
 */
async function watchedInventory(
  libvirt: LibvirtClient,
  run: CommandRunner,
  maxAgeMs: number,
  log: Logger,
): Promise<NetworkInventory> {
  let watching = true;
  try {
    await libvirt.watchNetworkEvents();
  } catch (error) {
    watching = false;
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'cannot subscribe to libvirt network events; network listings will not be cached',
    );
  }
  const inventory = new NetworkInventory(() => readNetworkList({ libvirt, run }), {
    maxAgeMs: watching ? maxAgeMs : 0,
  });
  libvirt.on('networkLifecycle', () => inventory.invalidate());
  return inventory;
}

/** The step of a progress value an earlier run stored, if it is one of ours. */
function stepOf(progress: unknown): string | undefined {
  return typeof progress === 'object' && progress !== null && typeof (progress as JobProgress).step === 'string'
    ? (progress as JobProgress).step
    : undefined;
}

async function connectLibvirt(uri: string, options: LibvirtClientOptions, log: Logger): Promise<LibvirtClient> {
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await LibvirtClient.connect(uri, options);
    } catch (error) {
      log.warn(
        { uri, err: error instanceof Error ? error.message : String(error), retryInMs: delay },
        'cannot reach libvirt yet',
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Re-exported so processors and the runtime agree on the failure type. */
export { JobFailedError };
