/**
 * Finds the dnsmasq processes libvirt runs for its networks, from /proc: libvirt never reports a
 * network's dnsmasq dying (the network stays "active" without DHCP or DNS), so the monitor looks.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of {@link findNetworkDnsmasqs}. */
export interface DnsmasqScanOptions {
  /** Where proc is mounted (tests point this at a fake tree). Default `/proc`. */
  readonly procRoot?: string;
}

/**
 * The dnsmasq processes libvirt started for its networks in this process's network namespace, as
 * network name → pid: a process whose `comm` is `dnsmasq` and whose command line has
 * `--conf-file=<…>/dnsmasq/<NAME>.conf` (libvirt's folder of network configs). Other namespaces'
 * dnsmasqs (other sandbox hosts, containers) are visible in /proc too and are left out by comparing
 * `ns/net` with the scanning process's own. Processes that end mid-scan, and processes whose
 * namespace cannot be read (a worker not running as root may not read other users' `ns/net`), are
 * skipped. Of a dnsmasq and the helpers it forks with the same command line, the main one is kept.
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
        const network = networkOfCommandLine(await readFile(join(proc, pid, 'cmdline'), 'utf8'));
        if (network === undefined) return;
        candidates.push({ network, pid: Number(pid), parent: await parentPid(proc, pid) });
      } catch {
        // Gone between readdir and read, or not ours to read.
      }
    }),
  );
  const pidsFound = new Set(candidates.map((c) => c.pid));
  const found = new Map<string, number>();
  for (const candidate of candidates.sort((a, b) => a.pid - b.pid)) {
    if (!pidsFound.has(candidate.parent) && !found.has(candidate.network)) found.set(candidate.network, candidate.pid);
  }
  return found;
}

/** The network a libvirt dnsmasq serves, from its NUL-separated command line. */
function networkOfCommandLine(cmdline: string): string | undefined {
  const confFile = cmdline
    .split('\0')
    .find((arg) => arg.startsWith('--conf-file='))
    ?.slice('--conf-file='.length);
  if (!confFile?.endsWith('.conf') || basename(dirname(confFile)) !== 'dnsmasq') return undefined;
  const network = basename(confFile, '.conf');
  return network === '' ? undefined : network;
}

/** The parent pid from /proc/PID/stat ("pid (comm) state ppid …"; comm may hold spaces and parentheses). */
async function parentPid(proc: string, pid: string): Promise<number> {
  const stat = await readFile(join(proc, pid, 'stat'), 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
