/**
 * The built bot (`node dist/src/bot.js`) as its own process, as deployed, for the bench scripts:
 * config file written to a temporary folder, Slack pointed at a fake, Redis at a sandbox's socket.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeSlack } from '../src/fake-slack/index.js';
import type { SandboxHost } from '../src/sandbox/sandbox-host.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../test/integration/helpers/bot-stack.js';
import { freePort } from '../test/integration/helpers/free-port.js';

/** A running bot process. */
export interface BotProcess {
  readonly child: ChildProcess;
  /** Port of its HTTP receiver on 127.0.0.1. */
  readonly port: number;
  /** Stops it (SIGTERM, waits for exit) and removes its config folder. */
  stop(): Promise<void>;
}

/**
 * Starts the built bot with `configYaml` as its config file and `env` on top; resolves once its
 * `/healthz` answers (warn-level logs hide the ready line).
 */
export async function startBotProcess(
  host: SandboxHost,
  fake: FakeSlack,
  prefix: string,
  configYaml: string,
  env: Record<string, string> = {},
  /** Extra node options, e.g. `--cpu-prof`. */
  nodeArgs: string[] = [],
): Promise<BotProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-bench-bot-'));
  writeFileSync(join(dir, 'config.yaml'), configYaml);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, resolve('dist/src/bot.js')], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      VNETOPS_CONFIG: join(dir, 'config.yaml'),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VNETOPS_SLACK_API_URL: fake.apiUrl,
      VNETOPS_SLACK_PORT: String(port),
      VNETOPS_REDIS_SOCKET: host.redisSocketPath,
      VNETOPS_REDIS_PREFIX: prefix,
      VNETOPS_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const deadline = Date.now() + 30_000; ; ) {
      if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output}`);
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
      if (healthy) return { child, port, stop };
      if (Date.now() > deadline) throw new Error(`the bot did not become healthy within 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
