import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { JOB_NAMES } from '../contract/index.js';
import type { ApprovalRequest, NewApprovalRequest } from './approval-request.js';
import { DECIDED_REQUEST_KEEP_DAYS, type DecideRefusal } from './approval-refusals.js';
import { ATTACH_SCRIPT, DECIDE_SCRIPT, EXPIRE_DUE_SCRIPT } from './approval-scripts.js';

/** An approver's decision on one request. */
export interface ApprovalDecision {
  /** Slack member id of the approver. */
  by: string;
  decision: 'approve' | 'reject';
  /** Required (non-blank) to reject. */
  reason?: string;
  /** ms since epoch. */
  now: number;
}

/** What became of a decision: the request as decided, or why not (with a message for the person). */
export type DecideResult =
  { ok: true; request: ApprovalRequest } | { ok: false; code: DecideRefusal; request?: ApprovalRequest };

/** Fields that can be added to a request after it is created. */
export interface ApprovalAttachment {
  messageTs?: string;
  approvalMessageTs?: string;
  jobId?: string;
}

const KEEP_DECIDED_SECONDS = DECIDED_REQUEST_KEEP_DAYS * 86_400;
/** Due requests expired per script run, so one run never blocks Redis for long. */
const EXPIRE_BATCH = 100;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The part of a request that never changes, stored as one JSON field. */
const requestBody = z.object({
  jobName: z.enum(JOB_NAMES),
  hostId: z.string(),
  payload: z.unknown().optional(),
  commandText: z.string(),
  channelId: z.string(),
  reason: z.string().optional(),
  approvalChannelId: z.string(),
  preflight: z.unknown().optional(),
});

const timestamp = z.string().regex(/^\d+$/).transform(Number);

/** The request hash: the body plus the fields the Lua scripts read and write one by one. */
const requestHash = z.object({
  body: z.string(),
  state: z.enum(['pending', 'approved', 'rejected', 'expired']),
  requestedBy: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  decidedBy: z.string().optional(),
  decidedAt: timestamp.optional(),
  rejectReason: z.string().optional(),
  messageTs: z.string().optional(),
  approvalMessageTs: z.string().optional(),
  jobId: z.string().optional(),
});

/**
 * Approval requests in Redis: one hash per request (`<prefix>:approvals:request:<id>`) and a sorted
 * set of the pending ones by expiry (`<prefix>:approvals:pending`). Every state change is a Lua script,
 * so two clicks at once can never both win. Decided and expired requests are kept for 30 days.
 */
export class ApprovalStore {
  private readonly requestKeyPrefix: string;
  private readonly pendingKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.requestKeyPrefix = `${prefix}:approvals:request:`;
    this.pendingKey = `${prefix}:approvals:pending`;
  }

  /**
   * Stores a new pending request that expires `ttlMs` after `now`. Decision fields in `request` are
   * ignored: only `decide` records a decision.
   * @throws {RangeError} unless `ttlMs` is a whole number of ms ≥ 1 and `now` ms since epoch.
   */
  async create(request: NewApprovalRequest, opts: { ttlMs: number; now: number }): Promise<ApprovalRequest> {
    if (!Number.isSafeInteger(opts.ttlMs) || opts.ttlMs < 1)
      throw new RangeError('approval ttlMs must be a whole number ≥ 1');
    if (!Number.isSafeInteger(opts.now) || opts.now < 0)
      throw new RangeError('approval request time must be ms since epoch');
    const { decidedBy: _decidedBy, decidedAt: _decidedAt, rejectReason: _rejectReason, ...undecided } = request;
    const created: ApprovalRequest = {
      ...undecided,
      id: randomUUID(),
      state: 'pending',
      createdAt: opts.now,
      expiresAt: opts.now + opts.ttlMs,
    };
    const key = this.keyOf(created.id);
    const replies = await this.redis
      .multi()
      .hset(key, toHash(created))
      .zadd(this.pendingKey, created.expiresAt, created.id)
      // A safety net should every sweep fail: nothing stays in Redis forever.
      .pexpire(key, opts.ttlMs + KEEP_DECIDED_SECONDS * 1000)
      .exec();
    // A MULTI resolves even when a command in it failed (e.g. WRONGTYPE); its error is in the replies.
    if (replies === null) throw new Error(`approval request ${created.id} was not stored: the transaction was aborted`);
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    return created;
  }

  /** One request, or `undefined` if there is none by that id (or it is older than 30 days). */
  async get(id: string): Promise<ApprovalRequest | undefined> {
    if (!REQUEST_ID.test(id)) return undefined;
    const fields = await this.redis.hgetall(this.keyOf(id));
    return Object.keys(fields).length === 0 ? undefined : fromHash(id, fields);
  }

  /**
   * Records where the request's messages are, or the job it became.
   * @throws {Error} if there is no such request.
   */
  async attach(id: string, fields: ApprovalAttachment): Promise<void> {
    const pairs = Object.entries(fields).filter((pair): pair is [string, string] => pair[1] !== undefined);
    if (pairs.length === 0) return;
    const found = REQUEST_ID.test(id) ? await this.redis.eval(ATTACH_SCRIPT, 1, this.keyOf(id), ...pairs.flat()) : 0;
    if (found !== 1) throw new Error(`approval request ${id} does not exist`);
  }

  /** One atomic step (a Lua script): only a pending, unexpired request by someone other than the requester moves. */
  async decide(id: string, d: ApprovalDecision): Promise<DecideResult> {
    if (!REQUEST_ID.test(id)) return { ok: false, code: 'not-found' };
    const reason = d.reason?.trim() ?? '';
    const reply = (await this.redis.eval(
      DECIDE_SCRIPT,
      2,
      this.keyOf(id),
      this.pendingKey,
      id,
      d.decision,
      d.by,
      reason,
      String(d.now),
      String(KEEP_DECIDED_SECONDS),
    )) as [string, string[]];
    const [outcome, flat] = reply;
    const request = flat.length === 0 ? undefined : fromHash(id, pairsToObject(flat));
    if (outcome === 'ok' && request !== undefined) return { ok: true, request };
    const code = outcome as DecideRefusal;
    return { ok: false, code, ...(request === undefined ? {} : { request }) };
  }

  /** Moves every pending request whose expiresAt ≤ now to expired, atomically; returns those it moved. */
  async expireDue(now: number): Promise<ApprovalRequest[]> {
    const moved: ApprovalRequest[] = [];
    for (;;) {
      const [scanned, hashes] = (await this.redis.eval(
        EXPIRE_DUE_SCRIPT,
        1,
        this.pendingKey,
        this.requestKeyPrefix,
        String(now),
        String(EXPIRE_BATCH),
        String(KEEP_DECIDED_SECONDS),
      )) as [number, string[][]];
      for (const flat of hashes) {
        const fields = pairsToObject(flat);
        moved.push(fromHash(idOfHash(fields), fields));
      }
      if (scanned < EXPIRE_BATCH) return moved;
    }
  }

  /** Every pending request, soonest to expire first (including any past due that no sweep has moved yet). */
  async pending(): Promise<ApprovalRequest[]> {
    const ids = await this.redis.zrange(this.pendingKey, '0', '-1');
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keyOf(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, index) => {
      const [error, fields] = replies[index] ?? [null, {}];
      if (error) throw error;
      const hash = fields as Record<string, string>;
      if (Object.keys(hash).length === 0) return [];
      const request = fromHash(id, hash);
      return request.state === 'pending' ? [request] : [];
    });
  }

  private keyOf(id: string): string {
    return `${this.requestKeyPrefix}${id}`;
  }
}

function toHash(request: ApprovalRequest): Record<string, string> {
  const {
    id: _id,
    state,
    requestedBy,
    createdAt,
    expiresAt,
    messageTs,
    approvalMessageTs,
    jobId,
    decidedBy,
    decidedAt,
    rejectReason,
    ...body
  } = request;
  const optional = { messageTs, approvalMessageTs, jobId, decidedBy, decidedAt, rejectReason };
  return {
    body: JSON.stringify(body),
    // The id is in the key; it is stored too so a sweep's results say which request they are.
    id: request.id,
    state,
    requestedBy,
    createdAt: String(createdAt),
    expiresAt: String(expiresAt),
    ...Object.fromEntries(
      Object.entries(optional).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])),
    ),
  };
}

function fromHash(id: string, fields: Record<string, string>): ApprovalRequest {
  const hash = requestHash.safeParse(fields);
  const body = hash.success ? requestBody.safeParse(parsedJson(hash.data.body)) : undefined;
  if (!hash.success || body === undefined || !body.success) {
    const issues = hash.success ? (body?.error?.issues ?? []) : hash.error.issues;
    const where = issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
    throw new Error(`approval request ${id} is malformed in Redis (${where || 'body is not JSON'})`);
  }
  const { body: _body, ...scalars } = hash.data;
  const request: ApprovalRequest = { id, ...body.data, payload: body.data.payload, ...scalars };
  // Optional fields absent rather than undefined, as callers build them.
  return Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== undefined),
  ) as unknown as ApprovalRequest;
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function idOfHash(fields: Record<string, string>): string {
  const id = fields['id'];
  if (id === undefined) throw new Error('an approval request in Redis has no id');
  return id;
}

/** `[field, value, field, value …]` (a Lua HGETALL reply) → object. */
function pairsToObject(flat: readonly string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) object[flat[index] as string] = flat[index + 1] as string;
  return object;
}
