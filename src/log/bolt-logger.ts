import type { Logger } from 'pino';

/** Log levels Bolt knows; the values of `@slack/bolt`'s `LogLevel` enum. */
export type BoltLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Structural copy of `@slack/bolt`'s `Logger` interface, so src/log does not depend on Bolt. `Level` lets
 * the Slack wiring instantiate it with Bolt's `LogLevel` enum (`toBoltLogger<LogLevel>(log)`), whose
 * members TypeScript does not accept as plain strings.
 */
export interface BoltLogger<Level extends BoltLogLevel = BoltLogLevel> {
  debug(...msgs: unknown[]): void;
  info(...msgs: unknown[]): void;
  warn(...msgs: unknown[]): void;
  error(...msgs: unknown[]): void;
  setLevel(level: Level): void;
  getLevel(): Level;
  setName(name: string): void;
}

/**
 * Wraps a pino logger (usually one from `createLogger`, so redaction applies) for Bolt. Bolt's
 * free-form arguments are split into a message (strings and other primitives, joined by spaces), `err`
 * (the first Error) and `details` (other objects, kept structured so key-based redaction still sees them).
 * `setName` adds a `component` binding; `name` stays the process name.
 */
export function toBoltLogger<Level extends BoltLogLevel = BoltLogLevel>(logger: Logger): BoltLogger<Level> {
  let target = logger;
  const write = (level: BoltLogLevel, msgs: readonly unknown[]): void => {
    // Bolt logs at debug on every request: skip the argument sorting when the level is off.
    if (!target.isLevelEnabled(level)) return;
    const err = msgs.find((msg): msg is Error => msg instanceof Error);
    const details = msgs.filter((msg) => typeof msg === 'object' && msg !== null && !(msg instanceof Error));
    const text = msgs.filter(isPrimitive).map(String).join(' ');
    const fields = { ...(err === undefined ? {} : { err }), ...(details.length === 0 ? {} : { details }) };
    target[level](fields, text === '' && err !== undefined ? err.message : text);
  };
  return {
    debug: (...msgs) => write('debug', msgs),
    info: (...msgs) => write('info', msgs),
    warn: (...msgs) => write('warn', msgs),
    error: (...msgs) => write('error', msgs),
    setLevel: (level) => {
      target.level = level;
    },
    // Bolt's enum values are exactly these strings, hence the cast to the caller's level type.
    getLevel: () => toBoltLevel(target.level) as Level,
    setName: (name) => {
      const level = target.level;
      target = logger.child({ component: name });
      target.level = level;
    },
  };
}

type Primitive = string | number | bigint | boolean | symbol | null | undefined;

function isPrimitive(value: unknown): value is Primitive {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** Nearest Bolt level to a pino level: pino has `trace`, `fatal` and `silent`, Bolt does not. */
function toBoltLevel(level: string): BoltLogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'info':
      return 'info';
    case 'warn':
      return 'warn';
    default:
      return 'error';
  }
}
