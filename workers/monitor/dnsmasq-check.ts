import { readFile, readdir, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Options of {@link findNetworkDnsmasqs}. */
export interface DnsmasqScanOptions {
  /** Where proc is mounted (tests point this at a fake tree). Default `/proc`. */
  readonly procRoot?: string;
}

/**
 * The dnsmasq processes libvirt started for its networks in this process's network namespace, by
 * network name: a process whose command is dnsmasq and whose `--conf-file=<dir>/<NAME>.conf` names
 * the network. Other namespaces' dnsmasqs (other sandbox hosts, containers) are visible in /proc too
 * and are left out by comparing network namespaces. Processes that end mid-scan are skipped.
 */
export async function findNetworkDnsmasqs(options: DnsmasqScanOptions = {}): Promise<Map<string, number>> {
  const proc = options.procRoot ?? '/proc';
  const ownNetns = await readlink(join(proc, 'self', 'ns', 'net')).catch(() => undefined);
  const candidates: { network: string; pid: number; parent: number }[] = [];
  const pids = (await readdir(proc)).filter((entry) => /^\d+$/.test(entry));
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const comm = (await readFile(join(proc, pid, 'comm'), 'utf8')).trim();
        if (comm !== 'dnsmasq') return;
        if (ownNetns !== undefined && (await readlink(join(proc, pid, 'ns', 'net'))) !== ownNetns) return;
        const args = (await readFile(join(proc, pid, 'cmdline'), 'utf8')).split('\0');
        const confFile = args.find((arg) => arg.startsWith('--conf-file='))?.slice('--conf-file='.length);
        if (!confFile?.endsWith('.conf')) return;
        candidates.push({ network: basename(confFile, '.conf'), pid: Number(pid), parent: await parentPid(proc, pid) });
      } catch {
        // Gone between readdir and read, or not ours to read.
      }
    }),
  );
  // dnsmasq forks helpers (e.g. for its lease script) with the same command line: keep the main one.
  const pidsOf = new Set(candidates.map((c) => c.pid));
  const found = new Map<string, number>();
  for (const candidate of candidates) if (!pidsOf.has(candidate.parent)) found.set(candidate.network, candidate.pid);
  return found;
}

/** The parent pid from /proc/PID/stat ("pid (comm) state ppid …"; comm may hold spaces and parentheses). */
async function parentPid(proc: string, pid: string): Promise<number> {
  const stat = await readFile(join(proc, pid, 'stat'), 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
