import type { Logger } from 'pino';
import {
  type ApprovalRequest,
  type ApprovalStore,
  type CompiledPolicy,
  DECIDED_REQUEST_KEEP_DAYS,
  type DecideRefusal,
} from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import {
  type ApprovalView,
  type BotText,
  approvalOutcomeNotice,
  approvalRefusal,
  approvalRequestMessage,
  plainText,
} from '../notify/index.js';
import type { JobClient, JobOutcome } from '../queue/index.js';
import type { JobName, JobPayload, JobResults } from '../contract/index.js';
import type { BotMetrics } from './bot-metrics.js';
import type { JobRecord } from './job-records.js';
import type { JobTracker, TrackedJobRequest } from './job-tracker.js';

/** A job that policy says must be approved first: what the tracker would run, and why it is asked for. */
export type ApprovalNeed<N extends JobName = JobName> = Omit<TrackedJobRequest<N>, 'message' | 'approval' | 'quiet'> & {
  reason?: string;
};

/** What became of a click or a reject submission, for the person who made it. */
export type DecisionAnswer = { ok: true } | { ok: false; refusal: BotText };

/** Options of {@link ApprovalFlow}. */
export interface ApprovalFlowOptions {
  store: ApprovalStore;
  policy: CompiledPolicy;
  tracker: JobTracker;
  jobs: JobClient;
  audit: AuditLog;
  metrics: BotMetrics;
  log: Logger;
  /** Longest wait for the worker's dry run of a create. Default 30 s. */
  preflightTimeoutMs?: number;
}

/** Who decides when no person did: expiry, and withdrawing a request that could not be posted. */
const SYSTEM_ACTOR = 'vnetops';
/**
 * The approval flow: a request is posted to the approvals channel with its preflight (for create,
 * the worker's dry run: the completed spec, chosen subnet and bridge, overlap check and XML), the
 * requester's job message waits, and an approver's decision — an atomic state change in Redis —
 * either starts the job (exactly once) or ends it as rejected; unanswered requests expire.
 */
export class ApprovalFlow {
  constructor(private readonly options: ApprovalFlowOptions) {}

  /** Puts a job up for approval. Resolves once the request is posted (or the preflight failed and was shown). */
  async request(need: ApprovalNeed): Promise<void> {
    const { store, policy, tracker } = this.options;
    const approvalsChannel = policy.approvalsChannel;
    if (!approvalsChannel) throw new Error('approval is required but no approvals channel is configured');
    const record: JobRecord = await tracker.announce({
      jobId: need.jobId,
      hostId: need.hostId,
      jobName: need.name,
      commandText: need.commandText,
      requestedBy: need.requestedBy,
      channelId: need.channelId,
      state: 'queued',
      progress: {
        step: 'preflight',
        message: 'checking the request on the host before asking for approval',
        at: Date.now(),
      },
      updatedAt: Date.now(),
    });

    let preflight: JobResults['plan'] | undefined;
    if (need.name === 'create') {
      const dryRun = await this.dryRun(need as ApprovalNeed<'create'>);
      if (!dryRun.ok) {
        // Nothing to approve: the host would refuse it anyway. Say why now instead of after a wait.
        await tracker.show(record, {
          state: 'failed',
          failure: { ...dryRun.failure, step: dryRun.failure.step ?? 'preflight' },
        });
        return;
      }
      preflight = dryRun.result;
    }

    const request = await store.create(
      {
        jobName: need.name,
        hostId: need.hostId,
        payload: need.payload,
        commandText: need.commandText,
        requestedBy: need.requestedBy,
        channelId: need.channelId,
        approvalChannelId: approvalsChannel,
        jobId: need.jobId,
        ...(record.message ? { messageTs: record.message.ts } : {}),
        ...(need.reason ? { reason: need.reason } : {}),
        ...(preflight ? { preflight } : {}),
      },
      { ttlMs: policy.approvalTtlMs, now: Date.now() },
    );
    let posted;
    try {
      posted = await this.options.tracker.poster.post(approvalsChannel, approvalRequestMessage(viewOf(request)));
    } catch (error) {
      // Nobody can approve a request nobody sees: withdraw it (rejected by vnetops, so a late click or
      // the expiry sweep cannot revive it) and end the job message with the reason, then let the
      // caller tell the requester too.
      // Each step on its own: one failing must not hide the others or the original error.
      const detail = error instanceof Error ? error.message : String(error);
      const reason = `the approval request could not be posted to the approvals channel ${approvalsChannel} (${detail}); invite the bot there and ask again`;
      const logged = (what: string) => (stepError: unknown) =>
        this.options.log.error({ err: String(stepError), approvalId: request.id }, what);
      await store
        .decide(request.id, { by: SYSTEM_ACTOR, decision: 'reject', reason, now: Date.now() })
        .catch(logged('could not withdraw the unposted approval request'));
      await this.audit({ ...request, state: 'rejected', rejectReason: reason }, 'rejected', SYSTEM_ACTOR);
      await tracker
        .show(record, { state: 'failed', failure: { code: 'internal', message: reason, step: 'approval' } })
        .catch(logged('could not show the job as failed'));
      throw error;
    }
    await store.attach(request.id, { approvalMessageTs: posted.ts });
    await tracker.show(record, {
      state: 'awaiting-approval',
      approval: { approvalId: request.id, expiresAt: request.expiresAt, channelId: approvalsChannel },
    });
    await this.audit(request, 'approval-requested', need.requestedBy);
  }

  /** An approver clicked Approve. */
  async approve(
    approvalId: string,
    actor: { userId: string; userGroups: readonly string[]; channelId: string },
  ): Promise<DecisionAnswer> {
    const allowed = this.options.policy.canApprove(actor);
    if (!allowed.allowed) return this.refused(plainText(allowed.reason));
    const decided = await this.options.store.decide(approvalId, {
      by: actor.userId,
      decision: 'approve',
      now: Date.now(),
    });
    if (!decided.ok) {
      if (decided.code === 'expired' && decided.request) await this.showExpired(decided.request);
      return this.refused(refusalOf(decided.code, decided.request));
    }
    const request = decided.request;
    this.options.metrics.approvalsTotal.inc({ decision: 'approved' });
    await this.audit(request, 'approved', actor.userId);
    await this.showDecision(request);
    // The decision was the atomic step: from here on this is the only path that submits this job.
    const record = await this.recordOf(request);
    void this.options.tracker.run({
      jobId: request.jobId ?? `approval-${request.id}`,
      hostId: request.hostId,
      name: request.jobName,
      payload: request.payload as JobPayload<JobName>,
      commandText: request.commandText,
      requestedBy: request.requestedBy,
      channelId: request.channelId,
      approval: {
        approvalId: request.id,
        approverId: actor.userId,
        expiresAt: request.expiresAt,
        channelId: request.approvalChannelId,
      },
      ...(record?.message ? { message: record.message } : {}),
    });
    return { ok: true };
  }

  /** Whether `actor` may reject this request at all (checked before asking for a reason). */
  async mayReject(
    approvalId: string,
    actor: { userId: string; userGroups: readonly string[]; channelId: string },
  ): Promise<DecisionAnswer> {
    const allowed = this.options.policy.canApprove(actor);
    if (!allowed.allowed) return { ok: false, refusal: plainText(allowed.reason) };
    const request = await this.options.store.get(approvalId);
    if (!request) return { ok: false, refusal: refusalOf('not-found') };
    if (request.requestedBy === actor.userId) return { ok: false, refusal: refusalOf('self-approval', request) };
    if (request.state !== 'pending') return { ok: false, refusal: refusalOf('already-decided', request) };
    return { ok: true };
  }

  /** An approver rejected, with a reason. */
  async reject(
    approvalId: string,
    actor: { userId: string; userGroups: readonly string[]; channelId: string },
    reason: string,
  ): Promise<DecisionAnswer> {
    const allowed = this.options.policy.canApprove(actor);
    if (!allowed.allowed) return this.refused(plainText(allowed.reason));
    const decided = await this.options.store.decide(approvalId, {
      by: actor.userId,
      decision: 'reject',
      reason,
      now: Date.now(),
    });
    if (!decided.ok) {
      if (decided.code === 'expired' && decided.request) await this.showExpired(decided.request);
      return this.refused(refusalOf(decided.code, decided.request));
    }
    const request = decided.request;
    this.options.metrics.approvalsTotal.inc({ decision: 'rejected' });
    await this.audit(request, 'rejected', actor.userId);
    await this.showDecision(request);
    const record = await this.recordOf(request);
    if (record) {
      await this.options.tracker.show(record, {
        state: 'rejected',
        approval: {
          approvalId: request.id,
          approverId: actor.userId,
          reason,
          expiresAt: request.expiresAt,
          channelId: request.approvalChannelId,
        },
      });
    }
    return { ok: true };
  }

  /** Expires every request past its time; returns how many. Run periodically. */
  async expireDue(now = Date.now()): Promise<number> {
    const expired = await this.options.store.expireDue(now);
    for (const request of expired) await this.showExpired(request);
    return expired.length;
  }

  private async showExpired(request: ApprovalRequest): Promise<void> {
    this.options.metrics.approvalsTotal.inc({ decision: 'expired' });
    await this.audit(request, 'expired', SYSTEM_ACTOR);
    await this.showDecision(request);
    const record = await this.recordOf(request);
    if (record) {
      await this.options.tracker.show(record, {
        state: 'expired',
        approval: { approvalId: request.id, expiresAt: request.expiresAt, channelId: request.approvalChannelId },
      });
    }
  }

  /** Updates the approval message (buttons gone, who decided) and tells the requester in the job's thread. */
  private async showDecision(request: ApprovalRequest): Promise<void> {
    const { poster } = this.options.tracker;
    const view = viewOf(request);
    if (request.approvalMessageTs)
      await poster.update(
        { channel: request.approvalChannelId, ts: request.approvalMessageTs },
        approvalRequestMessage(view),
      );
    if (request.messageTs) {
      await poster
        .post(request.channelId, approvalOutcomeNotice(view), request.messageTs)
        .catch((error: unknown) =>
          this.options.log.warn(
            { err: String(error), approvalId: request.id },
            'could not tell the requester the outcome',
          ),
        );
    }
  }

  private async recordOf(request: ApprovalRequest): Promise<JobRecord | undefined> {
    return request.jobId ? this.options.tracker.records.get(request.jobId) : undefined;
  }

  private async dryRun(need: ApprovalNeed<'create'>): Promise<JobOutcome<'plan'>> {
    const { jobId } = await this.options.jobs.submit(need.hostId, 'plan', {
      requestedBy: need.payload.requestedBy,
      request: need.payload.request,
    });
    return this.options.jobs.waitForOutcome<'plan'>(need.hostId, jobId, {
      timeoutMs: this.options.preflightTimeoutMs ?? 30_000,
    });
  }

  private refused(refusal: BotText): DecisionAnswer {
    this.options.metrics.approvalsTotal.inc({ decision: 'refused' });
    return { ok: false, refusal };
  }

  private async audit(
    request: ApprovalRequest,
    action: 'approval-requested' | 'approved' | 'rejected' | 'expired',
    actor: string,
  ): Promise<void> {
    await this.options.audit
      .append({
        at: Date.now(),
        actor,
        action,
        command: request.commandText,
        hostId: request.hostId,
        ...(request.jobId ? { jobId: request.jobId } : {}),
        ...(networkOf(request.payload) ? { network: networkOf(request.payload)! } : {}),
        outcome: request.state,
        ...(request.rejectReason ? { detail: request.rejectReason } : request.reason ? { detail: request.reason } : {}),
      })
      .catch((error: unknown) =>
        this.options.log.error({ err: String(error), approvalId: request.id }, 'could not write the audit log'),
      );
  }
}

/** What the person is told when a decision did not take. */
function refusalOf(code: DecideRefusal, request?: ApprovalRequest): BotText {
  return approvalRefusal(code, request, DECIDED_REQUEST_KEEP_DAYS);
}

/** The network a job payload names. */
function networkOf(payload: unknown): string | undefined {
  const p = payload as { name?: unknown; request?: { name?: unknown } };
  const name = p.name ?? p.request?.name;
  return typeof name === 'string' ? name : undefined;
}

/** What the approval message shows of a request. */
export function viewOf(request: ApprovalRequest): ApprovalView {
  const preflight = request.preflight as JobResults['plan'] | undefined;
  return {
    approvalId: request.id,
    jobName: request.jobName,
    commandText: request.commandText,
    hostId: request.hostId,
    requestedBy: request.requestedBy,
    state: request.state,
    expiresAt: request.expiresAt,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(preflight ? { preflight, overlapCheck: overlapSentence(preflight) } : {}),
    ...(request.decidedBy ? { decidedBy: request.decidedBy } : {}),
    ...(request.rejectReason ? { rejectReason: request.rejectReason } : {}),
    ...(request.jobId ? { jobId: request.jobId } : {}),
  };
}

/** The plan passed the worker's overlap check (a conflict fails the plan), said in words. */
function overlapSentence(plan: JobResults['plan']): string {
  const spec = plan.spec as { ipv4?: { subnet?: string } } | undefined;
  const subnet = spec?.ipv4?.subnet;
  if (!subnet) return `no subnet to check (no IPv4 addressing) on host ${plan.hostId}`;
  return `${subnet} overlaps no network, address or route on host ${plan.hostId}${plan.subnetChosen ? ' (chosen from the pool)' : ''}`;
}
