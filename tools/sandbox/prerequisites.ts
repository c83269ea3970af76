/**
 * What a machine needs before it can run sandbox hosts: root, a few programs and the libvirt-qemu user.
 * Every problem names the Debian package that fixes it.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program a sandbox host runs, with the Debian package that provides it. */
interface RequiredCommand {
  readonly command: string;
  readonly debianPackage: string;
}

/** Every program the sandbox tool starts itself or that libvirtd starts inside a sandbox. */
const REQUIRED_COMMANDS: readonly RequiredCommand[] = [
  { command: 'libvirtd', debianPackage: 'libvirt-daemon-system' },
  { command: 'virsh', debianPackage: 'libvirt-clients' },
  { command: 'dnsmasq', debianPackage: 'dnsmasq-base' },
  { command: 'iptables', debianPackage: 'iptables' },
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'ss', debianPackage: 'iproute2' },
  { command: 'bridge', debianPackage: 'iproute2' },
  { command: 'redis-server', debianPackage: 'redis-server' },
  { command: 'unshare', debianPackage: 'util-linux' },
  { command: 'mount', debianPackage: 'mount' },
  { command: 'findmnt', debianPackage: 'util-linux' },
];

/** The commands the sandbox tool runs, by name. */
export type SandboxCommand =
  | 'libvirtd'
  | 'virsh'
  | 'ip'
  | 'ss'
  | 'bridge'
  | 'redis-server'
  | 'unshare'
  | 'mount'
  | 'findmnt'
  // Only for DHCP requests from veth guests, so not a prerequisite of every sandbox.
  | 'busybox';

/** libvirtd refuses to start without this user; the libvirt-daemon-system package creates it. */
const LIBVIRT_USER = 'libvirt-qemu';

/** sbin folders are searched too: `su` without `-l` and some CI shells leave them out of PATH. */
const EXTRA_SEARCH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of an executable `command` from PATH or the usual system folders, or undefined. */
function findCommand(command: string): string | undefined {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir.startsWith('/'));
  for (const dir of [...pathDirs, ...EXTRA_SEARCH_DIRS]) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Absolute path of one of the commands the sandbox tool runs.
 * Throws a message naming the Debian package when it is missing.
 */
export function commandPath(command: SandboxCommand): string {
  const found = findCommand(command);
  if (found) return found;
  const debianPackage = REQUIRED_COMMANDS.find((required) => required.command === command)?.debianPackage ?? command;
  throw new Error(`the command "${command}" is missing: install the Debian package ${debianPackage}`);
}

function userExists(user: string): boolean {
  try {
    if (
      readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .some((line) => line.startsWith(`${user}:`))
    )
      return true;
  } catch {
    // no readable /etc/passwd: ask NSS below
  }
  try {
    execFileSync('getent', ['passwd', user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The message given when the tool runs without root. */
export const NOT_ROOT_PROBLEM = 'sandbox hosts need root: run as root (they create network namespaces)';

/** Throws unless the process runs as root (creating and deleting network namespaces needs it). */
export function assertRoot(): void {
  if (process.getuid?.() !== 0) throw new Error(NOT_ROOT_PROBLEM);
}

/**
 * Checks everything sandbox hosts need on this machine: root, the programs (libvirtd, virsh, dnsmasq,
 * iptables, ip, ss, redis-server, unshare, mount, findmnt) and the libvirt-qemu user.
 * Each problem is a sentence for a person, naming the Debian package to install.
 */
export function checkSandboxPrerequisites(): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push(NOT_ROOT_PROBLEM);
  for (const { command, debianPackage } of REQUIRED_COMMANDS) {
    if (!findCommand(command))
      problems.push(`the command "${command}" is missing: install the Debian package ${debianPackage}`);
  }
  if (!userExists(LIBVIRT_USER)) {
    problems.push(
      `the user "${LIBVIRT_USER}" is missing (libvirtd refuses to start without it): install the Debian package libvirt-daemon-system`,
    );
  }
  return { ok: problems.length === 0, problems };
}

/** Throws one error listing every unmet prerequisite. */
export function assertSandboxPrerequisites(): void {
  const { ok, problems } = checkSandboxPrerequisites();
  if (!ok) throw new Error(`cannot run sandbox hosts on this machine:\n  - ${problems.join('\n  - ')}`);
}
