/**
 * Sandbox hosts: real libvirtd daemons for tests, the demo and benchmarks, each in its own network
 * namespace with its own state folders, so they create real bridges, dnsmasq and iptables rules
 * without touching the machine's network or any libvirtd it runs.
 *
 * Layout of one host NAME under the base folder:
 *   NAME/run, lib, etc, log, cache  bind-mounted (in a private mount namespace) over /run/libvirt,
 *                                   /var/lib/libvirt, /etc/libvirt, /var/log/libvirt, /var/cache/libvirt
 *   NAME/libvirtd.log               libvirtd's stdout and stderr
 *   NAME/state.json                 what was started, so `down` works from another process
 *   NAME/owner.json                 the program using the host (the demo) and what it started (see host-owner.ts)
 * and, shared by all hosts of the base folder, redis.sock / redis.log / redis.json (see shared-redis.ts).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertRoot, assertSandboxPrerequisites, commandPath } from './prerequisites.js';
import {
  endProcess,
  isRunning,
  netnsInodeOf,
  pidsInNetns,
  pollUntil,
  processRef,
  runChecked,
  runCommand,
  spawnDetached,
  tailOfFile,
  type ProcessRef,
} from './processes.js';
import { endOwnedProcesses, type HostOwner, hostOwnerOf, stopHostOwner } from './host-owner.js';
import { ensureSharedRedis, releaseSharedRedisIfUnused, runningSharedRedis, sharedRedisPaths } from './shared-redis.js';
import { removeGuestsOf } from './veth-guest.js';

export { checkSandboxPrerequisites } from './prerequisites.js';
export { type HostOwner, writeHostOwnerRecord } from './host-owner.js';
export { attachVethGuest, detachVethGuest, requestDhcpLease, type VethGuest } from './veth-guest.js';

/** A running sandbox host: a libvirtd in its own network namespace, reachable over its unix socket. */
export interface SandboxHost {
  /** The host's name, e.g. "h1". */
  readonly name: string;
  /** Its network namespace, e.g. "vnetops-h1". */
  readonly netns: string;
  /** Absolute path of its folder. */
  readonly dir: string;
  /** libvirtd's read-write socket as seen from outside the namespace: `<dir>/run/libvirt-sock`. */
  readonly socketPath: string;
  /** `qemu:///system?socket=<socketPath>`. */
  readonly uri: string;
  /** Unix socket of the Redis shared by all sandbox hosts of the base folder. */
  readonly redisSocketPath: string;
  /** Pid of the host's libvirtd. */
  readonly libvirtdPid: number;
  /** True when libvirtd also listens for TLS on port 16514 inside the namespace (e.g. 127.0.0.1:16514 from in there). */
  readonly tls: boolean;
}

/** PEM text for a host's TLS listener. Client certificates are not verified. */
export interface SandboxTlsOptions {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** How to start a sandbox host. */
export interface SandboxOptions {
  /** Folder holding the hosts' folders; default `$VNETOPS_SANDBOX_DIR`, else `<repo root>/.sandbox`. */
  baseDir?: string;
  /** When given, libvirtd also listens for TLS on port 16514 inside the namespace. */
  tls?: SandboxTlsOptions;
  /** How long to wait for libvirtd to answer (default 30 s; the first start probes QEMU, a few seconds). */
  readyTimeoutMs?: number;
}

/** Where the base folder is; shared by all functions taking a base folder. */
export interface SandboxLocation {
  /** Folder holding the hosts' folders; default `$VNETOPS_SANDBOX_DIR`, else `<repo root>/.sandbox`. */
  baseDir?: string;
}

/** Everything needed to find and tear down a host from any process; written to `<dir>/state.json`. */
interface HostState {
  readonly name: string;
  readonly netns: string;
  readonly dir: string;
  readonly socketPath: string;
  readonly uri: string;
  readonly redisSocketPath: string;
  readonly tls: boolean;
  readonly readyTimeoutMs: number;
  /** Set once we created the namespace: only a namespace with this inode is ours to delete. */
  netnsInode?: number;
  libvirtd?: ProcessRef;
}

const NAME_PATTERN = /^[a-z][a-z0-9]{0,7}$/;
const NETNS_PREFIX = 'vnetops-';
/** Characters allowed in the base folder: its paths go into a libvirt URI unescaped. */
const BASE_DIR_PATTERN = /^[A-Za-z0-9_./+-]+$/;
/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;
const TLS_PORT = 16514;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const LIBVIRTD_STOP_GRACE_MS = 10_000;
const NETNS_PROCESS_STOP_GRACE_MS = 5_000;
const COMMAND_TIMEOUT_MS = 60_000;
/** virsh calls made while tearing down: short, since a broken (e.g. SIGSTOPped) libvirtd is killed anyway. */
const TEARDOWN_VIRSH_TIMEOUT_MS = 10_000;
const READY_POLL_INTERVAL_MS = 100;

/** The state folders of a host, with where they are mounted inside its private mount namespace. */
const STATE_FOLDERS = [
  { folder: 'run', mountPoint: '/run/libvirt' },
  { folder: 'lib', mountPoint: '/var/lib/libvirt' },
  { folder: 'etc', mountPoint: '/etc/libvirt' },
  { folder: 'log', mountPoint: '/var/log/libvirt' },
  // Not only the four above: libvirtd writes its QEMU capabilities cache here, which would touch the machine.
  { folder: 'cache', mountPoint: '/var/cache/libvirt' },
] as const;

/**
 * Runs inside the new mount namespace. Fixed text: every value arrives as a positional parameter.
 * $1 mount binary, $2 libvirtd binary, $3.. the state folders in STATE_FOLDERS order, then libvirtd's
 * extra arguments. `mkdir -p` only matters on machines where a mount point does not exist yet.
 * The pid file is moved into the host's own run folder: the default /run/libvirtd.pid is shared and
 * locked by any other libvirtd.
 */
const LAUNCH_SCRIPT = [
  'set -eu',
  'mount_bin="$1"; libvirtd_bin="$2"; shift 2',
  ...STATE_FOLDERS.map(({ mountPoint }) => `mkdir -p ${mountPoint}; "$mount_bin" --bind "$1" ${mountPoint}; shift`),
  'exec "$libvirtd_bin" -p /run/libvirt/libvirtd.pid "$@"',
].join('\n');

/** Paths of the TLS files as libvirtd sees them inside its mount namespace, relative to /etc/libvirt. */
const TLS_FILES = {
  caCert: 'pki/CA/cacert.pem',
  serverCert: 'pki/libvirt/servercert.pem',
  serverKey: 'pki/libvirt/private/serverkey.pem',
} as const;

/**
 * Machine-specific objects that must not leak into a sandbox's copy of /etc/libvirt. `qemu` holds the
 * networks (with the package's "default" and its autostart link) and any domains; it is recreated empty.
 */
const MACHINE_OBJECTS_TO_DROP = [
  'qemu',
  'storage', // storage pools could mount or create things on the machine
  'secrets',
  'hooks', // the machine's hook scripts would run with the machine in mind
] as const;

function assertValidName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(
      `invalid sandbox host name ${JSON.stringify(name)}: use 1 to 8 characters, a lowercase letter first, then lowercase letters or digits ` +
        '(the name becomes part of a network namespace name and of folder paths)',
    );
  }
}

/** The repository root: the nearest folder above this module with a package.json (from `src/` and `dist/src/` alike). */
function repoRoot(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return fileURLToPath(new URL('../../', import.meta.url));
  }
}

function resolveBaseDir(baseDir: string | undefined): string {
  const chosen = baseDir ?? process.env.VNETOPS_SANDBOX_DIR ?? join(repoRoot(), '.sandbox');
  const absolute = isAbsolute(chosen) ? resolve(chosen) : resolve(repoRoot(), chosen);
  if (!BASE_DIR_PATTERN.test(absolute)) {
    throw new Error(
      `sandbox folder ${JSON.stringify(absolute)} has characters that do not fit in a libvirt URI: use letters, digits and _ . / + - only`,
    );
  }
  return absolute;
}

function netnsOf(name: string): string {
  return `${NETNS_PREFIX}${name}`;
}

function netnsFile(netns: string): string {
  return `/run/netns/${netns}`;
}

function hostDir(baseDir: string, name: string): string {
  return join(baseDir, name);
}

function statePath(dir: string): string {
  return join(dir, 'state.json');
}

function libvirtdLogPath(dir: string): string {
  return join(dir, 'libvirtd.log');
}

function readState(dir: string): HostState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as HostState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${statePath(dir)}: ${(error as Error).message}`, { cause: error });
  }
}

/** Written after every step of `up`, via rename so a reader never sees half a file. */
function writeState(state: HostState): void {
  const path = statePath(state.dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

function toHost(state: HostState): SandboxHost {
  if (!state.libvirtd)
    throw new Error(`sandbox host ${state.name} has no libvirtd recorded in ${statePath(state.dir)}`);
  return Object.freeze({
    name: state.name,
    netns: state.netns,
    dir: state.dir,
    socketPath: state.socketPath,
    uri: state.uri,
    redisSocketPath: state.redisSocketPath,
    libvirtdPid: state.libvirtd.pid,
    tls: state.tls,
  });
}

/** Inode of the named network namespace, or undefined when it does not exist. */
function currentNetnsInode(netns: string): number | undefined {
  try {
    return statSync(netnsFile(netns)).ino;
  } catch {
    return undefined;
  }
}

function assertSocketPathFits(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_UNIX_SOCKET_PATH_BYTES) {
    throw new Error(
      `the socket path ${path} is ${bytes} bytes long but unix sockets allow ${MAX_UNIX_SOCKET_PATH_BYTES}: ` +
        'choose a shorter sandbox folder (option baseDir or VNETOPS_SANDBOX_DIR)',
    );
  }
}

/** Names of the hosts that have a folder in the base folder (started, half-started or left over). */
function hostNamesIn(baseDir: string): string[] {
  try {
    return readdirSync(baseDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && NAME_PATTERN.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** Refuses to start over anything that exists already: a running host, leftovers, a foreign namespace. */
function refuseIfPresent(name: string, dir: string, netns: string): void {
  const state = existsSync(dir) ? readState(dir) : undefined;
  if (state?.libvirtd && isRunning(state.libvirtd)) {
    throw new Error(
      `sandbox host ${name} is already running (libvirtd pid ${state.libvirtd.pid}); stop it first with: npm run sandbox -- down ${name}`,
    );
  }
  if (existsSync(dir)) {
    throw new Error(
      `the folder ${dir} is left over from an earlier sandbox host ${name}; clean it up with: npm run sandbox -- down ${name}`,
    );
  }
  if (currentNetnsInode(netns) !== undefined) {
    throw new Error(
      `the network namespace ${netns} already exists but no sandbox host in this folder owns it (another sandbox folder, or a leftover?). ` +
        `If it is a leftover, check nothing runs in it (ip netns pids ${netns}) and delete it (ip netns del ${netns})`,
    );
  }
}

/** Fills the host's state folders: empty ones, and a clean copy of the machine's /etc/libvirt. */
function prepareStateFolders(dir: string, tls: SandboxTlsOptions | undefined): void {
  for (const { folder } of STATE_FOLDERS) {
    if (folder !== 'etc') mkdirSync(join(dir, folder));
  }
  const etc = join(dir, 'etc');
  cpSync('/etc/libvirt', etc, { recursive: true, verbatimSymlinks: true });
  for (const machineObject of MACHINE_OBJECTS_TO_DROP)
    rmSync(join(etc, machineObject), { recursive: true, force: true });
  // The layout of a fresh install, with no network defined or autostarted.
  mkdirSync(join(etc, 'qemu/networks/autostart'), { recursive: true });
  if (tls) configureTls(etc, tls);
}

/** Writes the TLS files and sets libvirtd.conf so libvirtd (started with --listen) serves TLS only. */
function configureTls(etc: string, tls: SandboxTlsOptions): void {
  const files: [keyof typeof TLS_FILES, string, number][] = [
    ['caCert', tls.caCertPem, 0o644],
    ['serverCert', tls.serverCertPem, 0o644],
    ['serverKey', tls.serverKeyPem, 0o600],
  ];
  for (const [file, pem, mode] of files) {
    const path = join(etc, TLS_FILES[file]);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, pem, { mode });
  }
  const settings: Record<string, string> = {
    listen_tls: '1',
    listen_tcp: '0',
    tls_port: `"${TLS_PORT}"`,
    auth_tls: '"none"',
    ca_file: `"/etc/libvirt/${TLS_FILES.caCert}"`,
    cert_file: `"/etc/libvirt/${TLS_FILES.serverCert}"`,
    key_file: `"/etc/libvirt/${TLS_FILES.serverKey}"`,
    // Our tests connect without client certificates.
    tls_no_verify_certificate: '1',
  };
  const confPath = join(etc, 'libvirtd.conf');
  const keys = Object.keys(settings);
  // Comment out any active line for a key we set, in case the machine's copy sets one.
  const machineLines = readFileSync(confPath, 'utf8')
    .split('\n')
    .map((line) => (keys.some((key) => new RegExp(`^\\s*${key}\\s*=`).test(line)) ? `#${line}` : line));
  const ourLines = [
    '',
    '# vnetops sandbox host: TLS listener inside the network namespace',
    ...keys.map((key) => `${key} = ${settings[key]}`),
    '',
  ];
  writeFileSync(confPath, [...machineLines, ...ourLines].join('\n'));
}

/** Creates the host's network namespace with its loopback up, and records it as ours. */
async function createNetns(state: HostState): Promise<void> {
  const ip = commandPath('ip');
  await runChecked(ip, ['netns', 'add', state.netns], COMMAND_TIMEOUT_MS);
  state.netnsInode = statSync(netnsFile(state.netns)).ino;
  writeState(state);
  await runChecked(ip, ['-n', state.netns, 'link', 'set', 'lo', 'up'], COMMAND_TIMEOUT_MS);
}

/**
 * Starts libvirtd in the host's network namespace and a private mount namespace with its state folders
 * mounted. `ip netns exec`, `unshare` and `sh` all exec, so the spawned pid is libvirtd's own.
 */
async function launchLibvirtd(state: HostState): Promise<void> {
  const args = [
    'netns',
    'exec',
    state.netns,
    commandPath('unshare'),
    '--mount',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    LAUNCH_SCRIPT,
    'sh',
    commandPath('mount'),
    commandPath('libvirtd'),
    ...STATE_FOLDERS.map(({ folder }) => join(state.dir, folder)),
    ...(state.tls ? ['--listen'] : []),
  ];
  state.libvirtd = await spawnDetached(commandPath('ip'), args, libvirtdLogPath(state.dir));
  writeState(state);
}

async function tlsListening(state: HostState): Promise<boolean> {
  const result = await runCommand(
    commandPath('ip'),
    ['netns', 'exec', state.netns, commandPath('ss'), '-H', '-l', '-t', '-n'],
    COMMAND_TIMEOUT_MS,
  );
  return result.code === 0 && new RegExp(`:${TLS_PORT}\\s`).test(result.stdout);
}

/** Polls `virsh version` (and the TLS listener) until libvirtd answers, failing with its log's tail. */
async function waitUntilReady(state: HostState): Promise<void> {
  const libvirtd = state.libvirtd;
  if (!libvirtd) throw new Error(`sandbox host ${state.name}: libvirtd was not started`);
  const virshPath = commandPath('virsh');
  let lastProblem = 'no answer yet';
  const deadline = Date.now() + state.readyTimeoutMs;
  const ready = await pollUntil(
    async () => {
      if (!isRunning(libvirtd)) return true;
      // The first call blocks while libvirtd starts up (probing QEMU takes seconds): bound it by what is left.
      const remainingMs = Math.max(1_000, deadline - Date.now());
      // net-list, not version: the network driver is what the sandbox is for, and `version` asks for a
      // hypervisor version, which fails on a machine without QEMU installed.
      const listed = await runCommand(virshPath, ['-c', state.uri, 'net-list', '--all'], remainingMs).catch(
        (error: Error) => ({ code: -1, stderr: error.message }),
      );
      if (listed.code !== 0) {
        lastProblem = listed.stderr.trim();
        return false;
      }
      if (state.tls && !(await tlsListening(state))) {
        lastProblem = `nothing listens on TCP port ${TLS_PORT} inside ${state.netns}`;
        return false;
      }
      return true;
    },
    state.readyTimeoutMs,
    READY_POLL_INTERVAL_MS,
  );
  const logPath = libvirtdLogPath(state.dir);
  if (!isRunning(libvirtd)) {
    throw new Error(
      `sandbox host ${state.name}: libvirtd exited while starting; ${logPath} ends with:\n${tailOfFile(logPath)}`,
    );
  }
  if (!ready) {
    throw new Error(
      `sandbox host ${state.name}: libvirtd did not answer on ${state.socketPath} within ${state.readyTimeoutMs} ms ` +
        `(last problem: ${lastProblem}); ${logPath} ends with:\n${tailOfFile(logPath)}`,
    );
  }
}

/**
 * Starts a sandbox host NAME: network namespace `vnetops-NAME`, state folders under `<baseDir>/NAME`,
 * a libvirtd answering on `<baseDir>/NAME/run/libvirt-sock`, and the shared Redis if not running yet.
 * On failure everything done so far is rolled back. The daemons outlive the calling process;
 * stop them with stopSandboxHost.
 */
export async function startSandboxHost(name: string, options: SandboxOptions = {}): Promise<SandboxHost> {
  assertValidName(name);
  assertSandboxPrerequisites();
  const baseDir = resolveBaseDir(options.baseDir);
  const dir = hostDir(baseDir, name);
  const netns = netnsOf(name);
  const socketPath = join(dir, 'run', 'libvirt-sock');
  const redisSocketPath = sharedRedisPaths(baseDir).socketPath;
  assertSocketPathFits(socketPath);
  assertSocketPathFits(redisSocketPath);
  refuseIfPresent(name, dir, netns);

  mkdirSync(baseDir, { recursive: true });
  mkdirSync(dir); // not recursive: fails if a concurrent start of the same name got here first
  const state: HostState = {
    name,
    netns,
    dir,
    socketPath,
    uri: `qemu:///system?socket=${socketPath}`,
    redisSocketPath,
    tls: options.tls !== undefined,
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
  };
  try {
    writeState(state);
    prepareStateFolders(dir, options.tls);
    await ensureSharedRedis(baseDir);
    await createNetns(state);
    await launchLibvirtd(state);
    await waitUntilReady(state);
    return toHost(state);
  } catch (error) {
    try {
      await stopSandboxHost(name, { baseDir });
    } catch (rollbackError) {
      throw new Error(
        `${(error as Error).message}\n(rolling back sandbox host ${name} failed too: ${(rollbackError as Error).message})`,
        {
          cause: rollbackError,
        },
      );
    }
    throw error;
  }
}

/** Destroys and undefines every network of a host's libvirtd. Best effort: the daemon may be wedged. */
async function destroyNetworks(state: HostState): Promise<void> {
  if (!state.libvirtd || !isRunning(state.libvirtd)) return;
  try {
    process.kill(state.libvirtd.pid, 'SIGCONT'); // a fault test may have left it stopped
  } catch {
    // it has just ended
  }
  const virshPath = commandPath('virsh');
  const virshQuietly = (args: string[]): Promise<string> =>
    runChecked(virshPath, ['-c', state.uri, ...args], TEARDOWN_VIRSH_TIMEOUT_MS).catch(() => '');
  const names = (await virshQuietly(['net-list', '--all', '--name']))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const network of names) {
    await virshQuietly(['net-destroy', network]);
    await virshQuietly(['net-undefine', network]);
  }
}

/** Pids named in libvirt's pid files (dnsmasq; driver.pid is libvirtd itself). */
function pidsFromPidFiles(dir: string): number[] {
  const networkRun = join(dir, 'run', 'network');
  let files: string[];
  try {
    files = readdirSync(networkRun).filter((file) => file.endsWith('.pid'));
  } catch {
    return [];
  }
  return files
    .map((file) => Number(readFileSync(join(networkRun, file), 'utf8').trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * The inode of the host's network namespace, but only while it provably is still that namespace: the
 * named namespace has the recorded inode, or our libvirtd still lives in it. Namespace inodes are reused
 * once a namespace is gone, so a bare recorded inode could point at someone else's namespace.
 */
function ownedNetnsInode(state: HostState): number | undefined {
  const inode = state.netnsInode;
  if (inode === undefined) return undefined;
  if (currentNetnsInode(state.netns) === inode) return inode;
  if (state.libvirtd && isRunning(state.libvirtd) && netnsInodeOf(state.libvirtd.pid) === inode) return inode;
  return undefined;
}

/** Ends the given pids, but only those (still) inside the host's namespace: never anything outside. */
async function endProcessesInNetns(pids: readonly number[], netnsInode: number): Promise<void> {
  const refs = pids
    .filter((pid) => netnsInodeOf(pid) === netnsInode)
    .map((pid) => processRef(pid))
    .filter((ref): ref is ProcessRef => ref !== undefined);
  await Promise.all(refs.map((ref) => endProcess(ref, NETNS_PROCESS_STOP_GRACE_MS)));
}

/** Deletes the namespace's interfaces (bridges, veths) and then the namespace, if it is still ours. */
async function deleteNetns(state: HostState): Promise<void> {
  if (state.netnsInode === undefined || currentNetnsInode(state.netns) !== state.netnsInode) return;
  const ip = commandPath('ip');
  const links = await runCommand(ip, ['-n', state.netns, '-j', 'link', 'show'], COMMAND_TIMEOUT_MS);
  if (links.code === 0) {
    const names = (JSON.parse(links.stdout) as { ifname: string }[])
      .map((link) => link.ifname)
      .filter((ifname) => ifname !== 'lo');
    // Deleting one end of a veth removes its peer, so later deletions may find nothing: ignore their errors.
    for (const ifname of names) await runCommand(ip, ['-n', state.netns, 'link', 'del', ifname], COMMAND_TIMEOUT_MS);
  }
  await runChecked(ip, ['netns', 'del', state.netns], COMMAND_TIMEOUT_MS);
}

/**
 * Ends every process of the host: libvirtd, then the dnsmasq it started (they outlive it by design) and
 * anything else in its namespace. Throws if some process would not end.
 */
async function endHostProcesses(state: HostState): Promise<void> {
  const netnsInode = ownedNetnsInode(state); // before libvirtd ends: it may be what proves the namespace ours
  if (state.libvirtd) await endProcess(state.libvirtd, LIBVIRTD_STOP_GRACE_MS);
  if (netnsInode === undefined) return;
  await endProcessesInNetns(pidsFromPidFiles(state.dir), netnsInode);
  await endProcessesInNetns(pidsInNetns(netnsInode), netnsInode);
  const remaining = pidsInNetns(netnsInode);
  if (remaining.length > 0) throw new Error(`processes still in ${state.netns}: ${remaining.join(', ')}`);
}

/** What of a host is still there after teardown; empty when it is all gone. */
async function leftoversOf(state: HostState): Promise<string[]> {
  const leftovers: string[] = [];
  if (state.netnsInode !== undefined && currentNetnsInode(state.netns) === state.netnsInode) {
    leftovers.push(`the network namespace ${state.netns}`);
  }
  if (state.libvirtd && isRunning(state.libvirtd)) leftovers.push(`libvirtd (pid ${state.libvirtd.pid})`);
  if (existsSync(state.dir)) leftovers.push(`the folder ${state.dir}`);
  const mounts = await runCommand(
    commandPath('findmnt'),
    ['--raw', '--noheadings', '--output', 'TARGET'],
    COMMAND_TIMEOUT_MS,
  );
  const ourMounts = mounts.stdout
    .split('\n')
    .filter((target) => target === state.dir || target.startsWith(`${state.dir}/`));
  if (ourMounts.length > 0) leftovers.push(`mounts: ${ourMounts.join(', ')}`);
  return leftovers;
}

/**
 * Stops sandbox host NAME and removes everything of it: a program using it (its recorded owner, such as
 * a demo: asked to stop with SIGTERM, unless that is us) and the processes that owner started (even
 * when it died without stopping them), its libvirt networks, libvirtd, the dnsmasq and any other process
 * in its namespace (all by pid), its interfaces, the namespace and its folder; and the shared Redis when
 * no other host of the base folder is left. Idempotent; works on half-started hosts. Throws, after
 * trying everything, when something could not be removed.
 */
export async function stopSandboxHost(name: string, options: SandboxLocation = {}): Promise<void> {
  assertValidName(name);
  assertRoot();
  const baseDir = resolveBaseDir(options.baseDir);
  const dir = hostDir(baseDir, name);
  // A live owner stops its own processes and removes the host itself; whatever it leaves is done below.
  await stopHostOwner(dir);
  const state = readState(dir);
  const problems: string[] = [];
  if (state) {
    const steps: [string, () => Promise<void>][] = [
      [
        'ending the processes its owner started',
        async () => {
          const left = await endOwnedProcesses(dir);
          if (left.length > 0) throw new Error(left.join('; '));
        },
      ],
      ['destroying its networks', () => destroyNetworks(state)],
      ['ending its processes', () => endHostProcesses(state)],
      ['removing its veth guests', () => removeGuestsOf(state)],
      ['deleting its network namespace', () => deleteNetns(state)],
    ];
    for (const [step, action] of steps) {
      await action().catch((error: Error) => problems.push(`${step}: ${error.message}`));
    }
  }
  if (problems.length > 0) {
    problems.push(`its folder ${dir} is kept (with state.json) so that down can be tried again`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    if (state) problems.push(...(await leftoversOf(state)));
  }
  if (existsSync(baseDir)) await releaseSharedRedisIfUnused(baseDir, () => hostNamesIn(baseDir).length > 0);
  if (problems.length > 0)
    throw new Error(`stopping sandbox host ${name} left things behind:\n  - ${problems.join('\n  - ')}`);
}

/** Stops every sandbox host of the base folder (running, half-started or left over) and the shared Redis. */
export async function stopAllSandboxHosts(options: SandboxLocation = {}): Promise<void> {
  assertRoot();
  const baseDir = resolveBaseDir(options.baseDir);
  const results = await Promise.allSettled(hostNamesIn(baseDir).map((name) => stopSandboxHost(name, { baseDir })));
  if (existsSync(baseDir)) await releaseSharedRedisIfUnused(baseDir, () => hostNamesIn(baseDir).length > 0);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) throw new Error(failures.map((failure) => (failure.reason as Error).message).join('\n'));
}

/** The started sandbox hosts of the base folder (libvirtd recorded; see isSandboxHostRunning for liveness). */
export async function listSandboxHosts(options: SandboxLocation = {}): Promise<SandboxHost[]> {
  const baseDir = resolveBaseDir(options.baseDir);
  return Promise.resolve(
    hostNamesIn(baseDir)
      .map((name) => readState(hostDir(baseDir, name)))
      .filter((state): state is HostState => state?.libvirtd !== undefined)
      .map(toHost),
  );
}

/**
 * The program recorded as using sandbox host NAME (a demo), with whether it still runs; undefined when
 * none is recorded.
 */
export function sandboxHostOwner(name: string, options: SandboxLocation = {}): HostOwner | undefined {
  assertValidName(name);
  return hostOwnerOf(hostDir(resolveBaseDir(options.baseDir), name));
}

/** True while the host's recorded libvirtd process is still running. */
export function isSandboxHostRunning(host: SandboxHost): boolean {
  const libvirtd = readState(host.dir)?.libvirtd;
  return libvirtd !== undefined && isRunning(libvirtd);
}

/** Pid of the Redis shared by the hosts of the base folder, with its socket, if it runs. */
export function sharedRedisStatus(options: SandboxLocation = {}): { pid: number; socketPath: string } | undefined {
  const redis = runningSharedRedis(resolveBaseDir(options.baseDir));
  return redis ? { pid: redis.process.pid, socketPath: redis.socketPath } : undefined;
}

/** Pids of the running processes inside the host's network namespace (libvirtd, dnsmasq, …). */
export function sandboxProcessPids(host: SandboxHost): number[] {
  const state = readState(host.dir);
  const inode = (state && ownedNetnsInode(state)) ?? currentNetnsInode(host.netns);
  return inode === undefined ? [] : pidsInNetns(inode);
}

/**
 * Runs a program inside the host's network namespace (argv array, no shell).
 * Resolves with its output and exit code whatever the code; rejects when it cannot start or runs
 * past `timeoutMs` (default 60 s).
 */
export async function execInSandbox(
  host: SandboxHost,
  file: string,
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  return runCommand(
    commandPath('ip'),
    ['netns', 'exec', host.netns, file, ...args],
    opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
  );
}

/** virsh -c <host uri> ...args; rejects with stderr on non-zero exit (or after `timeoutMs`, default 60 s). */
export async function virsh(host: SandboxHost, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const result = await runCommand(
    commandPath('virsh'),
    ['-c', host.uri, ...args],
    opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
  );
  if (result.code !== 0) {
    throw new Error(
      `virsh ${args.join(' ')} on sandbox host ${host.name} failed: ${result.stderr.trim() || `exit code ${result.code}`}`,
    );
  }
  return result.stdout;
}

/**
 * Restarts libvirtd of a running host (same state folders): SIGTERM by pid, wait (`downForMs` more,
 * for an outage), start again, wait until it answers. Networks, bridges and dnsmasq survive, as on a
 * real host. Returns the updated host.
 */
export async function restartLibvirtd(host: SandboxHost, options: { downForMs?: number } = {}): Promise<SandboxHost> {
  assertRoot();
  const state = readState(host.dir);
  if (!state?.libvirtd)
    throw new Error(`sandbox host ${host.name} is not started (no libvirtd recorded in ${statePath(host.dir)})`);
  if (state.netnsInode === undefined || currentNetnsInode(state.netns) !== state.netnsInode) {
    throw new Error(
      `sandbox host ${host.name} has lost its network namespace ${state.netns}; stop it and start it again`,
    );
  }
  await endProcess(state.libvirtd, LIBVIRTD_STOP_GRACE_MS);
  if (options.downForMs) await new Promise((resolve) => setTimeout(resolve, options.downForMs));
  await launchLibvirtd(state);
  await waitUntilReady(state);
  return toHost(state);
}
