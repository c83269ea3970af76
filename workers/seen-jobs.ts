/**
 * The replay guard's memory: job ids this host has let run, each with the signature it came with
 * and whether it is still `running` (retries and stalled re-runs allowed) or `finished` (a copy is a
 * replay). Kept in this process, and for jobs that change the host also in Redis under this host's
 * own keys, each for as long as the job could still pass the expiry check plus the retry window.
 *
 * What someone with write access to Redis can and cannot do about it: they cannot make a job (no
 * private key), but they can delete these keys. A worker that has been running since the job first
 * ran still refuses the copy from memory; a restarted worker would accept one copy of a job it ran
 * before, if that copy is re-added before the job's expiry (minutes by default); for a read job,
 * which is only remembered in memory, no deletion is needed. The expiry bounds the window; it cannot
 * be widened without the bot's key. They can also write `finished` records to
 * make real jobs be refused: a denial of service, which they can do anyway by deleting the queue.
 */
import type { Redis } from 'ioredis';
import { seenJobKey } from '../src/contract/index.js';
import type { SeenJob, SeenJobs } from './job-admission.js';

/** A {@link SeenJobs} in memory and in Redis. */
export class RedisSeenJobs implements SeenJobs {
  private readonly memory = new Map<string, { record: SeenJob; untilMs: number; durable: boolean }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly hostId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(jobId: string): Promise<SeenJob | undefined> {
    const remembered = this.remembered(jobId);
    if (remembered) return remembered;
    const key = seenJobKey(this.prefix, this.hostId, jobId);
    const [value, ttlMs] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    const record = decode(value);
    if (record) this.remember(jobId, record, ttlMs > 0 ? ttlMs : 60_000, true);
    return record;
  }

  async claim(jobId: string, digest: string, ttlMs: number, durable: boolean): Promise<SeenJob | undefined> {
    const remembered = this.remembered(jobId);
    if (remembered) return remembered;
    const record: SeenJob = { digest, state: 'running' };
    if (!durable) {
      this.remember(jobId, record, ttlMs, false);
      return undefined;
    }
    const key = seenJobKey(this.prefix, this.hostId, jobId);
    const set = await this.redis.set(key, encode(record), 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (set === 'OK') {
      this.remember(jobId, record, ttlMs, true);
      return undefined;
    }
    // Another worker of this host claimed it first (e.g. it picked the job up again after a stall).
    return this.lookup(jobId);
  }

  /** Marks a job as ended for good: from now on a copy of it is a replay (in memory at once, then in Redis). */
  async finish(jobId: string): Promise<void> {
    const entry = this.memory.get(jobId);
    if (!entry) return;
    const record: SeenJob = { digest: entry.record.digest, state: 'finished' };
    this.memory.set(jobId, { ...entry, record });
    if (entry.durable)
      await this.redis.set(seenJobKey(this.prefix, this.hostId, jobId), encode(record), 'KEEPTTL', 'XX');
  }

  /** How many job ids are held in memory (for tests). */
  get size(): number {
    return this.memory.size;
  }

  private remembered(jobId: string): SeenJob | undefined {
    const entry = this.memory.get(jobId);
    if (!entry) return undefined;
    if (entry.untilMs > this.now()) return entry.record;
    this.memory.delete(jobId);
    return undefined;
  }

  private remember(jobId: string, record: SeenJob, ttlMs: number, durable: boolean): void {
    const now = this.now();
    this.memory.set(jobId, { record, untilMs: now + ttlMs, durable });
    // Entries are mostly added in time order: dropping lapsed ones from the front keeps memory bounded.
    for (const [id, entry] of this.memory) {
      if (entry.untilMs > now) break;
      this.memory.delete(id);
    }
  }
}

function encode(record: SeenJob): string {
  return `${record.state}:${record.digest}`;
}

function decode(value: string | null): SeenJob | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  const state = value.slice(0, colon);
  if (colon < 0 || (state !== 'running' && state !== 'finished')) return undefined;
  return { state, digest: value.slice(colon + 1) };
}
