import { describe, expect, it } from 'vitest';
import { AlertBatcher } from '../../../src/alerts/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AlertBatcher', () => {
  it('gathers a burst per channel into one flush after the window', async () => {
    const flushed: [string, number[]][] = [];
    const batcher = new AlertBatcher<number>(
      40,
      (channel, items) => Promise.resolve(void flushed.push([channel, items])),
      () => undefined,
    );
    batcher.add('A', 1);
    batcher.add('B', 2);
    batcher.add('A', 3);
    expect(flushed).toEqual([]);
    await sleep(80);
    expect(flushed.sort()).toEqual([
      ['A', [1, 3]],
      ['B', [2]],
    ]);
  });

  it('runs one flush per channel at a time; what arrives meanwhile goes in the next batch, nothing is lost', async () => {
    const flushed: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new AlertBatcher<number>(
      10,
      async (_channel, items) => {
        flushed.push(items);
        if (flushed.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => undefined,
    );
    batcher.add('A', 1);
    await sleep(30);
    batcher.add('A', 2);
    batcher.add('A', 3);
    await sleep(30);
    expect(flushed).toEqual([[1]]);
    release();
    await sleep(30);
    expect(flushed).toEqual([[1], [2, 3]]);
  });

  it('drains everything on demand, and reports failed flushes', async () => {
    const failures: number[][] = [];
    const batcher = new AlertBatcher<number>(
      10_000,
      async () => Promise.reject(new Error('down')),
      (_e, _c, items) => void failures.push(items),
    );
    batcher.add('A', 1);
    expect(batcher.pending).toBe(1);
    await batcher.drain();
    expect(failures).toEqual([[1]]);
    expect(batcher.pending).toBe(0);
  });
});
