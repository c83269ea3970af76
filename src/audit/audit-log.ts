import type { Redis } from 'ioredis';
import { z } from 'zod';
import { auditSafeText } from './audit-text.js';

/** Every kind of audit entry. */
export const AUDIT_ACTIONS = [
  'command',
  'approval-requested',
  'approved',
  'rejected',
  'expired',
  'result',
  'mute',
  'unmute',
] as const;

/** What an audit entry records. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One audit log entry. Text fields are scrubbed of secrets and cut to a bounded length when stored. */
export interface AuditEntry {
  /** ms since epoch. */
  at: number;
  /** Slack member id of who acted, or `vnetops` for the bot itself (e.g. expiry). */
  actor: string;
  action: AuditAction;
  /** The command as typed. */
  command?: string;
  hostId?: string;
  network?: string;
  jobId?: string;
  /** libvirt network UUID. */
  uuid?: string;
  /** How it ended, e.g. done, failed, rejected. */
  outcome?: string;
  /** Anything else: a reason, an error message. */
  detail?: string;
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** Entries kept, approximately (Redis trims whole stream nodes). Default 1 000 000. */
  maxLength?: number;
}

/** Longest stored value of each text field, in characters. */
const FIELD_LIMITS = {
  actor: 64,
  command: 500,
  hostId: 64,
  network: 64,
  jobId: 128,
  uuid: 64,
  outcome: 64,
  detail: 1000,
} as const satisfies Record<Exclude<keyof AuditEntry, 'at' | 'action'>, number>;

type TextField = keyof typeof FIELD_LIMITS;
const TEXT_FIELDS = Object.keys(FIELD_LIMITS) as TextField[];

/** Stream fields as read back; unknown fields (other versions) are dropped, optional ones may be absent. */
const storedEntry = z.object({
  at: z.string().regex(/^\d+$/).transform(Number),
  actor: z.string().min(1),
  action: z.enum(AUDIT_ACTIONS),
  command: z.string().optional(),
  hostId: z.string().optional(),
  network: z.string().optional(),
  jobId: z.string().optional(),
  uuid: z.string().optional(),
  outcome: z.string().optional(),
  detail: z.string().optional(),
});

/** Stream entries read per round trip while skipping unreadable ones. */
const READ_BATCH = 100;

/**
 * The audit log: an append-only Redis stream (`<prefix>:audit`), trimmed to about `maxLength`
 * entries. Nothing in it is ever a secret: text is scrubbed before it is written.
 */
export class AuditLog {
  private readonly key: string;
  private readonly maxLength: number;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: AuditLogOptions = {},
  ) {
    this.key = `${prefix}:audit`;
    this.maxLength = options.maxLength ?? 1_000_000;
    if (!Number.isInteger(this.maxLength) || this.maxLength < 1)
      throw new RangeError('audit log maxLength must be a whole number ≥ 1');
  }

  /**
   * Appends an entry; returns its stream id.
   * @throws {RangeError} for an entry without an actor, an unknown action or a bad time.
   */
  async append(entry: AuditEntry): Promise<string> {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action))
      throw new RangeError(`unknown audit action ${JSON.stringify(entry.action)}`);
    if (!Number.isSafeInteger(entry.at) || entry.at < 0)
      throw new RangeError('audit entry time must be ms since epoch');
    const actor = auditSafeText(entry.actor, FIELD_LIMITS.actor);
    if (actor.trim() === '') throw new RangeError('audit entry needs an actor');
    const fields: string[] = ['at', String(entry.at), 'action', entry.action, 'actor', actor];
    for (const field of TEXT_FIELDS) {
      const value = entry[field];
      if (field !== 'actor' && value !== undefined) fields.push(field, auditSafeText(value, FIELD_LIMITS[field]));
    }
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLength), '*', ...fields);
    if (id === null) throw new Error('Redis did not add the audit entry');
    return id;
  }

  /** Up to `limit` entries, newest first. Entries this version cannot read are skipped. */
  async latest(limit: number): Promise<Array<AuditEntry & { id: string }>> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a whole number ≥ 1');
    const entries: Array<AuditEntry & { id: string }> = [];
    const count = Math.min(READ_BATCH, limit);
    for (let end = '+'; ;) {
      const batch = await this.redis.xrevrange(this.key, end, '-', 'COUNT', String(count));
      for (const [id, flat] of batch) {
        const entry = parseEntry(flat);
        if (entry !== undefined) entries.push({ id, ...entry });
        if (entries.length === limit) return entries;
      }
      const last = batch.at(-1);
      if (last === undefined || batch.length < count) return entries;
      // Exclusive: go on just below the oldest entry read so far.
      end = `(${last[0]}`;
    }
  }
}

function parseEntry(flat: readonly string[]): AuditEntry | undefined {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
  const parsed = storedEntry.safeParse(fields);
  if (!parsed.success) return undefined;
  return Object.fromEntries(
    Object.entries(parsed.data).filter(([, value]) => value !== undefined),
  ) as unknown as AuditEntry;
}
