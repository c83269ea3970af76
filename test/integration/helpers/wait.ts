import type { EventEmitter } from 'node:events';

/** Waits for the next `event` from `emitter`, failing after `timeoutMs` with a message naming it. */
export function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, onEvent);
  });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Collects events into an array as they come; `waitFor(n)` resolves once n have arrived. */
export class EventCollector<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length >= w.count) w.resolve();
      return this.items.length < w.count;
    });
  };

  waitFor(count: number, timeoutMs = 20_000): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items.slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `only ${this.items.length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(this.items)}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items.slice(0, count));
        },
      });
    });
  }
}
