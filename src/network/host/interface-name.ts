/**
 * A guard for interface names about to go into an `ip` argument vector, on the spec's own naming
 * rules (name-rules.ts): a name that passes can never be read as an option (`-j`), a path or
 * anything a log line would mangle.
 */
import { type InterfaceNameRole, checkInterfaceName } from '../spec/name-rules.js';
import { InvalidInterfaceNameError } from './host-errors.js';

/** Throws {@link InvalidInterfaceNameError} unless `name` passes the spec's interface-name rules for `role`. */
export function assertInterfaceName(name: string, role: InterfaceNameRole = 'bridge name'): void {
  let problem: string | undefined;
  checkInterfaceName(name, role, role, (_field, message) => {
    problem ??= message;
  });
  if (problem !== undefined) throw new InvalidInterfaceNameError(name, problem);
}
