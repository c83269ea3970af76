/**
 * The bot's own word on a Redis outage: a Redis of the test's own (a unix socket in a temporary
 * folder) stopped under a running bot, then started again on the same socket. The alert channel
 * hears "cannot reach Redis" once, straight from the bot (Slack does not depend on Redis), and
 * "reaches Redis again" with how long it was gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRedis, startOwnRedis } from '../../tools/demo/redis-for-demo.js';
import { type BotStack, CHANNELS, newPrefix, startBotStack } from './helpers/bot-stack.js';

let dir: string;
let redis: DemoRedis;
let stack: BotStack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vnetops-redis-outage-'));
  redis = await startOwnRedis(dir);
  stack = await startBotStack(
    { redisSocketPath: redis.socketPath! },
    { prefix: newPrefix('vro'), alerts: { channel: CHANNELS.alerts }, redisOutageGraceMs: 500 },
  );
});

afterAll(async () => {
  await stack?.stop();
  await redis?.own?.stop(5_000);
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis gone from under the bot', () => {
  it('is said once in the alert channel, and again when it is back, with how long', async () => {
    const notices = () => stack.fake.messages(CHANNELS.alerts).map((m) => m.text);
    await redis.own!.stop(5_000);
    await stack.fake.waitFor(
      () => (notices().includes('The vnetops bot cannot reach Redis') ? true : undefined),
      20_000,
    );

    redis = await startOwnRedis(dir);
    const back = await stack.fake.waitFor(
      () => notices().find((text) => /reaches Redis again \(after \d+ s\)/.test(text)),
      30_000,
    );
    expect(back).toBeDefined();
    // Once each, though ioredis retried many times meanwhile.
    expect(notices().filter((text) => /cannot reach Redis/.test(text))).toHaveLength(1);
    expect(notices().filter((text) => /reaches Redis again/.test(text))).toHaveLength(1);
  });
});
