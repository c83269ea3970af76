/**
 * The one wrapper for child processes the harness owns (bot, host worker, the demo's Redis…): spawn
 * with exactly the environment given, keep its output, wait for it to get ready, end it by its pid
 * (or its process group's id), never by name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** How an {@link OwnedProcess} is started. */
export interface OwnedProcessOptions {
  /** What it is, for messages (`bot`, `host worker`). */
  name: string;
  /** Its whole environment: nothing of this process's own is passed on unless it is here. */
  env: NodeJS.ProcessEnv;
  /**
   * Leader of a process group of its own: a Ctrl-C in the terminal then reaches only us (we stop it
   * in order), and stop/kill can end whatever it started along with it. Default false: it shares our
   * group, so a Ctrl-C ends it with us.
   */
  detached?: boolean;
  /** Append stdout and stderr to this file (the child writes it directly) instead of keeping them in memory. */
  logPath?: string;
  /** How many of the latest characters of its output to keep in memory (or read back from the log). Default 20 000. */
  keepChars?: number;
  /** Working folder. Default ours. */
  cwd?: string;
}

const DEFAULT_KEEP_CHARS = 20_000;
/** How often a readiness condition is tried again when nothing else wakes the wait. */
const POLL_MS = 100;
/**
 * How long to wait after the exit for the last output still in the pipes. Bounded: a grandchild may
 * hold them open long after.
 */
const OUTPUT_DRAIN_MS = 200;
/** Lines of output quoted in error messages. */
const MESSAGE_LINES = 40;

/**
 * A child process this program owns. Spawned without a shell, its output captured (a bounded tail in
 * memory, or appended to a log file), ended by its own pid. No method throws because it has already
 * ended, and a program that cannot be started counts as ended (with why), never as an unhandled error.
 */
export class OwnedProcess {
  /** The Node handle, e.g. for `exitCode`. */
  readonly child: ChildProcess;
  /** What it is, for messages. */
  readonly name: string;
  /** Where its output goes, when it goes to a file. */
  readonly logPath: string | undefined;
  /** Whether it leads a process group of its own. */
  readonly detached: boolean;
  private readonly keepChars: number;
  private kept = '';
  private endDescription: string | undefined;
  private readonly endedWithOutput: Promise<string>;
  /** Woken on every change a wait may be waiting for: output (with `true`), or the end. */
  private readonly wakers = new Set<(output: boolean) => void>();

  private constructor(file: string, args: readonly string[], options: OwnedProcessOptions) {
    this.name = options.name;
    this.logPath = options.logPath;
    this.detached = options.detached ?? false;
    this.keepChars = options.keepChars ?? DEFAULT_KEEP_CHARS;
    const spawnOptions = {
      env: options.env,
      detached: this.detached,
      shell: false,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    };
    if (options.logPath !== undefined) {
      const log = openSync(options.logPath, 'a');
      try {
        this.child = spawn(file, args, { ...spawnOptions, stdio: ['ignore', log, log] });
      } finally {
        // The child has its own copy of the descriptor.
        closeSync(log);
      }
    } else {
      this.child = spawn(file, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [this.child.stdout, this.child.stderr])
        stream?.setEncoding('utf8').on('data', (chunk: string) => this.keep(chunk));
    }
    let settle: (description: string) => void = () => undefined;
    this.endedWithOutput = new Promise((resolve) => (settle = resolve));
    const end = (description: string): void => {
      if (this.endDescription !== undefined) return;
      this.endDescription = description;
      this.wake(false);
      // Its last words may still be in the pipes (a crash's stack trace): wait for them, briefly.
      const drained = setTimeout(() => settle(description), OUTPUT_DRAIN_MS);
      this.child.once('close', () => {
        clearTimeout(drained);
        settle(description);
      });
    };
    this.child.once('exit', (code, signal) => end(signal ? `ended by ${signal}` : `exited with code ${code ?? '?'}`));
    this.child.on('error', (error) => {
      // A child that cannot be spawned emits 'error' and no 'exit': that is its end. Other errors
      // (a signal it could not be sent) leave it running; its exit still comes.
      if (this.child.pid === undefined) end(`could not start: ${error.message}`);
    });
  }

  /** Starts `file` with `args` (no shell: the arguments reach it as they are) and exactly `options.env`. */
  static start(file: string, args: readonly string[], options: OwnedProcessOptions): OwnedProcess {
    return new OwnedProcess(file, args, options);
  }

  /** Its pid (undefined if it never started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while it runs; else how it ended (`exited with code 0`, `ended by SIGKILL`, `could not start: …`). */
  get ended(): string | undefined {
    return this.endDescription;
  }

  /** Resolves when it has ended, and its last output is in, with how it ended. */
  whenEnded(): Promise<string> {
    return this.endedWithOutput;
  }

  /** Its latest output (stdout and stderr interleaved), at most `keepChars` characters. */
  output(): string {
    return this.logPath === undefined ? this.kept : readTail(this.logPath, this.keepChars);
  }

  /** The last `lines` lines of its output; `(no output)` when there is none. */
  logTail(lines = 30): string {
    const text = this.output().trimEnd();
    return text === '' ? '(no output)' : text.split('\n').slice(-lines).join('\n');
  }

  /** Its output's tail introduced for an error message: `its log (PATH) ends:\n…` or `its output ends:\n…`. */
  describeOutput(lines = MESSAGE_LINES): string {
    return `${this.logPath === undefined ? 'its output' : `its log (${this.logPath})`} ends:\n${this.logTail(lines)}`;
  }

  /**
   * Waits until `ready()` holds, trying it again every 100 ms (and at once when it ends). Rejects,
   * quoting its output, when it ends first or `timeoutMs` passes; rejects when `signal` aborts. It is
   * left running either way: stopping it is the caller's call.
   */
  waitUntil(
    ready: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.wait(ready, what, timeoutMs, signal, false);
  }

  /**
   * Waits until its output holds `text` (looked for as each chunk arrives; a log file is read every
   * 100 ms). Text it printed just before it ended still counts. Rejects as {@link waitUntil} does.
   */
  waitForOutput(text: string, timeoutMs = 30_000, signal?: AbortSignal): Promise<void> {
    return this.wait(() => this.output().includes(text), `printing "${text}"`, timeoutMs, signal, true);
  }

  /** Sends `signal` to it alone (not its group); nothing when it has ended. */
  signal(signal: NodeJS.Signals): void {
    // By its handle, which Node drops when it reaps the child: a reused pid is never hit.
    if (this.endDescription === undefined) this.child.kill(signal);
  }

  /** SIGKILL (to its whole group when detached: nothing of it may go on) and waits for the end. */
  async kill(): Promise<void> {
    if (this.endDescription === undefined) this.signalGroupOrIt('SIGKILL');
    await this.endedWithOutput;
    this.killLeftovers();
  }

  /**
   * SIGTERM to it alone (it ends its own children in an orderly way), SIGKILL after `graceMs` (to its
   * whole group when detached), then waits for the end. When detached, whatever of its group outlived
   * it is SIGKILLed too — even if it had ended on its own before.
   */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.endDescription === undefined && this.child.pid !== undefined) {
      this.signal('SIGTERM');
      if (!(await this.endsWithin(graceMs))) this.signalGroupOrIt('SIGKILL');
    }
    await this.endedWithOutput;
    this.killLeftovers();
  }

  private keep(chunk: string): void {
    this.kept += chunk;
    if (this.kept.length > this.keepChars) this.kept = this.kept.slice(-this.keepChars);
    this.wake(true);
  }

  private wake(output: boolean): void {
    for (const waker of [...this.wakers]) waker(output);
  }

  private async wait(
    ready: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    readyAfterEnd: boolean,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw new Error(`stopped waiting for the ${this.name} to get to ${what}`);
      if (this.endDescription !== undefined) {
        await this.endedWithOutput;
        if (readyAfterEnd && (await ready())) return;
        throw new Error(`the ${this.name} ${this.endDescription} before ${what}; ${this.describeOutput()}`);
      }
      if (await ready()) return;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `the ${this.name} did not get to ${what} within ${timeoutMs / 1000} s; ${this.describeOutput()}`,
        );
      // Output wakes only waits on output (in memory): a chatty child must not hammer a health check.
      await this.nextChange(Math.min(POLL_MS, left), readyAfterEnd, signal);
    }
  }

  /** Resolves after `ms`, or sooner on its end, on an abort, or (with `onOutput`) on new output. */
  private nextChange(ms: number, onOutput: boolean, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(waker);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const waker = (output: boolean): void => {
        if (!output || onOutput) done();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(waker);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** True when it ends within `ms`. */
  private async endsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    // The timer is cleared once it is gone, so a long grace does not hold the event loop open.
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([this.endedWithOutput.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Its process group when detached (it leads one), else it alone. */
  private signalGroupOrIt(signal: NodeJS.Signals): void {
    if (this.detached && this.signalGroup(signal)) return;
    this.signal(signal);
  }

  /** Whatever of its group outlived it (nothing, when it ended its children as it should). */
  private killLeftovers(): void {
    if (this.detached) this.signalGroup('SIGKILL');
  }

  /** Signals its process group; false when there is none (never started, or everyone in it has ended). */
  private signalGroup(signal: NodeJS.Signals): boolean {
    if (this.child.pid === undefined) return false;
    try {
      // A group id is not handed out again while any member of the group lives.
      process.kill(-this.child.pid, signal);
      return true;
    } catch {
      return false; // ESRCH
    }
  }
}

/** The last `chars` characters (bytes, near enough) of a file; empty when it cannot be read. */
function readTail(path: string, chars: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, chars);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, size - length);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
