import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextApprovalState,
  type ApprovalEvent,
  type ApprovalState,
  type ApprovalTransition,
} from '../../../src/approvals/index.js';

const REQUESTER = 'U0REQUEST1';
const APPROVER = 'U0APPROVE1';
const EXPIRES_AT = 1_000_000;
const BEFORE = EXPIRES_AT - 1;
const requestIn = (state: ApprovalState) => ({ state, requestedBy: REQUESTER, expiresAt: EXPIRES_AT });

const approve: ApprovalEvent = { type: 'approve', by: APPROVER };
const reject: ApprovalEvent = { type: 'reject', by: APPROVER, reason: 'subnet clashes with the lab VPN' };
const sweep: ApprovalEvent = { type: 'sweep' };

describe('nextApprovalState', () => {
  it.each<[string, ApprovalState, ApprovalEvent, number, ApprovalTransition]>([
    ['an approver approves a pending request', 'pending', approve, BEFORE, { next: 'approved' }],
    ['an approver rejects with a reason', 'pending', reject, BEFORE, { next: 'rejected' }],
    [
      'the requester approves their own',
      'pending',
      { type: 'approve', by: REQUESTER },
      BEFORE,
      { next: 'pending', refusal: 'self-approval' },
    ],
    [
      'the requester rejects their own',
      'pending',
      { ...reject, by: REQUESTER },
      BEFORE,
      { next: 'pending', refusal: 'self-approval' },
    ],
    [
      'a rejection without a reason',
      'pending',
      { type: 'reject', by: APPROVER },
      BEFORE,
      { next: 'pending', refusal: 'reason-required' },
    ],
    [
      'a rejection with a blank reason',
      'pending',
      { type: 'reject', by: APPROVER, reason: ' \n\t ' },
      BEFORE,
      { next: 'pending', refusal: 'reason-required' },
    ],
    ['an approval at the moment of expiry', 'pending', approve, EXPIRES_AT, { next: 'expired', refusal: 'expired' }],
    ['a rejection after expiry', 'pending', reject, EXPIRES_AT + 1, { next: 'expired', refusal: 'expired' }],
    [
      'the requester after expiry (expiry says more)',
      'pending',
      { type: 'approve', by: REQUESTER },
      EXPIRES_AT,
      { next: 'expired', refusal: 'expired' },
    ],
    ['a second approval', 'approved', approve, BEFORE, { next: 'approved', refusal: 'already-decided' }],
    [
      'a rejection of an approved request',
      'approved',
      reject,
      BEFORE,
      { next: 'approved', refusal: 'already-decided' },
    ],
    [
      'an approval of a rejected request',
      'rejected',
      approve,
      BEFORE,
      { next: 'rejected', refusal: 'already-decided' },
    ],
    ['an approval of an expired request', 'expired', approve, BEFORE, { next: 'expired', refusal: 'expired' }],
    ['a rejection of an expired request', 'expired', reject, EXPIRES_AT + 1, { next: 'expired', refusal: 'expired' }],
    ['a sweep before expiry', 'pending', sweep, BEFORE, { next: 'pending' }],
    ['a sweep at expiry', 'pending', sweep, EXPIRES_AT, { next: 'expired' }],
    ['a sweep over an approved request', 'approved', sweep, EXPIRES_AT + 1, { next: 'approved' }],
    ['a sweep over a rejected request', 'rejected', sweep, EXPIRES_AT + 1, { next: 'rejected' }],
    ['a sweep over an expired request', 'expired', sweep, EXPIRES_AT + 1, { next: 'expired' }],
  ])('%s', (_case, state, event, now, expected) => {
    expect(nextApprovalState(requestIn(state), event, now)).toEqual(expected);
  });

  it('moves only pending requests: approved or rejected by someone else in time, or expired at expiresAt', () => {
    const states = fc.constantFrom<ApprovalState>('pending', 'approved', 'rejected', 'expired');
    const events = fc.oneof(
      fc.record({ type: fc.constant('approve' as const), by: fc.constantFrom(REQUESTER, APPROVER) }),
      fc.record({
        type: fc.constant('reject' as const),
        by: fc.constantFrom(REQUESTER, APPROVER),
        reason: fc.option(fc.string(), { nil: undefined }),
      }),
      fc.constant(sweep),
    );
    fc.assert(
      fc.property(states, events, fc.integer({ min: 0, max: 2 * EXPIRES_AT }), (state, event, now) => {
        const { next, refusal } = nextApprovalState(requestIn(state), event, now);
        if (state !== 'pending') {
          expect(next).toBe(state);
          return;
        }
        if (next === 'expired') expect(now).toBeGreaterThanOrEqual(EXPIRES_AT);
        if (next === 'approved' || next === 'rejected') {
          expect(refusal).toBeUndefined();
          expect(now).toBeLessThan(EXPIRES_AT);
          expect(event).toMatchObject({ type: next === 'approved' ? 'approve' : 'reject', by: APPROVER });
        }
      }),
    );
  });
});
