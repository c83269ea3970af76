import { describe, expect, it } from 'vitest';
import type { NetworkListEntry } from '../../../src/contract/index.js';
import { NetworkInventory } from '../../../workers/network-inventory.js';

function entry(name: string): NetworkListEntry {
  return { name, uuid: `uuid-${name}`, active: true, persistent: true, autostart: false, subnets: [] };
}

/** A loader whose reads the test finishes by hand, counting how many were started. */
function controlledLoader(): {
  load: () => Promise<NetworkListEntry[]>;
  reads: number;
  finish: (names: string[]) => void;
  fail: (error: Error) => void;
} {
  const pending: { resolve: (v: NetworkListEntry[]) => void; reject: (e: Error) => void }[] = [];
  const loader = {
    reads: 0,
    load: () =>
      new Promise<NetworkListEntry[]>((resolve, reject) => {
        loader.reads++;
        pending.push({ resolve, reject });
      }),
    finish: (names: string[]) => pending.shift()?.resolve(names.map(entry)),
    fail: (error: Error) => pending.shift()?.reject(error),
  };
  return loader;
}

describe('NetworkInventory', () => {
  it('jobs that ask while a read is under way share that read', async () => {
    const loader = controlledLoader();
    const inventory = new NetworkInventory(loader.load, { now: () => 0 });
    const first = inventory.networks();
    const second = inventory.networks();
    loader.finish(['lab1']);
    expect(await first).toEqual([entry('lab1')]);
    expect(await second).toBe(await first);
    expect(loader.reads).toBe(1);
  });

  it('serves from memory while fresh and reads again once older than maxAgeMs', async () => {
    let now = 1000;
    const loader = controlledLoader();
    const inventory = new NetworkInventory(loader.load, { maxAgeMs: 2000, now: () => now });
    const first = inventory.networks();
    loader.finish(['lab1']);
    await first;
    now += 2000;
    expect(await inventory.networks()).toEqual([entry('lab1')]);
    expect(loader.reads).toBe(1);
    now += 1;
    const fresh = inventory.networks();
    loader.finish(['lab1', 'lab2']);
    expect(await fresh).toEqual([entry('lab1'), entry('lab2')]);
    expect(loader.reads).toBe(2);
  });

  it('after invalidate, a job gets a new read, never the one started before the change', async () => {
    const loader = controlledLoader();
    const inventory = new NetworkInventory(loader.load, { now: () => 0 });
    const before = inventory.networks();
    inventory.invalidate(); // e.g. a lifecycle event arrived while the first read was under way
    const after = inventory.networks();
    loader.finish(['old']);
    loader.finish(['new']);
    expect(await before).toEqual([entry('old')]);
    expect(await after).toEqual([entry('new')]);
    expect(loader.reads).toBe(2);
  });

  it('a failed read is not kept: the next job reads again', async () => {
    const loader = controlledLoader();
    const inventory = new NetworkInventory(loader.load, { now: () => 0 });
    const failing = inventory.networks();
    loader.fail(new Error('libvirt went away'));
    await expect(failing).rejects.toThrow('libvirt went away');
    const retry = inventory.networks();
    loader.finish(['lab1']);
    expect(await retry).toEqual([entry('lab1')]);
    expect(loader.reads).toBe(2);
  });

  it('maxAgeMs 0 still shares a read under way but keeps nothing after it', async () => {
    let now = 0;
    const loader = controlledLoader();
    const inventory = new NetworkInventory(loader.load, { maxAgeMs: 0, now: () => now });
    const a = inventory.networks();
    const b = inventory.networks();
    loader.finish(['lab1']);
    await Promise.all([a, b]);
    expect(loader.reads).toBe(1);
    now = 1;
    const c = inventory.networks();
    loader.finish(['lab1']);
    await c;
    expect(loader.reads).toBe(2);
  });
});
