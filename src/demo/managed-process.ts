import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A child process the demo owns: its own process group (so a Ctrl-C in the terminal reaches only
 * the demo, which then stops its children in order), output appended to a log file, ended by its
 * own pid.
 */
export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private exitDescription: string | undefined;

  private constructor(
    /** What it is, for messages (`bot`, `worker`). */
    readonly name: string,
    /** Where its output goes. */
    readonly logPath: string,
    file: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    const log = openSync(logPath, 'a');
    try {
      this.child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], env });
    } finally {
      closeSync(log);
    }
    let resolveExited: () => void = () => undefined;
    this.exited = new Promise((resolve) => (resolveExited = resolve));
    this.child.once('exit', (code, signal) => {
      this.exitDescription = signal ? `ended by ${signal}` : `exited with code ${code ?? '?'}`;
      resolveExited();
    });
    this.child.once('error', (error) => {
      // A child that cannot be spawned emits no 'exit': count this as its end.
      this.exitDescription ??= `could not start: ${error.message}`;
      resolveExited();
    });
  }

  /** Starts `file args` with exactly `env` as its environment (no shell). */
  static start(name: string, logPath: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv): ManagedProcess {
    return new ManagedProcess(name, logPath, file, args, env);
  }

  /** Its pid (undefined if it never started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while it runs; else how it ended. */
  get ended(): string | undefined {
    return this.exitDescription;
  }

  /** Resolves when it ends, with how. */
  async whenEnded(): Promise<string> {
    await this.exited;
    return this.exitDescription ?? 'ended';
  }

  /** Its log so far, last `lines` lines. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no output)';
    }
  }

  /**
   * Waits until `ready()` holds; throws with the log's tail when it ends first or takes longer than
   * `timeoutMs`, and with `signal`'s reason when that aborts (the caller stops it).
   */
  async waitUntil(ready: () => boolean | Promise<boolean>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw new Error(`stopped waiting for the ${this.name} to get to ${what}`);
      if (this.exitDescription !== undefined) throw new Error(`the ${this.name} ${this.exitDescription} before ${what}; its log (${this.logPath}) ends:\n${this.logTail()}`);
      if (await ready()) return;
      if (Date.now() > deadline) throw new Error(`the ${this.name} did not get to ${what} within ${timeoutMs / 1000} s; its log (${this.logPath}) ends:\n${this.logTail()}`);
      await delay(100);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exitDescription !== undefined || this.child.pid === undefined) return;
    // SIGTERM to it alone: it ends its own children in an orderly way.
    this.child.kill('SIGTERM');
    // The grace timer is cancelled once the child is gone, so it does not hold the demo open.
    const graceTimer = new AbortController();
    const ended = await Promise.race([this.exited.then(() => true), delay(graceMs, false, { signal: graceTimer.signal }).catch(() => false)]);
    graceTimer.abort();
    if (!ended) {
      // Its whole process group: a worker killed this way would leave its ip/bridge monitors behind.
      this.signalGroup('SIGKILL');
      await this.exited;
    }
    // Whatever of its group outlived it (nothing, when it ended its children as it should).
    this.signalGroup('SIGKILL', true);
  }

  /** Signals its process group (it leads one: started detached); with `groupOnly`, never the leader by pid. */
  private signalGroup(signal: NodeJS.Signals, groupOnly = false): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // No such group left (ESRCH): everyone in it has ended.
      if (!groupOnly) this.child.kill(signal);
    }
  }
}
