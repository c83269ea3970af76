/**
 * The bot as a process of its own, for tests that need it to die for real (SIGKILL leaves whatever it
 * had read from Redis unacknowledged, as a crash does) and for the bench scripts (built, as deployed):
 * config file written to a temporary folder, Slack pointed at a fake, Redis at a URL or a socket.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RedisLocation } from '../../src/queue/index.js';
import { freePort } from '../free-port.js';
import { OwnedProcess } from './child-process.js';
import { BOT_TOKEN, SIGNING_SECRET, TEST_JOB_KEYS } from '../test-workspace.js';

/** How {@link startBotProcess} runs the bot; every field but the first four has a default. */
export interface BotProcessOptions {
  /** Its config file's content. */
  configYaml: string;
  /** Base URL of the Slack Web API it calls (a fake Slack's `apiUrl`). */
  slackApiUrl: string;
  /** Where its Redis is. */
  redis: RedisLocation;
  /** Redis key prefix. */
  prefix: string;
  /** Environment on top of the one made here (which has PATH, the config, credentials, port, Redis, log level warn). */
  env?: Record<string, string>;
  /** `sources` (`node --import tsx src/bot.ts`) or `built` (`node dist/src/bot.js`, as deployed; `npm run build` first). Default `sources`. */
  run?: 'sources' | 'built';
  /** Node options before the entry, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Default the tests' {@link BOT_TOKEN}. */
  botToken?: string;
  /** Default the tests' {@link SIGNING_SECRET}. */
  signingSecret?: string;
  /** How long it may take to answer /healthz. Default 30 s. */
  readyTimeoutMs?: number;
}

/** A running bot process. */
export interface BotProcess {
  /** The process itself (output, end, signals). */
  readonly process: OwnedProcess;
  readonly child: ChildProcess;
  /** Port of its HTTP receiver (/slack/events, /healthz, /metrics) on 127.0.0.1. */
  readonly port: number;
  /** Its output so far (last 20 000 characters), for failure messages. */
  output(): string;
  /** SIGKILL (no shutdown: nothing is posted or acknowledged any more), waits for the exit, removes its config folder. */
  kill(): Promise<void>;
  /** SIGTERM (an orderly shutdown), SIGKILL after `graceMs`, waits for the exit, removes its config folder. */
  stop(graceMs?: number): Promise<void>;
}

/** True when the bot on `port` answers `/healthz` with its own `{"ok":true}` (not just anything on that port) within 2 s. */
export async function botAnswersHealthz(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

/**
 * Starts the bot with `configYaml` as its config file and `env` on top; resolves once its `/healthz`
 * answers (warn-level logs hide the ready line). A bot that does not get there is killed.
 */
export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-bot-process-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let bot: OwnedProcess;
  let port: number;
  try {
    writeFileSync(join(dir, 'config.yaml'), options.configYaml);
    port = await freePort();
    const entry =
      (options.run ?? 'sources') === 'built'
        ? [resolve('dist/src/bot.js')]
        : ['--import', 'tsx', resolve('src/bot.ts')];
    bot = OwnedProcess.start(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
      name: 'bot',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        VNETOPS_CONFIG: join(dir, 'config.yaml'),
        SLACK_BOT_TOKEN: options.botToken ?? BOT_TOKEN,
        SLACK_SIGNING_SECRET: options.signingSecret ?? SIGNING_SECRET,
        VNETOPS_JOB_SIGNING_KEY: TEST_JOB_KEYS.privateKey,
        VNETOPS_SLACK_API_URL: options.slackApiUrl,
        VNETOPS_SLACK_PORT: String(port),
        ...('socketPath' in options.redis
          ? { VNETOPS_REDIS_SOCKET: options.redis.socketPath }
          : { VNETOPS_REDIS_URL: options.redis.url }),
        VNETOPS_REDIS_PREFIX: options.prefix,
        VNETOPS_LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  const running: BotProcess = {
    process: bot,
    child: bot.child,
    port,
    output: () => bot.output(),
    kill: async () => {
      await bot.kill();
      removeDir();
    },
    stop: async (graceMs = 20_000) => {
      await bot.stop(graceMs);
      removeDir();
    },
  };
  try {
    await bot.waitUntil(() => botAnswersHealthz(port), 'answering /healthz', options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await running.kill(); // never leave a half-started bot behind
    throw error;
  }
  return running;
}
