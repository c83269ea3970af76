/**
 * The demo's own output, which must never end the demo: a write never throws, and a stream that broke
 * (its reader went away: EPIPE, as when `| tee` dies on Ctrl-C; its terminal closed: EIO) is not written
 * to again. Lines then go to the other stream while that one still works.
 */

/** Where the demo's lines go; both functions are safe to call at any time. */
export interface DemoOutput {
  /** A progress line, to stdout (stderr once stdout broke). */
  readonly say: (line: string) => void;
  /** A problem, to stderr (stdout once stderr broke). */
  readonly complain: (text: string) => void;
}

/**
 * Listens for errors on `process.stdout` and `process.stderr` (without a listener an EPIPE is an
 * uncaught exception that ends the process there and then, skipping every cleanup) and calls
 * `onBroken` once per stream that breaks.
 */
export function guardProcessOutput(onBroken: (stream: 'stdout' | 'stderr', error: Error) => void): DemoOutput {
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const broken = new Set<'stdout' | 'stderr'>();
  const breaks = (name: 'stdout' | 'stderr', error: Error): void => {
    if (broken.has(name)) return;
    broken.add(name);
    onBroken(name, error);
  };
  for (const name of ['stdout', 'stderr'] as const) streams[name].on('error', (error: Error) => breaks(name, error));
  const write = (order: readonly ('stdout' | 'stderr')[], text: string): void => {
    const target = order.find((name) => !broken.has(name) && !streams[name].destroyed);
    // A failing write reports through 'error' (above), asynchronously; the try is for anything thrown at once.
    if (target === undefined) return;
    try {
      streams[target].write(text);
    } catch (error) {
      breaks(target, error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    say: (line) => write(['stdout', 'stderr'], `${line}\n`),
    complain: (text) => write(['stderr', 'stdout'], `${text}\n`),
  };
}
