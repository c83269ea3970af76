import type { Redis } from 'ioredis';

/** How long a posted event's id is remembered: longer than any redelivery could take. */
const REMEMBER_SECONDS = 7 * 24 * 3600;

/** One event in one channel. */
export interface EventInChannel {
  readonly id: string;
  readonly channel: string;
}

/**
 * Events already posted, per channel, so a stream entry redelivered after a crash (read, posted, not
 * yet acknowledged) is not posted twice. Marked after the post: a crash between post and mark can
 * still repeat one message, but never lose one. Per channel, because an event routed to two channels
 * may have reached only one of them when the bot died.
 */
export class PostedEvents {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly rememberSeconds = REMEMBER_SECONDS,
  ) {
    this.prefix = `${prefix}:alerts:posted:`;
  }

  /** Those of `items` that were posted already, as `channel|id` keys (see {@link postedKey}). */
  async posted(items: readonly EventInChannel[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const item of items) pipeline.exists(this.keyOf(item));
    const results = (await pipeline.exec()) ?? [];
    return new Set(items.filter((_, index) => results[index]?.[1] === 1).map(postedKey));
  }

  /** Remembers `items` as posted (for a week). */
  async markPosted(items: readonly EventInChannel[]): Promise<void> {
    if (items.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const item of items) pipeline.set(this.keyOf(item), '1', 'EX', this.rememberSeconds);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  private keyOf(item: EventInChannel): string {
    return `${this.prefix}${item.channel}:${item.id}`;
  }
}

/** The key {@link PostedEvents.posted} answers with. */
export function postedKey(item: EventInChannel): string {
  return `${item.channel}|${item.id}`;
}
