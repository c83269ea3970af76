/**
 * Both ends of the monitor event stream: workers append ({@link MonitorEventWriter}), the bot reads
 * through a consumer group ({@link MonitorEventReader}) and acknowledges what it has posted, so
 * events survive a bot restart and are redelivered if it dies before posting them.
 */
import type { Redis } from 'ioredis';
import { type MonitorEvent, monitorEventSchema, monitorStreamKey } from '../contract/index.js';

/** How many events the stream keeps (approximately; oldest trimmed first). */
export const MONITOR_STREAM_MAX_LENGTH = 100_000;

/** Appends monitor events to the stream. */
export class MonitorEventWriter {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = monitorStreamKey(prefix);
  }

  /** Appends events in order, in one round trip. */
  async append(events: readonly MonitorEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events)
      pipeline.xadd(this.key, 'MAXLEN', '~', String(MONITOR_STREAM_MAX_LENGTH), '*', 'e', JSON.stringify(event));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}

/** One entry read from the stream: the event, or why it could not be used. */
export type MonitorStreamEntry = { streamId: string; event: MonitorEvent } | { streamId: string; invalid: string };

/**
 * Reads the stream as one consumer of a consumer group. Give it a connection of its own: reads block.
 */
export class MonitorEventReader {
  private readonly key: string;
  /**
   * Where the re-read of this consumer's own unacknowledged entries has got to; undefined once
   * they are all handed out. Advancing it matters: read again from `0`, entries still being posted
   * would come back on every call, without blocking.
   */
  private pendingCursor: string | undefined = '0';

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly group: string,
    private readonly consumer: string,
  ) {
    this.key = monitorStreamKey(prefix);
  }

  /**
   * Creates the group if missing. A new group starts at the stream's end (`$`): alerts about the
   * past are not replayed when the bot is first installed; after that the group remembers its place.
   */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, this.group, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
  }

  /**
   * The next entries: first this consumer's own unacknowledged ones (read before a crash, never
   * acknowledged), then new ones, waiting up to `blockMs` for some.
   */
  async read(count: number, blockMs: number): Promise<MonitorStreamEntry[]> {
    if (this.pendingCursor !== undefined) {
      const pending = await this.readFrom(this.pendingCursor, count, undefined);
      const last = pending[pending.length - 1];
      if (last) {
        this.pendingCursor = last.streamId;
        return pending;
      }
      this.pendingCursor = undefined;
    }
    return this.readFrom('>', count, blockMs);
  }

  /** Marks entries handled. */
  async ack(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length > 0) await this.redis.xack(this.key, this.group, ...streamIds);
  }

  private async readFrom(start: string, count: number, blockMs: number | undefined): Promise<MonitorStreamEntry[]> {
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', count];
    if (blockMs !== undefined) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.key, start);
    // The typed xreadgroup (not `call`, whose reply ioredis shapes differently for one stream).
    const xreadgroup = this.redis.xreadgroup.bind(this.redis) as unknown as (
      ...a: (string | number)[]
    ) => Promise<[string, [string, string[] | null][]][] | null>;
    const reply = await xreadgroup(...args);
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([streamId, fields]) => decodeEntry(streamId, fields));
  }
}

function decodeEntry(streamId: string, fields: string[] | null): MonitorStreamEntry {
  // A pending entry trimmed from the stream comes back with no fields.
  if (!fields) return { streamId, invalid: 'the entry was trimmed from the stream before it was read' };
  const index = fields.indexOf('e');
  const text = index >= 0 ? fields[index + 1] : undefined;
  if (text === undefined) return { streamId, invalid: 'no event field' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { streamId, invalid: 'not JSON' };
  }
  const parsed = monitorEventSchema.safeParse(json);
  return parsed.success
    ? { streamId, event: parsed.data }
    : { streamId, invalid: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
