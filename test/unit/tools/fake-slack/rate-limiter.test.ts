import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../../tools/fake-slack/rate-limiter.js';

function limiterAt(config: ConstructorParameters<typeof RateLimiter>[0]) {
  const clock = { ms: 1_000_000 };
  return { limiter: new RateLimiter(config, () => clock.ms), clock };
}

describe('the fake Slack rate limiter', () => {
  it('lets a burst through, then answers whole seconds to wait until a token is back', () => {
    const { limiter, clock } = limiterAt({ 'chat.postMessage': { ratePerSecond: 1, burst: 3 } });
    expect([1, 2, 3].map(() => limiter.take('chat.postMessage', 'C1'))).toEqual([null, null, null]);
    expect(limiter.take('chat.postMessage', 'C1')).toBe(1);
    clock.ms += 999;
    expect(limiter.take('chat.postMessage', 'C1')).toBe(1);
    clock.ms += 1;
    expect(limiter.take('chat.postMessage', 'C1')).toBeNull();
  });

  it('never limits a method it was not told about', () => {
    const { limiter } = limiterAt({ 'chat.update': { ratePerMinute: 1 } });
    expect(
      Array.from({ length: 100 }, () => limiter.take('chat.postMessage', 'C1')).every((wait) => wait === null),
    ).toBe(true);
  });

  it('per minute: Retry-After is the time to the next token, rounded up', () => {
    const { limiter, clock } = limiterAt({ 'chat.update': { ratePerMinute: 50 } });
    expect(limiter.take('chat.update', undefined)).toBeNull();
    expect(limiter.take('chat.update', undefined)).toBe(2); // a token every 1.2 s
    clock.ms += 1200;
    expect(limiter.take('chat.update', undefined)).toBeNull();
  });

  it('per channel: each channel has its own bucket; otherwise the method shares one', () => {
    const { limiter } = limiterAt({
      'chat.postMessage': { ratePerSecond: 1, burst: 1, perChannel: true },
      'views.open': { ratePerSecond: 1, burst: 1 },
    });
    expect(limiter.take('chat.postMessage', 'C1')).toBeNull();
    expect(limiter.take('chat.postMessage', 'C2')).toBeNull();
    expect(limiter.take('chat.postMessage', 'C1')).toBe(1);
    expect(limiter.take('views.open', 'C1')).toBeNull();
    expect(limiter.take('views.open', 'C2')).toBe(1);
  });

  it('refuses a limit without a rate at construction, saying which method', () => {
    expect(() => new RateLimiter({ 'chat.postMessage': { burst: 2 } })).toThrow(
      /chat\.postMessage.*ratePerSecond or ratePerMinute/,
    );
    expect(() => new RateLimiter({ 'chat.update': { ratePerSecond: 1, burst: 0 } })).toThrow(
      /burst must be at least 1/,
    );
  });
});
