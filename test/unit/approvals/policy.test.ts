import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_COMMAND_RULES,
  compilePolicy,
  roleCovers,
  type Actor,
  type CompiledPolicy,
} from '../../../src/approvals/index.js';
import { COMMAND_NAMES, MUTATING_COMMANDS } from '../../../src/commands/index.js';
import { ConfigError, loadBotConfig } from '../../../src/config/index.js';
import { configErrorFrom } from '../config/config-test-files.js';

const bot = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'f00dfeed' };
const APPROVALS = 'approvals:\n  channel: C0APPROVALS\n';

/**
 * The policy a bot would compile from this config file (plus the two Slack secrets). The file lives
 * only while it is read, so describe blocks can build their policy once.
 */
function policyFrom(yaml: string): CompiledPolicy {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-policy-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml);
    return compilePolicy(loadBotConfig({ file, env: bot }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compileProblems(yaml: string): string[] {
  return configErrorFrom(() => policyFrom(yaml)).problems.map((p) => `${p.path}: ${p.message}`);
}

/** Someone with no grants, in a channel with none. */
const nobody: Actor = { userId: 'U0NOBODY1', userGroups: [], channelId: 'C0GENERAL' };
const as = (overrides: Partial<Actor>): Actor => ({ ...nobody, ...overrides });

const VIEWER_COMMANDS = ['help', 'list', 'info', 'leases', 'bridges', 'hosts', 'status'] as const;
const OPERATOR_COMMANDS = [
  'audit',
  'create',
  'delete',
  'start',
  'stop',
  'autostart',
  'update',
  'mute',
  'unmute',
] as const;

describe('compilePolicy: problems', () => {
  it('names a misspelt command by its path and suggests the one meant', () => {
    expect(compileProblems(`policy:\n  commands:\n    crate: { role: admin }\n${APPROVALS}`)).toEqual([
      'policy.commands.crate: is not a /vnet command — did you mean policy.commands.create?',
    ]);
  });

  it('lists the commands when a name looks like none of them', () => {
    expect(compileProblems(`policy:\n  commands:\n    reboot: { role: admin }\n${APPROVALS}`)).toEqual([
      `policy.commands.reboot: is not a /vnet command — the commands are: ${COMMAND_NAMES.join(', ')}`,
    ]);
  });

  it('refuses approval for a command that changes nothing', () => {
    expect(compileProblems(`policy:\n  commands:\n    list: { approval: true }\n${APPROVALS}`)).toEqual([
      'policy.commands.list.approval: cannot be true: only commands that change a host go through approval ' +
        '(create, delete, start, stop, autostart, update)',
    ]);
  });

  it('requires an approvals channel while the built-in rules ask for approval', () => {
    const error = configErrorFrom(() => policyFrom('log:\n  level: info\n'));

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      [
        'invalid configuration (1 problem):',
        '  - approvals.channel: is missing — /vnet create and /vnet delete need approval, and requests need a channel to go to; ' +
          'set VNETOPS_APPROVALS_CHANNEL or approvals.channel in the config file, ' +
          'or turn approval off with policy.commands.<command>.approval: false',
      ].join('\n'),
    );
  });

  it('requires the channel for a command whose override asks for approval, reporting every problem at once', () => {
    const yaml =
      'policy:\n  commands:\n    create: { approval: false }\n    delete: { approval: false }\n    update: { approval: true }\n    stat: {}\n';

    expect(compileProblems(yaml)).toEqual([
      'policy.commands.stat: is not a /vnet command — did you mean policy.commands.start?',
      'approvals.channel: is missing — /vnet update needs approval, and requests need a channel to go to; ' +
        'set VNETOPS_APPROVALS_CHANNEL or approvals.channel in the config file, ' +
        'or turn approval off with policy.commands.<command>.approval: false',
    ]);
  });

  it('needs no channel once no command needs approval', () => {
    const policy = policyFrom(
      'policy:\n  commands:\n    create: { approval: false }\n    delete: { approval: false }\n',
    );

    expect(COMMAND_NAMES.filter((name) => policy.needsApproval(name))).toEqual([]);
    expect(policy.approvalsChannel).toBeUndefined();
  });
});

describe('built-in rules', () => {
  const policy = policyFrom(APPROVALS);

  it.each(VIEWER_COMMANDS)('lets everyone run %s (defaultRole viewer)', (command) => {
    expect(policy.authorize(nobody, command)).toEqual({ allowed: true, role: 'viewer' });
  });

  it.each(OPERATOR_COMMANDS)('keeps %s from viewers: it needs operator', (command) => {
    expect(policy.authorize(nobody, command)).toEqual({
      allowed: false,
      requiredRole: 'operator',
      userRoles: ['viewer'],
      reason: `\`/vnet ${command}\` needs the operator role; you have viewer. Ask an admin to grant it.`,
      channelLimited: false,
    });
  });

  it('covers every command, and every command that changes a host needs at least operator', () => {
    expect(Object.keys(BUILT_IN_COMMAND_RULES).sort()).toEqual([...COMMAND_NAMES].sort());
    expect([...VIEWER_COMMANDS, ...OPERATOR_COMMANDS].sort()).toEqual([...COMMAND_NAMES].sort());
    for (const command of MUTATING_COMMANDS)
      expect(roleCovers(BUILT_IN_COMMAND_RULES[command].role, 'operator'), command).toBe(true);
  });

  it('asks approval for create and delete only', () => {
    expect(COMMAND_NAMES.filter((name) => policy.needsApproval(name))).toEqual(['create', 'delete']);
  });

  it('carries the approvals channel and the request lifetime', () => {
    const custom = policyFrom('approvals:\n  channel: G0PRIVATE1\n  ttl: 90m\n');

    expect(custom.approvalsChannel).toBe('G0PRIVATE1');
    expect(custom.approvalTtlMs).toBe(90 * 60_000);
    expect(policy.approvalTtlMs).toBe(24 * 3_600_000);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(policy)).toBe(true);
  });
});

describe('grants', () => {
  const policy = policyFrom(
    [
      'policy:',
      '  grants:',
      '    users: { U0ALICE01: admin, U0BOB0001: operator, U0CAROL01: viewer }',
      '    groups: { S0NETOPS1: operator, S0LEADS01: approver }',
      '    channels: { C0LAB0001: operator }',
      APPROVALS,
    ].join('\n'),
  );

  it('gives a user their own grant', () => {
    expect(policy.authorize(as({ userId: 'U0BOB0001' }), 'create')).toEqual({ allowed: true, role: 'operator' });
    expect(policy.rolesOf(as({ userId: 'U0ALICE01' }))).toEqual(['viewer', 'operator', 'approver', 'admin']);
  });

  it("gives a group's grant to its members", () => {
    expect(policy.authorize(as({ userGroups: ['S0OTHER01', 'S0NETOPS1'] }), 'delete')).toEqual({
      allowed: true,
      role: 'operator',
    });
  });

  it('gives a channel’s grant to anyone running commands there, and only there', () => {
    expect(policy.authorize(as({ channelId: 'C0LAB0001' }), 'stop')).toEqual({ allowed: true, role: 'operator' });
    expect(policy.authorize(as({ channelId: 'C0ELSEWHR' }), 'stop').allowed).toBe(false);
  });

  it('lets the highest grant win, wherever it comes from', () => {
    const carolInLeads = as({ userId: 'U0CAROL01', userGroups: ['S0NETOPS1', 'S0LEADS01'], channelId: 'C0LAB0001' });

    expect(policy.rolesOf(carolInLeads)).toEqual(['viewer', 'operator', 'approver']);
    expect(policy.canApprove(carolInLeads)).toEqual({ allowed: true, role: 'approver' });
  });

  it('never lowers a role: a viewer grant leaves the default and higher grants standing', () => {
    expect(policy.rolesOf(as({ userId: 'U0CAROL01', channelId: 'C0LAB0001' }))).toEqual(['viewer', 'operator']);
  });

  it('gives nothing without a grant when defaultRole is none', () => {
    const closed = policyFrom(
      `policy:\n  defaultRole: none\n  grants:\n    users: { U0BOB0001: operator }\n${APPROVALS}`,
    );

    expect(closed.rolesOf(nobody)).toEqual([]);
    expect(closed.authorize(nobody, 'help')).toEqual({
      allowed: false,
      requiredRole: 'viewer',
      userRoles: [],
      reason: '`/vnet help` needs the viewer role; you have no role. Ask an admin to grant it.',
      channelLimited: false,
    });
    expect(closed.authorize(as({ userId: 'U0BOB0001' }), 'help')).toEqual({ allowed: true, role: 'operator' });
  });
});

describe('approvers', () => {
  const policy = policyFrom(
    `policy:\n  grants:\n    users: { U0OPER001: operator, U0APPR001: approver, U0ADMIN01: admin }\n${APPROVALS}`,
  );

  it('need the approver role; admins have it too', () => {
    expect(policy.canApprove(as({ userId: 'U0APPR001' }))).toEqual({ allowed: true, role: 'approver' });
    expect(policy.canApprove(as({ userId: 'U0ADMIN01' }))).toEqual({ allowed: true, role: 'admin' });
  });

  it('are not operators, and are told what they lack', () => {
    expect(policy.canApprove(as({ userId: 'U0OPER001' }))).toEqual({
      allowed: false,
      requiredRole: 'approver',
      userRoles: ['viewer', 'operator'],
      reason: 'Deciding approval requests needs the approver role; you have operator. Ask an admin to grant it.',
      channelLimited: false,
    });
  });
});

describe('command overrides', () => {
  const policy = policyFrom(
    [
      'policy:',
      '  grants:',
      '    users: { U0OPER001: operator, U0ADMIN01: admin }',
      '  commands:',
      '    create: { channels: [C0NETOPS1] }',
      '    delete: { role: admin, approval: false }',
      '    list: { channels: [C0NETOPS1, C0LAB0001, G0PRIVATE1] }',
      '    update: { approval: true }',
      APPROVALS,
    ].join('\n'),
  );
  const operator = as({ userId: 'U0OPER001' });

  it('change only the fields they name', () => {
    expect(policy.needsApproval('create')).toBe(true);
    expect(policy.authorize(as({ ...operator, channelId: 'C0NETOPS1' }), 'create')).toEqual({
      allowed: true,
      role: 'operator',
    });
    expect(policy.needsApproval('delete')).toBe(false);
    expect(policy.needsApproval('update')).toBe(true);
  });

  it('raise the role a command needs, and say which', () => {
    expect(policy.authorize(operator, 'delete')).toMatchObject({
      allowed: false,
      requiredRole: 'admin',
      reason: '`/vnet delete` needs the admin role; you have operator. Ask an admin to grant it.',
    });
    expect(policy.authorize(as({ userId: 'U0ADMIN01' }), 'delete')).toEqual({ allowed: true, role: 'admin' });
  });

  it('limit a command to channels, naming them', () => {
    expect(policy.authorize(operator, 'create')).toEqual({
      allowed: false,
      requiredRole: 'operator',
      userRoles: ['viewer', 'operator'],
      reason: '`/vnet create` can only be run in <#C0NETOPS1>.',
      channelLimited: true,
    });
    expect(policy.authorize(nobody, 'list')).toMatchObject({
      allowed: false,
      reason: '`/vnet list` can only be run in <#C0NETOPS1>, <#C0LAB0001>, or <#G0PRIVATE1>.',
      channelLimited: true,
    });
    expect(policy.authorize(as({ channelId: 'G0PRIVATE1' }), 'list')).toEqual({ allowed: true, role: 'viewer' });
  });

  it('limit admins by channel too', () => {
    expect(policy.authorize(as({ userId: 'U0ADMIN01' }), 'create')).toMatchObject({
      allowed: false,
      channelLimited: true,
    });
  });

  it('tell someone lacking the role about the role first, not the channel', () => {
    expect(policy.authorize(nobody, 'create')).toMatchObject({
      allowed: false,
      requiredRole: 'operator',
      reason: '`/vnet create` needs the operator role; you have viewer. Ask an admin to grant it.',
      channelLimited: false,
    });
  });
});
