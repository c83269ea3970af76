/**
 * Says in the alert channels when the bot cannot reach Redis, and when it can again. Posted straight
 * through the chat poster: Slack does not depend on Redis, so on-call hears of the outage that keeps
 * every other alert from arriving. A blip shorter than the grace stays quiet.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisOutageNotice } from '../notify/index.js';
import { duration } from '../text/index.js';
import type { MessagePoster } from './chat-ports.js';

/** Options of {@link RedisOutageNotice}. */
export interface RedisOutageNoticeOptions {
  /** The bot's main connection (its 'close' and 'ready' events tell). */
  redis: Redis;
  poster: MessagePoster;
  /** Where to say it: the default alert channel, else every routed one. */
  channels: readonly string[];
  log: Logger;
  /** How long Redis may be away before it is news, ms. Default 5000. */
  graceMs?: number;
}

/** Watches one connection; see the module comment. */
export class RedisOutageNotice {
  private downSince: number | undefined;
  private reported = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisOutageNoticeOptions) {}

  /** Starts listening to the connection. */
  start(): void {
    this.options.redis.on('close', this.onDown);
    this.options.redis.on('ready', this.onUp);
  }

  /** Stops listening (a connection closed on purpose at shutdown is no outage). */
  stop(): void {
    this.options.redis.off('close', this.onDown);
    this.options.redis.off('ready', this.onUp);
    clearTimeout(this.timer);
  }

  private readonly onDown = (): void => {
    if (this.downSince !== undefined) return;
    const since = Date.now();
    this.downSince = since;
    this.timer = setTimeout(() => {
      if (this.downSince !== since) return;
      this.reported = true;
      this.say(redisOutageNotice('down', since, Date.now(), ''));
    }, this.options.graceMs ?? 5000);
  };

  private readonly onUp = (): void => {
    const since = this.downSince;
    clearTimeout(this.timer);
    this.downSince = undefined;
    if (since === undefined || !this.reported) return;
    this.reported = false;
    const now = Date.now();
    this.say(redisOutageNotice('back', since, now, duration(now - since)));
  };

  private say(message: Parameters<MessagePoster['post']>[1]): void {
    for (const channel of this.options.channels) {
      this.options.poster
        .post(channel, message)
        .catch((error: unknown) =>
          this.options.log.warn({ err: String(error), channel }, 'could not post the Redis notice'),
        );
    }
  }
}
