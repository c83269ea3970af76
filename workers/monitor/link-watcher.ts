/**
 * Event-driven watch of the host's links: `ip monitor` and `bridge monitor` print a line per netlink
 * message, and a settled burst of lines becomes one `change` signal for the monitor to re-read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Logger } from 'pino';

/** Starts one long-running monitor program (argv, never a shell) with its stdout piped. */
export type MonitorSpawner = (file: string, args: string[]) => ChildProcess;

/** Options of {@link LinkWatcher}. */
export interface LinkWatcherOptions {
  readonly log: Logger;
  /** Quiet time after the last netlink message before `change` fires. Default 25 ms. */
  readonly settleMs?: number;
  /**
   * How the monitor programs are started. Default: `spawn` in this process's network namespace
   * (the worker runs in its host's). Tests wrap them in `ip netns exec NS …`.
   */
  readonly spawn?: MonitorSpawner;
  /** First wait before starting an exited program again; doubles up to {@link LinkWatcherOptions.maxRestartDelayMs}. Default 250 ms. */
  readonly restartDelayMs?: number;
  /** Longest wait between restarts. Default 5000 ms. */
  readonly maxRestartDelayMs?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL. Default 2000 ms. */
  readonly stopGraceMs?: number;
  /**
   * How long `start` waits for each program to subscribe to netlink (seen in /proc) before going on
   * without that certainty (logged). 0: do not wait, `start` resolves once the programs are spawned.
   * Default 2000 ms.
   */
  readonly listenTimeoutMs?: number;
}

/**
 * The programs that print a line per netlink message: links and addresses (`ip monitor`), and bridge
 * port STP states (`bridge monitor`, which `ip monitor link` does not print).
 */
const MONITORS: readonly (readonly [string, readonly string[]])[] = [
  ['ip', ['-o', 'monitor', 'link', 'address']],
  ['bridge', ['monitor', 'link']],
];

/** A program that ran this long before exiting starts again after the first, short delay. */
const STABLE_RUN_MS = 30_000;

/**
 * Watches the host's links event-driven: runs `ip monitor` and `bridge monitor` and emits `change`
 * once a burst of their messages settles. It does not parse them — the monitor re-reads the whole
 * link state and diffs, which is both simpler and immune to messages it could misread. A program
 * that exits is started again with backoff (logged), followed by a `change`, since messages were
 * lost meanwhile; `stop` ends the programs by pid.
 */
export class LinkWatcher extends EventEmitter<{ change: [] }> {
  private readonly children = new Set<ChildProcess>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private readonly settleMs: number;
  private readonly spawner: MonitorSpawner;
  private settleTimer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;

  constructor(private readonly options: LinkWatcherOptions) {
    super();
    this.settleMs = options.settleMs ?? 25;
    this.spawner = options.spawn ?? ((file, args) => spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /**
   * Starts the monitor programs; resolves once each listens to netlink, so that a look at the links
   * taken afterwards misses no later change (or once a program failed to start: it is retried).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('the link watcher was started already');
    this.started = true;
    await Promise.all(MONITORS.map(([file, args]) => this.launch(file, [...args], this.firstRestartDelay)));
  }

  /** Ends the monitor programs by pid (SIGTERM, SIGKILL after the grace time) and waits until they are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    await Promise.all([...this.children].map((child) => this.end(child)));
    // Their 'close' (stdio drained) may come after 'exit': they are gone either way.
    this.children.clear();
  }

  /** Pids of the running monitor programs (for tests that check nothing is left behind). */
  get pids(): number[] {
    return [...this.children].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  private get firstRestartDelay(): number {
    return this.options.restartDelayMs ?? 250;
  }

  private launch(file: string, args: string[], retryMs: number): Promise<void> {
    return new Promise((resolve) => {
      const child = this.spawner(file, args);
      const startedAt = Date.now();
      this.children.add(child);
      child.once('spawn', () => {
        void this.untilListening(child, file).then(resolve);
      });
      child.stdout?.on('data', () => this.changed());
      child.stderr
        ?.setEncoding('utf8')
        .on('data', (text: string) =>
          this.options.log.warn({ program: file, stderr: text.trim().slice(0, 500) }, 'link monitor says'),
        );
      child.once('error', (error) =>
        this.options.log.warn({ program: file, err: error.message }, 'cannot run the link monitor'),
      );
      // 'close' also follows a failed spawn ('error'), so this is the one place that restarts.
      child.once('close', (code, signal) => {
        this.children.delete(child);
        resolve();
        if (this.stopped) return;
        const delay = Date.now() - startedAt >= STABLE_RUN_MS ? this.firstRestartDelay : retryMs;
        const nextDelay = Math.min(delay * 2, this.options.maxRestartDelayMs ?? 5000);
        this.options.log.warn(
          { program: file, code, signal, retryInMs: delay },
          'link monitor ended; starting it again',
        );
        const timer = setTimeout(() => {
          this.restartTimers.delete(timer);
          if (this.stopped) return;
          // Messages were lost while it was down: have the monitor look once it is back.
          void this.launch(file, args, nextDelay).then(() => this.changed());
        }, delay);
        this.restartTimers.add(timer);
      });
    });
  }

  /**
   * Resolves once the program holds a netlink socket subscribed to multicast groups: 'spawn' only
   * means it was executed (and through `ip netns exec` it may not even be in its namespace yet).
   */
  private async untilListening(child: ChildProcess, program: string): Promise<void> {
    const timeoutMs = this.options.listenTimeoutMs ?? 2000;
    const pid = child.pid;
    if (timeoutMs <= 0 || pid === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (child.exitCode === null && child.signalCode === null && !this.stopped) {
      if (await listensOnNetlink(pid)) return;
      if (Date.now() >= deadline) {
        this.options.log.warn(
          { program, pid, timeoutMs },
          'link monitor is not seen listening to netlink yet; going on',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private end(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs ?? 2000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
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

/**
 * Whether process `pid` has a netlink socket with multicast groups: its socket inodes (from
 * /proc/PID/fd) against the Inode and Groups columns of /proc/PID/net/netlink, which lists the
 * sockets of the process's own network namespace. False while anything cannot be read.
 */
async function listensOnNetlink(pid: number): Promise<boolean> {
  try {
    const sockets = new Set<string>();
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) sockets.add(inode);
    }
    if (sockets.size === 0) return false;
    // "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode", Groups in hex.
    const rows = (await readFile(`/proc/${pid}/net/netlink`, 'utf8')).split('\n').slice(1);
    return rows.some((row) => {
      const columns = row.trim().split(/\s+/);
      return columns.length >= 10 && sockets.has(columns[9] ?? '') && /[1-9a-f]/i.test(columns[3] ?? '');
    });
  } catch {
    return false;
  }
}
