import type { Redis } from 'ioredis';

/** How long a posted event's id is remembered: longer than any redelivery could take. */
const REMEMBER_SECONDS = 7 * 24 * 3600;

/**
 * Ids of events already posted, so a stream entry redelivered after a crash (read, posted, not yet
 * acknowledged) is not posted twice. Marked after the post: a crash between post and mark can still
 * repeat one message, but never lose one.
 */
export class PostedEvents {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.prefix = `${prefix}:alerts:posted:`;
  }

  /** The ids among `ids` that were posted already. */
  async posted(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.prefix + id);
    const results = (await pipeline.exec()) ?? [];
    return new Set(ids.filter((_, index) => results[index]?.[1] === 1));
  }

  async markPosted(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.set(this.prefix + id, '1', 'EX', REMEMBER_SECONDS);
    await pipeline.exec();
  }
}
