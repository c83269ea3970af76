import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { SandboxHost } from '../../../src/sandbox/sandbox-host.js';

const NODE = process.execPath;
const SOURCE_ENTRY = resolve('workers/host-worker.ts');
/** What `npm run build` makes and the systemd unit runs. */
const COMPILED_ENTRY = resolve('dist/workers/host-worker.js');

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
 * seeing the sandbox's interfaces. Stopped and killed by its own pid.
 */
export class WorkerProcess {
  private output = '';
  private exited: Promise<number | null>;
  readonly child: ChildProcessWithoutNullStreams;

  private constructor(host: SandboxHost, options: WorkerProcessOptions) {
    const entry = options.compiled ? [COMPILED_ENTRY] : ['--import', 'tsx', SOURCE_ENTRY];
    this.child = spawn('ip', ['netns', 'exec', host.netns, NODE, ...entry], {
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
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output = (this.output + chunk).slice(-200_000)));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output = (this.output + chunk).slice(-200_000)));
    this.exited = new Promise((resolveExit) => this.child.once('exit', (code) => resolveExit(code)));
  }

  /** Starts a worker and waits until it says it is ready. */
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

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything the worker printed so far (JSON log lines). */
  get log(): string {
    return this.output;
  }

  /** Resolves once `text` appears in the output; rejects (with the output) on exit or timeout. */
  async waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`worker exited before "${text}":\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker did not log "${text}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends a signal to the worker's pid. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(this.pid, signal);
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful) and wait for the exit; SIGKILL after `timeoutMs`. Resolves with the exit code. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
