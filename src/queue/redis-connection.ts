import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://`/`rediss://` URL or a unix socket path (as the config gives it). */
export type RedisLocation = { readonly url: string } | { readonly socketPath: string };

/** What the connection is for: BullMQ workers need commands to wait forever across reconnects. */
export type RedisRole = 'worker' | 'client';

/**
 * Opens an ioredis connection. Workers get `maxRetriesPerRequest: null` (BullMQ requires it for
 * blocking commands); both roles reconnect forever with a capped backoff, so a Redis restart is
 * ridden out without restarting the process.
 */
export function createRedisConnection(
  location: RedisLocation,
  role: RedisRole,
  extra: RedisOptions = {},
  /** Sees connection errors (ioredis retries by itself); without a listener ioredis prints each one to stderr. */
  onError?: (error: Error) => void,
): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    ...extra,
  };
  const redis =
    'socketPath' in location ? new Redis({ ...options, path: location.socketPath }) : new Redis(location.url, options);
  if (onError) redis.on('error', onError);
  return redis;
}
