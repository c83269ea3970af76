import type { Logger } from 'pino';
import type { AuditLog } from '../audit/index.js';
import { type JobView, type Message, jobAnswerMessage, jobMessage } from '../notify/index.js';
import { type JobFailure, type JobName, type JobPayload, MUTATING_JOBS } from '../contract/index.js';
import { HostUnavailableError, type JobClient } from '../queue/index.js';
import type { BotMetrics } from './bot-metrics.js';
import type { JobRecord, JobRecordStore } from './job-records.js';
import type { MessagePoster, PostedMessage } from './chat-ports.js';

/** How long a quick read may run before it shows its live card after all. */
export const QUIET_FOR_MS = 2000;

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
  /**
   * A quick read: no card while it runs; one message with the result when it ends within
   * {@link JobTrackerOptions.quietForMs}, else the live card from then on.
   */
  quiet?: boolean;
}

/** Options of {@link JobTracker}. */
export interface JobTrackerOptions {
  jobs: JobClient;
  poster: MessagePoster;
  records: JobRecordStore;
  audit: AuditLog;
  metrics: BotMetrics;
  log: Logger;
  /** Longest wait for a job's outcome before it is reported expired. Default 10 min. */
  jobTimeoutMs?: number;
  /** How long a quiet job may run before its live card is shown after all. Default 2 s. */
  quietForMs?: number;
}

/**
 * Runs a job for a person and keeps its chat message true: posted as queued, updated in place as
 * the worker reports steps, and left in a final state (done, failed) that reads on its own.
 * Mutating jobs' outcomes go to the audit log.
 */
export class JobTracker {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: JobTrackerOptions) {}

  /** The poster this tracker shows messages with (the approval flow posts through it too). */
  get poster(): MessagePoster {
    return this.options.poster;
  }

  /** Where job records are kept. */
  get records(): JobRecordStore {
    return this.options.records;
  }

  /** The message a record shows: the one answer of a quiet read that is done, else the job's card. */
  static messageOf(record: JobRecord): Message {
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
    return record.quiet && record.state === 'done' ? jobAnswerMessage(view) : jobMessage(view);
  }

  /** Posts (or takes over) the job's message and saves its record, without submitting yet. */
  async announce(record: JobRecord): Promise<JobRecord> {
    const body = JobTracker.messageOf(record);
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
    if (next.message) await this.options.poster.update(next.message, JobTracker.messageOf(next));
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
    const { jobs, log, metrics, records } = this.options;
    let record: JobRecord = {
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
      ...(request.quiet ? { quiet: true } : {}),
    };
    // Every change to the job's message runs in this chain, so posts and updates reach chat in order.
    let shown: Promise<unknown> = Promise.resolve();
    const display = (step: () => Promise<void>): void => {
      shown = shown
        .then(step)
        .catch((error: unknown) => log.warn({ err: String(error), jobId: request.jobId }, 'could not show the job'));
    };
    let ended = false;
    let reveal: NodeJS.Timeout | undefined;
    if (record.quiet) {
      await records.save(record);
      // A read that takes a while shows its live card after all, so nobody waits on silence.
      reveal = setTimeout(() => {
        display(async () => {
          if (!ended) record = await this.announce({ ...record, quiet: false });
        });
      }, this.options.quietForMs ?? QUIET_FOR_MS);
    } else {
      record = await this.announce(record);
    }
    try {
      // An approved job carries its approval into the signature: workers refuse approval-needing jobs without one.
      const approval =
        request.approval?.approverId !== undefined
          ? { id: request.approval.approvalId, decidedBy: request.approval.approverId }
          : undefined;
      await jobs.submit(request.hostId, request.name, request.payload, {
        jobId: request.jobId,
        ...(approval ? { approval } : {}),
      });
    } catch (error) {
      const failure: JobFailure =
        error instanceof HostUnavailableError
          ? { code: 'host-down', message: error.message }
          : {
              code: 'internal',
              message: `the job could not be queued: ${error instanceof Error ? error.message : String(error)}`,
            };
      ended = true;
      clearTimeout(reveal);
      await shown;
      return this.finish(record, { state: 'failed', failure });
    }
    // The poster coalesces fast progress updates.
    const outcome = await jobs.waitForOutcome<N>(request.hostId, request.jobId, {
      timeoutMs: this.options.jobTimeoutMs ?? 600_000,
      onProgress: (progress) => {
        display(async () => {
          record = await this.show(record, { state: 'running', progress });
        });
      },
    });
    ended = true;
    clearTimeout(reveal);
    await shown;
    metrics.jobsTotal.inc({ job: request.name, outcome: outcome.ok ? 'done' : outcome.failure.code });
    return outcome.ok
      ? this.finish(record, { state: 'done', outcome: { name: request.name, result: outcome.result } })
      : this.finish(record, { state: 'failed', failure: outcome.failure });
  }

  private async finish(record: JobRecord, change: Partial<JobRecord>): Promise<JobRecord> {
    // A quiet read has no message yet: its end is its one message (a failure shows as the card).
    const final = record.message
      ? await this.show(record, change)
      : await this.announce({ ...record, ...change, updatedAt: Date.now() });
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
        .catch((error: unknown) =>
          this.options.log.error({ err: String(error), jobId: final.jobId }, 'could not write the audit log'),
        );
    }
    return final;
  }
}
