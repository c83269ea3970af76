import type { Redis } from 'ioredis';

/**
 * Remembers which slash-command requests were already handled, by Slack's `trigger_id` (unique
 * per invocation). Bolt accepts a correctly signed request for 5 minutes, so a replayed copy —
 * or a retry by a proxy — would otherwise start a second job. Shared through Redis, so it holds
 * across bot replicas.
 */
export class ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Longer than Bolt's 5-minute signature window. */
    private readonly rememberSeconds = 600,
  ) {}

  /**
   * Claims a request for `jobId`. Returns undefined for a first sighting, or the job id the first
   * copy got when this is a replay.
   */
  async claim(triggerId: string, jobId: string): Promise<string | undefined> {
    const key = `${this.prefix}:bot:seen:${triggerId}`;
    const set = await this.redis.set(key, jobId, 'EX', this.rememberSeconds, 'NX');
    if (set === 'OK') return undefined;
    return (await this.redis.get(key)) ?? 'unknown';
  }
}
