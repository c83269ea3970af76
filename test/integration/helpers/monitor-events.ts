import type { Redis } from 'ioredis';
import { type MonitorEvent } from '../../../src/contract/index.js';
import { MonitorEventReader, createRedisConnection } from '../../../src/queue/index.js';

/**
 * Collects monitor events from the stream in the background, as the bot would (its own consumer
 * group), so tests can wait for the ones they expect and check nothing else slipped in.
 */
export class MonitorEventLog {
  readonly events: MonitorEvent[] = [];
  readonly invalid: string[] = [];
  private readonly connection: Redis;
  private readonly reader: MonitorEventReader;
  private running = true;
  private loop?: Promise<void>;

  private constructor(socketPath: string, prefix: string) {
    this.connection = createRedisConnection({ socketPath }, 'client');
    this.reader = new MonitorEventReader(this.connection, prefix, `test-${Date.now()}`, 'test');
  }

  /** Starts reading; create it before the worker so no event is missed. */
  static async start(socketPath: string, prefix: string): Promise<MonitorEventLog> {
    const log = new MonitorEventLog(socketPath, prefix);
    await log.reader.ensureGroup();
    log.loop = log.run();
    return log;
  }

  /** Resolves with the first event matching `predicate` (seen already or arriving within `timeoutMs`). */
  async waitFor(
    predicate: (event: MonitorEvent) => boolean,
    timeoutMs = 10_000,
    what = 'a matching monitor event',
  ): Promise<MonitorEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; events so far:\n${this.events.map(describeEvent).join('\n') || '(none)'}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Events matching `predicate` seen so far. */
  matching(predicate: (event: MonitorEvent) => boolean): MonitorEvent[] {
    return this.events.filter(predicate);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.connection.disconnect();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const entries = await this.reader.read(500, 100).catch(() => []);
      for (const entry of entries) {
        if ('event' in entry) this.events.push(entry.event);
        else this.invalid.push(entry.invalid);
      }
      await this.reader.ack(entries.map((e) => e.streamId)).catch(() => undefined);
    }
  }
}

/** One line per event, for failure messages. */
export function describeEvent(event: MonitorEvent): string {
  return [
    event.kind,
    event.source,
    event.network,
    event.bridge,
    event.port,
    event.from && `${event.from}→${event.to}`,
    event.job && `job ${event.job.id}`,
  ]
    .filter(Boolean)
    .join(' ');
}
