/**
 * The approval request posted to the approvals channel (with Approve / Reject while pending, and
 * who decided once decided) and the short notice that tells the requester the outcome.
 */
import type { JobName, JobResults } from '../contract/index.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from './action-ids.js';
import type { Message, MessageBlock } from './message.js';
import { type BotText, escapeMrkdwn, inlineCode, mentionUser, slackDate } from './mrkdwn-text.js';
import { specFields } from './spec-summary.js';
import { xmlBlocks } from './xml-excerpt.js';

/** What the approval message shows of an approval request. */
export interface ApprovalView {
  approvalId: string;
  jobName: JobName;
  commandText: string;
  hostId: string;
  requestedBy: string;
  reason?: string;
  /** create only: the worker's dry run (JobResults['plan']) — the validated spec, chosen subnet/bridge, XML. */
  preflight?: JobResults['plan'];
  /** Result of the overlap check in words, e.g. "no overlap with the 3 networks and 2 host routes of kvm1". */
  overlapCheck?: string;
  state: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy?: string;
  rejectReason?: string;
  expiresAt: number;
  jobId?: string;
}

const STATE_WORD: Record<ApprovalView['state'], string> = {
  pending: 'Approval needed',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
};

/** The approval request as it stands: buttons while pending, the decision afterwards. */
export function approvalRequestMessage(view: ApprovalView): Message {
  const blocks: MessageBlock[] = [
    { kind: 'header', text: `${STATE_WORD[view.state]}: ${view.jobName} on ${view.hostId}` },
    {
      kind: 'section',
      text: `${mentionUser(view.requestedBy)} asks to run ${inlineCode(view.commandText)} on host ${inlineCode(view.hostId)}.`,
      fields: [`*Reason given*\n${view.reason ? escapeMrkdwn(view.reason) : '_none_'}`],
    },
  ];
  if (view.preflight) {
    blocks.push({
      kind: 'section',
      text: `*Preflight* (dry run on ${inlineCode(view.preflight.hostId)}): the request is valid; this is what would be defined.`,
      fields: specFields(view.preflight.spec, view.preflight),
    });
  }
  if (view.overlapCheck)
    blocks.push({ kind: 'context', elements: [`Overlap check: ${escapeMrkdwn(view.overlapCheck)}`] });
  if (view.preflight) blocks.push(...xmlBlocks(view.preflight.xml));
  blocks.push({ kind: 'divider' });
  if (view.state === 'pending') {
    blocks.push(
      {
        kind: 'context',
        elements: [
          `Expires ${slackDate(view.expiresAt)} · approval ${inlineCode(view.approvalId)}${view.jobId ? ` · job ${inlineCode(view.jobId)}` : ''}`,
        ],
      },
      {
        kind: 'actions',
        buttons: [
          {
            actionId: APPROVE_ACTION_ID,
            text: 'Approve',
            value: view.approvalId,
            style: 'primary',
            confirm: {
              title: 'Approve this change?',
              text: `${view.commandText} will run on ${view.hostId} at once.`,
              confirm: 'Approve',
              deny: 'Not yet',
            },
          },
          { actionId: REJECT_ACTION_ID, text: 'Reject', value: view.approvalId, style: 'danger' },
        ],
      },
    );
  } else {
    blocks.push({ kind: 'section', text: decisionSentence(view) });
    blocks.push({
      kind: 'context',
      elements: [`Approval ${inlineCode(view.approvalId)}${view.jobId ? ` · job ${inlineCode(view.jobId)}` : ''}`],
    });
  }
  return { text: `${STATE_WORD[view.state]}: ${view.commandText} on ${view.hostId}`, blocks };
}

/** The short thread reply that tells the requester what became of their request. */
export function approvalOutcomeNotice(view: ApprovalView): Message {
  const who = mentionUser(view.requestedBy);
  const what = inlineCode(view.commandText);
  const job = view.jobId ? ` (job ${inlineCode(view.jobId)})` : '';
  const plain = `${view.commandText}: ${view.state}`;
  switch (view.state) {
    case 'pending':
      return notice(
        plain,
        `${who} your request ${what} is waiting for approval; it expires ${slackDate(view.expiresAt)}.`,
      );
    case 'approved':
      return notice(plain, `${who} your request ${what} was approved by ${decider(view)}; it is starting now${job}.`);
    case 'rejected':
      return notice(
        plain,
        `${who} your request ${what} was rejected by ${decider(view)}${view.rejectReason ? `: ${escapeMrkdwn(view.rejectReason)}` : '.'}`,
      );
    case 'expired':
      return notice(
        plain,
        `${who} your request ${what} expired: no approver decided before ${slackDate(view.expiresAt)}, so nothing was changed. Ask again if it is still needed.`,
      );
  }
}

function decisionSentence(view: ApprovalView): string {
  switch (view.state) {
    case 'approved':
      return `*Approved* by ${decider(view)}; the job is running.`;
    case 'rejected':
      return `*Rejected* by ${decider(view)}${view.rejectReason ? `: ${escapeMrkdwn(view.rejectReason)}` : ''}`;
    case 'expired':
      return `*Expired*: no approver decided before ${slackDate(view.expiresAt)}; nothing was changed.`;
    case 'pending':
      return '*Waiting for approval*';
  }
}

function decider(view: ApprovalView): string {
  return view.decidedBy ? mentionUser(view.decidedBy) : 'an approver';
}

function notice(text: string, mrkdwn: string): Message {
  return { text, blocks: [{ kind: 'section', text: mrkdwn }] };
}

/** Why an approver's click or rejection did not take (the approval store's refusal codes). */
export type ApprovalRefusalCode = 'not-found' | 'already-decided' | 'expired' | 'self-approval' | 'reason-required';

/**
 * The sentence shown to the person whose click or rejection did not take. `request` is the request
 * as it stands (who decided it, when it expired), when there is one; `keepDays` is how long decided
 * requests stay readable.
 */
export function approvalRefusal(
  code: ApprovalRefusalCode,
  request: { state: string; decidedBy?: string; expiresAt: number } | undefined,
  keepDays: number,
): BotText {
  switch (code) {
    case 'not-found': {
      const text = `This approval request is not known: it never existed, or was decided more than ${keepDays} days ago.`;
      return { mrkdwn: text, plain: text };
    }
    case 'already-decided': {
      const state = escapeMrkdwn(request?.state ?? 'decided');
      return request?.decidedBy === undefined
        ? {
            mrkdwn: `This request was already ${state}.`,
            plain: `This request was already ${request?.state ?? 'decided'}.`,
          }
        : {
            mrkdwn: `This request was already ${state} by ${mentionUser(request.decidedBy)}.`,
            plain: `This request was already ${request.state} by someone else.`,
          };
    }
    case 'expired': {
      const plain = 'This request expired without a decision. Ask for it again if it is still needed.';
      return request === undefined
        ? { mrkdwn: plain, plain }
        : {
            mrkdwn: `This request expired ${slackDate(request.expiresAt)} without a decision. Ask for it again if it is still needed.`,
            plain,
          };
    }
    case 'self-approval': {
      const text = 'You asked for this change, so someone else has to decide on it.';
      return { mrkdwn: text, plain: text };
    }
    case 'reason-required': {
      const text = 'A rejection needs a reason: it tells the requester what to change.';
      return { mrkdwn: text, plain: text };
    }
  }
}
