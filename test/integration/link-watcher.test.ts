/**
 * The link watcher on real `ip monitor` / `bridge monitor` processes inside sandbox host lw1's
 * namespace: bridge down/up, a veth port attached and detached, a port's STP state, an address
 * added — each a `change`; and `stop` leaves no process behind. Its settling and restarting are
 * pinned with small real programs in place of the monitors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPidRunning } from '../../tools/sandbox/processes.js';
import {
  type SandboxHost,
  type VethGuest,
  attachVethGuest,
  detachVethGuest,
  execInSandbox,
  sandboxProcessPids,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { LinkWatcher, type MonitorSpawner } from '../../workers/monitor/link-watcher.js';
import { nextEvent, waitUntil } from './helpers/wait.js';

const HOST_NAME = 'lw1';
const BRIDGE = 'lwbr0';
/** Longer than any settle time here: a quiet spell this long means the last burst is over. */
const QUIET_MS = 300;

const silent = pino({ level: 'silent' });

/** A logger at warn level whose lines (JSON) are kept in `lines`. */
function capturedLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino(
    { level: 'warn' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }),
  );
  return { log, lines };
}
const watchers: LinkWatcher[] = [];

afterEach(async () => {
  for (const watcher of watchers.splice(0)) await watcher.stop();
});

/** A watcher that is stopped after the test. */
function watcher(options: ConstructorParameters<typeof LinkWatcher>[0]): LinkWatcher {
  const created = new LinkWatcher(options);
  watchers.push(created);
  return created;
}

/** Resolves once `watcher` has emitted no `change` for {@link QUIET_MS}. */
async function quiet(watcher: LinkWatcher): Promise<void> {
  for (;;) {
    const fired = await nextEvent(watcher, 'change', QUIET_MS).then(
      () => true,
      () => false,
    );
    if (!fired) return;
  }
}

/** Counts `change` events from now on. */
function countChanges(watcher: LinkWatcher): { readonly count: number } {
  const counter = { count: 0 };
  watcher.on('change', () => (counter.count += 1));
  return counter;
}

describe('LinkWatcher in a sandbox host', () => {
  let host: SandboxHost;
  const guests: VethGuest[] = [];

  /** Runs `ip`/`bridge` inside the sandbox host and fails on a non-zero exit. */
  async function inHost(file: string, ...args: string[]): Promise<void> {
    const result = await execInSandbox(host, file, args);
    if (result.code !== 0) throw new Error(`${file} ${args.join(' ')}: ${result.stderr}`);
  }

  /** The monitors run inside the sandbox host's namespace, as they would in a worker on that host. */
  const inSandbox: MonitorSpawner = (file, args) =>
    spawn('ip', ['netns', 'exec', host.netns, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

  /** Does `action` and expects one settled `change` for it. */
  async function expectChange(watcher: LinkWatcher, action: () => Promise<void>): Promise<void> {
    await quiet(watcher);
    const change = nextEvent(watcher, 'change', 5000);
    await action();
    await expect(change).resolves.toEqual([]);
  }

  beforeAll(async () => {
    host = await startSandboxHost(HOST_NAME);
    await inHost('ip', 'link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0');
    await inHost('ip', 'link', 'set', BRIDGE, 'up');
  });

  afterAll(async () => {
    for (const guest of guests) await detachVethGuest(guest).catch(() => undefined);
    // Removes the bridge with the namespace.
    if (host) await stopSandboxHost(HOST_NAME);
  });

  it('signals a change for a bridge set down and up, a port coming and going, a port STP state and an address', async () => {
    const links = watcher({ log: silent, spawn: inSandbox });
    await links.start();
    expect(links.pids).toHaveLength(2);

    await expectChange(links, () => inHost('ip', 'link', 'set', BRIDGE, 'down'));
    await expectChange(links, () => inHost('ip', 'link', 'set', BRIDGE, 'up'));
    let guest: VethGuest | undefined;
    await expectChange(links, async () => {
      guest = await attachVethGuest(host, BRIDGE, 'g1');
      guests.push(guest);
    });
    // Only `bridge monitor` tells port STP states; with STP off they can be set by hand.
    await expectChange(links, () => inHost('bridge', 'link', 'set', 'dev', 'vg-g1', 'state', '4'));
    await expectChange(links, () => inHost('ip', 'addr', 'add', '10.77.0.1/24', 'dev', BRIDGE));
    await expectChange(links, () => inHost('ip', 'link', 'set', 'vg-g1', 'nomaster'));
    await expectChange(links, async () => {
      if (guest) await detachVethGuest(guest);
    });
  });

  it('misses no change made right after start()', async () => {
    for (const [i, address] of ['10.76.0.1/24', '10.76.1.1/24', '10.76.2.1/24'].entries()) {
      const links = new LinkWatcher({ log: silent, spawn: inSandbox });
      try {
        await links.start();
        const change = nextEvent(links, 'change', 5000);
        await inHost('ip', 'addr', 'add', address, 'dev', BRIDGE);
        await expect(change, `round ${i}`).resolves.toEqual([]);
      } finally {
        await links.stop();
      }
    }
  });

  it('gathers a burst of messages into one change', async () => {
    // A settle time far above what four spawns take even on a loaded 2-core machine.
    const links = watcher({ log: silent, spawn: inSandbox, settleMs: 1500 });
    await links.start();
    // Let any change from before the burst fire first (it would come up to a settle time late).
    await new Promise((resolve) => setTimeout(resolve, 1800));
    await quiet(links);
    const changes = countChanges(links);
    // Four commands (several netlink messages each) well inside one settle time.
    for (const address of ['10.78.0.1/24', '10.78.1.1/24', '10.78.2.1/24', '10.78.3.1/24'])
      await inHost('ip', 'addr', 'add', address, 'dev', BRIDGE);
    await waitUntil('the change of the burst', () => changes.count > 0, 5000);
    await quiet(links);
    expect(changes.count).toBe(1);
  });

  it('stops its monitor processes by pid and leaves none behind', async () => {
    const links = new LinkWatcher({ log: silent, spawn: inSandbox });
    await links.start();
    const pids = links.pids;
    expect(pids).toHaveLength(2);
    expect(pids.every(isPidRunning)).toBe(true);
    // start() waited until they listen, so they are inside the sandbox host by now.
    expect(sandboxProcessPids(host)).toEqual(expect.arrayContaining(pids));
    await links.stop();
    expect(links.pids).toEqual([]);
    expect(pids.filter(isPidRunning)).toEqual([]);
    expect(sandboxProcessPids(host).filter((pid) => pids.includes(pid))).toEqual([]);
  });

  it('starts a monitor that died again, and then signals a change', async () => {
    const links = watcher({ log: silent, spawn: inSandbox, restartDelayMs: 50 });
    await links.start();
    await quiet(links);
    const [victim, survivor] = links.pids as [number, number];
    const change = nextEvent(links, 'change', 5000);
    process.kill(victim, 'SIGKILL');
    await expect(change).resolves.toEqual([]);
    const restarted = await waitUntil(
      'the monitor started again',
      () => (links.pids.length === 2 ? links.pids : undefined),
      5000,
    );
    expect(restarted).toContain(survivor);
    expect(restarted).not.toContain(victim);
    // And it watches: a change made now is still seen.
    await expectChange(links, () => inHost('ip', 'addr', 'add', '10.79.0.1/24', 'dev', BRIDGE));
  });
});

describe('LinkWatcher with stand-in programs', () => {
  /** Runs a small Node program in place of each monitor (two of them, as for ip and bridge). */
  const program =
    (source: string): MonitorSpawner =>
    () =>
      spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });

  it('waits for the settle time after the last line, not the first', async () => {
    // Ten lines 20 ms apart: 200 ms of traffic, settle 60 ms.
    const links = watcher({
      log: silent,
      settleMs: 60,
      listenTimeoutMs: 0,
      spawn: program(
        'let n = 0; const t = setInterval(() => { console.log("x"); if (++n === 10) clearInterval(t); }, 20); setInterval(() => {}, 1000);',
      ),
    });
    const changes = countChanges(links);
    const started = Date.now();
    await links.start();
    await nextEvent(links, 'change', 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await quiet(links);
    expect(changes.count).toBe(1);
  });

  it('logs a monitor that exits and starts it again with growing delays', async () => {
    const { log, lines } = capturedLog();
    const starts: number[] = [];
    const exitAtOnce: MonitorSpawner = (file, args) => {
      if (file === 'ip') starts.push(Date.now());
      return program('process.exit(3)')(file, args);
    };
    const links = watcher({ log, spawn: exitAtOnce, restartDelayMs: 40, maxRestartDelayMs: 160 });
    await links.start();
    await waitUntil('five starts of the ip monitor', () => starts.length >= 5, 10_000);
    const gaps = starts.slice(1, 5).map((at, i) => at - (starts[i] as number));
    // 40, 80, 160, 160 ms (timers are never early; a busy machine makes them later).
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
    expect(gaps[3]).toBeGreaterThanOrEqual(155);
    const ended = lines
      .map((line) => JSON.parse(line) as { msg: string; program: string; code: number })
      .filter((entry) => entry.msg === 'link monitor ended; starting it again');
    expect(ended.filter((entry) => entry.program === 'ip').length).toBeGreaterThanOrEqual(4);
    expect(ended.find((entry) => entry.program === 'ip')).toMatchObject({ code: 3 });
  });

  it('goes on, and says so, when a program is not seen listening to netlink in time', async () => {
    const { log, lines } = capturedLog();
    const links = watcher({ log, spawn: program('setInterval(() => {}, 1000);'), listenTimeoutMs: 150 });
    const started = Date.now();
    await links.start();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(lines.filter((line) => line.includes('not seen listening to netlink'))).toHaveLength(2);
  });

  it('keeps trying a program that cannot be started, and stop ends the retries', async () => {
    const attempts: ChildProcess[] = [];
    const missing: MonitorSpawner = (_file, args) => {
      const child = spawn('/nonexistent/vnetops-monitor', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      attempts.push(child);
      return child;
    };
    const links = new LinkWatcher({ log: silent, spawn: missing, restartDelayMs: 20, maxRestartDelayMs: 20 });
    await links.start();
    await waitUntil('a retry', () => attempts.length >= 4, 5000);
    await links.stop();
    const afterStop = attempts.length;
    // Ten retry delays: a retry left running would have started several times by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(attempts.length).toBe(afterStop);
  });

  it('kills a monitor that ignores SIGTERM once the grace time is over', async () => {
    const { log, lines: said } = capturedLog();
    const stubborn = program('process.on("SIGTERM", () => {}); console.error("ready"); setInterval(() => {}, 1000);');
    const links = new LinkWatcher({ log, spawn: stubborn, stopGraceMs: 300, listenTimeoutMs: 0 });
    await links.start();
    const pids = links.pids;
    // Both say "ready" on stderr once their SIGTERM handler is in place.
    await waitUntil(
      'both stand-ins ready',
      () => said.filter((line) => line.includes('"stderr":"ready"')).length === 2,
      5000,
    );
    const stopping = Date.now();
    await links.stop();
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(250);
    expect(pids.filter(isPidRunning)).toEqual([]);
  });
});
