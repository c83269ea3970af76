/**
 * Token-bucket rate limits per Web API method (and per channel where Slack limits that way, as it
 * does for `chat.postMessage`). Off unless configured.
 */

/** One method's limit. Give either `ratePerSecond` or `ratePerMinute`. */
export interface RateLimit {
  /** Sustained calls allowed per second. */
  ratePerSecond?: number;
  /** Sustained calls allowed per minute (Slack's tiers are stated this way). */
  ratePerMinute?: number;
  /** Calls allowed at once before the sustained rate applies. Default: one second's worth, at least 1. */
  burst?: number;
  /** Keep one bucket per `channel` argument instead of one for the method. Default false. */
  perChannel?: boolean;
}

/** Method name → its limit; methods not listed are never limited. */
export type RateLimitConfig = Record<string, RateLimit>;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Decides whether a call may go through now, and if not how many whole seconds to wait. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    for (const [method, rule] of Object.entries(config)) {
      const perSecond = this.perSecond(rule);
      if (!(perSecond > 0)) throw new Error(`rate limit for ${method}: give a positive ratePerSecond or ratePerMinute`);
      if (rule.burst !== undefined && !(rule.burst >= 1))
        throw new Error(`rate limit for ${method}: burst must be at least 1`);
    }
  }

  /** Takes one token for this call: null when allowed, else the Retry-After seconds (at least 1). */
  take(method: string, channel: string | undefined): number | null {
    const rule = this.config[method];
    if (!rule) return null;
    const perSecond = this.perSecond(rule);
    const capacity = rule.burst ?? Math.max(1, Math.ceil(perSecond));
    const key = rule.perChannel ? `${method}\u0000${channel ?? ''}` : method;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    // Retry-After is whole seconds (clients parse it as an integer), so round up.
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  private perSecond(rule: RateLimit): number {
    return rule.ratePerSecond ?? (rule.ratePerMinute ?? 0) / 60;
  }
}
