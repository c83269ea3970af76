/**
 * OwnedProcess on real tiny children (`node -e …`): output kept, waits, signals, stop's escalation,
 * process groups, a program that is not there. Every wait is for an event of the child (its output,
 * its end, its pipes closing), never a sleep.
 */
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OwnedProcess, type OwnedProcessOptions } from '../../../tools/processes/child-process.js';
import { isPidRunning } from '../../../tools/sandbox/processes.js';

const NODE = process.execPath;
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
/** Keeps a child alive until it is signalled. */
const STAY = 'setInterval(() => {}, 1000);';

const started: OwnedProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'vnetops-child-process-test-'));

/** `node -e source` as an OwnedProcess, ended after the test whatever happens. */
function node(source: string, options: Partial<OwnedProcessOptions> = {}): OwnedProcess {
  const child = OwnedProcess.start(NODE, ['-e', source], { name: 'child', env: ENV, ...options });
  started.push(child);
  return child;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Resolves once `pid` has ended (gone, or a zombie). Its pipes close a moment before the kernel marks
 * it ended, and nothing reports that to a non-parent: looked at every 10 ms, for at most 5 s.
 */
async function ended(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 5_000; isPidRunning(pid);) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('OwnedProcess', () => {
  it('keeps stdout and stderr, and says how it ended once its last output is in', async () => {
    const child = node("console.log('to stdout'); console.error('to stderr'); process.exitCode = 3;");
    expect(child.pid).toBeGreaterThan(0);
    expect(await child.whenEnded()).toBe('exited with code 3');
    expect(child.ended).toBe('exited with code 3');
    expect(child.output()).toContain('to stdout\n');
    expect(child.output()).toContain('to stderr\n');
    expect(child.child.exitCode).toBe(3);
  });

  it('keeps only the latest output in memory, as much as asked', async () => {
    const child = node("process.stdout.write('x'.repeat(50_000) + 'THE END');", { keepChars: 100 });
    await child.whenEnded();
    expect(child.output()).toHaveLength(100);
    expect(child.output().endsWith('THE END')).toBe(true);
    expect(child.logTail(1)).toBe(`${'x'.repeat(93)}THE END`);
  });

  it('gets exactly the environment given, and its arguments as they are (no shell)', async () => {
    const child = OwnedProcess.start(
      NODE,
      [
        '-e',
        'console.log(JSON.stringify({ env: process.env, argv: process.argv.slice(1) }))',
        '$(echo no)',
        '*',
        'a b',
      ],
      {
        name: 'child',
        env: { ONLY_THIS: 'yes' },
      },
    );
    started.push(child);
    await child.whenEnded();
    expect(JSON.parse(child.output())).toEqual({ env: { ONLY_THIS: 'yes' }, argv: ['$(echo no)', '*', 'a b'] });
  });

  it('waitForOutput resolves on the text as it arrives, while the child goes on', async () => {
    const child = node(`setTimeout(() => console.log('now ready'), 50); ${STAY}`);
    await child.waitForOutput('now ready', 10_000);
    expect(child.ended).toBeUndefined();
    await child.stop();
    expect(child.ended).toBe('ended by SIGTERM');
  });

  it('waitForOutput counts text printed just before the end, and rejects with the output when the text never comes', async () => {
    const early = node("console.log('said it'); process.exit(0);");
    await early.waitForOutput('said it', 10_000);
    const quitter = node("console.error('something broke'); process.exit(2);");
    await expect(quitter.waitForOutput('ready', 10_000)).rejects.toThrow(
      /^the child exited with code 2 before printing "ready"; its output ends:\nsomething broke$/,
    );
  });

  it('waitForOutput and waitUntil reject on their timeout, leaving the child running', async () => {
    const child = node(STAY);
    await expect(child.waitForOutput('never', 50)).rejects.toThrow(
      /the child did not get to printing "never" within 0\.05 s; its output ends:\n\(no output\)/,
    );
    await expect(child.waitUntil(() => false, 'never', 50)).rejects.toThrow(/did not get to never within 0\.05 s/);
    expect(child.ended).toBeUndefined();
  });

  it('waitUntil rejects at once when its signal aborts, and when the child ends', async () => {
    const child = node(STAY);
    const abort = new AbortController();
    const waiting = child.waitUntil(() => false, 'ready', 60_000, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow('stopped waiting for the child to get to ready');
    const ending = child.waitUntil(() => false, 'ready', 60_000);
    child.signal('SIGTERM');
    await expect(ending).rejects.toThrow('the child ended by SIGTERM before ready');
  });

  it('stop sends SIGTERM first, then SIGKILL to a child that ignores it', async () => {
    const child = node(`process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('armed'); ${STAY}`);
    await child.waitForOutput('armed');
    child.signal('SIGTERM');
    await child.waitForOutput('ignoring SIGTERM');
    await child.stop(100);
    expect(child.ended).toBe('ended by SIGKILL');
  });

  it('kill ends it with SIGKILL and waits; nothing throws once it has ended', async () => {
    const child = node(STAY);
    await child.kill();
    expect(child.ended).toBe('ended by SIGKILL');
    child.signal('SIGTERM');
    await child.kill();
    await child.stop(10);
    expect(child.ended).toBe('ended by SIGKILL');
  });

  describe('detached, in a process group of its own', () => {
    /** A leader that starts a grandchild in its group (sharing its stdout) and prints the grandchild's pid. */
    const LEADER = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', "console.log('grandchild up'); ${STAY}"], { stdio: 'inherit' });
      console.log('grandchild ' + grandchild.pid);
      ${STAY}`;

    async function leaderWithGrandchild(): Promise<{
      leader: OwnedProcess;
      grandchildPid: number;
      pipesClosed: Promise<unknown>;
    }> {
      const leader = node(LEADER, { detached: true });
      // Closed only once every holder of the pipes has ended, the grandchild included.
      const pipesClosed = once(leader.child, 'close');
      await leader.waitForOutput('grandchild up');
      const grandchildPid = Number(/grandchild (\d+)/.exec(leader.output())?.[1]);
      expect(isPidRunning(grandchildPid)).toBe(true);
      return { leader, grandchildPid, pipesClosed };
    }

    it('stop ends what the leader left behind in its group', async () => {
      const { leader, grandchildPid, pipesClosed } = await leaderWithGrandchild();
      // SIGTERM goes to the leader alone; it ends without ending its grandchild.
      await leader.stop();
      expect(leader.ended).toBe('ended by SIGTERM');
      await pipesClosed;
      expect(await ended(grandchildPid)).toBe(true);
    });

    it('stop after the leader ended on its own still ends the rest of its group', async () => {
      const { leader, grandchildPid, pipesClosed } = await leaderWithGrandchild();
      process.kill(leader.pid!, 'SIGKILL');
      expect(await leader.whenEnded()).toBe('ended by SIGKILL');
      expect(isPidRunning(grandchildPid)).toBe(true);
      await leader.stop();
      await pipesClosed;
      expect(await ended(grandchildPid)).toBe(true);
    });

    it('kill ends the whole group', async () => {
      const { leader, grandchildPid, pipesClosed } = await leaderWithGrandchild();
      await leader.kill();
      await pipesClosed;
      expect(leader.ended).toBe('ended by SIGKILL');
      expect(await ended(grandchildPid)).toBe(true);
    });

    it('is not in our process group', () => {
      const child = node(STAY, { detached: true });
      // spawn returns once the child has exec'd, after its setsid.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      expect(Number(fields[2])).toBe(child.pid); // pgrp: it leads its own
    });
  });

  describe('output to a log file', () => {
    it('appends to the file, reads its tail back, and waits on it', async () => {
      const logPath = join(dir, 'appended.log');
      appendFileSync(logPath, 'from before\n');
      const child = node(
        `console.log('one'); console.error('two'); setTimeout(() => console.log('ready now'), 50); ${STAY}`,
        { logPath },
      );
      await child.waitForOutput('ready now', 10_000);
      await child.stop();
      expect(readFileSync(logPath, 'utf8')).toMatch(/^from before\n(one\ntwo\n|two\none\n)ready now\n$/);
      expect(child.logTail(2)).toMatch(/\nready now$/);
      expect(child.describeOutput(1)).toBe(`its log (${logPath}) ends:\nready now`);
    });
  });

  describe('a program that cannot start', () => {
    it('ends with a description, and nothing throws', async () => {
      const child = OwnedProcess.start('/nonexistent/vnetops-program', ['x'], {
        name: 'ghost',
        env: ENV,
        detached: true,
      });
      started.push(child);
      expect(child.pid).toBeUndefined();
      expect(await child.whenEnded()).toBe('could not start: spawn /nonexistent/vnetops-program ENOENT');
      expect(child.ended).toBe('could not start: spawn /nonexistent/vnetops-program ENOENT');
      child.signal('SIGTERM');
      await child.stop();
      await child.kill();
      await expect(child.waitForOutput('ready', 10_000)).rejects.toThrow(
        'the ghost could not start: spawn /nonexistent/vnetops-program ENOENT before printing "ready"',
      );
    });

    it('ends the same way when its output goes to a log file', async () => {
      const child = OwnedProcess.start('/nonexistent/vnetops-program', [], {
        name: 'ghost',
        env: ENV,
        logPath: join(dir, 'ghost.log'),
      });
      started.push(child);
      expect(await child.whenEnded()).toMatch(/^could not start: .*ENOENT$/);
      expect(child.logTail()).toBe('(no output)');
    });
  });
});
