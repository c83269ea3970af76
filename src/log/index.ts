/** pino logger factory with secret redaction, and its adapter for Bolt. */
export { toBoltLogger, type BoltLogger, type BoltLogLevel } from './bolt-logger.js';
export { createLogger, SECRET_KEYS, type CreateLoggerOptions } from './create-logger.js';
export { REDACTED, scrubSecrets } from './scrub-secrets.js';
