import type { Logger } from 'pino';
import type { MonitorEvent } from '../../src/contract/index.js';

/** An event before the publisher stamps it with id and host. */
export type UnstampedEvent = Omit<MonitorEvent, 'id' | 'host'>;

/** Where events go (the Redis stream in production). */
export interface EventSink {
  append(events: readonly MonitorEvent[]): Promise<void>;
}

/** Most events held while Redis is unreachable; beyond that the oldest are dropped, and counted. */
const MAX_BUFFERED = 50_000;

/**
 * Stamps events with a unique id and the host, and appends them to the stream in batches: events
 * raised in the same tick go out in one round trip. While Redis is down, events wait in memory (in
 * order) and go out when it is back.
 */
export class EventPublisher {
  private readonly idBase: string;
  private sequence = 0;
  private buffer: MonitorEvent[] = [];
  private flushing?: Promise<void>;
  private scheduled = false;
  private retryDelayMs = 100;
  private retryTimer?: NodeJS.Timeout;
  private dropped = 0;
  private closed = false;

  /** `stream` tells apart two publishers of one host started in the same millisecond (their ids must differ). */
  constructor(
    private readonly hostId: string,
    private readonly sink: EventSink,
    private readonly log: Logger,
    stream?: string,
  ) {
    this.idBase = `${hostId}:${stream ? `${stream}:` : ''}${Date.now().toString(36)}`;
  }

  /** Queues one event; it is appended on the next tick. Returns the stamped event. */
  publish(event: UnstampedEvent): MonitorEvent {
    const stamped: MonitorEvent = {
      id: `${this.idBase}:${(this.sequence++).toString(36)}`,
      host: this.hostId,
      ...event,
    };
    this.buffer.push(stamped);
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer = this.buffer.slice(-MAX_BUFFERED);
    }
    this.schedule();
    return stamped;
  }

  /** Appends everything queued (for tests and shutdown); gives up after `timeoutMs`. */
  async drain(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.buffer.length > 0 || this.flushing) && Date.now() < deadline) {
      await (this.flushing ?? this.flush());
      if (this.buffer.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops retrying; what is still queued is lost (logged). */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.buffer.length > 0)
      this.log.warn({ events: this.buffer.length }, 'monitor events not published before shutdown');
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.retryTimer || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing || this.buffer.length === 0) return this.flushing ?? Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.sink
      .append(batch)
      .then(() => {
        this.retryDelayMs = 100;
        if (this.dropped > 0) {
          this.log.error({ dropped: this.dropped }, 'monitor events were dropped while Redis was unreachable');
          this.dropped = 0;
        }
      })
      .catch((error: unknown) => {
        // Put the batch back in front, keep order, and try again later.
        this.buffer = [...batch, ...this.buffer];
        this.log.warn(
          {
            err: error instanceof Error ? error.message : String(error),
            retryInMs: this.retryDelayMs,
            queued: this.buffer.length,
          },
          'cannot publish monitor events yet',
        );
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.flush();
          }, this.retryDelayMs);
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
        }
      })
      .finally(() => {
        this.flushing = undefined;
        if (this.buffer.length > 0 && !this.retryTimer) this.schedule();
      });
    return this.flushing;
  }
}
