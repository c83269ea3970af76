import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, toBoltLogger, type BoltLogLevel } from '../../../src/log/index.js';
import { captureLog } from './log-capture.js';

/** Same shape as `@slack/bolt`'s string enum, to check the adapter fits Bolt's `Logger` type. */
enum LogLevel {
  ERROR = 'error',
  WARN = 'warn',
  INFO = 'info',
  DEBUG = 'debug',
}

/** Bolt's `Logger` interface as `@slack/logger` declares it (its `any[]` written as `unknown[]`). */
interface BoltLibraryLogger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
  setLevel(level: LogLevel): void;
  getLevel(): LogLevel;
  setName(name: string): void;
}

describe('toBoltLogger', () => {
  it.each<BoltLogLevel>(['debug', 'info', 'warn', 'error'])(
    'round-trips level %s through setLevel/getLevel',
    (level) => {
      const logger = pino({ level: 'info' }, captureLog());
      const bolt = toBoltLogger(logger);

      bolt.setLevel(level);

      expect(bolt.getLevel()).toBe(level);
      expect(logger.level).toBe(level);
    },
  );

  it('reports pino-only levels as the nearest Bolt level', () => {
    expect(toBoltLogger(pino({ level: 'trace' }, captureLog())).getLevel()).toBe('debug');
    expect(toBoltLogger(pino({ level: 'fatal' }, captureLog())).getLevel()).toBe('error');
  });

  it('fits Bolt’s Logger type when instantiated with Bolt’s LogLevel enum', () => {
    const bolt: BoltLibraryLogger = toBoltLogger<LogLevel>(pino({ level: 'info' }, captureLog()));

    bolt.setLevel(LogLevel.WARN);

    expect(bolt.getLevel()).toBe(LogLevel.WARN);
  });

  it('writes debug lines only once the level allows them', () => {
    const destination = captureLog();
    const bolt = toBoltLogger(createLogger({ level: 'info', name: 'bot', destination }));

    bolt.debug('before');
    bolt.setLevel('debug');
    bolt.debug('after');

    expect(destination.entries().map((entry) => entry.msg)).toEqual(['after']);
  });

  it('turns Bolt’s free-form arguments into a message, err and redacted details', () => {
    const destination = captureLog();
    const bolt = toBoltLogger(createLogger({ level: 'info', name: 'bot', destination }));

    bolt.error('An API error occurred:', 429, new Error('ratelimited'), {
      method: 'chat.postMessage',
      token: 'xoxb-1-2-abc',
    });
    bolt.warn('%s is not interpolated');

    const [failure, warning] = destination.entries();
    expect(failure).toMatchObject({
      level: 50,
      msg: 'An API error occurred: 429',
      err: { message: 'ratelimited' },
      details: [{ method: 'chat.postMessage', token: '[redacted]' }],
    });
    expect(warning).toMatchObject({ level: 40, msg: '%s is not interpolated' });
    expect(destination.lines.join('')).not.toContain('xoxb-1-2-abc');
  });

  it('uses the error message when Bolt logs only an Error', () => {
    const destination = captureLog();
    toBoltLogger(createLogger({ level: 'info', name: 'bot', destination })).error(new Error('socket closed'));

    expect(destination.entries()[0]).toMatchObject({ msg: 'socket closed', err: { message: 'socket closed' } });
  });

  it('records setName as a component binding and keeps the level', () => {
    const destination = captureLog();
    const bolt = toBoltLogger(createLogger({ level: 'info', name: 'bot', destination }));
    bolt.setLevel('warn');

    bolt.setName('bolt-app');
    bolt.info('dropped');
    bolt.warn('kept');

    expect(bolt.getLevel()).toBe('warn');
    expect(destination.entries()).toEqual([
      expect.objectContaining({ name: 'bot', component: 'bolt-app', msg: 'kept' }),
    ]);
  });
});
