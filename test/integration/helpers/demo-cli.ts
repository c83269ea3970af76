/**
 * `npm run demo` as a person runs it: the demo CLI as a process of its own (the built bot and worker,
 * a real sandbox host), in a sandbox base folder of the test's own, and everything needed to check
 * afterwards that none of it is left: its namespace, its processes (by recorded pid and start time,
 * and by a scan of /proc), its folders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stream } from 'node:stream';
import { readHostOwnerRecord, type HostOwnerRecord } from '../../../tools/sandbox/host-owner.js';
import {
  isRunning,
  pidsInNetns,
  processRef,
  runChecked,
  runCommand,
  type ProcessRef,
} from '../../../tools/sandbox/processes.js';
import { listSandboxHosts, stopSandboxHost, virsh } from '../../../tools/sandbox/sandbox-host.js';
import { freePort } from '../../../tools/free-port.js';
import { waitUntil } from './wait.js';

/** The line the demo prints once everything runs. */
export const READY_LINE = 'vnetops is running.';

/** A demo CLI process and what it printed. */
export interface DemoRun {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Sandbox host name (`--sandbox`). */
  readonly name: string;
  /** The sandbox base folder (VNETOPS_SANDBOX_DIR), the test's own. */
  readonly baseDir: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with its exit code (or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** What a running demo consists of, taken while it runs, to check against once it has gone. */
export interface DemoFootprint {
  readonly demo: ProcessRef;
  readonly owner: HostOwnerRecord;
  readonly libvirtd: ProcessRef;
  readonly netnsInode: number;
  /** Every process in the sandbox's namespace (libvirtd, dnsmasq, the worker and its monitors). */
  readonly inNetns: readonly ProcessRef[];
}

/** A short base folder of its own (socket paths must fit in 107 bytes). */
export function makeBaseDir(): string {
  return mkdtempSync(join(tmpdir(), 'vnetops-wo-'));
}

/**
 * Starts `node --import tsx tools/demo/cli.ts --sandbox NAME --port P` in its own process group (so
 * only the signals the test sends reach it), with no Slack settings (the local console).
 */
export async function startDemoCli(
  name: string,
  baseDir: string,
  options: { env?: Record<string, string>; stdout?: 'pipe' | Stream } = {},
): Promise<DemoRun> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tools/demo/cli.ts', '--sandbox', name, '--port', `${port}`],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: process.env.HOME ?? '/root',
        VNETOPS_SANDBOX_DIR: baseDir,
        ...options.env,
      },
      detached: true,
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  if (child.pid === undefined) throw new Error('the demo CLI did not start');
  return { child, pid: child.pid, name, baseDir, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `text` shows in what `read` returns, failing early (with the demo's output) if the demo exits. */
export async function waitForText(run: DemoRun, read: () => string, text: string, timeoutMs = 90_000): Promise<void> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  await waitUntil(
    `"${text}" from the demo`,
    () => {
      if (read().includes(text)) return true;
      if (ended)
        throw new Error(`the demo exited before "${text}";\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
      return false;
    },
    timeoutMs,
  );
}

/** Its exit code, failing after `timeoutMs` with its output. */
export async function exitOf(run: DemoRun, timeoutMs = 90_000): Promise<number | NodeJS.Signals> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the demo did not exit within ${timeoutMs} ms;\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Takes down what the demo consists of. With `network` (the demo must be ready), first gives its
 * sandbox a network with DHCP, so that there is a bridge and a dnsmasq in its namespace too.
 */
export async function footprintOf(run: DemoRun, options: { network: boolean }): Promise<DemoFootprint> {
  const host = (await listSandboxHosts({ baseDir: run.baseDir })).find((found) => found.name === run.name);
  if (!host) throw new Error(`no sandbox host ${run.name} in ${run.baseDir}`);
  const netnsInode = statSync(`/run/netns/${host.netns}`).ino;
  if (options.network) {
    const xml = join(run.baseDir, 'net.xml');
    writeFileSync(
      xml,
      "<network><name>wo1</name><bridge name='wobr1'/><ip address='10.77.9.1' prefix='24'>" +
        "<dhcp><range start='10.77.9.10' end='10.77.9.20'/></dhcp></ip></network>",
    );
    await virsh(host, ['net-define', xml]);
    rmSync(xml);
    await virsh(host, ['net-start', 'wo1']);
    // libvirt starts dnsmasq, which forks into the background: wait until it is in the namespace.
    await waitUntil('dnsmasq in the sandbox', () =>
      commandsOf(pidsInNetns(netnsInode)).some((command) => command.includes('dnsmasq')),
    );
  }
  const owner = readHostOwnerRecord(host.dir);
  const demo = processRef(run.pid);
  const libvirtd = processRef(host.libvirtdPid);
  if (!owner || !demo || !libvirtd) throw new Error('the demo, its owner record or its libvirtd is missing');
  const inNetns = pidsInNetns(netnsInode)
    .map((pid) => processRef(pid))
    .filter((ref): ref is ProcessRef => ref !== undefined);
  return { demo, owner, libvirtd, netnsInode, inNetns };
}

function commandsOf(pids: readonly number[]): string[] {
  return pids.map((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return '';
    }
  });
}

/** Running processes (not this one) whose command line or environment mentions `text`, with their command lines. */
export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const ref = processRef(Number(entry));
      if (ref && isRunning(ref) && (cmdline.includes(text) || environ.includes(text)))
        found.push(`${entry}: ${cmdline.replaceAll('\0', ' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * The processes of a demo still running (empty when none): any it consisted of (by pid and start time),
 * any in its old namespace, any carrying its run marker.
 */
export function processLeftoversOf(footprint: DemoFootprint): string[] {
  const left: string[] = [];
  const known: [string, ProcessRef][] = [
    ['demo', footprint.demo],
    ['libvirtd', footprint.libvirtd],
    ...footprint.owner.processes.map((entry): [string, ProcessRef] => [entry.name, entry.process]),
    ...footprint.inNetns.map((ref): [string, ProcessRef] => ['process in the namespace', ref]),
  ];
  for (const [what, ref] of known) if (isRunning(ref)) left.push(`${what} pid ${ref.pid}`);
  // Processes keep a deleted namespace alive, so its inode is not reused while any is left in it; a
  // named namespace with that inode is a newer one (the next demo's), not ours.
  if (!namedNetnsInodes().includes(footprint.netnsInode))
    for (const pid of pidsInNetns(footprint.netnsInode)) left.push(`pid ${pid} in the old namespace`);
  for (const found of processesMentioning(footprint.owner.marker)) left.push(`process ${found}`);
  return left;
}

function namedNetnsInodes(): number[] {
  const folder = '/run/netns';
  return existsSync(folder) ? readdirSync(folder).map((name) => statSync(join(folder, name)).ino) : [];
}

/**
 * What is left of a demo (empty when nothing): its namespace, its processes (above), any process
 * mentioning its base folder, and any file in that folder.
 */
export async function leftoversOf(run: DemoRun, footprint: DemoFootprint): Promise<string[]> {
  const left = processLeftoversOf(footprint);
  const namespaces = await runChecked('ip', ['netns', 'list'], 10_000);
  if (namespaces.split('\n').some((line) => line.split(' ')[0] === `vnetops-${run.name}`))
    left.push(`namespace vnetops-${run.name}`);
  for (const found of processesMentioning(run.baseDir)) left.push(`process ${found}`);
  if (existsSync(join(run.baseDir, run.name))) left.push(`folder ${join(run.baseDir, run.name)}`);
  const files = existsSync(run.baseDir) ? readdirSync(run.baseDir) : [];
  if (files.length > 0) left.push(`in ${run.baseDir}: ${files.join(', ')}`);
  return left;
}

/** Runs `npm run sandbox -- ARGS` (tools/sandbox/cli.ts) on the base folder `baseDir`. */
export async function sandboxCli(baseDir: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/sandbox/cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', VNETOPS_SANDBOX_DIR: baseDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.setEncoding('utf8').on('data', (c: string) => (output += c));
  const code = await new Promise<number>((resolve) => child.once('close', (exit) => resolve(exit ?? -1)));
  return { code, output };
}

/** After a test, whatever happened: ends the demo's group if it still runs, removes its sandbox and base folder. */
export async function cleanUp(run: DemoRun | undefined): Promise<void> {
  if (!run) return;
  if (run.child.exitCode === null && run.child.signalCode === null) {
    try {
      process.kill(-run.pid, 'SIGKILL');
    } catch {
      // gone
    }
    await run.exited;
  }
  await stopSandboxHost(run.name, { baseDir: run.baseDir }).catch(() => undefined);
  rmSync(run.baseDir, { recursive: true, force: true });
  // Its logs folder, which it keeps after a failure (and cannot remove when killed).
  const logs = /(?:logs {6}|logs kept in )(\S*vnetops-demo-[^\s)]+)/.exec(run.stdout() + run.stderr())?.[1];
  if (logs) rmSync(logs, { recursive: true, force: true });
}

/** Builds dist/ (the demo runs the built bot and worker) unless it is newer than every source file. */
export async function ensureBuilt(): Promise<void> {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .reduce((latest, entry) => Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
  const built = ['dist/src/bot.js', 'dist/workers/host-worker.js'].map((file) =>
    existsSync(file) ? statSync(file).mtimeMs : 0,
  );
  if (Math.min(...built) > Math.max(newest('src'), newest('workers'))) return;
  const result = await runCommand('npx', ['tsc', '-p', 'tsconfig.build.json'], 180_000);
  if (result.code !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
}
