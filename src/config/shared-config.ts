import { z } from 'zod';
import type { DeepReadonly } from './deep-freeze.js';
import { omittableSection, whenValid } from './config-sections.js';
import type { EnvVarTable } from './env-var-table.js';

/** pino's level names, most to least verbose; `silent` turns logging off. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Redis address used when neither `redis.url` nor `redis.socketPath` is set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

// BullMQ joins the prefix and queue names with ':' into Redis keys; braces make it a Redis Cluster hash tag.
const QUEUE_PREFIX = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}|\{[A-Za-z0-9][A-Za-z0-9_.-]{0,61}\})$/;

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const logSection = z
  .strictObject({
    level: z.enum(LOG_LEVELS).default('info').meta({ description: 'Least severe level written to the log.' }),
  })
  .apply(omittableSection)
  .meta({ description: 'Logging (JSON lines on stdout).' });

const redisSection = z
  .strictObject({
    url: z
      .string()
      .refine(isRedisUrl, `must be a redis:// or rediss:// URL, e.g. ${DEFAULT_REDIS_URL}`)
      .optional()
      .meta({
        description: 'Redis over TCP (rediss:// for TLS); may carry a password. Exclusive with socketPath.',
        default: DEFAULT_REDIS_URL,
      }),
    socketPath: z
      .string()
      .refine((path) => path.startsWith('/'), 'must be an absolute path, e.g. /run/redis/redis.sock')
      .optional()
      .meta({ description: 'Redis over a unix socket on this machine. Exclusive with url.' }),
    prefix: z
      .string()
      .regex(
        QUEUE_PREFIX,
        "must be 1-64 letters, digits, '_', '.' or '-', optionally wrapped in {} as a Redis Cluster hash tag",
      )
      .default('vnetops')
      .meta({ description: 'Prefix of every Redis key vnetops writes (BullMQ queue prefix).' }),
  })
  .superRefine(
    (redis, context) => {
      if (redis.url !== undefined && redis.socketPath !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['socketPath'],
          message: 'cannot be combined with redis.url — connect either by URL or by unix socket, so set only one',
        });
      }
    },
    whenValid('url', 'socketPath'),
  )
  .transform(({ url, socketPath, prefix }) =>
    socketPath === undefined ? { url: url ?? DEFAULT_REDIS_URL, prefix } : { socketPath, prefix },
  )
  .apply(omittableSection)
  .meta({ description: 'The Redis every vnetops process shares (queues, approvals, audit).' });

/** Settings every vnetops process has: logging and the Redis connection. */
export const sharedConfigSchema = z.strictObject({ log: logSection, redis: redisSection });

/** Validated shared settings. `redis` holds exactly one of `url` and `socketPath`. */
export type SharedConfig = DeepReadonly<z.output<typeof sharedConfigSchema>>;

/** Environment variables for the shared settings. */
export const sharedEnvVars = {
  'log.level': 'VNETOPS_LOG_LEVEL',
  'redis.url': 'VNETOPS_REDIS_URL',
  'redis.socketPath': 'VNETOPS_REDIS_SOCKET',
  'redis.prefix': 'VNETOPS_REDIS_PREFIX',
} as const satisfies EnvVarTable<z.input<typeof sharedConfigSchema>>;
