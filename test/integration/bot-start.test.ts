/**
 * The bot process refusing to start, as a person meets it: the exit code and the one log line that
 * names what to fix.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../tools/fake-slack/index.js';
import { BOT_TOKEN, CHANNELS, SIGNING_SECRET, startTestFakeSlack } from './helpers/bot-stack.js';
import { TEST_JOB_KEYS } from '../../tools/test-workspace.js';
import { freePort } from '../../tools/free-port.js';

let fake: FakeSlack;

/** Runs the bot until it exits (it should), with `env` on top of a working setup. */
async function runBot(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/bot.ts')], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VNETOPS_SLACK_API_URL: fake.apiUrl,
      VNETOPS_SLACK_PORT: String(await freePort()),
      VNETOPS_REDIS_URL: 'redis://127.0.0.1:6379',
      VNETOPS_REDIS_PREFIX: 'bot-start-test',
      VNETOPS_APPROVALS_CHANNEL: CHANNELS.approvals,
      VNETOPS_ALERTS_CHANNEL: CHANNELS.alerts,
      VNETOPS_JOB_SIGNING_KEY: TEST_JOB_KEYS.privateKey,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  clearTimeout(timer);
  return { code, output };
}

describe('the bot refusing to start', () => {
  beforeAll(async () => {
    fake = await startTestFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('a token Slack refuses: exit 1, and the line names SLACK_BOT_TOKEN', async () => {
    const { code, output } = await runBot({ SLACK_BOT_TOKEN: 'xoxb-not-the-right-one' });
    expect(code).toBe(1);
    expect(output).toContain('cannot start the Slack bot: Slack refused the token: check SLACK_BOT_TOKEN');
    expect(output).toContain('invalid_auth');
    expect(output).not.toContain('xoxb-not-the-right-one');
  });

  it('no Redis where it is told to look: exit 1, and the line names the Redis settings', async () => {
    const { code, output } = await runBot({ VNETOPS_REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(output).toContain(
      'cannot start the Slack bot: Redis did not answer: check VNETOPS_REDIS_URL / VNETOPS_REDIS_SOCKET',
    );
    expect(output).not.toContain('Unhandled error event');
  });
});
