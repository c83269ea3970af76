/**
 * The gate in front of every job processor: a job runs only if the bot signed it for this host, it
 * has not expired, it is not a replay, and it carries the approval its command needs. Pure logic:
 * the record of jobs already seen is handed in ({@link SeenJobs}), so every check is testable alone.
 */
import {
  type JobName,
  type JobPayload,
  type JobRefusalCheck,
  type JobSignatureVerifier,
  type SignedJob,
  MUTATING_JOBS,
  jobPayloadSchemas,
  signedJobSchema,
} from '../src/contract/index.js';

/** How far a signer's clock may run ahead of this worker's before `issuedAt` counts as "in the future". */
export const CLOCK_SKEW_MS = 60_000;

/** What a worker recorded about a job id it let through. */
export interface SeenJob {
  /** Identifies the signed claims (their signature). */
  readonly digest: string;
  /** `running` until it ends for good; a retry or a stalled job's second run finds it `running`. */
  readonly state: 'running' | 'finished';
}

/** The worker's record of job ids it has let through (see seen-jobs.ts). */
export interface SeenJobs {
  /** What is recorded for `jobId`, if anything. */
  lookup(jobId: string): Promise<SeenJob | undefined>;
  /**
   * Records `jobId` as running with `digest`, for `ttlMs`, unless something is recorded already:
   * then returns that record instead (a retry, a replay, or another worker of this host got there first).
   * `durable`: also beyond this process (Redis), not only in its memory.
   */
  claim(jobId: string, digest: string, ttlMs: number, durable: boolean): Promise<SeenJob | undefined>;
}

/** The job as the queue holds it: what BullMQ says and the data, untrusted. */
export interface QueuedJob {
  readonly id: string | undefined;
  readonly name: string;
  readonly data: unknown;
}

/** What the worker knows and enforces, independently of the bot. */
export interface AdmissionRules {
  readonly hostId: string;
  readonly verifier: JobSignatureVerifier;
  /** Jobs that run only with a signed approval (the worker's own copy of the bot's policy). */
  readonly approvalRequiredFor: readonly JobName[];
  readonly seen: SeenJobs;
  /** How long a seen job id is remembered past its expiry: retries and stalled runs may come that late. */
  readonly retryWindowMs: number;
  readonly now?: () => number;
}

/** What a refused job claimed to be (unverified when the signature is the problem), for the alert. */
export interface ClaimedJob {
  jobId: string;
  jobName: string;
  hostId?: string;
  userId?: string;
  userName?: string;
  network?: string;
}

/** The gate's answer. */
export type Admission =
  | { ok: true; name: JobName; payload: JobPayload<JobName>; signed: SignedJob; digest: string }
  | { ok: false; check: JobRefusalCheck; reason: string; claimed: ClaimedJob };

/**
 * Decides whether a queued job may run. Checks run cheapest-first, and the replay record is only
 * touched once the signature, host, identity and approval are good, so garbage cannot fill it.
 */
export async function admitJob(job: QueuedJob, rules: AdmissionRules): Promise<Admission> {
  const now = (rules.now ?? Date.now)();
  const parsed = signedJobSchema.safeParse(job.data);
  const claimed = claimedOf(job, parsed.success ? parsed.data : undefined);
  const refuse = (check: JobRefusalCheck, reason: string): Admission => ({ ok: false, check, reason, claimed });
  if (!parsed.success) {
    return refuse('unsigned', 'refused: the job is not signed by the vnetops bot, so it did not come through Slack');
  }
  const signed = parsed.data;
  const problem = rules.verifier.check(signed);
  if (problem === 'unknown-key') {
    return refuse(
      'unknown-key',
      `refused: the job is signed with a key this host does not trust (key ${signed.keyId}; trusted: ${rules.verifier.keyIds.join(', ')})`,
    );
  }
  if (problem === 'bad-signature') {
    return refuse('bad-signature', "refused: the job's signature does not match its contents (altered or forged)");
  }
  const { claims } = signed;
  if (claims.hostId !== rules.hostId) {
    return refuse(
      'wrong-host',
      `refused: the job was signed for host "${claims.hostId}", not for this host ("${rules.hostId}")`,
    );
  }
  if (claims.jobName !== job.name || claims.jobId !== job.id) {
    return refuse(
      'mismatch',
      `refused: the queue entry (${job.name} job ${job.id ?? '?'}) is not the signed job (${claims.jobName} job ${claims.jobId})`,
    );
  }
  const payload = jobPayloadSchemas[claims.jobName].safeParse(claims.payload);
  if (!payload.success) {
    return refuse(
      'invalid-payload',
      `refused: malformed ${claims.jobName} job: ${payload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (rules.approvalRequiredFor.includes(claims.jobName) && !claims.approval) {
    return refuse(
      'approval-missing',
      `refused: ${claims.jobName} needs an approval on this host, and the job carries none`,
    );
  }
  const digest = signed.signature;
  // A first run must start in time. A retry, or a stalled job run again, was let in in time and may
  // run later: it finds its own record still `running`. Only then is the record read first; a fresh
  // job costs one write (claim), which returns the record instead if there is one.
  const future = claims.issuedAt > now + CLOCK_SKEW_MS;
  let record: SeenJob | undefined;
  if (future || now > claims.expiresAt) {
    record = await rules.seen.lookup(claims.jobId);
    if (!record) {
      return refuse(
        'expired',
        future
          ? `refused: the job is dated ${Math.round((claims.issuedAt - now) / 1000)} s in the future (check the clocks of the bot and this host)`
          : `refused: the job expired ${Math.round((now - claims.expiresAt) / 1000)} s before it could start`,
      );
    }
  } else {
    // Remembered for as long as a copy could still pass the expiry check, plus the retries. A job that
    // changes the host is remembered in Redis too (across restarts and workers); a read changes
    // nothing, so a replayed read gains nothing, and that write would double the cost of the commonest job.
    record = await rules.seen.claim(
      claims.jobId,
      digest,
      claims.expiresAt - now + rules.retryWindowMs,
      MUTATING_JOBS.includes(claims.jobName),
    );
  }
  if (record && record.digest !== digest) {
    return refuse('replayed', `refused: job id ${claims.jobId} was already used on this host for another job`);
  }
  if (record?.state === 'finished') {
    return refuse('replayed', `refused: job ${claims.jobId} already ran on this host; a job runs once`);
  }
  return { ok: true, name: claims.jobName, payload: payload.data as JobPayload<JobName>, signed, digest };
}

/** The best description of a job for an alert, from its signed claims if they parse, else from the queue entry. */
function claimedOf(job: QueuedJob, signed: SignedJob | undefined): ClaimedJob {
  const payload = (signed ? signed.claims.payload : job.data) as
    | { requestedBy?: { userId?: unknown; userName?: unknown }; name?: unknown; request?: { name?: unknown } }
    | undefined;
  const text = (value: unknown, max: number): string | undefined =>
    typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
  const userId = text(payload?.requestedBy?.userId, 64);
  const userName = text(payload?.requestedBy?.userName, 128);
  const network = text(payload?.name, 256) ?? text(payload?.request?.name, 256);
  return {
    jobId: (signed?.claims.jobId ?? job.id ?? 'unknown').slice(0, 128),
    jobName: (signed?.claims.jobName ?? job.name).slice(0, 32),
    ...(signed ? { hostId: signed.claims.hostId } : {}),
    ...(userId ? { userId } : {}),
    ...(userName ? { userName } : {}),
    ...(network ? { network } : {}),
  };
}
