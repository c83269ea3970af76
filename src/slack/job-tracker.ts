import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import { type JobView, jobMessage, renderBlockKit } from '../notify/index.js';
import { type JobFailure, type JobName, type JobPayload, MUTATING_JOBS } from '../queue/job-contract.js';
import { HostUnavailableError, type JobClient } from '../queue/index.js';
import type { BotMetrics } from './bot-metrics.js';
import type { JobRecord, JobRecordStore } from './job-records.js';
import type { PostedMessage, SlackPoster } from './slack-poster.js';

/** A job to run and show: what to submit, and who asked where. */
export interface TrackedJobRequest<N extends JobName = JobName> {
  jobId: string;
  hostId: string;
  name: N;
  payload: JobPayload<N>;
  commandText: string;
  requestedBy: string;
  channelId: string;
  /** The job's message when it already exists (posted while it waited for approval). */
  message?: PostedMessage;
  approval?: JobRecord['approval'];
}

/** Options of {@link JobTracker}. */
export interface JobTrackerOptions {
  jobs: JobClient;
  poster: SlackPoster;
  records: JobRecordStore;
  audit: AuditLog;
  metrics: BotMetrics;
  log: Logger;
  /** Longest wait for a job's outcome before it is reported expired. Default 10 min. */
  jobTimeoutMs?: number;
}

/**
 * Runs a job for a person and keeps its Slack message true: posted as queued, updated in place as
 * the worker reports steps, and left in a final state (done, failed) that reads on its own.
 * Mutating jobs' outcomes go to the audit log.
 */
export class JobTracker {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: JobTrackerOptions) {}

  /** The poster this tracker shows messages with (the approval flow posts through it too). */
  get poster(): SlackPoster {
    return this.options.poster;
  }

  /** Where job records are kept. */
  get records(): JobRecordStore {
    return this.options.records;
  }

  /** The message a record shows. */
  static render(record: JobRecord): ReturnType<typeof renderBlockKit> {
    const view: JobView = {
      jobId: record.jobId,
      hostId: record.hostId,
      commandText: record.commandText,
      requestedBy: record.requestedBy,
      state: record.state,
      updatedAt: record.updatedAt,
      ...(record.progress ? { progress: record.progress } : {}),
      ...(record.outcome ? { outcome: record.outcome } : {}),
      ...(record.failure ? { failure: record.failure } : {}),
      ...(record.approval ? { approval: record.approval } : {}),
    };
    return renderBlockKit(jobMessage(view));
  }

  /** Posts (or takes over) the job's message and saves its record, without submitting yet. */
  async announce(record: JobRecord): Promise<JobRecord> {
    const body = JobTracker.render(record);
    const message = record.message ?? (await this.options.poster.post(record.channelId, body));
    if (record.message) await this.options.poster.update(record.message, body);
    const announced = { ...record, message };
    await this.options.records.save(announced);
    return announced;
  }

  /** Moves a record to a new state and shows it. */
  async show(record: JobRecord, change: Partial<JobRecord>): Promise<JobRecord> {
    const next: JobRecord = { ...record, ...change, updatedAt: Date.now() };
    await this.options.records.save(next);
    if (next.message) await this.options.poster.update(next.message, JobTracker.render(next));
    return next;
  }

  /** Submits the job and follows it to its end; resolves with the final record. Never throws for job failures. */
  run<N extends JobName>(request: TrackedJobRequest<N>): Promise<JobRecord> {
    const running = this.follow(request);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /** Waits for every job being followed (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async follow<N extends JobName>(request: TrackedJobRequest<N>): Promise<JobRecord> {
    const { jobs, log, metrics } = this.options;
    let record = await this.announce({
      jobId: request.jobId,
      hostId: request.hostId,
      jobName: request.name,
      commandText: request.commandText,
      requestedBy: request.requestedBy,
      channelId: request.channelId,
      state: 'queued',
      updatedAt: Date.now(),
      ...(request.message ? { message: request.message } : {}),
      ...(request.approval ? { approval: request.approval } : {}),
    });
    try {
      await jobs.submit(request.hostId, request.name, request.payload, { jobId: request.jobId });
    } catch (error) {
      const failure: JobFailure =
        error instanceof HostUnavailableError
          ? { code: 'host-down', message: error.message }
          : { code: 'internal', message: `the job could not be queued: ${error instanceof Error ? error.message : String(error)}` };
      return this.finish(record, { state: 'failed', failure });
    }
    // Progress updates are chained so they reach Slack in order; the poster coalesces fast ones.
    let shown: Promise<unknown> = Promise.resolve();
    const outcome = await jobs.waitForOutcome<N>(request.hostId, request.jobId, {
      timeoutMs: this.options.jobTimeoutMs ?? 600_000,
      onProgress: (progress) => {
        shown = shown.then(async () => {
          record = await this.show(record, { state: 'running', progress });
        }).catch((error: unknown) => log.warn({ err: String(error), jobId: request.jobId }, 'could not show job progress'));
      },
    });
    await shown;
    metrics.jobsTotal.inc({ job: request.name, outcome: outcome.ok ? 'done' : outcome.failure.code });
    return outcome.ok
      ? this.finish(record, { state: 'done', outcome: { name: request.name, result: outcome.result } })
      : this.finish(record, { state: 'failed', failure: outcome.failure });
  }

  private async finish(record: JobRecord, change: Partial<JobRecord>): Promise<JobRecord> {
    const final = await this.show(record, change);
    if (MUTATING_JOBS.includes(final.jobName)) {
      const result = final.outcome?.result as { uuid?: string; name?: string } | undefined;
      await this.options.audit
        .append({
          at: Date.now(),
          actor: final.requestedBy,
          action: 'result',
          command: final.commandText,
          hostId: final.hostId,
          jobId: final.jobId,
          ...(result?.name ? { network: result.name } : {}),
          ...(result?.uuid ? { uuid: result.uuid } : {}),
          outcome: final.state === 'done' ? 'done' : `failed: ${final.failure?.code ?? 'unknown'}`,
          ...(final.failure ? { detail: final.failure.message } : {}),
        })
        .catch((error: unknown) => this.options.log.error({ err: String(error), jobId: final.jobId }, 'could not write the audit log'));
    }
    return final;
  }
}
