/** Small statistics helpers shared by the bench scripts. */

/** The q-quantile (0..1) of samples, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median and p99 of samples in milliseconds, rounded for printing. */
export function summarize(samples: readonly number[]): { median: number; p99: number; n: number } {
  return { median: round(quantile(samples, 0.5)), p99: round(quantile(samples, 0.99)), n: samples.length };
}

/** Rounds to 3 decimals (µs resolution for ms figures). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Times `run` `count` times after `warmup` untimed runs; returns per-run milliseconds. */
export async function timeEach(count: number, warmup: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}
