import { randomUUID } from 'node:crypto';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type JobApproval,
  type JobFailure,
  type JobName,
  type JobPayload,
  type JobProgress,
  type JobResult,
  type JobSigner,
  MUTATING_JOBS,
  decodeJobFailure,
  hostQueueName,
  jobPayloadSchemas,
} from '../contract/index.js';
import type { HostRegistry } from './host-registry.js';
import { type RedisLocation, createRedisConnection } from './redis-connection.js';

/** How a job ended. */
export type JobOutcome<N extends JobName> = { ok: true; result: JobResult<N> } | { ok: false; failure: JobFailure };

/** Options of {@link JobClient.submit}. */
export interface SubmitOptions {
  /** Job id to use (idempotent submit: the same id is one job). Default: a random UUID. */
  jobId?: string;
  /** The approval the job runs under (request id and approver), signed with it. */
  approval?: JobApproval;
}

/** How long a signed job stays valid by default: a worker refuses to start it later. */
export const DEFAULT_JOB_TTL_MS = 15 * 60_000;

/**
 * The bot's side of the queue: submits jobs to a host's queue (failing fast when the host is down)
 * and waits for their outcome, with progress. Holds one Queue and one QueueEvents per host, lazily.
 */
export class JobClient {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, QueueEvents>();
  /** The connections handed to QueueEvents: BullMQ closes only its own duplicate, so we close these. */
  private readonly eventConnections: Redis[] = [];

  constructor(
    private readonly options: {
      redis: RedisLocation;
      /** Connection for queue commands (client role). */
      connection: Redis;
      prefix: string;
      registry: HostRegistry;
      /** Signs every job: workers run only signed jobs. */
      signer: JobSigner;
      /** How long a signed job stays valid. Default {@link DEFAULT_JOB_TTL_MS}. */
      jobTtlMs?: number;
      /** Attempts for jobs that fail for a passing reason (libvirt restarting). Default 3. */
      attempts?: number;
      /** Sees Redis connection errors of the event streams (they reconnect by themselves). */
      onConnectionError?: (error: Error) => void;
    },
  ) {}

  /**
   * Validates the payload against the contract, signs it (host, job name and id, payload, approval,
   * issued-at and expiry) and adds the signed job to the host's queue. Throws a
   * {@link HostUnavailableError} when the host never registered or its heartbeat has lapsed, so the
   * user hears at once instead of waiting for a worker that is not there.
   */
  async submit<N extends JobName>(
    hostId: string,
    name: N,
    payload: JobPayload<N>,
    options: SubmitOptions = {},
  ): Promise<{ jobId: string }> {
    jobPayloadSchemas[name].parse(payload);
    const host = await this.options.registry.get(hostId);
    if (!host)
      throw new HostUnavailableError(hostId, `host "${hostId}" is not known: no worker has ever registered it`);
    if (!host.up) {
      throw new HostUnavailableError(
        hostId,
        `host "${hostId}" is down: its worker has not been heard from for ${Math.round(host.silentForMs / 1000)} s`,
      );
    }
    // Listen before adding, so a waiter sees the job's progress from its very first step.
    await this.queueEvents(hostId);
    // The id is signed, so it is chosen here rather than by BullMQ's counter.
    const jobId = options.jobId ?? randomUUID();
    const signed = this.options.signer.signJob({
      hostId,
      jobName: name,
      jobId,
      payload,
      ...(options.approval ? { approval: options.approval } : {}),
      ttlMs: this.options.jobTtlMs ?? DEFAULT_JOB_TTL_MS,
    });
    const job = await this.queue(hostId).add(name, signed, {
      jobId,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1000 },
      // Mutating jobs are kept for the audit trail and idempotent resubmits; reads can go.
      removeOnComplete: MUTATING_JOBS.includes(name) ? { age: 7 * 24 * 3600 } : { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    if (!job.id) throw new Error('BullMQ returned a job without an id');
    return { jobId: job.id };
  }

  /**
   * Waits for a job to end. `onProgress` sees each step as the worker reports it. After `timeoutMs`
   * the job is given up: removed if it never started (e.g. the host went down) and reported as
   * `host-down` or `expired`.
   */
  async waitForOutcome<N extends JobName>(
    hostId: string,
    jobId: string,
    options: { timeoutMs: number; onProgress?: (progress: JobProgress) => void },
  ): Promise<JobOutcome<N>> {
    const events = await this.queueEvents(hostId);
    const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }): void => {
      if (id === jobId && options.onProgress) options.onProgress(data as JobProgress);
    };
    events.on('progress', onProgress);
    try {
      const job = await this.queue(hostId).getJob(jobId);
      if (!job)
        return { ok: false, failure: { code: 'not-found', message: `job ${jobId} is not known on host ${hostId}` } };
      try {
        const result = (await job.waitUntilFinished(events, options.timeoutMs)) as JobResult<N>;
        return { ok: true, result };
      } catch (error) {
        return { ok: false, failure: await this.explainFailure(hostId, job, error) };
      }
    } finally {
      events.off('progress', onProgress);
    }
  }

  /** Closes every queue and event stream this client opened. */
  async close(): Promise<void> {
    await Promise.all([...this.events.values()].map((e) => e.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of this.eventConnections.splice(0)) connection.disconnect();
    this.events.clear();
    this.queues.clear();
  }

  private queue(hostId: string): Queue {
    let queue = this.queues.get(hostId);
    if (!queue) {
      queue = new Queue(hostQueueName(hostId), { connection: this.options.connection, prefix: this.options.prefix });
      // Every job being waited for listens here at once; hundreds at a time is normal, not a leak.
      queue.setMaxListeners(0);
      this.queues.set(hostId, queue);
    }
    return queue;
  }

  private async queueEvents(hostId: string): Promise<QueueEvents> {
    let events = this.events.get(hostId);
    if (!events) {
      // QueueEvents blocks on its connection (XREAD), so it gets one of its own.
      const connection = createRedisConnection(
        this.options.redis,
        'worker',
        {},
        this.options.onConnectionError ?? (() => undefined),
      );
      this.eventConnections.push(connection);
      events = new QueueEvents(hostQueueName(hostId), { connection, prefix: this.options.prefix });
      events.setMaxListeners(0);
      this.events.set(hostId, events);
      await events.waitUntilReady();
    }
    return events;
  }

  private async explainFailure(hostId: string, job: Job, error: unknown): Promise<JobFailure> {
    const message = error instanceof Error ? error.message : String(error);
    if (!/timed out|ttl/i.test(message)) return decodeJobFailure(message);
    // Timed out waiting: if the job never started, take it back so it cannot run much later by surprise.
    const state = await job.getState();
    const host = await this.options.registry.get(hostId);
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      await job.remove().catch(() => undefined);
      if (host && !host.up) {
        return {
          code: 'host-down',
          message: `host "${hostId}" went down before the job started; the job was withdrawn`,
        };
      }
      return {
        code: 'expired',
        message: `no worker of host "${hostId}" picked the job up in time; the job was withdrawn`,
      };
    }
    return {
      code: 'expired',
      message: `the job is still ${state} on host "${hostId}"; its outcome will be reported when it ends`,
    };
  }
}

/** The host cannot take jobs now (never registered, or its heartbeat lapsed). Safe to show the user. */
export class HostUnavailableError extends Error {
  override readonly name = 'HostUnavailableError';
  constructor(
    readonly hostId: string,
    message: string,
  ) {
    super(message);
  }
}
