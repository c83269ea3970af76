import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** Starts one long-running monitor program (argv, never a shell). */
export type MonitorSpawner = (file: string, args: string[]) => ChildProcess;

/** Options of {@link LinkWatcher}. */
export interface LinkWatcherOptions {
  readonly log: Logger;
  /** Quiet time after the last netlink message before `change` fires. Default 25 ms. */
  readonly settleMs?: number;
  /** How the monitor programs are started; default: spawn in this process's namespace. */
  readonly spawn?: MonitorSpawner;
}

/**
 * The programs that print a line per netlink message: links and addresses (`ip monitor`), and bridge
 * port STP states (`bridge monitor`, which `ip monitor link` does not print).
 */
const MONITORS: readonly (readonly [string, readonly string[]])[] = [
  ['ip', ['-o', 'monitor', 'link', 'address']],
  ['bridge', ['monitor', 'link']],
];

/**
 * Watches the host's links event-driven: runs `ip monitor` and `bridge monitor` and emits `change`
 * once a burst of their messages settles. It does not parse them — the monitor re-reads the whole
 * link state and diffs, which is both simpler and immune to messages it could misread. A program
 * that exits is started again (backoff up to 5 s); `stop` ends them by pid.
 */
export class LinkWatcher extends EventEmitter<{ change: [] }> {
  private readonly children = new Set<ChildProcess>();
  private readonly settleMs: number;
  private readonly spawner: MonitorSpawner;
  private settleTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: LinkWatcherOptions) {
    super();
    this.settleMs = options.settleMs ?? 25;
    this.spawner = options.spawn ?? ((file, args) => spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Starts the monitor programs; resolves once they run. */
  async start(): Promise<void> {
    await Promise.all(MONITORS.map(([file, args]) => this.launch(file, [...args], 250)));
  }

  /** Ends the monitor programs (by pid) and waits for them to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  /** Pids of the running monitor programs (for tests that check nothing is left behind). */
  get pids(): number[] {
    return [...this.children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  private launch(file: string, args: string[], retryMs: number): Promise<void> {
    return new Promise((resolve) => {
      const child = this.spawner(file, args);
      this.children.add(child);
      let started = false;
      child.once('spawn', () => {
        started = true;
        resolve();
      });
      child.stdout?.on('data', () => this.changed());
      child.stderr?.setEncoding('utf8').on('data', (text: string) => this.options.log.warn({ program: file, stderr: text.trim().slice(0, 500) }, 'link monitor says'));
      child.once('error', (error) => this.options.log.warn({ program: file, err: error.message }, 'cannot run the link monitor'));
      child.once('close', (code, signal) => {
        this.children.delete(child);
        if (!started) resolve();
        if (this.stopped) return;
        this.options.log.warn({ program: file, code, signal, retryInMs: retryMs }, 'link monitor ended; starting it again');
        // Something may have changed while it was down: look once it is back.
        setTimeout(() => {
          if (this.stopped) return;
          void this.launch(file, args, Math.min(retryMs * 2, 5000)).then(() => this.changed());
        }, retryMs).unref();
      });
    });
  }

  private changed(): void {
    if (this.stopped) return;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.emit('change');
    }, this.settleMs);
  }
}
