/**
 * The message of one job, updated in place as the job moves (queued → awaiting approval → running →
 * done/failed/rejected/expired). Every state reads on its own: what was asked, on which host, by
 * whom, where it stands in one clear word or sentence, and, when done, the result.
 */
import type { JobFailure, JobName, JobProgress } from '../contract/index.js';
import { jobResultBlocks } from './job-result-blocks.js';
import type { Message, MessageBlock } from './message.js';
import { escapeMrkdwn, inlineCode, mentionChannel, mentionUser, slackDate } from './mrkdwn-text.js';

/** Where a job stands. */
export type JobState = 'queued' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'rejected' | 'expired';

/** What the job message shows of a job. */
export interface JobView {
  jobId: string;
  hostId: string;
  /** The command as typed, e.g. "/vnet create isolated lab1". */
  commandText: string;
  /** Slack user id of the requester. */
  requestedBy: string;
  state: JobState;
  /** The current step while running. */
  progress?: JobProgress;
  /** When done: the result of job `name` (`JobResults[name]`). */
  outcome?: { name: JobName; result: unknown };
  /** When failed. */
  failure?: JobFailure;
  approval?: { approvalId: string; approverId?: string; reason?: string; expiresAt: number; channelId?: string };
  /** The full XML of the result is attached to the message as a file (the message then shows only its start). */
  xmlAttached?: boolean;
  updatedAt: number;
}

/** The job's message as it stands in `view.state`. */
export function jobMessage(view: JobView): Message {
  const state = stateSentence(view);
  const blocks: MessageBlock[] = [
    { kind: 'header', text: view.commandText },
    {
      kind: 'section',
      text: state.mrkdwn,
      fields: [
        `*Host*\n${inlineCode(view.hostId)}`,
        `*Requested by*\n${mentionUser(view.requestedBy)}`,
        `*Job*\n${inlineCode(view.jobId)}`,
      ],
    },
  ];
  if (view.state === 'done' && view.outcome) {
    blocks.push(
      { kind: 'divider' },
      ...jobResultBlocks(view.outcome.name, view.outcome.result, { xmlAttached: view.xmlAttached ?? false }),
    );
  }
  const context = [`Updated ${slackDate(view.updatedAt)}`];
  if (view.state === 'failed' && view.failure) context.push(`code ${inlineCode(view.failure.code)}`);
  blocks.push({ kind: 'context', elements: context });
  return { text: `${view.commandText} (host ${view.hostId}): ${state.plain}`, blocks };
}

/**
 * The one answer to a quick read (info, leases, bridges): its result, then the command, host, job
 * and who asked in one context line. Work that takes time or needs approval keeps the live card of
 * {@link jobMessage} instead.
 */
export function jobAnswerMessage(view: JobView): Message {
  const blocks: MessageBlock[] = view.outcome
    ? jobResultBlocks(view.outcome.name, view.outcome.result, { xmlAttached: view.xmlAttached ?? false })
    : [];
  blocks.push({
    kind: 'context',
    elements: [
      `${inlineCode(view.commandText)} on host ${inlineCode(view.hostId)} · job ${inlineCode(view.jobId)} · asked by ${mentionUser(view.requestedBy)} · ${slackDate(view.updatedAt)}`,
    ],
  });
  return { text: `${view.commandText} (host ${view.hostId}): done`, blocks };
}

/** The state in words: plain for the notification, mrkdwn for the message. */
function stateSentence(view: JobView): { plain: string; mrkdwn: string } {
  const { approval, failure, progress } = view;
  switch (view.state) {
    case 'queued':
      return progress
        ? both('Queued', progress.message)
        : both('Queued', `waiting for the worker of host ${view.hostId}`);
    case 'awaiting-approval': {
      const where = approval?.channelId ? ` in ${mentionChannel(approval.channelId)}` : '';
      const until = approval ? ` (expires ${slackDate(approval.expiresAt)})` : '';
      return { plain: 'Waiting for approval', mrkdwn: `*Waiting for approval*${where}${until}` };
    }
    case 'running':
      return progress ? both('Running', progress.message) : { plain: 'Running', mrkdwn: '*Running*' };
    case 'done':
      return approval?.approverId
        ? { plain: 'Done', mrkdwn: `*Done* (approved by ${mentionUser(approval.approverId)})` }
        : { plain: 'Done', mrkdwn: '*Done*' };
    case 'failed': {
      const message = failure?.message ?? 'the job failed without a reason';
      return failure?.step ? both(`Failed at step ${failure.step}`, message) : both('Failed', message);
    }
    case 'rejected': {
      const reason = approval?.reason ? `: ${escapeMrkdwn(approval.reason)}` : '';
      const by = approval?.approverId ? ` by ${mentionUser(approval.approverId)}` : '';
      return { plain: `Rejected${approval?.reason ? `: ${approval.reason}` : ''}`, mrkdwn: `*Rejected*${by}${reason}` };
    }
    case 'expired':
      return approval
        ? {
            plain: 'Expired: no approver decided in time',
            mrkdwn: `*Expired*: no approver decided before ${slackDate(approval.expiresAt)}, so nothing was changed`,
          }
        : both('Expired', 'no outcome arrived in time; nothing is known to have changed');
  }
}

/** "Label: detail" with the label bold and the detail (user or host text) escaped. */
function both(label: string, detail: string): { plain: string; mrkdwn: string } {
  return { plain: `${label}: ${detail}`, mrkdwn: `*${escapeMrkdwn(label)}:* ${escapeMrkdwn(detail)}` };
}
