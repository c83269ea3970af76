import type { Redis } from 'ioredis';

/** A network's alert thread in a channel. */
export interface AlertThread {
  /** ts of the parent message. */
  readonly ts: string;
  /** Alerts posted in it so far. */
  readonly total: number;
}

/** One alert thread per channel, host and network, remembered in Redis across restarts. */
export class AlertThreads {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:alerts:threads`;
  }

  async get(channel: string, host: string, network: string): Promise<AlertThread | undefined> {
    const text = await this.redis.hget(this.key, fieldOf(channel, host, network));
    return text === null ? undefined : (JSON.parse(text) as AlertThread);
  }

  async set(channel: string, host: string, network: string, thread: AlertThread): Promise<void> {
    await this.redis.hset(this.key, fieldOf(channel, host, network), JSON.stringify(thread));
  }
}

function fieldOf(channel: string, host: string, network: string): string {
  return `${channel}|${host}|${network}`;
}
