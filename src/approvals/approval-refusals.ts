import type { ApprovalRefusal } from './approval-state.js';

/** Why `ApprovalStore.decide` did not take: a state machine refusal, or no such request. */
export type DecideRefusal = ApprovalRefusal | 'not-found';

/** How long a decided or expired request stays readable, in days. */
export const DECIDED_REQUEST_KEEP_DAYS = 30;
