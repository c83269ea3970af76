import { describe, expect, it } from 'vitest';
import { loadBotConfig, loadWorkerConfig } from '../../../src/config/index.js';
import { configErrorFrom, useConfigFiles } from './config-test-files.js';

const files = useConfigFiles();
const bot = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'f00dfeed' };

/** `path (line N): message` of every problem when loading the bot config from `yaml`. */
function fileProblems(yaml: string, env: NodeJS.ProcessEnv = bot): string[] {
  const file = files.write(yaml);
  return configErrorFrom(() => loadBotConfig({ file, env })).problems.map(
    (p) => `${p.path} (line ${p.line ?? '?'}): ${p.message}`,
  );
}

function envProblems(env: NodeJS.ProcessEnv): string[] {
  return configErrorFrom(() => loadBotConfig({ env: { ...bot, ...env } })).problems.map(
    (p) => `${p.path}: ${p.message}`,
  );
}

describe('policy', () => {
  it('defaults to viewer for everyone, no grants and no overrides', () => {
    expect(loadBotConfig({ env: bot }).policy).toEqual({
      defaultRole: 'viewer',
      grants: { users: {}, groups: {}, channels: {} },
      commands: {},
    });
  });

  it('reads grants and command overrides from the file, frozen', () => {
    const file = files.write(
      [
        'policy:',
        '  defaultRole: none',
        '  grants:',
        '    users: { U0123ABCD: admin, W0ENTERPRISE: approver }',
        '    groups: { S0456EFGH: operator }',
        '    channels: { C0789IJKL: viewer, G0PRIVATE1: operator }',
        '  commands:',
        '    create: { role: approver, approval: true, channels: [C0ABCDEFG] }',
        '    list: { channels: [C0ABCDEFG, G0PRIVATE1] }',
        'approvals:',
        '  channel: C0APPROVALS',
      ].join('\n'),
    );

    const { policy } = loadBotConfig({ file, env: bot });

    expect(policy).toEqual({
      defaultRole: 'none',
      grants: {
        users: { U0123ABCD: 'admin', W0ENTERPRISE: 'approver' },
        groups: { S0456EFGH: 'operator' },
        channels: { C0789IJKL: 'viewer', G0PRIVATE1: 'operator' },
      },
      commands: {
        create: { role: 'approver', approval: true, channels: ['C0ABCDEFG'] },
        list: { channels: ['C0ABCDEFG', 'G0PRIVATE1'] },
      },
    });
    expect(Object.isFrozen(policy.grants.users)).toBe(true);
    expect(Object.isFrozen(policy.commands.create?.channels)).toBe(true);
  });

  it('refuses role names it does not know, listing the ones it does', () => {
    expect(fileProblems('policy:\n  defaultRole: everyone\n  grants:\n    users: { U0123ABCD: root }\n')).toEqual([
      'policy.defaultRole (line 2): must be one of: viewer, operator, approver, admin, none',
      'policy.grants.users.U0123ABCD (line 4): must be one of: viewer, operator, approver, admin',
    ]);
  });

  it('refuses names and mentions where Slack ids belong, each at its own key', () => {
    expect(
      fileProblems(
        [
          'policy:',
          '  grants:',
          '    users:',
          '      alice: admin',
          '      "<@U0123ABCD>": admin',
          '    groups:',
          '      U0123ABCD: operator',
          '    channels:',
          '      "#ops": viewer',
          '      D0DIRECT1: viewer',
        ].join('\n'),
      ),
    ).toEqual([
      'policy.grants.users.alice (line 4): is not a Slack member id (U or W, then uppercase letters and digits, e.g. U0123ABCD; profile → ⋮ → Copy member ID)',
      'policy.grants.users.<@U0123ABCD> (line 5): is not a Slack member id (U or W, then uppercase letters and digits, e.g. U0123ABCD; profile → ⋮ → Copy member ID)',
      "policy.grants.groups.U0123ABCD (line 7): is not a Slack user group id (S, then uppercase letters and digits, e.g. S0456EFGH; it ends the group's page URL)",
      'policy.grants.channels.#ops (line 9): is not a Slack channel id (C or G, then uppercase letters and digits, e.g. C0789IJKL; channel details → About, at the bottom)',
      'policy.grants.channels.D0DIRECT1 (line 10): is not a Slack channel id (C or G, then uppercase letters and digits, e.g. C0789IJKL; channel details → About, at the bottom)',
    ]);
  });

  it('suggests the setting meant for a misspelt key, in grants and in command rules', () => {
    expect(
      fileProblems('policy:\n  grants:\n    user: {}\n  commands:\n    create: { aproval: false, roles: admin }\n'),
    ).toEqual([
      'policy.grants.user (line 3): is not a known setting — did you mean policy.grants.users?',
      'policy.commands.create.aproval (line 5): is not a known setting — did you mean approval?',
      'policy.commands.create.roles (line 5): is not a known setting — did you mean role?',
    ]);
  });

  it('refuses a command rule that is not a mapping, and an empty channel list', () => {
    expect(
      fileProblems(
        'policy:\n  commands:\n    delete: admin\n    list: { channels: [] }\n    stop: { channels: [ops] }\n',
      ),
    ).toEqual([
      'policy.commands.delete (line 3): must be a mapping of settings, not text',
      'policy.commands.list.channels (line 4): must list at least one channel; leave channels out to allow the command everywhere',
      'policy.commands.stop.channels.0 (line 5): is not a Slack channel id (C or G, then uppercase letters and digits, e.g. C0789IJKL; channel details → About, at the bottom)',
    ]);
  });

  it('has no environment variables, and is skipped by host workers sharing the file', () => {
    const file = files.write(
      'worker:\n  hostId: kvm1\npolicy:\n  defaultRole: operator\napprovals:\n  channel: C0APPROVALS\n',
    );

    expect(Object.keys(loadWorkerConfig({ file, env: {} }))).toEqual(['log', 'redis', 'worker']);
    expect(loadBotConfig({ file, env: bot }).policy.defaultRole).toBe('operator');
  });
});

describe('approvals', () => {
  it('waits 24 hours by default and has no channel until one is set', () => {
    expect(loadBotConfig({ env: bot }).approvals).toEqual({ ttlMs: 86_400_000 });
  });

  it.each([
    ['1s', 1000],
    ['59s', 59_000],
    ['90m', 5_400_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['30d', 2_592_000_000],
  ])('reads ttl %s as %d ms', (ttl, ms) => {
    expect(loadBotConfig({ env: { ...bot, VNETOPS_APPROVAL_TTL: ttl } }).approvals.ttlMs).toBe(ms);
  });

  it.each(['86400000', '1.5h', '24 h', '24H', '1h30m', 'tomorrow'])('refuses ttl %s, showing the format', (ttl) => {
    expect(envProblems({ VNETOPS_APPROVAL_TTL: ttl })).toEqual([
      'approvals.ttl: must be a whole number followed by s, m, h or d, e.g. 30m, 24h or 7d',
    ]);
  });

  it('gives a bare number in the file the format too: nobody can tell its unit', () => {
    expect(fileProblems('approvals:\n  ttl: 3600\n')).toEqual([
      'approvals.ttl (line 2): must be a whole number followed by s, m, h or d, e.g. 30m, 24h or 7d',
    ]);
  });

  it.each(['0s', '0m', '31d', '721h'])('refuses ttl %s, outside 1s-30d', (ttl) => {
    expect(envProblems({ VNETOPS_APPROVAL_TTL: ttl })).toEqual(['approvals.ttl: must be between 1s and 30d']);
  });

  it('takes the channel from the environment over the file', () => {
    const file = files.write('approvals:\n  channel: C0FROMFILE\n  ttl: 2h\n');

    const config = loadBotConfig({ file, env: { ...bot, VNETOPS_APPROVALS_CHANNEL: 'G0FROMENV1' } });

    expect(config.approvals).toEqual({ channel: 'G0FROMENV1', ttlMs: 7_200_000 });
  });

  it('refuses a channel name where the id belongs', () => {
    expect(envProblems({ VNETOPS_APPROVALS_CHANNEL: '#approvals' })).toEqual([
      'approvals.channel: is not a Slack channel id (C or G, then uppercase letters and digits, e.g. C0789IJKL; channel details → About, at the bottom)',
    ]);
  });
});
