import { readFileSync } from 'node:fs';

/** CPU time a process's main thread ran, and time it waited runnable for a CPU, in ms (Linux `/proc/PID/schedstat`). */
export interface SchedStat {
  cpuMs: number;
  runQueueWaitMs: number;
}

/**
 * The scheduler's totals for `pid`'s main thread (the event loop), or undefined where the kernel
 * does not keep them. On a shared machine, the wait tells how long a process was held up by others.
 */
export function schedStat(pid: number): SchedStat | undefined {
  try {
    const [runNs, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    if (runNs === undefined || waitNs === undefined || Number.isNaN(runNs) || Number.isNaN(waitNs)) return undefined;
    return { cpuMs: runNs / 1e6, runQueueWaitMs: waitNs / 1e6 };
  } catch {
    return undefined;
  }
}
