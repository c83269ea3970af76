import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Delete the key only if we still own it: a lock that expired and was taken by another worker stays theirs.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lock (SET NX PX) around one critical section, across every worker process of a host:
 * used while a create picks its subnet and bridge and defines the network, so two creates racing
 * on one host (even from two worker processes) can't both take the same free subnet.
 */
export async function withRedisLock<T>(
  redis: Redis,
  key: string,
  work: () => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 30_000;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  const token = randomUUID();
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') break;
    if (Date.now() > deadline) throw new Error(`could not take the lock ${key} within ${options.waitMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
  }
}
