import type { ApprovalRequest, ApprovalState } from './approval-request.js';

/** Something that may move a request: an approver's click, or the clock. */
export type ApprovalEvent =
  | { type: 'approve'; by: string }
  | { type: 'reject'; by: string; reason?: string }
  /** The expiry sweep looking at the request. */
  | { type: 'sweep' };

/** Why a decision was refused (`not-found` is the store's: a request that does not exist has no state). */
export type ApprovalRefusal = 'already-decided' | 'expired' | 'self-approval' | 'reason-required';

/** Where a request goes on an event; `refusal` is set when a decision did not take. */
export interface ApprovalTransition {
  /** The state after the event (the current one when nothing moves). */
  next: ApprovalState;
  refusal?: ApprovalRefusal;
}

/**
 * The approval state machine, pure. Only a pending request moves. A request is due to expire from
 * `expiresAt` on (inclusive): a decision that arrives then moves it to expired and is refused as
 * `expired`, even if no sweep ran yet. Requesters never decide their own requests, and a rejection
 * needs a non-blank reason. The store's Lua script makes the same checks, in the same order,
 * atomically.
 */
export function nextApprovalState(
  current: Pick<ApprovalRequest, 'state' | 'requestedBy' | 'expiresAt'>,
  event: ApprovalEvent,
  now: number,
): ApprovalTransition {
  if (current.state !== 'pending') {
    if (event.type === 'sweep') return { next: current.state };
    return { next: current.state, refusal: current.state === 'expired' ? 'expired' : 'already-decided' };
  }
  if (now >= current.expiresAt) {
    return event.type === 'sweep' ? { next: 'expired' } : { next: 'expired', refusal: 'expired' };
  }
  if (event.type === 'sweep') return { next: 'pending' };
  if (event.by === current.requestedBy) return { next: 'pending', refusal: 'self-approval' };
  if (event.type === 'reject') {
    return (event.reason ?? '').trim() === '' ? { next: 'pending', refusal: 'reason-required' } : { next: 'rejected' };
  }
  return { next: 'approved' };
}
