/**
 * The approval store on a real Redis (127.0.0.1:6379): every test gets its own key prefix and its
 * keys are deleted afterwards. Time is passed in as `now`, so expiry needs no waiting.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ApprovalStore,
  nextApprovalState,
  type ApprovalEvent,
  type ApprovalRequest,
  type ApprovalState,
  type NewApprovalRequest,
} from '../../src/approvals/index.js';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const TTL = 3_600_000;
const REQUESTER = 'U0REQUEST1';
const THIRTY_DAYS_S = 30 * 86_400;

let redis: Redis;
let prefix: string;
let store: ApprovalStore;

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis.quit();
});

beforeEach(() => {
  prefix = `vnt-approvals-${randomUUID().slice(0, 8)}`;
  store = new ApprovalStore(redis, prefix);
});

afterEach(async () => {
  await deleteKeys(`${prefix}:*`);
});

/** Deletes every key matching `pattern` (SCAN, so a shared Redis is never blocked). */
async function deleteKeys(pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
}

function newRequest(overrides: Partial<NewApprovalRequest> = {}): NewApprovalRequest {
  return {
    jobName: 'create',
    hostId: 'kvm1',
    payload: { requestedBy: { userId: REQUESTER }, request: { mode: 'nat', name: 'lab1', dhcpHosts: [] } },
    commandText: '/vnet create nat lab1 --reason "demo"',
    requestedBy: REQUESTER,
    channelId: 'C0NETOPS1',
    reason: 'demo',
    approvalChannelId: 'C0APPROVALS',
    jobId: 'job-1',
    ...overrides,
  };
}

describe('create and get', () => {
  it('stores a pending request with an unguessable id and gives it back unchanged', async () => {
    const preflight = { hostId: 'kvm1', subnetChosen: true, spec: { ipv4: { subnet: '10.200.3.0/24' } }, warnings: [] };

    const created = await store.create(newRequest({ preflight }), { ttlMs: TTL, now: T0 });

    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({ state: 'pending', createdAt: T0, expiresAt: T0 + TTL });
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.get(created.id)).toEqual({
      ...newRequest({ preflight }),
      id: created.id,
      state: 'pending',
      createdAt: T0,
      expiresAt: T0 + TTL,
    });
    expect(await store.pending()).toEqual([created]);
  });

  it('creates every request undecided, whatever decision fields the caller passed', async () => {
    const created = await store.create(newRequest({ decidedBy: 'U0APPROVE1', decidedAt: T0, rejectReason: 'no' }), {
      ttlMs: TTL,
      now: T0,
    });

    expect(created).not.toHaveProperty('decidedBy');
    expect(await store.get(created.id)).toEqual(created);
    expect(await store.decide(created.id, { by: 'U0APPROVE2', decision: 'approve', now: T0 + 1 })).toMatchObject({
      ok: true,
    });
  });

  it('refuses a lifetime or a time that is not whole milliseconds, storing nothing', async () => {
    for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
      await expect(store.create(newRequest(), { ttlMs, now: T0 })).rejects.toThrow(
        'approval ttlMs must be a whole number ≥ 1',
      );
    }
    await expect(store.create(newRequest(), { ttlMs: TTL, now: Number.NaN })).rejects.toThrow(
      'approval request time must be ms since epoch',
    );
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });

  it('fails loudly when Redis refuses part of the transaction', async () => {
    await redis.set(`${prefix}:approvals:pending`, 'not a sorted set');

    await expect(store.create(newRequest(), { ttlMs: TTL, now: T0 })).rejects.toThrow(/WRONGTYPE/);
  });

  it('keeps its keys under the prefix', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });

    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual([
      `${prefix}:approvals:pending`,
      `${prefix}:approvals:request:${id}`,
    ]);
  });

  it('knows nothing of ids it never made, including ones that are not ids at all', async () => {
    expect(await store.get(randomUUID())).toBeUndefined();
    expect(await store.get('*')).toBeUndefined();
    expect(await store.decide('../pending', { by: 'U0APPROVE1', decision: 'approve', now: T0 })).toEqual({
      ok: false,
      code: 'not-found',
    });
    expect(await store.decide(randomUUID(), { by: 'U0APPROVE1', decision: 'approve', now: T0 })).toMatchObject({
      ok: false,
      code: 'not-found',
    });
  });

  it('attaches message timestamps and the job id to an existing request only', async () => {
    const { id } = await store.create(newRequest({ jobId: undefined }), { ttlMs: TTL, now: T0 });

    await store.attach(id, { messageTs: '1700000000.000100', approvalMessageTs: '1700000001.000200' });
    await store.attach(id, { jobId: 'job-7' });

    expect(await store.get(id)).toMatchObject({
      messageTs: '1700000000.000100',
      approvalMessageTs: '1700000001.000200',
      jobId: 'job-7',
    });
    const missing = randomUUID();
    await expect(store.attach(missing, { jobId: 'job-8' })).rejects.toThrow(
      `approval request ${missing} does not exist`,
    );
    expect(await redis.exists(`${prefix}:approvals:request:${missing}`)).toBe(0);
  });
});

describe('decide', () => {
  it('approves: records who and when, leaves the pending list, and keeps the request 30 days', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });

    const result = await store.decide(id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + 60_000 });

    expect(result).toMatchObject({
      ok: true,
      request: { id, state: 'approved', decidedBy: 'U0APPROVE1', decidedAt: T0 + 60_000 },
    });
    expect(await store.get(id)).toEqual(result.ok ? result.request : undefined);
    expect(await store.pending()).toEqual([]);
    const ttl = await redis.ttl(`${prefix}:approvals:request:${id}`);
    expect(ttl).toBeGreaterThan(THIRTY_DAYS_S - 60);
    expect(ttl).toBeLessThanOrEqual(THIRTY_DAYS_S);
  });

  it('refuses the requester deciding their own request, and leaves it pending', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });

    for (const decision of ['approve', 'reject'] as const) {
      expect(await store.decide(id, { by: REQUESTER, decision, reason: 'changed my mind', now: T0 + 1 })).toMatchObject(
        {
          ok: false,
          code: 'self-approval',
          request: { state: 'pending' },
        },
      );
    }
    expect((await store.get(id))?.state).toBe('pending');
  });

  it('refuses a rejection without a reason, then takes one with a reason (trimmed)', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });

    for (const reason of [undefined, '', '  \n ']) {
      expect(
        await store.decide(id, {
          by: 'U0APPROVE1',
          decision: 'reject',
          ...(reason === undefined ? {} : { reason }),
          now: T0 + 1,
        }),
      ).toMatchObject({
        ok: false,
        code: 'reason-required',
        request: { state: 'pending' },
      });
    }
    const rejected = await store.decide(id, {
      by: 'U0APPROVE1',
      decision: 'reject',
      reason: '  use the 10.30 pool  ',
      now: T0 + 2,
    });

    expect(rejected).toMatchObject({
      ok: true,
      request: { state: 'rejected', decidedBy: 'U0APPROVE1', decidedAt: T0 + 2, rejectReason: 'use the 10.30 pool' },
    });
  });

  it('refuses a second decision, saying who decided first', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });
    await store.decide(id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + 1 });

    expect(await store.decide(id, { by: 'U0APPROVE2', decision: 'reject', reason: 'no', now: T0 + 2 })).toMatchObject({
      ok: false,
      code: 'already-decided',
      request: { state: 'approved', decidedBy: 'U0APPROVE1' },
    });
  });

  it('expires a request decided on after its time, even before any sweep', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });

    const late = await store.decide(id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + TTL });

    expect(late).toMatchObject({ ok: false, code: 'expired', request: { state: 'expired' } });
    expect(late.ok ? undefined : late.request?.expiresAt).toBe(T0 + TTL);
    expect(await store.pending()).toEqual([]);
    expect(await store.expireDue(T0 + 2 * TTL)).toEqual([]);
  });

  it('lets exactly one of 50 simultaneous decisions by different approvers win', async () => {
    const { id } = await store.create(newRequest(), { ttlMs: TTL, now: T0 });
    const approvers = Array.from({ length: 50 }, (_, index) => `U0APPR${String(index).padStart(4, '0')}`);

    const results = await Promise.all(
      approvers.map((by, index) =>
        store.decide(
          id,
          index % 2 === 0
            ? { by, decision: 'approve', now: T0 + 5 }
            : { by, decision: 'reject', reason: 'too big', now: T0 + 5 },
        ),
      ),
    );

    const winners = results.filter((result) => result.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => !result.ok).map((result) => (result.ok ? '' : result.code))).toEqual(
      Array(49).fill('already-decided'),
    );
    const winner = winners[0]?.request;
    expect((await store.get(id))?.decidedBy).toBe(winner?.decidedBy);
    expect((await store.get(id))?.state).toBe(winner?.state);
  });

  it('gives the same answer as nextApprovalState for every state, decider, decision and moment', async () => {
    const states: ApprovalState[] = ['pending', 'approved', 'rejected', 'expired'];
    const deciders = [REQUESTER, 'U0APPROVE9'];
    const decisions = [
      { decision: 'approve' as const },
      { decision: 'reject' as const, reason: 'no' },
      { decision: 'reject' as const },
      { decision: 'reject' as const, reason: ' ' },
    ];
    const moments = [T0 + TTL - 1, T0 + TTL, T0 + TTL + 1];
    let cases = 0;

    for (const state of states) {
      for (const by of deciders) {
        for (const decision of decisions) {
          for (const now of moments) {
            const before = await requestIn(state);
            const event: ApprovalEvent =
              decision.decision === 'approve' ? { type: 'approve', by } : { type: 'reject', by, ...decision };
            const expected = nextApprovalState(before, event, now);

            const result = await store.decide(before.id, { by, ...decision, now });

            const label = `${state} ${by} ${JSON.stringify(decision)} at expiresAt${now - before.expiresAt >= 0 ? '+' : ''}${now - before.expiresAt}`;
            expect(result.ok ? undefined : result.code, label).toBe(expected.refusal);
            expect(result.request?.state, label).toBe(expected.next);
            expect((await store.get(before.id))?.state, label).toBe(expected.next);
            cases += 1;
          }
        }
      }
    }
    expect(cases).toBe(96);
  });
});

/** A fresh request brought into `state` by the store's own operations. */
async function requestIn(state: ApprovalState): Promise<ApprovalRequest> {
  const request = await store.create(newRequest(), { ttlMs: TTL, now: T0 });
  if (state === 'approved') await store.decide(request.id, { by: 'U0APPROVE1', decision: 'approve', now: T0 });
  if (state === 'rejected')
    await store.decide(request.id, { by: 'U0APPROVE1', decision: 'reject', reason: 'no', now: T0 });
  if (state === 'expired') await store.decide(request.id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + TTL });
  const current = await store.get(request.id);
  if (current?.state !== state) throw new Error(`could not bring a request into state ${state}`);
  return current;
}

describe('expireDue', () => {
  it('moves exactly the pending requests due by now (expiresAt ≤ now), once', async () => {
    const short = await store.create(newRequest({ commandText: 'short' }), { ttlMs: 60_000, now: T0 });
    const exact = await store.create(newRequest({ commandText: 'exact' }), { ttlMs: 120_000, now: T0 });
    const long = await store.create(newRequest({ commandText: 'long' }), { ttlMs: TTL, now: T0 });
    const decided = await store.create(newRequest({ commandText: 'decided' }), { ttlMs: 60_000, now: T0 });
    await store.decide(decided.id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + 1 });

    const moved = await store.expireDue(T0 + 120_000);

    expect(moved.map((request) => [request.commandText, request.state])).toEqual([
      ['short', 'expired'],
      ['exact', 'expired'],
    ]);
    expect(moved.map((request) => request.id)).toEqual([short.id, exact.id]);
    expect(await store.expireDue(T0 + 120_000)).toEqual([]);
    expect(await store.pending()).toEqual([long]);
    expect((await store.get(decided.id))?.state).toBe('approved');
    expect(await redis.ttl(`${prefix}:approvals:request:${short.id}`)).toBeGreaterThan(THIRTY_DAYS_S - 60);
    expect(await store.decide(exact.id, { by: 'U0APPROVE1', decision: 'approve', now: T0 + 1 })).toMatchObject({
      ok: false,
      code: 'expired',
    });
  });

  it('lists pending requests soonest-to-expire first', async () => {
    const later = await store.create(newRequest({ commandText: 'later' }), { ttlMs: 2 * TTL, now: T0 });
    const sooner = await store.create(newRequest({ commandText: 'sooner' }), { ttlMs: TTL, now: T0 });

    expect((await store.pending()).map((request) => request.id)).toEqual([sooner.id, later.id]);
  });

  it('moves every due request, however many there are', async () => {
    const created = await Promise.all(
      Array.from({ length: 250 }, (_, index) =>
        store.create(newRequest({ commandText: `n${index}` }), { ttlMs: 1000 + index, now: T0 }),
      ),
    );

    const moved = await store.expireDue(T0 + 10_000);

    expect(moved).toHaveLength(250);
    expect(new Set(moved.map((request) => request.id))).toEqual(new Set(created.map((request) => request.id)));
    expect(await store.pending()).toEqual([]);
  });
});
