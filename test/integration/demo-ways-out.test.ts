/**
 * Every way a person (or a fault) ends `npm run demo` leads to the same full stop: Ctrl-C, SIGTERM, a
 * closed terminal, `| tee` dying first, a reader that goes away while it starts, a crash, `npm run
 * sandbox -- down`. And a demo killed outright (SIGKILL) is cleaned up by `npm run sandbox -- down` or
 * by the next demo. Each test
 * runs the real demo CLI (built bot and worker, a real sandbox host with a network, bridge and dnsmasq)
 * in a sandbox base folder of its own, and checks afterwards: no namespace, no process of the demo (by
 * the pids recorded while it ran, and by a scan of /proc), nothing left in the base folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRunning } from '../../tools/sandbox/processes.js';
import {
  type DemoRun,
  READY_LINE,
  cleanUp,
  ensureBuilt,
  exitOf,
  footprintOf,
  leftoversOf,
  makeBaseDir,
  processLeftoversOf,
  sandboxCli,
  startDemoCli,
  waitForText,
} from './helpers/demo-cli.js';

const TEST_TIMEOUT_MS = 150_000;

let runs: DemoRun[] = [];
let others: ChildProcess[] = [];

/** Starts a demo that the test's cleanup will know of. */
async function demo(...args: Parameters<typeof startDemoCli>): Promise<DemoRun> {
  const run = await startDemoCli(...args);
  runs.push(run);
  return run;
}

function endedOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('every way out of the demo ends in the same full stop', () => {
  beforeAll(ensureBuilt, 240_000);

  afterEach(async () => {
    for (const child of others) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(others.map(endedOf));
    for (const run of runs.reverse()) await cleanUp(run);
    runs = [];
    others = [];
  }, 120_000);

  it(
    'Ctrl-C (SIGINT); meanwhile a second demo on the same sandbox is refused and changes nothing',
    async () => {
      const run = await demo('dx1', makeBaseDir());
      await waitForText(run, run.stdout, READY_LINE);
      const footprint = await footprintOf(run, { network: true });

      const second = await demo('dx1', run.baseDir);
      expect(await exitOf(second)).toBe(1);
      expect(second.stderr()).toContain(`a demo (pid ${run.pid}) is running already on the sandbox host "dx1"`);
      const all = [footprint.demo, footprint.libvirtd, ...footprint.owner.processes.map((entry) => entry.process)];
      expect([...all, ...footprint.inNetns].filter((ref) => !isRunning(ref))).toEqual([]);

      process.kill(run.pid, 'SIGINT');
      expect(await exitOf(run)).toBe(0);
      expect(run.stdout()).toContain('Ctrl-C: stopping');
      expect(run.stdout()).toContain('namespace vnetops-dx1 removed');
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the terminal closed (SIGHUP, and every later write fails)',
    async () => {
      const run = await demo('dx2', makeBaseDir());
      await waitForText(run, run.stdout, READY_LINE);
      const footprint = await footprintOf(run, { network: true });
      // As `tmux kill-session`: the terminal goes away, and the demo gets SIGHUP.
      run.child.stdout?.destroy();
      run.child.stderr?.destroy();
      process.kill(run.pid, 'SIGHUP');
      expect(await exitOf(run)).toBe(0);
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Ctrl-C with the output through | tee: tee dies first and the demo still stops fully',
    async () => {
      const baseDir = makeBaseDir();
      const teeLog = join(tmpdir(), `vnetops-wo-tee-${process.pid}.log`);
      const tee = spawn('tee', [teeLog], { stdio: ['pipe', 'ignore', 'ignore'] });
      others.push(tee);
      try {
        const run = await demo('dx3', baseDir, { stdout: tee.stdin });
        tee.stdin.destroy(); // only the demo writes into the pipe now
        await waitForText(run, () => (existsSync(teeLog) ? readFileSync(teeLog, 'utf8') : ''), READY_LINE);
        const footprint = await footprintOf(run, { network: true });

        tee.kill('SIGINT');
        await endedOf(tee);
        process.kill(run.pid, 'SIGINT');
        expect(await exitOf(run)).toBe(0);
        // The first line after Ctrl-C hit the closed pipe; the rest went to stderr.
        expect(readFileSync(teeLog, 'utf8')).not.toContain('stopping');
        expect(run.stderr()).toContain('namespace vnetops-dx3 removed');
        expect(await leftoversOf(run, footprint)).toEqual([]);
      } finally {
        rmSync(teeLog, { force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stdout closed by its reader while the demo starts (EPIPE, as with | head)',
    async () => {
      // Reads until the worker is being started, then goes away.
      const reader = spawn(
        process.execPath,
        [
          '-e',
          "let seen = ''; process.stdin.on('data', (d) => { seen += d; if (seen.includes('starting the host worker')) process.exit(0); });",
        ],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      );
      others.push(reader);
      const run = await demo('dx4', makeBaseDir(), { stdout: reader.stdin });
      reader.stdin.destroy();
      await endedOf(reader);
      // The worker is starting; the demo writes next once it is ready, and that write fails.
      const footprint = await footprintOf(run, { network: false });
      expect(footprint.owner.processes.map((entry) => entry.name)).toEqual(['host worker']);
      expect(await exitOf(run)).toBe(1);
      expect(run.stderr()).toContain('stdout closed (EPIPE) while starting');
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it.each([
    ['throw', 'an uncaught exception'],
    ['reject', 'an unhandled rejection'],
  ])(
    'a crash: %s (%s)',
    async (how) => {
      const run = await demo(how === 'throw' ? 'dx5' : 'dx6', makeBaseDir(), {
        env: { VNETOPS_DEMO_TEST_CRASH_AFTER_READY: how },
      });
      await waitForText(run, run.stdout, READY_LINE);
      const footprint = await footprintOf(run, { network: true });
      process.kill(run.pid, 'SIGUSR2'); // the test hook crashes on it
      expect(await exitOf(run)).toBe(1);
      expect(run.stderr()).toContain(`unexpected error: Error: VNETOPS_DEMO_TEST_CRASH_AFTER_READY=${how}`);
      expect(run.stdout()).toContain('an unexpected error: stopping');
      expect(run.stdout()).toMatch(/stopped: .*namespace vnetops-dx[56] removed/);
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'SIGKILL, then npm run sandbox -- down ends what the demo left (its bot included)',
    async () => {
      const run = await demo('dx7', makeBaseDir());
      await waitForText(run, run.stdout, READY_LINE);
      const footprint = await footprintOf(run, { network: true });
      process.kill(run.pid, 'SIGKILL');
      expect(await exitOf(run)).toBe('SIGKILL');
      // Everything but the demo itself runs on.
      const bot = footprint.owner.processes.find((entry) => entry.name === 'bot');
      expect(bot && isRunning(bot.process)).toBe(true);
      expect(isRunning(footprint.libvirtd)).toBe(true);

      const down = await sandboxCli(run.baseDir, ['down', 'dx7']);
      expect(down.output).toContain(`dx7: ending what the demo (pid ${run.pid}, no longer running) left`);
      expect(down.code).toBe(0);
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'npm run sandbox -- down on a running demo: the demo is asked to stop, and stops fully',
    async () => {
      const run = await demo('dx9', makeBaseDir());
      await waitForText(run, run.stdout, READY_LINE);
      const footprint = await footprintOf(run, { network: true });
      const down = await sandboxCli(run.baseDir, ['down', 'dx9']);
      expect(down.output).toContain(`dx9: asking the demo using it (pid ${run.pid}) to stop`);
      expect(down.code).toBe(0);
      expect(await exitOf(run)).toBe(0);
      expect(run.stdout()).toContain('SIGTERM: stopping');
      expect(run.stdout()).toContain('namespace vnetops-dx9 removed');
      expect(await leftoversOf(run, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'SIGKILL, then a second demo ends what the first left and starts; SIGTERM stops that one',
    async () => {
      const baseDir = makeBaseDir();
      const first = await demo('dx8', baseDir);
      await waitForText(first, first.stdout, READY_LINE);
      const firstFootprint = await footprintOf(first, { network: true });
      process.kill(first.pid, 'SIGKILL');
      expect(await exitOf(first)).toBe('SIGKILL');

      const second = await demo('dx8', baseDir);
      await waitForText(second, second.stdout, READY_LINE);
      expect(second.stdout()).toContain(`an earlier demo (pid ${first.pid}) ended without cleaning up`);
      expect(processLeftoversOf(firstFootprint)).toEqual([]);

      const footprint = await footprintOf(second, { network: true });
      process.kill(second.pid, 'SIGTERM');
      expect(await exitOf(second)).toBe(0);
      expect(second.stdout()).toContain('SIGTERM: stopping');
      expect(await leftoversOf(second, footprint)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
