/**
 * Process helpers for sandbox hosts: identify processes safely by pid, find the ones inside a network
 * namespace, end them by pid, spawn daemons that outlive us, poll for conditions.
 * Nothing here ever selects a process by its name.
 */
import { type ExecFileOptionsWithStringEncoding, execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A process as the kernel knows it: its pid plus its start time (clock ticks since boot), so a pid
 * reused by an unrelated process after ours ended is never mistaken for ours.
 */
export interface ProcessRef {
  readonly pid: number;
  readonly startTicks: string;
}

interface ProcessStat {
  readonly state: string;
  readonly processGroup: number;
  readonly startTicks: string;
}

function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name in parentheses may itself hold spaces or parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const processGroup = Number(fields[2]);
  const startTicks = fields[19];
  return state && startTicks ? { state, processGroup, startTicks } : undefined;
}

/** The identity of a live (or zombie) process, or undefined when no such pid exists. */
export function processRef(pid: number): ProcessRef | undefined {
  const stat = readStat(pid);
  return stat ? { pid, startTicks: stat.startTicks } : undefined;
}

/** True while the process exists, is the same one (same start time) and has not ended (zombies have). */
export function isRunning(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.startTicks === ref.startTicks && stat.state !== 'Z' && stat.state !== 'X';
}

/** The id of the process group the process is in, or undefined when no such pid exists. */
export function processGroupOf(pid: number): number | undefined {
  return readStat(pid)?.processGroup;
}

/** True while some process with this pid exists and has not ended. */
export function isPidRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The inode of the network namespace a process is in (`/proc/PID/ns/net` → `net:[INODE]`), if readable. */
export function netnsInodeOf(pid: number): number | undefined {
  try {
    const match = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Pids of the running processes in the network namespace with this inode (never our own process). */
export function pidsInNetns(netnsInode: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && netnsInodeOf(pid) === netnsInode && isPidRunning(pid)) pids.push(pid);
  }
  return pids;
}

/**
 * Pids of the running processes whose environment holds `entry` (`NAME=value`), never our own. A
 * marker put in the environment of the processes one program starts finds their children too, whatever
 * their process group, since children inherit it.
 */
export function pidsWithEnvEntry(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (environ.split('\0').includes(entry) && isPidRunning(pid)) pids.push(pid);
  }
  return pids;
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Polls `condition` every `intervalMs` until it holds (true) or `timeoutMs` passes (false). */
export async function pollUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/**
 * Ends one process by pid: SIGTERM, then SIGKILL if it is still there after `graceMs`.
 * SIGCONT goes first because fault tests stop daemons with SIGSTOP, and a stopped process acts on
 * SIGTERM only once continued.
 */
export async function endProcess(ref: ProcessRef, graceMs: number): Promise<void> {
  if (!isRunning(ref)) return;
  sendSignal(ref.pid, 'SIGCONT');
  sendSignal(ref.pid, 'SIGTERM');
  if (await pollUntil(() => !isRunning(ref), graceMs)) return;
  if (isRunning(ref)) sendSignal(ref.pid, 'SIGKILL');
  if (!(await pollUntil(() => !isRunning(ref), 5_000))) {
    throw new Error(`process ${ref.pid} is still running 5 s after SIGKILL`);
  }
}

/**
 * Starts a daemon that outlives this process: own session (a Ctrl-C in our terminal does not reach it),
 * stdout and stderr appended to `logPath`, not keeping our event loop alive.
 */
export async function spawnDetached(
  file: string,
  args: readonly string[],
  logPath: string,
  cwd?: string,
): Promise<ProcessRef> {
  const log = openSync(logPath, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], cwd });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    const ref = child.pid === undefined ? undefined : processRef(child.pid);
    if (!ref) throw new Error(`${file} exited at once; see ${logPath}`);
    return ref;
  } finally {
    closeSync(log);
  }
}

/** Outcome of a finished command. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs a program (argument vector, no shell) and resolves with its output and exit code, whatever the
 * code. Rejects only when it cannot start or runs past `timeoutMs`.
 */
export function runCommand(file: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // detached (spawn's option, which execFile passes on but its types omit): a Ctrl-C in the terminal
    // must not kill a virsh or ip half-way through a teardown.
    const options: ExecFileOptionsWithStringEncoding & { detached: boolean } = {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
      detached: true,
    };
    execFile(file, args, options, (error, stdout, stderr) => {
      if (!error) {
        resolve({ stdout, stderr, code: 0 });
      } else if (error.killed) {
        reject(new Error(`${[file, ...args].join(' ')} did not finish within ${timeoutMs} ms`));
      } else if (typeof error.code === 'number') {
        resolve({ stdout, stderr, code: error.code });
      } else if (error.signal) {
        reject(new Error(`${[file, ...args].join(' ')} was ended by ${error.signal}: ${stderr.trim()}`));
      } else {
        reject(new Error(`cannot run ${file}: ${error.message}`));
      }
    });
  });
}

/** Like runCommand but rejects on a non-zero exit, with the command's stderr in the message. */
export async function runChecked(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  const result = await runCommand(file, args, timeoutMs);
  if (result.code !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || '(no output)';
    throw new Error(`${[file, ...args].join(' ')} failed with exit code ${result.code}: ${detail}`);
  }
  return result.stdout;
}

/** The last `lines` lines of a log file, or a note that it cannot be read. */
export function tailOfFile(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${path}: ${(error as Error).message})`;
  }
}
