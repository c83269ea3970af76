import type { CommandName } from '../commands/index.js';
import type { Role } from './roles.js';

/** What it takes to run one command. */
export interface CommandRule {
  /** Lowest role that may run it. */
  readonly role: Role;
  /** Whether an approver must approve each run before it reaches the host. */
  readonly approval: boolean;
  /** Channels it may be run in; absent = anywhere. */
  readonly channels?: readonly string[];
}

/**
 * The built-in rule of every command, which `policy.commands` overrides field by field. Reading is
 * open to everyone (defaultRole viewer); changing a host needs operator, and the two changes that are
 * hardest to undo need approval. Typed over every command name, so a new command cannot go unruled.
 */
export const BUILT_IN_COMMAND_RULES: Readonly<Record<CommandName, CommandRule>> = {
  help: { role: 'viewer', approval: false },
  list: { role: 'viewer', approval: false },
  info: { role: 'viewer', approval: false },
  leases: { role: 'viewer', approval: false },
  bridges: { role: 'viewer', approval: false },
  hosts: { role: 'viewer', approval: false },
  status: { role: 'viewer', approval: false },
  audit: { role: 'operator', approval: false },
  create: { role: 'operator', approval: true },
  delete: { role: 'operator', approval: true },
  start: { role: 'operator', approval: false },
  stop: { role: 'operator', approval: false },
  autostart: { role: 'operator', approval: false },
  update: { role: 'operator', approval: false },
  mute: { role: 'operator', approval: false },
  unmute: { role: 'operator', approval: false },
};
