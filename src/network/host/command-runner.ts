/**
 * How src/network runs host commands without doing I/O itself: the caller injects a runner (inside a
 * sandbox namespace in tests, over the worker's own process or SSH later).
 */
import { CommandFailedError } from './host-errors.js';

/**
 * Runs a program with an argument vector — never through a shell — and resolves with its stdout.
 * Must reject on a non-zero exit, preferably with a {@link CommandFailedError} so callers can read
 * the exit code and stderr (e.g. to tell "no such device" from other failures).
 */
export type CommandRunner = (file: string, args: string[]) => Promise<string>;

/** The stderr of a failed command when the runner reported it, else the error's message. */
export function failureText(error: unknown): string {
  if (error instanceof CommandFailedError) return error.stderr;
  return error instanceof Error ? error.message : String(error);
}
