/**
 * Text the bot writes itself — mentions, channel links, dates — must reach Slack as markup, never
 * through the escaping meant for what people typed (which shows `&lt;@U…&gt;` instead of the
 * person). Every refusal and notice is rendered here with bot-made markup in it and checked for
 * escaped markup; the inputs hold nothing a person typed with `<`, so any `&lt;` is this bug.
 */
import { describe, expect, it } from 'vitest';
import {
  type ApprovalRefusalCode,
  type ApprovalView,
  type Message,
  ackMessage,
  approvalOutcomeNotice,
  approvalRefusal,
  approvalRequestMessage,
  deniedMessage,
  errorMessage,
  jobMessage,
  mentionChannel,
  muteNotice,
  renderBlockKit,
  unmuteNotice,
} from '../../../src/notify/index.js';
import { NOW, PLAN, jobView } from './notify-fixtures.js';

const REQUESTER = 'U0REQUEST';
const APPROVER = 'U0APPROVER';
const APPROVALS = 'C0APPROVE';

/** Every piece of escaped markup in a rendered message. */
function escapedMarkup(message: Message): string[] {
  return [...JSON.stringify(renderBlockKit(message)).matchAll(/&lt;[@#!][^&]*&gt;/g)].map((match) => match[0]);
}

const view = (state: ApprovalView['state']): ApprovalView => ({
  approvalId: 'ap-1',
  jobName: 'create',
  commandText: '/vnet create isolated lab1',
  hostId: 'kvm1',
  requestedBy: REQUESTER,
  preflight: PLAN,
  state,
  expiresAt: NOW + 3_600_000,
  jobId: 'j-1',
  ...(state === 'pending' || state === 'expired' ? {} : { decidedBy: APPROVER }),
  ...(state === 'rejected' ? { rejectReason: 'not today' } : {}),
});

const CODES: ApprovalRefusalCode[] = ['not-found', 'already-decided', 'expired', 'self-approval', 'reason-required'];
const decided = { state: 'approved', decidedBy: APPROVER, expiresAt: NOW };

const CASES: [string, Message][] = [
  ...CODES.map((code): [string, Message] => [`refusal ${code}`, errorMessage(approvalRefusal(code, decided, 30))]),
  ...CODES.map((code): [string, Message] => [
    `refusal ${code} without a request`,
    errorMessage(approvalRefusal(code, undefined, 30)),
  ]),
  ...(['pending', 'approved', 'rejected', 'expired'] as const).flatMap((state): [string, Message][] => [
    [`approval request ${state}`, approvalRequestMessage(view(state))],
    [`outcome notice ${state}`, approvalOutcomeNotice(view(state))],
  ]),
  [
    'ack pointing at the approvals channel',
    ackMessage('Understood: create lab1.', `Job j-1 needs approval; the request goes to ${mentionChannel(APPROVALS)}.`),
  ],
  ['mute notice', muteNotice('lab1', 'kvm1', NOW + 3_600_000, REQUESTER)],
  ['unmute notice', unmuteNotice('lab1', undefined, REQUESTER, 3)],
  ['denied', deniedMessage({ command: '/vnet delete', requiredRole: 'operator', userRoles: ['viewer'] })],
  [
    'job awaiting approval',
    jobMessage(
      jobView({
        requestedBy: REQUESTER,
        state: 'awaiting-approval',
        approval: { approvalId: 'ap-1', expiresAt: NOW, channelId: APPROVALS },
      }),
    ),
  ],
  [
    'job done after approval',
    jobMessage(
      jobView({
        requestedBy: REQUESTER,
        state: 'done',
        approval: { approvalId: 'ap-1', approverId: APPROVER, expiresAt: NOW },
      }),
    ),
  ],
  [
    'job rejected',
    jobMessage(
      jobView({
        requestedBy: REQUESTER,
        state: 'rejected',
        approval: { approvalId: 'ap-1', approverId: APPROVER, reason: 'no', expiresAt: NOW },
      }),
    ),
  ],
];

describe('bot-written markup is never escaped', () => {
  it.each(CASES)('%s', (_name, message) => {
    expect(escapedMarkup(message)).toEqual([]);
  });

  it('a second decision names who decided first as a mention, in the message; the notification text stays plain', () => {
    const rendered = renderBlockKit(errorMessage(approvalRefusal('already-decided', decided, 30)));
    expect(JSON.stringify(rendered.blocks)).toContain(`by <@${APPROVER}>.`);
    expect(rendered.text).toBe('This request was already approved by someone else.');
  });

  it('an expired request shows its time as a Slack date', () => {
    const rendered = renderBlockKit(errorMessage(approvalRefusal('expired', decided, 30)));
    expect(JSON.stringify(rendered.blocks)).toContain(`<!date^${Math.floor(NOW / 1000)}^`);
  });

  it('text a person typed is still escaped: the check above can fail', () => {
    const typed = errorMessage(`network <@${APPROVER}> & <!channel> is busy`);
    expect(new Set(escapedMarkup(typed))).toEqual(new Set([`&lt;@${APPROVER}&gt;`, '&lt;!channel&gt;']));
  });
});
