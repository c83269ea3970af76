/**
 * The bot (`src/bot.ts`, run by tsx) as a process of its own, for tests that need it to die for real:
 * SIGKILL leaves whatever it had read from Redis unacknowledged, as a crash does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeSlack } from '../../../src/fake-slack/index.js';
import { BOT_TOKEN, SIGNING_SECRET } from './bot-stack.js';
import { freePort } from './free-port.js';

/** A running bot process. */
export interface BotChild {
  readonly child: ChildProcess;
  /** Its output so far (last 20 000 characters), for failure messages. */
  output(): string;
  /** Kills it with SIGKILL (no shutdown: nothing is posted or acknowledged any more) and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM (an orderly shutdown) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the bot with `configYaml` as its config file and `env` on top, Slack at `fake`, Redis at
 * `redisUrl`; resolves once its `/healthz` answers.
 */
export async function startBotChild(options: { fake: FakeSlack; redisUrl: string; prefix: string; configYaml: string; env?: Record<string, string> }): Promise<BotChild> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-bot-child-'));
  writeFileSync(join(dir, 'config.yaml'), options.configYaml);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/bot.ts')], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      VNETOPS_CONFIG: join(dir, 'config.yaml'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VNETOPS_SLACK_API_URL: options.fake.apiUrl,
      VNETOPS_SLACK_PORT: String(port),
      VNETOPS_REDIS_URL: options.redisUrl,
      VNETOPS_REDIS_PREFIX: options.prefix,
      VNETOPS_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string): void => void (output = (output + chunk).slice(-20_000));
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const running: BotChild = { child, output: () => output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
  try {
    for (const deadline = Date.now() + 30_000; ; ) {
      if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output}`);
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return running;
      if (Date.now() > deadline) throw new Error(`the bot did not become healthy within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await running.kill();
    throw error;
  }
}
