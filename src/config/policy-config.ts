import { z } from 'zod';
import { didYouMean } from '../text/index.js';
import { omittableSection } from './config-sections.js';

/** Access roles, lowest to highest; each has every power of the roles below it. */
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;

/** `policy.defaultRole` value that gives people without a grant no role at all. */
export const NO_ROLE = 'none';

/** Slack member ids: `U…`, or `W…` on Enterprise Grid. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,31}$/;
/** Slack user group ids. */
export const SLACK_GROUP_ID = /^S[A-Z0-9]{2,31}$/;
/** Slack conversation ids a policy can name: public (`C…`) and private (`G…`) channels. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,31}$/;

/** What a person is told when a Slack id has the wrong shape, and where to copy the right one. */
export const SLACK_ID_HINTS = {
  user: 'is not a Slack member id (U or W, then uppercase letters and digits, e.g. U0123ABCD; profile → ⋮ → Copy member ID)',
  group:
    "is not a Slack user group id (S, then uppercase letters and digits, e.g. S0456EFGH; it ends the group's page URL)",
  channel:
    'is not a Slack channel id (C or G, then uppercase letters and digits, e.g. C0789IJKL; channel details → About, at the bottom)',
} as const;

const role = z.enum(ROLES);

/** A mapping from Slack ids of one kind to roles; keys of the wrong shape are reported one by one. */
function grantTable(idShape: RegExp, hint: string): z.ZodDefault<z.ZodRecord<z.ZodString, typeof role>> {
  return z
    .record(z.string().regex(idShape), role, { error: (issue) => (issue.code === 'invalid_key' ? hint : undefined) })
    .default({});
}

const channelList = z
  .array(z.string().regex(SLACK_CHANNEL_ID, SLACK_ID_HINTS.channel))
  .min(1, 'must list at least one channel; leave channels out to allow the command everywhere');

const commandRuleShape = {
  role: role.optional(),
  approval: z.boolean().optional(),
  channels: channelList.optional(),
};
const commandRuleKeys = Object.keys(commandRuleShape);

/**
 * One command's override. Unknown keys are reported here rather than by the loader, whose "did you
 * mean" cannot see inside a mapping keyed by command names.
 */
const commandRule = z
  .looseObject(commandRuleShape)
  .superRefine((rule, context) => {
    for (const key of Object.keys(rule).filter((key) => !commandRuleKeys.includes(key))) {
      const suggestion = didYouMean(key, commandRuleKeys);
      context.addIssue({
        code: 'custom',
        path: [key],
        message:
          suggestion === undefined
            ? `is not a known setting — known here: ${commandRuleKeys.join(', ')}`
            : `is not a known setting — did you mean ${suggestion}?`,
      });
    }
  })
  .transform(({ role, approval, channels }) => ({
    ...(role === undefined ? {} : { role }),
    ...(approval === undefined ? {} : { approval }),
    ...(channels === undefined ? {} : { channels }),
  }));

/**
 * Who may do what. Only the shape is checked here: command names are checked against the command
 * grammar when the bot compiles the policy (`compilePolicy` in src/approvals), since config must not
 * depend on the command module.
 */
export const policySection = z
  .strictObject({
    defaultRole: z
      .enum([...ROLES, NO_ROLE])
      .default('viewer')
      .meta({ description: `Role everyone has without a grant; ${NO_ROLE} gives nothing.` }),
    grants: z
      .strictObject({
        users: grantTable(SLACK_USER_ID, SLACK_ID_HINTS.user).meta({
          description: 'Slack member id → role. The highest of all grants that apply wins.',
        }),
        groups: grantTable(SLACK_GROUP_ID, SLACK_ID_HINTS.group).meta({
          description: 'Slack user group id → role, for every member of the group.',
        }),
        channels: grantTable(SLACK_CHANNEL_ID, SLACK_ID_HINTS.channel).meta({
          description: 'Slack channel id → role, for anyone running commands in that channel.',
        }),
      })
      .apply(omittableSection)
      .meta({ description: 'Roles granted on top of defaultRole.' }),
    commands: z.record(z.string(), commandRule).default({}).meta({
      description:
        'Command name → overrides of its built-in rule: role (needed), approval (true/false), channels (where allowed).',
    }),
  })
  .apply(omittableSection)
  .meta({ description: 'Who may run which /vnet command, where, and which need approval (config file only).' });
