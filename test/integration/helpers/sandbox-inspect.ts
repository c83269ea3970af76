import { readFileSync } from 'node:fs';
import { type SandboxHost, execInSandbox, sandboxProcessPids } from '../../../src/sandbox/sandbox-host.js';

/** Runs a program inside the sandbox's namespace and returns its stdout; throws with stderr on failure. */
export async function runInSandbox(host: SandboxHost, file: string, args: string[]): Promise<string> {
  const result = await execInSandbox(host, file, args);
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** Names of the interfaces inside the sandbox (optionally only of one `ip link` type, e.g. bridge). */
export async function interfaceNames(host: SandboxHost, type?: string): Promise<string[]> {
  const links = JSON.parse(await runInSandbox(host, 'ip', ['-j', 'link', 'show', ...(type ? ['type', type] : [])])) as { ifname: string }[];
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
