/**
 * Muted networks, in Redis so every bot replica and restart agrees: `/vnet mute NAME DURATION`
 * silences a network's alerts (on one host or all) until the time is up or `/vnet unmute`.
 * Suppressed alerts are counted, so unmuting can say how many were held back.
 */
import type { Redis } from 'ioredis';
import type { MonitorEvent } from '../contract/index.js';

/** A mute in force. */
export interface Mute {
  readonly network: string;
  /** The host it applies to; undefined = every host. */
  readonly host?: string;
  /** When it ends (ms since epoch). */
  readonly until: number;
  /** Slack user id of who muted. */
  readonly by: string;
}

/** What unmuting ended. */
export interface UnmuteResult {
  /** Whether a mute was in force. */
  readonly wasMuted: boolean;
  /** Alerts suppressed while it was. */
  readonly suppressed: number;
}

const ALL_HOSTS = '*';

/** The Redis store of mutes. */
export class MuteStore {
  private readonly mutesKey: string;
  private readonly countsKey: string;
  /** A short-lived local copy: a burst of 200 events asks Redis once, not 200 times. */
  private cache?: { readonly at: number; readonly mutes: Map<string, Mute> };

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = 250,
  ) {
    this.mutesKey = `${prefix}:alerts:mutes`;
    this.countsKey = `${prefix}:alerts:suppressed`;
  }

  /** Mutes a network until `until`; a new mute of the same network replaces the old one, keeping its count. */
  async mute(mute: Mute): Promise<void> {
    await this.redis.hset(this.mutesKey, fieldOf(mute.network, mute.host), JSON.stringify(mute));
    this.cache = undefined;
  }

  /** Ends a mute and returns how many alerts it suppressed. */
  async unmute(network: string, host?: string): Promise<UnmuteResult> {
    const field = fieldOf(network, host);
    const [[, existing], [, count]] = ((await this.redis
      .multi()
      .hget(this.mutesKey, field)
      .hget(this.countsKey, field)
      .hdel(this.mutesKey, field)
      .hdel(this.countsKey, field)
      .exec()) ?? []) as [[unknown, string | null], [unknown, string | null]];
    this.cache = undefined;
    const mute = existing ? (JSON.parse(existing) as Mute) : undefined;
    return { wasMuted: mute !== undefined && mute.until > this.now(), suppressed: Number(count ?? 0) };
  }

  /** The mute covering this event, if any; counts the event as suppressed when there is one. */
  async suppresses(event: MonitorEvent): Promise<Mute | undefined> {
    if (event.network === undefined) return undefined;
    const mutes = await this.current();
    const mute = mutes.get(fieldOf(event.network, event.host)) ?? mutes.get(fieldOf(event.network, undefined));
    if (!mute) return undefined;
    await this.redis.hincrby(this.countsKey, fieldOf(mute.network, mute.host), 1);
    return mute;
  }

  /** Every mute in force. */
  async list(): Promise<Mute[]> {
    return [...(await this.current()).values()];
  }

  private async current(): Promise<Map<string, Mute>> {
    const now = this.now();
    if (this.cache && now - this.cache.at < this.cacheMs) return this.cache.mutes;
    const all = await this.redis.hgetall(this.mutesKey);
    const mutes = new Map<string, Mute>();
    const expired: string[] = [];
    for (const [field, text] of Object.entries(all)) {
      const mute = JSON.parse(text) as Mute;
      if (mute.until > now) mutes.set(field, mute);
      else expired.push(field);
    }
    // Expired mutes end by themselves; their counts go with them.
    if (expired.length > 0)
      await this.redis
        .multi()
        .hdel(this.mutesKey, ...expired)
        .hdel(this.countsKey, ...expired)
        .exec();
    this.cache = { at: now, mutes };
    return mutes;
  }
}

function fieldOf(network: string, host: string | undefined): string {
  return `${host ?? ALL_HOSTS}|${network}`;
}
