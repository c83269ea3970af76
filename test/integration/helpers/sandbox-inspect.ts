import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type SandboxHost, execInSandbox, sandboxProcessPids } from '../../../tools/sandbox/sandbox-host.js';

/** Runs a program inside the sandbox's namespace and returns its stdout; throws with stderr on failure. */
export async function runInSandbox(host: SandboxHost, file: string, args: string[]): Promise<string> {
  const result = await execInSandbox(host, file, args);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** Names of the interfaces inside the sandbox (optionally only of one `ip link` type, e.g. bridge). */
export async function interfaceNames(host: SandboxHost, type?: string): Promise<string[]> {
  const links = JSON.parse(await runInSandbox(host, 'ip', ['-j', 'link', 'show', ...(type ? ['type', type] : [])])) as {
    ifname: string;
  }[];
  return links.map((l) => l.ifname).sort();
}

/** Pids of the dnsmasq processes in the sandbox's namespace (read from /proc), optionally only the one for `network`. */
export function dnsmasqPids(host: SandboxHost, network?: string): number[] {
  return sandboxProcessPids(host).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('dnsmasq') !== true) return false;
      return network === undefined || argv.includes(`--conf-file=/var/lib/libvirt/dnsmasq/${network}.conf`);
    } catch {
      return false; // exited meanwhile
    }
  });
}

/** The pid libvirt wrote for a network's dnsmasq (`<network>.pid` under the sandbox's run folder): its main process. */
export function dnsmasqPidFromFile(host: SandboxHost, network: string): number {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name === `${network}.pid` ? [path] : [];
    });
  const found = walk(join(host.dir, 'run'));
  if (found.length !== 1)
    throw new Error(`expected one ${network}.pid under ${host.dir}/run, found ${found.join(', ') || 'none'}`);
  return Number(readFileSync(found[0] as string, 'utf8').trim());
}
