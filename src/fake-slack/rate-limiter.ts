/** A Web API method's rate limit in the fake: a token bucket, per channel or per workspace. */
export interface RateLimit {
  /** Calls allowed per second on average. */
  ratePerSecond: number;
  /** Calls allowed at once after a quiet spell. */
  burst: number;
  /** One bucket per channel (as Slack limits chat.postMessage), else one for the workspace. */
  perChannel?: boolean;
}

/**
 * Token buckets keyed by method (and channel). `take` answers how many seconds the caller must
 * wait when the bucket is empty — what Slack sends as `Retry-After`.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: Readonly<Record<string, RateLimit>>) {}

  /** Takes a token for a call; undefined if allowed, else the whole seconds to wait (at least 1). */
  take(method: string, channel: string | undefined, now = Date.now()): number | undefined {
    const limit = this.limits[method];
    if (!limit) return undefined;
    const key = limit.perChannel ? `${method} ${channel ?? ''}` : method;
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond));
  }
}
