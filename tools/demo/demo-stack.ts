import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBotConfig } from '../../src/config/index.js';
import { writeJobKeyPair } from '../../src/queue/index.js';
import { LocalConsole } from '../console/index.js';
import { FAKE_IDS, FakeSlack } from '../fake-slack/index.js';
import {
  type SandboxHost,
  isSandboxHostRunning,
  listSandboxHosts,
  sandboxHostOwner,
  startSandboxHost,
  stopSandboxHost,
  writeHostOwnerRecord,
} from '../sandbox/sandbox-host.js';
import { DEMO_CHANNELS, DEMO_PEOPLE, DEMO_TEAM, DEMO_ROLE_LABELS, demoPolicyYaml } from './demo-workspace.js';
import { OwnedProcess } from '../processes/child-process.js';
import { botAnswersHealthz } from '../processes/bot-process.js';
import { type DemoRedis, redisAnswers, startOwnRedis, tcpTargetOf } from './redis-for-demo.js';

/** How {@link startDemoStack} runs; every field but `workDir` has a default. */
export interface DemoOptions {
  /** Folder for the demo's config, logs and own Redis socket (created by the caller, removed by it). */
  workDir: string;
  /** The environment that decides the setup (real Slack, real libvirt, Redis). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Run the bot and worker from `dist/` (after `npm run build`) or from the sources through tsx. Default `built`. */
  run?: 'built' | 'sources';
  /** The repository root. Default the current directory (npm runs scripts there). */
  rootDir?: string;
  /** Port for the local console; taken if free, else any free port. Default 8430. */
  consolePort?: number;
  /** Name of the sandbox host (when no real libvirt URI is given). Default `demo`. */
  sandboxName?: string;
  /** Base folder of sandbox hosts. Default the sandbox's own (`$VNETOPS_SANDBOX_DIR` or `<repo>/.sandbox`). */
  sandboxBaseDir?: string;
  /** The Redis tried when none is configured (used if it answers). Default `redis://127.0.0.1:6379`. */
  defaultRedisUrl?: string;
  /** Progress lines for the person running it. */
  say?: (line: string) => void;
  /** Aborts the start (Ctrl-C while starting): what was started is stopped again and the start rejects with {@link DemoInterrupted}. */
  signal?: AbortSignal;
}

/** The start was aborted through {@link DemoOptions.signal}; everything it had started is stopped. */
export class DemoInterrupted extends Error {
  constructor() {
    super('interrupted while starting');
  }
}

/** A running demo. */
export interface DemoStack {
  /** The local console's address, when the bot talks to it rather than to real Slack. */
  readonly consoleUrl: string | undefined;
  /** The host id commands name (`--host`). */
  readonly hostId: string;
  /** The sandbox host, when the demo started one. */
  readonly sandbox: SandboxHost | undefined;
  /** The fake Slack behind the console (undefined with real Slack), for tests to look into. */
  readonly fake: FakeSlack | undefined;
  /** The bot's HTTP receiver port. */
  readonly botPort: number | undefined;
  /** The child processes, for their pids and logs. */
  readonly processes: readonly OwnedProcess[];
  /** Resolves (never rejects) with a description when a child process ends on its own. */
  readonly failure: Promise<string>;
  /** Stops everything in order; resolves with what could not be cleaned up (empty when all went). */
  stop(): Promise<string[]>;
}

const DEFAULT_CONSOLE_PORT = 8430;
const DEMO_PREFIX = 'vnetops-demo';
/**
 * Put in the environment of every process the demo starts (and so of their children): finds what a
 * demo that died left running, whatever process group it is in.
 */
const RUN_MARKER_VARIABLE = 'VNETOPS_DEMO_RUN';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** The port the bot will serve /healthz on, as it reads its config (file named by VNETOPS_CONFIG, then environment). */
function botPortOf(env: NodeJS.ProcessEnv): number {
  try {
    return loadBotConfig({ env }).slack.port;
  } catch {
    // The bot itself will refuse this config and say why; its exit ends the wait.
    return Number(env.VNETOPS_SLACK_PORT ?? 3000);
  }
}

/** A host id from this machine's name, as `worker.hostId` accepts it. */
function hostIdFromHostname(): string {
  const cleaned = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 32);
  return cleaned || 'host1';
}

/** Environment variables every child gets: enough to run, the run's marker, and nothing else of ours leaks in. */
function baseEnv(env: NodeJS.ProcessEnv, runId: string): NodeJS.ProcessEnv {
  return {
    PATH: env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: env.HOME ?? '/root',
    ...(env.LANG ? { LANG: env.LANG } : {}),
    [RUN_MARKER_VARIABLE]: runId,
  };
}

function redisEnv(redis: DemoRedis, prefix: string): NodeJS.ProcessEnv {
  return {
    ...(redis.socketPath !== undefined ? { VNETOPS_REDIS_SOCKET: redis.socketPath } : { VNETOPS_REDIS_URL: redis.url }),
    VNETOPS_REDIS_PREFIX: prefix,
  };
}

/**
 * Starts the whole of vnetops on this machine: Redis (the configured one, a reachable one, or its
 * own), a libvirt host (a sandbox host with its own network namespace unless `VNETOPS_LIBVIRT_URI`
 * names a real one), a host worker, and the bot, wired to real Slack when `SLACK_BOT_TOKEN` is set
 * and to the local console otherwise. On a failure part-way, what was started is stopped again.
 */
export async function startDemoStack(options: DemoOptions): Promise<DemoStack> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const rootDir = options.rootDir ?? process.cwd();
  const nodeEntry = (built: string, source: string): string[] =>
    (options.run ?? 'built') === 'built' ? [resolve(rootDir, built)] : ['--import', 'tsx', resolve(rootDir, source)];
  const processes: OwnedProcess[] = [];
  const runId = randomBytes(8).toString('hex');
  let sandboxDir: string | undefined;
  // Written after each start, so that a demo killed at any point leaves a record of what to stop.
  const recordProcesses = (): void => {
    if (sandboxDir !== undefined)
      writeHostOwnerRecord(
        sandboxDir,
        'demo',
        `${RUN_MARKER_VARIABLE}=${runId}`,
        processes.map((child) => ({ name: child.name, pid: child.pid })),
      );
  };
  const cleanups: { what: string; run: () => Promise<void> }[] = [];

  const stop = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const { what, run } of cleanups.reverse()) {
      await run().catch((error: unknown) =>
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    cleanups.length = 0;
    return problems;
  };

  const checkpoint = (): void => {
    if (options.signal?.aborted) throw new DemoInterrupted();
  };
  try {
    // ── libvirt host ──
    const realUri = env.VNETOPS_LIBVIRT_URI;
    let sandbox: SandboxHost | undefined;
    let hostId: string;
    if (realUri) {
      hostId = env.VNETOPS_HOST_ID ?? hostIdFromHostname();
      say(`libvirt: ${realUri} (VNETOPS_LIBVIRT_URI), host id ${hostId}`);
    } else {
      const name = options.sandboxName ?? 'demo';
      const location = options.sandboxBaseDir ? { baseDir: options.sandboxBaseDir } : {};
      const earlier = (await listSandboxHosts(location)).find((host) => host.name === name);
      const owner = sandboxHostOwner(name, location);
      if (owner?.running) {
        throw new Error(
          `a demo (pid ${owner.pid}) is running already on the sandbox host "${name}": stop that one first (Ctrl-C there), or end it with npm run sandbox -- down ${name}`,
        );
      }
      // Running but used by no demo: someone's own sandbox host, not ours to remove.
      if (!owner && earlier && isSandboxHostRunning(earlier)) {
        throw new Error(
          `a sandbox host "${name}" is running already: stop it first with npm run sandbox -- down ${name}`,
        );
      }
      if (owner || earlier) {
        say(
          owner
            ? `an earlier demo (pid ${owner.pid}) ended without cleaning up: stopping what it left running and removing its sandbox host "${name}"`
            : `removing the sandbox host "${name}" an earlier demo left behind`,
        );
        await stopSandboxHost(name, location);
      }
      say(
        `starting a sandbox libvirt host "${name}" (its own libvirtd and network namespace; your host's networks are not touched)`,
      );
      sandbox = await startSandboxHost(name, location);
      sandboxDir = sandbox.dir;
      recordProcesses();
      cleanups.push({ what: `stopping sandbox host ${name}`, run: () => stopSandboxHost(name, location) });
      hostId = env.VNETOPS_HOST_ID ?? name;
      say(`  libvirtd pid ${sandbox.libvirtdPid}, network namespace ${sandbox.netns}`);
    }
    checkpoint();

    // ── Redis ──
    let redis: DemoRedis;
    if (env.VNETOPS_REDIS_SOCKET) {
      redis = { socketPath: env.VNETOPS_REDIS_SOCKET };
      say(`redis: ${redis.socketPath} (VNETOPS_REDIS_SOCKET)`);
    } else if (sandbox) {
      // The worker lives in the sandbox's network namespace, where this machine's 127.0.0.1 is not reachable.
      redis = { socketPath: sandbox.redisSocketPath };
      say(`redis: the sandbox's own, on ${redis.socketPath}`);
    } else {
      const url = env.VNETOPS_REDIS_URL ?? options.defaultRedisUrl ?? 'redis://127.0.0.1:6379';
      const target = tcpTargetOf(url);
      if (env.VNETOPS_REDIS_URL || (target && (await redisAnswers(target)))) {
        redis = { url };
        say(
          `redis: ${url.replace(/\/\/[^@/]*@/, '//***@')}${env.VNETOPS_REDIS_URL ? ' (VNETOPS_REDIS_URL)' : ' (answering here)'}`,
        );
      } else {
        say(`redis: none answers at ${url}; starting one of the demo's own on a unix socket`);
        redis = await startOwnRedis(options.workDir, options.signal);
        const own = redis.own;
        if (own) {
          processes.push(own);
          recordProcesses();
          cleanups.push({ what: "stopping the demo's Redis", run: () => own.stop(5_000) });
        }
      }
    }
    const prefix = env.VNETOPS_REDIS_PREFIX ?? DEMO_PREFIX;
    checkpoint();

    // ── job-signing keys: the demo's own pair, in its folder, gone when it stops ──
    const keyDir = join(options.workDir, 'job-keys');
    rmSync(keyDir, { recursive: true, force: true });
    const keys = writeJobKeyPair(keyDir);
    cleanups.push({
      what: 'removing the job-signing keys',
      run: () => Promise.resolve(rmSync(keyDir, { recursive: true, force: true })),
    });

    // ── host worker ──
    const workerCommand = [process.execPath, ...nodeEntry('dist/workers/host-worker.js', 'workers/host-worker.ts')];
    const workerEnv = {
      ...baseEnv(env, runId),
      ...redisEnv(redis, prefix),
      VNETOPS_HOST_ID: hostId,
      VNETOPS_LIBVIRT_URI: sandbox ? sandbox.uri : realUri,
      VNETOPS_HEARTBEAT_MS: '2000',
      VNETOPS_LOG_LEVEL: env.VNETOPS_LOG_LEVEL ?? 'info',
      VNETOPS_JOB_PUBLIC_KEY_FILES: keys.publicKeyFile,
    };
    const workerLog = join(options.workDir, 'worker.log');
    // Detached, each child leads a process group: a Ctrl-C reaches only the demo, which stops them in order.
    const workerOptions = { name: 'host worker', logPath: workerLog, env: workerEnv, detached: true };
    const worker = sandbox
      ? OwnedProcess.start('ip', ['netns', 'exec', sandbox.netns, ...workerCommand], workerOptions)
      : OwnedProcess.start(workerCommand[0]!, workerCommand.slice(1), workerOptions);
    processes.push(worker);
    recordProcesses();
    cleanups.push({ what: 'stopping the host worker', run: () => worker.stop() });
    say(`starting the host worker for "${hostId}" (log ${workerLog})`);
    await worker.waitForOutput('host worker ready', 60_000, options.signal);
    checkpoint();

    // ── Slack: real, or the local console ──
    const realSlack = Boolean(env.SLACK_BOT_TOKEN);
    let fake: FakeSlack | undefined;
    let consoleServer: LocalConsole | undefined;
    let botPort: number | undefined;
    const botEnv: NodeJS.ProcessEnv = {
      ...baseEnv(env, runId),
      ...redisEnv(redis, prefix),
      VNETOPS_LOG_LEVEL: env.VNETOPS_LOG_LEVEL ?? 'info',
      VNETOPS_JOB_SIGNING_KEY_FILE: keys.privateKeyFile,
    };
    if (realSlack) {
      // Everything the person configured for the bot is theirs: tokens, mode, port, config file.
      for (const [key, value] of Object.entries(env))
        if (
          (key.startsWith('SLACK_') || key.startsWith('VNETOPS_')) &&
          value !== undefined &&
          !(key in botEnv) &&
          !key.startsWith('VNETOPS_REDIS_') &&
          !key.startsWith('VNETOPS_JOB_')
        )
          botEnv[key] = value;
      botPort = botPortOf(env);
      say(
        `slack: real Slack (SLACK_BOT_TOKEN is set), mode ${env.VNETOPS_SLACK_MODE ?? 'http'}${env.VNETOPS_CONFIG ? `, config ${env.VNETOPS_CONFIG}` : ''}`,
      );
    } else {
      const signingSecret = randomBytes(24).toString('hex');
      const botToken = `xoxb-demo-${randomBytes(12).toString('hex')}`;
      const openConsole = async (port: number): Promise<{ fake: FakeSlack; console: LocalConsole }> => {
        const opened = new FakeSlack({
          signingSecret,
          botToken,
          team: DEMO_TEAM,
          users: [...DEMO_PEOPLE],
          channels: [...DEMO_CHANNELS],
          port,
        });
        const attached = LocalConsole.attach(opened, {
          labels: DEMO_ROLE_LABELS,
          defaultUser: FAKE_IDS.requester,
          defaultChannel: FAKE_IDS.ops,
        });
        await opened.start();
        return { fake: opened, console: attached };
      };
      // The preferred port may be taken: any free one will do, the URL is printed.
      const opened = await openConsole(options.consolePort ?? DEFAULT_CONSOLE_PORT).catch(() => openConsole(0));
      fake = opened.fake;
      consoleServer = opened.console;
      const started = fake;
      const startedConsole = consoleServer;
      cleanups.push({
        what: 'closing the console',
        run: async () => {
          startedConsole.close();
          await started.close();
        },
      });
      const configPath = join(options.workDir, 'bot-config.yaml');
      writeFileSync(configPath, demoPolicyYaml(), { mode: 0o600 });
      botPort = await freePort();
      Object.assign(botEnv, {
        VNETOPS_CONFIG: configPath,
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: fake.signingSecret,
        VNETOPS_SLACK_API_URL: fake.apiUrl,
        VNETOPS_SLACK_PORT: String(botPort),
        VNETOPS_SLACK_MODE: 'http',
      });
    }
    const botLog = join(options.workDir, 'bot.log');
    const botCommand = nodeEntry('dist/src/bot.js', 'src/bot.ts');
    const bot = OwnedProcess.start(process.execPath, botCommand, {
      name: 'bot',
      logPath: botLog,
      env: botEnv,
      detached: true,
    });
    processes.push(bot);
    recordProcesses();
    cleanups.push({ what: 'stopping the bot', run: () => bot.stop() });
    say(`starting the bot (log ${botLog})`);
    const healthPort = botPort;
    await bot.waitUntil(() => botAnswersHealthz(healthPort), 'answering /healthz', 60_000, options.signal);
    checkpoint();
    fake?.setRequestUrl(`http://127.0.0.1:${botPort}/slack/events`);

    const failure = Promise.race(
      processes.map((child) =>
        child.whenEnded().then((how) => `the ${child.name} ${how}; ${child.describeOutput(30)}`),
      ),
    );
    return { consoleUrl: fake?.baseUrl, fake, hostId, sandbox, botPort, processes, failure, stop };
  } catch (error) {
    const problems = await stop();
    const cause = options.signal?.aborted ? new DemoInterrupted() : error;
    if (problems.length > 0)
      throw new Error(
        `${cause instanceof Error ? cause.message : String(cause)}\nand cleaning up left: ${problems.join('; ')}`,
        { cause: error },
      );
    throw cause;
  }
}
