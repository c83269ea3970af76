import type { JobName } from '../contract/index.js';

/** Where an approval request is in its life: pending until decided or past its time. */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired';

/** A job held back until an approver decides on it. */
export interface ApprovalRequest {
  /** Unguessable (a random UUID): it travels in button values, and knowing it is no permission. */
  id: string;
  jobName: JobName;
  hostId: string;
  /** The job payload submitted when approved. */
  payload: unknown;
  /** The command as the person typed it (shown to approvers and audited). */
  commandText: string;
  /** Slack member id of the requester. */
  requestedBy: string;
  /** Channel the command was run in. */
  channelId: string;
  /** Why, in the requester's words (`--reason`). */
  reason?: string;
  /** The job's message in the requester's channel. */
  messageTs?: string;
  /** Channel the request was posted to. */
  approvalChannelId: string;
  /** The request's message in the approvals channel. */
  approvalMessageTs?: string;
  /** The worker's dry-run result shown to approvers. */
  preflight?: unknown;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch; from then on the request can only expire. */
  expiresAt: number;
  state: ApprovalState;
  /** Slack member id of the approver who approved or rejected. */
  decidedBy?: string;
  /** ms since epoch of the approval or rejection. */
  decidedAt?: number;
  /** The approver's reason for a rejection. */
  rejectReason?: string;
  /** The job id reserved for (or given to) the job. */
  jobId?: string;
}

/** What a caller supplies to create a request; the store sets the id, state and times. */
export type NewApprovalRequest = Omit<ApprovalRequest, 'id' | 'state' | 'createdAt' | 'expiresAt'>;
