/**
 * The owner record of a sandbox host on real tiny children (`node -e …`), without a sandbox: what it
 * ends, and what it must never signal (a pid that now belongs to another process, its own process).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OwnedProcess } from '../../../tools/processes/child-process.js';
import {
  endOwnedProcesses,
  hostOwnerOf,
  stopHostOwner,
  writeHostOwnerRecord,
} from '../../../tools/sandbox/host-owner.js';
import { isPidRunning, processRef } from '../../../tools/sandbox/processes.js';

const STAY = 'setInterval(() => {}, 1000);';
const dir = mkdtempSync(join(tmpdir(), 'vnetops-host-owner-test-'));
const started: OwnedProcess[] = [];
const strays: number[] = [];

function node(source: string, env: Record<string, string> = {}): OwnedProcess {
  const child = OwnedProcess.start(process.execPath, ['-e', source], {
    name: 'child',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    detached: true,
  });
  started.push(child);
  return child;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.kill()));
  for (const pid of strays.splice(0)) if (isPidRunning(pid)) process.kill(pid, 'SIGKILL');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the owner record of a sandbox host', () => {
  it('never signals a pid whose start time differs from the record (a reused pid)', async () => {
    const other = node(STAY);
    await other.waitUntil(() => processRef(other.pid!) !== undefined, 'showing in /proc', 5_000);
    const record = {
      ownerName: 'demo',
      owner: { pid: 999_999_999, startTicks: '1' },
      marker: `VNETOPS_DEMO_RUN=${randomBytes(8).toString('hex')}`,
      processes: [{ name: 'bot', process: { pid: other.pid!, startTicks: '1' }, processGroup: other.pid! }],
    };
    writeFileSync(join(dir, 'owner.json'), JSON.stringify(record));
    expect(hostOwnerOf(dir)).toEqual({ name: 'demo', pid: 999_999_999, running: false });
    expect(await endOwnedProcesses(dir)).toEqual([]);
    expect(other.ended).toBeUndefined();
    expect(isPidRunning(other.pid!)).toBe(true);
  });

  it('ends a recorded process, and by the run marker a child of it that left its process group', async () => {
    const marker = `VNETOPS_DEMO_RUN=${randomBytes(8).toString('hex')}`;
    // The parent starts a child in a session of its own (as a daemon would) and says its pid.
    const parent = node(
      `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(STAY)}], ` +
        `{ detached: true, stdio: 'ignore' }); console.log('child ' + c.pid); ${STAY}`,
      { [marker.split('=')[0]!]: marker.split('=')[1]! },
    );
    await parent.waitForOutput('child ', 5_000);
    const childPid = Number(/child (\d+)/.exec(parent.output())![1]);
    strays.push(childPid);
    writeHostOwnerRecord(dir, 'demo', marker, [{ name: 'bot', pid: parent.pid }]);

    expect(await endOwnedProcesses(dir)).toEqual([]);
    expect(await parent.whenEnded()).toBe('ended by SIGTERM');
    expect(isPidRunning(childPid)).toBe(false);
  });

  it('records this process as the owner, and never asks itself to stop', async () => {
    writeHostOwnerRecord(dir, 'demo', 'VNETOPS_DEMO_RUN=self', []);
    expect(hostOwnerOf(dir)).toEqual({ name: 'demo', pid: process.pid, running: true });
    expect(await stopHostOwner(dir)).toBeUndefined();
  });
});
