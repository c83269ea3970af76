/**
 * Every way the demo can be ended, gathered into one: Ctrl-C (SIGINT), `kill` (SIGTERM), a closed
 * terminal (SIGHUP), a broken stdout or stderr, an uncaught exception or unhandled rejection. The
 * first of them aborts {@link WaysOut.signal} and settles {@link WaysOut.first}; the demo then takes its
 * one path to a full stop. Without this, each of them ended the process on the spot and left the
 * sandbox, its daemons, the worker and the bot running.
 */

/** Why the demo stops. */
export interface StopReason {
  /** For the person, e.g. `Ctrl-C`, `stdout closed (EPIPE)`. */
  readonly description: string;
  /** True for a fault (broken output, a crash): the demo then exits non-zero. A signal is a person's choice. */
  readonly error: boolean;
}

/** What {@link watchWaysOut} reports to. */
export interface WaysOutOptions {
  /** Told when a signal comes while the demo is stopping already (a second Ctrl-C); the one after quits at once. */
  onStillStopping: () => void;
  /** Told of each uncaught exception or unhandled rejection (the first stops the demo, later ones only get told). */
  onCrash: (error: unknown) => void;
  /** Ends the process at once: the signal after that, for a person who will not wait. */
  exitNow: (code: number) => void;
}

/** The ways out, watched. */
export interface WaysOut {
  /** Aborted by the first way out: hand it to everything that is starting. */
  readonly signal: AbortSignal;
  /** The first way out taken. */
  readonly first: Promise<StopReason>;
  /** Takes a way out found elsewhere (a stream that broke): stops the demo if it was the first. */
  take(reason: StopReason): void;
}

const SIGNALS = {
  SIGINT: 'Ctrl-C',
  SIGTERM: 'SIGTERM',
  SIGHUP: 'the terminal closed (SIGHUP)',
} as const;

/** Installs the listeners for every way out, at once: one taken while starting stops what has started. */
export function watchWaysOut(options: WaysOutOptions): WaysOut {
  const stopping = new AbortController();
  let settle: (reason: StopReason) => void = () => undefined;
  const first = new Promise<StopReason>((resolve) => (settle = resolve));
  const take = (reason: StopReason): void => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    settle(reason);
  };
  // Signals that came while already stopping: the first is answered, the next one quits at once.
  let repeats = 0;
  for (const [name, description] of Object.entries(SIGNALS)) {
    process.on(name, () => {
      if (!stopping.signal.aborted) return take({ description, error: false });
      repeats += 1;
      if (repeats === 1) options.onStillStopping();
      else options.exitNow(130);
    });
  }
  const crashed = (error: unknown): void => {
    options.onCrash(error);
    take({ description: 'an unexpected error', error: true });
  };
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
  return { signal: stopping.signal, first, take };
}
