import type { Redis } from 'ioredis';
import { SeenTriggers } from './seen-triggers.js';

/**
 * Remembers which slash-command requests were already handled, by Slack's `trigger_id` (unique
 * per invocation). Bolt accepts a correctly signed request for 5 minutes, so a replayed copy —
 * or a retry by a proxy — would otherwise start a second job.
 *
 * Two levels, so the ack never waits on Redis: {@link takeLocally} answers at once from this
 * process's memory (a replay to the same replica is refused in the ack itself), and {@link claim},
 * called after the ack and before any job work, settles it in Redis across bot replicas.
 */
export class ReplayGuard {
  private readonly local: SeenTriggers;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Longer than Bolt's 5-minute signature window. */
    private readonly rememberSeconds = 600,
  ) {
    this.local = new SeenTriggers(rememberSeconds * 1000);
  }

  /**
   * Takes a request for `jobId` in this process, without I/O. Returns undefined for a first sighting
   * here, or the job id the first copy got when this process has seen it before.
   */
  takeLocally(triggerId: string, jobId: string): string | undefined {
    return this.local.take(triggerId, jobId);
  }

  /**
   * Claims a request for `jobId` in Redis (every replica). Returns undefined for a first sighting,
   * or the job id the first copy got when this is a replay.
   */
  async claim(triggerId: string, jobId: string): Promise<string | undefined> {
    const key = `${this.prefix}:bot:seen:${triggerId}`;
    const set = await this.redis.set(key, jobId, 'EX', this.rememberSeconds, 'NX');
    if (set === 'OK') return undefined;
    const earlier = (await this.redis.get(key)) ?? 'unknown';
    return earlier === jobId ? undefined : earlier;
  }
}
