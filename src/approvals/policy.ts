import { COMMAND_NAMES, MUTATING_COMMANDS, type CommandName } from '../commands/index.js';
import { ConfigError, NO_ROLE, type BotConfig, type ConfigProblem } from '../config/index.js';
import { didYouMean } from '../text/index.js';
import { BUILT_IN_COMMAND_RULES, type CommandRule } from './command-rules.js';
import { higherRole, roleCovers, rolesUpTo, type Role } from './roles.js';

/** Who is asking, and from where: what grants are matched against. */
export interface Actor {
  /** Slack member id. */
  userId: string;
  /** Slack user groups the member belongs to (only those the policy names matter). */
  userGroups: readonly string[];
  /** Channel the command was run in (or the button clicked in). */
  channelId: string;
}

/** The answer to "may this actor do this?"; a denial carries a reason written for the person. */
export type AuthorizationDecision =
  | { allowed: true; role: Role }
  | {
      allowed: false;
      /** Lowest role that would have been enough. */
      requiredRole: Role;
      /** Roles the actor holds, lowest first (empty when none). */
      userRoles: Role[];
      /** For the person, e.g. "`/vnet create` needs the operator role; you have viewer. Ask an admin to grant it." */
      reason: string;
      /** True when the role sufficed and only the channel was wrong. */
      channelLimited: boolean;
    };

/** A checked policy, ready to answer authorization questions. */
export interface CompiledPolicy {
  /** May this actor run this command here? */
  authorize(actor: Actor, command: CommandName): AuthorizationDecision;
  /** May this actor decide approvals (approver or admin)? Requesters can never decide their own (see the store). */
  canApprove(actor: Actor): AuthorizationDecision;
  /** Must each run of this command be approved first? */
  needsApproval(command: CommandName): boolean;
  /** Roles the actor holds, lowest first: the highest grant that applies and every role below it. */
  rolesOf(actor: Actor): Role[];
  /** Channel approval requests go to; set whenever some command needs approval. */
  readonly approvalsChannel?: string;
  /** How long an approval request waits before it expires. */
  readonly approvalTtlMs: number;
}

/** The config sections a policy is compiled from (a whole {@link BotConfig} will do). */
export type PolicySettings = Pick<BotConfig, 'policy' | 'approvals'>;

/**
 * Checks the policy against the command grammar and merges its overrides into the built-in rules.
 *
 * @throws {ConfigError} listing every problem: unknown command names (with a "did you mean"),
 *   approval asked for a command that changes nothing, and commands needing approval while
 *   `approvals.channel` is unset.
 */
export function compilePolicy(settings: PolicySettings): CompiledPolicy {
  const { policy, approvals } = settings;
  const problems = overrideProblems(policy.commands);
  const rules = mergedRules(policy.commands);
  const needingApproval = COMMAND_NAMES.filter((name) => rules[name].approval);
  if (needingApproval.length > 0 && approvals.channel === undefined)
    problems.push(missingChannelProblem(needingApproval));
  if (problems.length > 0) throw new ConfigError(problems);

  const defaultRole = policy.defaultRole === NO_ROLE ? undefined : policy.defaultRole;
  const { users, groups, channels } = policy.grants;

  const highestRoleOf = (actor: Actor): Role | undefined => {
    const granted = [
      defaultRole,
      users[actor.userId],
      ...actor.userGroups.map((group) => groups[group]),
      channels[actor.channelId],
    ].filter((role): role is Role => role !== undefined);
    return granted.reduce<Role | undefined>(
      (highest, role) => (highest === undefined ? role : higherRole(highest, role)),
      undefined,
    );
  };

  const decide = (
    actor: Actor,
    requiredRole: Role,
    what: string,
    channelsAllowed?: readonly string[],
  ): AuthorizationDecision => {
    const role = highestRoleOf(actor);
    const userRoles = role === undefined ? [] : rolesUpTo(role);
    if (role === undefined || !roleCovers(role, requiredRole)) {
      const have = role === undefined ? 'no role' : role;
      const reason = `${what} needs the ${requiredRole} role; you have ${have}. Ask an admin to grant it.`;
      return { allowed: false, requiredRole, userRoles, reason, channelLimited: false };
    }
    if (channelsAllowed !== undefined && !channelsAllowed.includes(actor.channelId)) {
      const reason = `${what} can only be run in ${anyOf(channelsAllowed.map((channel) => `<#${channel}>`))}.`;
      return { allowed: false, requiredRole, userRoles, reason, channelLimited: true };
    }
    return { allowed: true, role };
  };

  const compiled: CompiledPolicy = {
    authorize: (actor, command) => decide(actor, rules[command].role, `\`/vnet ${command}\``, rules[command].channels),
    canApprove: (actor) => decide(actor, 'approver', 'Deciding approval requests'),
    needsApproval: (command) => rules[command].approval,
    rolesOf: (actor) => {
      const role = highestRoleOf(actor);
      return role === undefined ? [] : rolesUpTo(role);
    },
    ...(approvals.channel === undefined ? {} : { approvalsChannel: approvals.channel }),
    approvalTtlMs: approvals.ttlMs,
  };
  return Object.freeze(compiled);
}

type CommandOverrides = PolicySettings['policy']['commands'];

function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

function overrideProblems(overrides: CommandOverrides): ConfigProblem[] {
  return Object.entries(overrides).flatMap(([name, override]): ConfigProblem[] => {
    // The policy is read from the config file only (it has no environment variables).
    const path = `policy.commands.${name}`;
    if (!isCommandName(name)) {
      const suggestion = didYouMean(name, COMMAND_NAMES);
      const message =
        suggestion === undefined
          ? `is not a /vnet command — the commands are: ${COMMAND_NAMES.join(', ')}`
          : `is not a /vnet command — did you mean policy.commands.${suggestion}?`;
      return [{ path, source: 'file', message }];
    }
    if (override.approval === true && !MUTATING_COMMANDS.includes(name)) {
      const message = `cannot be true: only commands that change a host go through approval (${MUTATING_COMMANDS.join(', ')})`;
      return [{ path: `${path}.approval`, source: 'file', message }];
    }
    return [];
  });
}

function mergedRules(overrides: CommandOverrides): Readonly<Record<CommandName, CommandRule>> {
  const rules: Record<CommandName, CommandRule> = { ...BUILT_IN_COMMAND_RULES };
  for (const [name, override] of Object.entries(overrides)) {
    if (isCommandName(name)) rules[name] = { ...rules[name], ...override };
  }
  return rules;
}

function missingChannelProblem(needingApproval: readonly CommandName[]): ConfigProblem {
  const commands = needingApproval.map((name) => `/vnet ${name}`);
  return {
    path: 'approvals.channel',
    source: 'default',
    message:
      `is missing — ${allOf(commands)} ${commands.length === 1 ? 'needs' : 'need'} approval, and requests need a channel to go to; ` +
      'set VNETOPS_APPROVALS_CHANNEL or approvals.channel in the config file, ' +
      'or turn approval off with policy.commands.<command>.approval: false',
  };
}

function anyOf(words: readonly string[]): string {
  return new Intl.ListFormat('en', { type: 'disjunction' }).format(words);
}

function allOf(words: readonly string[]): string {
  return new Intl.ListFormat('en', { type: 'conjunction' }).format(words);
}
