import type { ApprovalRequest } from './approval-request.js';
import type { ApprovalRefusal } from './approval-state.js';

/** Why `ApprovalStore.decide` did not take: a state machine refusal, or no such request. */
export type DecideRefusal = ApprovalRefusal | 'not-found';

/** How long a decided or expired request stays readable, in days. */
export const DECIDED_REQUEST_KEEP_DAYS = 30;

/** The sentence shown to the person whose click or rejection did not take. */
export function refusalMessage(code: DecideRefusal, request?: ApprovalRequest): string {
  switch (code) {
    case 'not-found':
      return `This approval request is not known: it never existed, or was decided more than ${DECIDED_REQUEST_KEEP_DAYS} days ago.`;
    case 'already-decided':
      return request?.decidedBy === undefined
        ? `This request was already ${request?.state ?? 'decided'}.`
        : `This request was already ${request.state} by <@${request.decidedBy}>.`;
    case 'expired':
      return request === undefined
        ? 'This request expired without a decision. Ask for it again if it is still needed.'
        : `This request expired ${slackDate(request.expiresAt)} without a decision. Ask for it again if it is still needed.`;
    case 'self-approval':
      return 'You asked for this change, so someone else has to decide on it.';
    case 'reason-required':
      return 'A rejection needs a reason: it tells the requester what to change.';
  }
}

/** Slack's date formatting: shown in the reader's time zone, with a plain fallback. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${new Date(ms).toISOString()}>`;
}
