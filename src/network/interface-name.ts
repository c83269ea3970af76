/**
 * A guard for interface names about to go into an `ip` argument vector, on the spec's own naming
 * rules (name-rules.ts): a name that passes can never be read as an option (`-j`), a path or
 * anything a log line would mangle.
 */
import { type InterfaceNameRole, checkInterfaceName } from './name-rules.js';

/** An interface name that is not acceptable; the message (from the spec's rules) says why and what would be. */
export class InvalidInterfaceNameError extends Error {
  override readonly name = 'InvalidInterfaceNameError';
  readonly code = 'invalid-interface-name';
  readonly value: string;

  constructor(value: string, message: string) {
    super(message);
    this.value = value;
  }
}

/** Throws {@link InvalidInterfaceNameError} unless `name` passes the spec's interface-name rules for `role`. */
export function assertInterfaceName(name: string, role: InterfaceNameRole = 'bridge name'): void {
  let problem: string | undefined;
  checkInterfaceName(name, role, role, (_field, message) => {
    problem ??= message;
  });
  if (problem !== undefined) throw new InvalidInterfaceNameError(name, problem);
}

