import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { REDACTED, scrubSecrets } from './scrub-secrets.js';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Least severe level written; `silent` writes nothing. */
  readonly level: Level | 'silent';
  /** Process or component name, written as `name` on every line. */
  readonly name: string;
  /** Where JSON lines go. Default: stdout. */
  readonly destination?: DestinationStream;
}

/** Object keys whose values are always secrets, whatever object they appear in. */
export const SECRET_KEYS: readonly string[] = [
  'token',
  'botToken',
  'appToken',
  'userToken',
  'accessToken',
  'refreshToken',
  'signingSecret',
  'clientSecret',
  'secret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'x-slack-signature',
  // the bot's job-signing key (config signing.privateKey)
  'privateKey',
];

/**
 * How deep below the logged object a secret key is still redacted: `key`, `*.key`, `*.*.key`,
 * `*.*.*.key`. pino's `*` matches exactly one level, so each depth is its own path, and every path costs
 * time on each line; four levels reach `err.config.headers.authorization`. Deeper token-shaped strings
 * are still caught by {@link scrubSecrets}.
 */
const REDACT_DEPTH = 4;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    // Keys such as `x-slack-signature` are not identifiers and need pino's bracket syntax.
    const isIdentifier = /^[A-Za-z_$][\w$]*$/.test(key);
    for (let depth = 0; depth < REDACT_DEPTH; depth++) {
      const wildcards = Array.from({ length: depth }, () => '*');
      paths.push(isIdentifier ? [...wildcards, key].join('.') : `${wildcards.join('.')}["${key}"]`);
    }
  }
  return paths;
}

/**
 * Creates the JSON logger every vnetops process uses. Values under {@link SECRET_KEYS} are replaced by
 * `[redacted]` up to four levels deep, and every finished line — message, error stacks, bindings — is
 * passed through {@link scrubSecrets}, so a token pasted into an error message never reaches the log.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths(), censor: REDACTED },
      hooks: { streamWrite: scrubSecrets },
    },
    options.destination ?? pino.destination(1),
  );
}
