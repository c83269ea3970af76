/**
 * The typed result of parsing a `/vnet …` line: one variant per command. Everything the bot needs to
 * act is here, already checked for form (names, CIDRs, addresses, numbers); whether the host can do it
 * is the worker's business.
 */

/** Network modes as users type them, after aliases (route → routed, bridge → bridged). */
export type CommandNetworkMode = 'nat' | 'routed' | 'isolated' | 'bridged' | 'open';

/** Fields every command that acts on one host may carry. */
interface HostTarget {
  /** `--host H`; absent = the bot picks (the only host, or asks). */
  host?: string;
}

/** `/vnet help [command]`. */
export interface HelpCommand {
  kind: 'help';
  /** The command asked about, canonical name; absent = overview. */
  topic?: CommandName;
}

/** `/vnet list [--host H] [--all]`. `all` = every host. */
export interface ListCommand extends HostTarget {
  kind: 'list';
  all: boolean;
}

/** `/vnet info NAME [--host H] [--xml]`. */
export interface InfoCommand extends HostTarget {
  kind: 'info';
  name: string;
  xml: boolean;
}

/** `/vnet create MODE NAME [flags…]`. */
export interface CreateCommand extends HostTarget {
  kind: 'create';
  mode: CommandNetworkMode;
  name: string;
  /** `--subnet CIDR` (IPv4). */
  subnet?: string;
  /** `--gateway IP`. */
  gateway?: string;
  /** `--dhcp START-END` → range; `--no-dhcp` → false; absent = default range. */
  dhcp?: { start: string; end: string } | false;
  /** `--bridge BR`. */
  bridge?: string;
  /** `--dev IFACE` (forward device). */
  dev?: string;
  /** `--ipv6 CIDR` (the gateway is the CIDR's address when it has host bits, else planned). */
  ipv6?: string;
  /** `--mtu N`. */
  mtu?: number;
  /** `--autostart`. */
  autostart: boolean;
  /** `--reason TEXT`: why, shown to approvers and kept in the audit log. */
  reason?: string;
}

/** `/vnet create` with no arguments: open the create dialog (modal). */
export interface CreateDialogCommand {
  kind: 'create-dialog';
}

/** `/vnet delete NAME [--force] [--host H]`. */
export interface DeleteCommand extends HostTarget {
  kind: 'delete';
  name: string;
  force: boolean;
  reason?: string;
}

/** `/vnet start NAME` and `/vnet stop NAME`. */
export interface StartStopCommand extends HostTarget {
  kind: 'start' | 'stop';
  name: string;
  reason?: string;
}

/** `/vnet autostart NAME on|off`. */
export interface AutostartCommand extends HostTarget {
  kind: 'autostart';
  name: string;
  enabled: boolean;
  reason?: string;
}

/** `/vnet leases NAME`. */
export interface LeasesCommand extends HostTarget {
  kind: 'leases';
  name: string;
}

/** `/vnet bridges [NAME] [--host H]`. */
export interface BridgesCommand extends HostTarget {
  kind: 'bridges';
  name?: string;
}

/** The change an `update` makes. */
export type UpdateChange =
  | { kind: 'dhcp-range'; range: { start: string; end: string } }
  | { kind: 'dhcp-host-add'; host: { mac: string; ip: string; name?: string } }
  | { kind: 'dhcp-host-remove'; mac: string };

/**
 * `/vnet update NAME dhcp-range START-END`, `… dhcp-host add MAC IP [HOSTNAME]`,
 * `… dhcp-host remove MAC`.
 */
export interface UpdateCommand extends HostTarget {
  kind: 'update';
  name: string;
  change: UpdateChange;
  reason?: string;
}

/** `/vnet hosts`. */
export interface HostsCommand {
  kind: 'hosts';
}

/** `/vnet status JOB`. */
export interface StatusCommand {
  kind: 'status';
  jobId: string;
}

/** `/vnet audit [N]`. */
export interface AuditCommand {
  kind: 'audit';
  /** How many entries, 1-100; default 10. */
  limit: number;
}

/** `/vnet mute NAME DURATION [--host H]`: silence a network's alerts for a while. */
export interface MuteCommand {
  kind: 'mute';
  name: string;
  /** How long, in ms (1 min to 7 days). */
  durationMs: number;
  /** Only on this host; absent = every host. */
  host?: string;
}

/** `/vnet unmute NAME [--host H]`. */
export interface UnmuteCommand {
  kind: 'unmute';
  name: string;
  host?: string;
}

/** Any parsed command. */
export type Command =
  | HelpCommand
  | ListCommand
  | InfoCommand
  | CreateCommand
  | CreateDialogCommand
  | DeleteCommand
  | StartStopCommand
  | AutostartCommand
  | LeasesCommand
  | BridgesCommand
  | UpdateCommand
  | HostsCommand
  | StatusCommand
  | AuditCommand
  | MuteCommand
  | UnmuteCommand;

/** Canonical command names as typed after `/vnet` (policy keys, help topics). */
export const COMMAND_NAMES = [
  'help',
  'list',
  'info',
  'create',
  'delete',
  'start',
  'stop',
  'autostart',
  'leases',
  'bridges',
  'update',
  'hosts',
  'status',
  'audit',
  'mute',
  'unmute',
] as const;

/** A canonical command name. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Commands that change a host: they go through RBAC at operator level, approval policy and the audit log. */
export const MUTATING_COMMANDS: readonly CommandName[] = ['create', 'delete', 'start', 'stop', 'autostart', 'update'];

/** Commands that read a host and change nothing: answered with their result alone when they are quick. */
export const READ_COMMANDS: readonly CommandName[] = ['list', 'info', 'leases', 'bridges'];

/** The policy name of a parsed command (`create-dialog` is `create`). */
export function commandNameOf(command: Command): CommandName {
  return command.kind === 'create-dialog' ? 'create' : command.kind;
}

/**
 * Why a line is not a command, written for the person who typed it, with the usage line of the
 * command they meant and a suggestion when a word looks like a typo.
 */
export interface UsageError {
  /** One sentence: what is wrong ("unknown flag --subent"). */
  message: string;
  /** "Did you mean `--subnet`?" style hint, when something is close. */
  suggestion?: string;
  /** The usage line of the command concerned, when known. */
  usage?: string;
  /** The command concerned, when known. */
  command?: CommandName;
}

/** What parsing a line gives: a command, or a usage error. Never an exception. */
export type ParseResult = { ok: true; command: Command } | { ok: false; error: UsageError };
