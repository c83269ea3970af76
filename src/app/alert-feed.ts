/**
 * From the monitor stream to the channels: reads the host workers' events through the bot's
 * consumer group, drops duplicates and muted networks, routes each event to its channels, gathers
 * bursts per channel and posts them — one thread per network (parent kept current, one reply per
 * batch), or one digest when a burst spans many networks. A stream entry is acknowledged only once
 * every channel it goes to has it, so a crash redelivers rather than loses.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  AlertBatcher,
  type AlertRouting,
  AlertThreads,
  type MuteStore,
  PostedEvents,
  postedKey,
} from '../alerts/index.js';
import { WHOLE_HOST, alertBatchMessage, alertDigestMessages, alertThreadParent } from '../notify/index.js';
import { type MonitorEvent } from '../contract/index.js';
import { MonitorEventReader } from '../queue/index.js';
import type { BotMetrics } from './bot-metrics.js';
import type { MessagePoster } from './chat-ports.js';

/** What the feed works with. */
export interface AlertFeedOptions {
  /** A connection of the feed's own: stream reads block. Closed by {@link AlertFeed.stop}. */
  readonly readerConnection: Redis;
  /** The bot's shared connection (mutes, threads, posted marks). */
  readonly redis: Redis;
  readonly prefix: string;
  readonly routing: AlertRouting;
  readonly mutes: MuteStore;
  readonly poster: MessagePoster;
  readonly log: Logger;
  readonly metrics: BotMetrics;
  readonly coalesceMs: number;
  /** A batch touching more networks than this becomes a digest. */
  readonly burstNetworks: number;
  /** Consumer name in the group; default this machine's host name, so a restart takes up its own unacknowledged entries. */
  readonly consumer?: string;
}

interface Gathered {
  readonly event: MonitorEvent;
  readonly streamId: string;
}

/** The group every bot shares: replicas split the events between them. */
const CONSUMER_GROUP = 'bot';
const READ_COUNT = 500;
const READ_BLOCK_MS = 500;

/** The running feed. */
export class AlertFeed {
  private readonly reader: MonitorEventReader;
  private readonly posted: PostedEvents;
  private readonly threads: AlertThreads;
  private readonly batcher: AlertBatcher<Gathered>;
  /** Stream entries still waiting for some of their channels. */
  private readonly waiting = new Map<string, number>();
  /** Ids of events gathered and not yet posted: a copy arriving meanwhile is a duplicate. */
  private readonly inFlight = new Set<string>();
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly options: AlertFeedOptions) {
    this.reader = new MonitorEventReader(
      options.readerConnection,
      options.prefix,
      CONSUMER_GROUP,
      options.consumer ?? hostname(),
    );
    this.posted = new PostedEvents(options.redis, options.prefix);
    this.threads = new AlertThreads(options.redis, options.prefix);
    this.batcher = new AlertBatcher<Gathered>(
      options.coalesceMs,
      (channel, items) => this.post(channel, items),
      (error, channel, items) =>
        // Left unacknowledged: the entries are posted again when the bot restarts.
        options.log.error(
          { err: error instanceof Error ? error.message : String(error), channel, events: items.length },
          'could not post alerts',
        ),
    );
  }

  /** Starts reading the stream. */
  async start(): Promise<void> {
    await this.reader.ensureGroup();
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops reading, posts what is gathered (waiting at most `graceMs`: Slack may be holding us back
   * with 429s), and closes the reader's connection. What is not posted by then stays unacknowledged
   * in the stream and is posted after the next start.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.batcher.drain().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!drained)
      this.options.log.warn(
        { graceMs },
        'stopped before every gathered alert was posted; the rest are posted after the next start',
      );
    this.options.readerConnection.disconnect();
  }

  private async run(): Promise<void> {
    for (let delay = 250; this.running;) {
      try {
        const entries = await this.reader.read(READ_COUNT, READ_BLOCK_MS);
        await this.accept(entries.flatMap((entry) => ('event' in entry ? [entry] : this.dropInvalid(entry))));
        delay = 250;
      } catch (error) {
        if (!this.running) return;
        this.options.log.warn(
          { err: error instanceof Error ? error.message : String(error), retryInMs: delay },
          'cannot read monitor events',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private dropInvalid(entry: { streamId: string; invalid: string }): [] {
    this.options.log.warn(
      { streamId: entry.streamId, problem: entry.invalid },
      'ignoring a monitor event that is not valid',
    );
    this.options.metrics.alertEventsTotal.inc({ outcome: 'invalid' });
    void this.reader.ack([entry.streamId]).catch(() => undefined);
    return [];
  }

  private async accept(entries: Gathered[]): Promise<void> {
    if (entries.length === 0) return;
    const { routing, mutes, metrics } = this.options;
    const routed = entries.map((entry) => ({ entry, channels: routing.channelsFor(entry.event) }));
    const already = await this.posted.posted(
      routed.flatMap(({ entry, channels }) => channels.map((channel) => ({ id: entry.event.id, channel }))),
    );
    const done: string[] = [];
    for (const { entry, channels } of routed) {
      // Already gathered (a stream entry is handed out once; this guards against a second read).
      if (this.waiting.has(entry.streamId)) continue;
      if (channels.length === 0) {
        metrics.alertEventsTotal.inc({ outcome: 'unrouted' });
        done.push(entry.streamId);
        continue;
      }
      // Only the channels that do not have it yet: after a crash, an event may have reached some.
      const missing = channels.filter((channel) => !already.has(postedKey({ id: entry.event.id, channel })));
      if (missing.length === 0 || this.inFlight.has(entry.event.id)) {
        metrics.alertEventsTotal.inc({ outcome: 'duplicate' });
        done.push(entry.streamId);
        continue;
      }
      if (await mutes.suppresses(entry.event)) {
        metrics.alertEventsTotal.inc({ outcome: 'muted' });
        done.push(entry.streamId);
        continue;
      }
      this.waiting.set(entry.streamId, missing.length);
      this.inFlight.add(entry.event.id);
      for (const channel of missing) this.batcher.add(channel, entry);
    }
    await this.reader.ack(done);
  }

  /** Posts one channel's batch: per-network thread replies, or a digest for a wide burst. */
  private async post(channel: string, items: Gathered[]): Promise<void> {
    const { poster, metrics, burstNetworks } = this.options;
    const byNetwork = new Map<string, Gathered[]>();
    for (const item of items) {
      const key = `${item.event.host}\u0000${item.event.network ?? item.event.bridge ?? WHOLE_HOST}`;
      byNetwork.set(key, [...(byNetwork.get(key) ?? []), item]);
    }
    const digest = byNetwork.size > burstNetworks;
    metrics.alertBatchesTotal.inc({ form: digest ? 'digest' : 'threads' });
    if (digest) {
      for (const message of alertDigestMessages(items.map((i) => i.event))) {
        await poster.post(channel, message);
        metrics.alertMessagesTotal.inc({ form: 'digest' });
      }
    } else {
      for (const group of byNetwork.values())
        await this.postToThread(
          channel,
          group.map((g) => g.event),
        );
    }
    await this.settle(channel, items);
  }

  private async postToThread(channel: string, events: MonitorEvent[]): Promise<void> {
    const { poster, metrics } = this.options;
    const first = events[0] as MonitorEvent;
    const latest = events[events.length - 1] as MonitorEvent;
    const network = first.network ?? first.bridge ?? WHOLE_HOST;
    const known = await this.threads.get(channel, first.host, network);
    const total = (known?.total ?? 0) + events.length;
    const parent = alertThreadParent(first.host, network, latest, total);
    let ts = known?.ts;
    if (ts === undefined) {
      ts = (await poster.post(channel, parent)).ts;
      metrics.alertMessagesTotal.inc({ form: 'thread' });
    } else {
      await poster.update({ channel, ts }, parent);
    }
    await this.threads.set(channel, first.host, network, { ts, total });
    await poster.post(channel, alertBatchMessage(first.host, network, events), ts);
    metrics.alertMessagesTotal.inc({ form: 'reply' });
  }

  /** Marks the batch's events posted in `channel` and acknowledges entries every channel now has. */
  private async settle(channel: string, items: Gathered[]): Promise<void> {
    const { metrics } = this.options;
    const now = Date.now();
    await this.posted.markPosted(items.map((i) => ({ id: i.event.id, channel })));
    const complete: string[] = [];
    for (const item of items) {
      metrics.alertEventsTotal.inc({ outcome: 'posted' });
      metrics.alertDelaySeconds.observe(Math.max(0, now - item.event.at) / 1000);
      const left = (this.waiting.get(item.streamId) ?? 1) - 1;
      if (left > 0) this.waiting.set(item.streamId, left);
      else {
        this.waiting.delete(item.streamId);
        this.inFlight.delete(item.event.id);
        complete.push(item.streamId);
      }
    }
    await this.reader.ack(complete);
  }
}
