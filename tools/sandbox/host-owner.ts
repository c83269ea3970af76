/**
 * Who uses a sandbox host: the program that owns it (the demo) and the processes that program started
 * beside the host's own daemons (bot, host worker, a Redis of its own). They are recorded in
 * `<host dir>/owner.json`, so whoever tears the host down (`npm run sandbox -- down`, the next demo)
 * can end them even after the owner died without cleaning up (SIGKILL, a crash). Always by pid, and
 * only after checking that the pid is still the recorded process (its start time), so a reused pid is
 * never signalled.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, pidsWithEnvEntry, pollUntil, processGroupOf, processRef, type ProcessRef } from './processes.js';

/** One process the owner started. */
export interface OwnedProcessEntry {
  /** What it is, for messages (`bot`, `host worker`). */
  readonly name: string;
  /** Its pid and start time. */
  readonly process: ProcessRef;
  /** Its process group when it was recorded (its own pid when it leads a group of its own). */
  readonly processGroup: number | undefined;
}

/** The content of `owner.json`. */
export interface HostOwnerRecord {
  /** The owning program, e.g. `demo`, for messages. */
  readonly ownerName: string;
  /** The owning program's own process. */
  readonly owner: ProcessRef;
  /**
   * An environment entry (`NAME=value`, unique to this run) that every process the owner started
   * carries and hands down to its children: it finds what outlived a group leader.
   */
  readonly marker: string;
  /** The processes it started, in the order it started them. */
  readonly processes: readonly OwnedProcessEntry[];
}

/** What the owner of a host is, as recorded. */
export interface HostOwner {
  readonly name: string;
  readonly pid: number;
  /** True while the recorded owner process still runs (same pid and start time). */
  readonly running: boolean;
}

/** How long an owned process gets to end on SIGTERM before its group is SIGKILLed. */
const OWNED_STOP_GRACE_MS = 15_000;
/** How long the owner gets to stop on SIGTERM (it removes the host itself) before it is SIGKILLed. */
const OWNER_STOP_GRACE_MS = 90_000;
const KILL_WAIT_MS = 5_000;

function recordPath(hostDir: string): string {
  return join(hostDir, 'owner.json');
}

/** The record of `hostDir`, or undefined when there is none (or it cannot be read: then there is nothing to act on). */
export function readHostOwnerRecord(hostDir: string): HostOwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(hostDir), 'utf8')) as HostOwnerRecord;
  } catch {
    return undefined;
  }
}

/**
 * Records this process as the owner of the host in `hostDir`, with the processes it has started so far
 * (call again after each start). Written via rename, so a reader never sees half a file.
 */
export function writeHostOwnerRecord(
  hostDir: string,
  ownerName: string,
  marker: string,
  pids: readonly { name: string; pid: number | undefined }[],
): void {
  const owner = processRef(process.pid);
  if (!owner) throw new Error('cannot read /proc/self/stat');
  const processes = pids.flatMap(({ name, pid }) => {
    const ref = pid === undefined ? undefined : processRef(pid);
    return ref ? [{ name, process: ref, processGroup: processGroupOf(ref.pid) }] : [];
  });
  const record: HostOwnerRecord = { ownerName, owner, marker, processes };
  const path = recordPath(hostDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The recorded owner of the host in `hostDir`, if there is a record. */
export function hostOwnerOf(hostDir: string): HostOwner | undefined {
  const record = readHostOwnerRecord(hostDir);
  return record && { name: record.ownerName, pid: record.owner.pid, running: isRunning(record.owner) };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Asks a running owner (not this process) to stop — SIGTERM: the demo then stops everything itself —
 * and waits for it to end; SIGKILL after a long grace. Resolves with what was done, for messages.
 */
export async function stopHostOwner(hostDir: string): Promise<string | undefined> {
  const record = readHostOwnerRecord(hostDir);
  if (!record || record.owner.pid === process.pid || !isRunning(record.owner)) return undefined;
  signal(record.owner.pid, 'SIGTERM');
  if (await pollUntil(() => !isRunning(record.owner), OWNER_STOP_GRACE_MS, 100))
    return `the ${record.ownerName} (pid ${record.owner.pid}) stopped on SIGTERM`;
  if (isRunning(record.owner)) signal(record.owner.pid, 'SIGKILL');
  await pollUntil(() => !isRunning(record.owner), KILL_WAIT_MS);
  return `the ${record.ownerName} (pid ${record.owner.pid}) did not stop within ${OWNER_STOP_GRACE_MS / 1000} s and was killed`;
}

/** SIGTERM; after the grace SIGKILL to its group when it leads one (checked just before), else to it alone. */
async function endOwned(entry: OwnedProcessEntry): Promise<void> {
  const ref = entry.process;
  if (!isRunning(ref)) return;
  signal(ref.pid, 'SIGCONT'); // a stopped process acts on SIGTERM only once continued
  signal(ref.pid, 'SIGTERM');
  if (await pollUntil(() => !isRunning(ref), OWNED_STOP_GRACE_MS, 100)) return;
  // Still the recorded process, so the group it leads is still the recorded one.
  if (isRunning(ref)) signal(entry.processGroup === ref.pid ? -ref.pid : ref.pid, 'SIGKILL');
  await pollUntil(() => !isRunning(ref), KILL_WAIT_MS);
}

/**
 * Ends the processes the owner of the host in `hostDir` started, whether the owner lives or not: each
 * recorded process that still runs gets SIGTERM (SIGKILL to its group after a grace), then whatever
 * still carries the run's marker (children that outlived their parent) gets SIGKILL. Resolves with what
 * is still running afterwards (empty when all went).
 */
export async function endOwnedProcesses(hostDir: string): Promise<string[]> {
  const record = readHostOwnerRecord(hostDir);
  if (!record) return [];
  await Promise.all(record.processes.map((entry) => endOwned(entry)));
  const leftovers = pidsWithEnvEntry(record.marker)
    .map((pid) => processRef(pid))
    .filter((ref): ref is ProcessRef => ref !== undefined);
  for (const ref of leftovers) if (isRunning(ref)) signal(ref.pid, 'SIGKILL');
  await pollUntil(() => leftovers.every((ref) => !isRunning(ref)), KILL_WAIT_MS);
  return [
    ...record.processes.filter((entry) => isRunning(entry.process)),
    ...leftovers.filter((ref) => isRunning(ref)).map((ref) => ({ name: 'process', process: ref })),
  ].map((entry) => `the ${record.ownerName}'s ${entry.name} (pid ${entry.process.pid}) is still running`);
}
