import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/index.js';
import { captureLog } from './log-capture.js';

const botToken = 'xoxb-1111-2222-AbCdEfGhIjKlMnOp';
const appToken = 'xapp-1-A0123-4567-0a1b2c3d4e5f';
const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';

describe('createLogger', () => {
  it('writes JSON lines with name and level, honouring the level', () => {
    const destination = captureLog();
    const log = createLogger({ level: 'info', name: 'vnetops-bot', destination });

    log.debug('hidden');
    log.info({ hostId: 'kvm1' }, 'worker online');

    expect(destination.entries()).toEqual([
      expect.objectContaining({ level: 30, name: 'vnetops-bot', hostId: 'kvm1', msg: 'worker online' }),
    ]);
  });

  it('redacts secret keys at any of the first four levels of a logged object', () => {
    const destination = captureLog();
    const log = createLogger({ level: 'info', name: 'test', destination });

    log.info(
      {
        token: 'top-level-token',
        config: { slack: { botToken, appToken, signingSecret, mode: 'http' } },
        req: {
          headers: { authorization: 'Bearer abc', cookie: 'session=1', 'x-slack-signature': 'v0=abc', host: 'bot' },
        },
        err: { config: { headers: { Authorization: 'Basic dXNlcjpwYXNz' } } },
        users: [{ name: 'ana', password: 'hunter2' }],
      },
      'request',
    );

    const [line = ''] = destination.lines;
    for (const secret of [
      'top-level-token',
      botToken,
      appToken,
      signingSecret,
      'Bearer abc',
      'session=1',
      'v0=abc',
      'dXNlcjpwYXNz',
      'hunter2',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(destination.entries()[0]).toMatchObject({
      token: '[redacted]',
      config: { slack: { botToken: '[redacted]', appToken: '[redacted]', signingSecret: '[redacted]', mode: 'http' } },
      req: {
        headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-slack-signature': '[redacted]', host: 'bot' },
      },
      err: { config: { headers: { Authorization: '[redacted]' } } },
      users: [{ name: 'ana', password: '[redacted]' }],
    });
  });

  it('redacts secrets in child logger bindings', () => {
    const destination = captureLog();
    const log = createLogger({ level: 'info', name: 'test', destination }).child({ slack: { signingSecret } });

    log.info('hello');

    expect(destination.lines[0]).not.toContain(signingSecret);
    expect(destination.entries()[0]).toMatchObject({ slack: { signingSecret: '[redacted]' } });
  });

  it('scrubs tokens out of messages and error messages and stacks', () => {
    const destination = captureLog();
    const log = createLogger({ level: 'info', name: 'test', destination });

    log.error(new Error(`invalid_auth for ${botToken}`), `Slack refused token ${appToken}`);
    log.warn({ note: `nested\n${botToken}` }, 'redis at rediss://default:s3cret@redis.lab:6380 unreachable');

    const output = destination.lines.join('');
    for (const secret of [botToken, appToken, 's3cret']) expect(output).not.toContain(secret);
    const [failure, warning] = destination.entries();
    expect(failure).toMatchObject({
      msg: 'Slack refused token xapp-[redacted]',
      err: { message: 'invalid_auth for xoxb-[redacted]' },
    });
    expect((failure?.err as { stack: string }).stack).toMatch(/^Error: invalid_auth for xoxb-\[redacted\]\n/);
    expect(warning).toMatchObject({
      note: 'nested\nxoxb-[redacted]',
      msg: 'redis at rediss://default:[redacted]@redis.lab:6380 unreachable',
    });
  });
});
