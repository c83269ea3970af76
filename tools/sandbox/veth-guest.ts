/**
 * A "guest" without a VM: a veth pair whose host end is a port of a bridge in a sandbox host and
 * whose other end (`eth0`) lives in a network namespace of its own, `<host netns>-<guest>`. Real
 * bridge ports and real DHCP clients for tests, created and removed with `ip` (argv only, no shell).
 */
import { statSync } from 'node:fs';
import { commandPath } from './prerequisites.js';
import { endProcess, pidsInNetns, pollUntil, processRef, runChecked, runCommand } from './processes.js';

const COMMAND_TIMEOUT_MS = 30_000;
const FORWARDING_TIMEOUT_MS = 15_000;
const GUEST_NAME = /^[a-z][a-z0-9]{0,7}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The part of a sandbox host a guest needs. */
export interface GuestParent {
  readonly name: string;
  readonly netns: string;
}

/** A veth guest attached to a bridge of a sandbox host. */
export interface VethGuest {
  readonly name: string;
  /** The guest's own namespace. */
  readonly netns: string;
  /** The host end, a port of `bridge` inside the sandbox host. */
  readonly hostIfname: string;
  readonly bridge: string;
  readonly mac: string;
}

/** Namespace name of a guest of `parent`. */
export function guestNetnsName(parent: GuestParent, guest: string): string {
  return `${parent.netns}-${guest}`;
}

/**
 * Creates a guest: namespace, veth pair, host end enslaved to `bridge` and up, guest end `eth0` up
 * with `mac`. By default waits until the bridge forwards on the port: with STP on, the kernel keeps
 * a new port listening/learning for twice its 2 s minimum forward delay, and DHCP fails until then.
 * Rolls back what it made if a step fails.
 */
export async function attachVethGuest(
  parent: GuestParent,
  bridge: string,
  guest: string,
  options: { mac?: string; waitForwarding?: boolean } = {},
): Promise<VethGuest> {
  if (!GUEST_NAME.test(guest))
    throw new Error(
      `invalid guest name ${JSON.stringify(guest)}: use 1 to 8 characters, a lowercase letter first, then lowercase letters or digits`,
    );
  const mac = options.mac ?? randomLocalMac();
  if (!MAC.test(mac)) throw new Error(`invalid MAC address ${JSON.stringify(mac)} (expected e.g. 52:54:00:12:34:56)`);
  const ip = commandPath('ip');
  const netns = guestNetnsName(parent, guest);
  const hostIfname = `vg-${guest}`;
  await runChecked(ip, ['netns', 'add', netns], COMMAND_TIMEOUT_MS);
  try {
    await runChecked(ip, ['-n', netns, 'link', 'set', 'lo', 'up'], COMMAND_TIMEOUT_MS);
    await runChecked(
      ip,
      ['-n', parent.netns, 'link', 'add', hostIfname, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns],
      COMMAND_TIMEOUT_MS,
    );
    await runChecked(ip, ['-n', netns, 'link', 'set', 'eth0', 'address', mac, 'up'], COMMAND_TIMEOUT_MS);
    await runChecked(ip, ['-n', parent.netns, 'link', 'set', hostIfname, 'master', bridge, 'up'], COMMAND_TIMEOUT_MS);
    if (options.waitForwarding ?? true) await waitForwarding(parent.netns, hostIfname);
  } catch (error) {
    await removeGuestNetns(netns).catch(() => undefined);
    await runCommand(ip, ['-n', parent.netns, 'link', 'del', hostIfname], COMMAND_TIMEOUT_MS);
    throw error;
  }
  return Object.freeze({ name: guest, netns, hostIfname, bridge, mac });
}

/** Removes a guest: ends anything running in its namespace, deletes the namespace (and so the veth pair). */
export async function detachVethGuest(guest: VethGuest): Promise<void> {
  await removeGuestNetns(guest.netns);
}

/**
 * Asks the network's DHCP server for a lease from inside the guest (busybox udhcpc, which quits once
 * it has one). The address is not configured on eth0: the lease itself is what tests look at.
 */
export async function requestDhcpLease(
  guest: VethGuest,
  options: { hostname?: string; timeoutMs?: number } = {},
): Promise<void> {
  const args = [
    'netns',
    'exec',
    guest.netns,
    commandPath('busybox'),
    'udhcpc',
    '-i',
    'eth0',
    '-f',
    '-q',
    '-n',
    '-t',
    '5',
    '-T',
    '1',
    '-s',
    '/bin/true',
  ];
  if (options.hostname) {
    if (!/^[a-z0-9-]{1,63}$/.test(options.hostname))
      throw new Error(`invalid DHCP host name ${JSON.stringify(options.hostname)}`);
    args.push('-x', `hostname:${options.hostname}`);
  }
  const result = await runCommand(commandPath('ip'), args, options.timeoutMs ?? COMMAND_TIMEOUT_MS);
  if (result.code !== 0)
    throw new Error(`guest ${guest.name} got no DHCP lease: ${(result.stderr || result.stdout).trim()}`);
}

/** Removes every guest namespace of a sandbox host (used by `down`). */
export async function removeGuestsOf(parent: GuestParent): Promise<void> {
  const listed = await runCommand(commandPath('ip'), ['netns', 'list'], COMMAND_TIMEOUT_MS);
  const names = listed.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${parent.netns}-`));
  for (const name of names) await removeGuestNetns(name);
}

async function removeGuestNetns(netns: string): Promise<void> {
  let inode: number | undefined;
  try {
    inode = statSync(`/run/netns/${netns}`).ino;
  } catch {
    return; // already gone
  }
  // End what runs inside (e.g. a DHCP client) by pid; the namespace file's inode names exactly this namespace.
  for (const pid of pidsInNetns(inode)) {
    const ref = processRef(pid);
    if (ref) await endProcess(ref, 2000);
  }
  await runChecked(commandPath('ip'), ['netns', 'del', netns], COMMAND_TIMEOUT_MS);
}

async function waitForwarding(netns: string, port: string): Promise<void> {
  const forwarding = await pollUntil(
    async () => {
      const shown = await runCommand(
        commandPath('bridge'),
        ['-n', netns, '-j', 'link', 'show', 'dev', port],
        COMMAND_TIMEOUT_MS,
      );
      return shown.code === 0 && (JSON.parse(shown.stdout) as { state?: string }[])[0]?.state === 'forwarding';
    },
    FORWARDING_TIMEOUT_MS,
    100,
  );
  if (!forwarding)
    throw new Error(`bridge port ${port} did not reach the forwarding state within ${FORWARDING_TIMEOUT_MS} ms`);
}

function randomLocalMac(): string {
  const bytes = Array.from({ length: 3 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0'),
  );
  return `52:54:00:${bytes.join(':')}`;
}
