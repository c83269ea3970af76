import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { SandboxHost } from '../sandbox/sandbox-host.js';
import { TEST_JOB_KEYS } from '../test-workspace.js';
import { OwnedProcess } from './child-process.js';

const NODE = process.execPath;
const SOURCE_ENTRY = resolve('workers/host-worker.ts');
/** What `npm run build` makes and the systemd unit runs. */
const COMPILED_ENTRY = resolve('dist/workers/host-worker.js');
/** Its JSON log lines are long: keep enough of them for a failure message and for waitForLog. */
const KEEP_CHARS = 200_000;

/** Options of a worker process under test. */
export interface WorkerProcessOptions {
  hostId: string;
  /** Redis key prefix (one per test file keeps runs apart). */
  prefix: string;
  concurrency?: number;
  heartbeatMs?: number;
  /** Redis unix socket; default the sandbox's shared Redis. */
  redisSocket?: string;
  env?: Record<string, string>;
  /** Run the built worker (`npm run build` first) as deployments do, instead of the sources through tsx. */
  compiled?: boolean;
}

/**
 * A real host worker process, started inside a sandbox host's network namespace (as it would run
 * on that host): libvirt through the sandbox socket, Redis through a unix socket, `ip`/`bridge`
 * seeing the sandbox's interfaces. Stopped and killed by its own pid (`ip netns exec` execs node, so
 * the child's pid is the worker's own).
 */
export class WorkerProcess {
  /** The process itself (output, end, signals). */
  readonly process: OwnedProcess;

  private constructor(host: SandboxHost, options: WorkerProcessOptions) {
    const entry = options.compiled ? [COMPILED_ENTRY] : ['--import', 'tsx', SOURCE_ENTRY];
    this.process = OwnedProcess.start('ip', ['netns', 'exec', host.netns, NODE, ...entry], {
      name: 'host worker',
      keepChars: KEEP_CHARS,
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: process.env.HOME ?? '/root',
        VNETOPS_HOST_ID: options.hostId,
        VNETOPS_LIBVIRT_URI: host.uri,
        VNETOPS_REDIS_SOCKET: options.redisSocket ?? host.redisSocketPath,
        VNETOPS_REDIS_PREFIX: options.prefix,
        VNETOPS_WORKER_CONCURRENCY: String(options.concurrency ?? 4),
        VNETOPS_HEARTBEAT_MS: String(options.heartbeatMs ?? 500),
        VNETOPS_LOG_LEVEL: 'info',
        // The test process's own key pair (see TEST_JOB_KEYS); options.env may name others.
        VNETOPS_JOB_PUBLIC_KEYS: TEST_JOB_KEYS.publicKey,
        ...options.env,
      },
    });
  }

  /** Starts a worker and waits until it says it is ready; one that does not is killed. */
  static async start(host: SandboxHost, options: WorkerProcessOptions, timeoutMs = 30_000): Promise<WorkerProcess> {
    const worker = new WorkerProcess(host, options);
    try {
      await worker.waitForLog('host worker ready', timeoutMs);
    } catch (error) {
      await worker.kill(); // never leave a half-started worker behind
      throw error;
    }
    return worker;
  }

  /** The Node handle, e.g. for `exitCode`. */
  get child(): ChildProcess {
    return this.process.child;
  }

  /** Its pid; -1 if it never started. */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** What the worker printed lately (JSON log lines; the last 200 000 characters). */
  get log(): string {
    return this.process.output();
  }

  /** Resolves once `text` appears in the output; rejects (with the output's tail) on exit or timeout. */
  waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    return this.process.waitForOutput(text, timeoutMs);
  }

  /** Sends a signal to the worker's pid (nothing once it has exited). */
  signal(signal: NodeJS.Signals): void {
    this.process.signal(signal);
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    await this.process.kill();
  }

  /** SIGTERM (graceful) and wait for the exit; SIGKILL after `timeoutMs`. Resolves with the exit code (null when ended by a signal). */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    await this.process.stop(timeoutMs);
    return this.process.child.exitCode;
  }
}
