/**
 * Who and what exists in the fake workspace: the team, the bot, people, user groups and channels.
 * Ids follow Slack's shapes (`U…`, `C…`, `S…`, `T…`) so they pass the same validation real ids do.
 */

/** The workspace ("team") the fake plays. */
export interface FakeTeam {
  id: string;
  name: string;
  /** Sub-domain: permalinks and `auth.test`'s url are `https://<domain>.slack.com/…`. */
  domain: string;
}

/** The bot's identity, as `auth.test` reports it. */
export interface FakeBot {
  /** The bot user's id (`U…`): the `user` of every message the bot posts. */
  userId: string;
  /** The bot id (`B…`). */
  botId: string;
  /** The app id (`A…`): `api_app_id` in every payload sent to the bot. */
  appId: string;
  /** The bot user's name. */
  name: string;
}

/** A person in the workspace. */
export interface FakeUser {
  id: string;
  /** Handle (`user_name` in slash commands). */
  name: string;
  /** Full name; defaults to the handle. */
  realName?: string;
  /** Ids of the user groups (`S…`) the user is in (added to the directory's `usergroups`). */
  usergroups?: string[];
}

/** A conversation: a public channel (`C…`) or a direct message with the bot (`D…`). */
export interface FakeChannel {
  id: string;
  name: string;
  /** True for direct messages, which the fake opens when the bot posts to a user id. */
  isIm?: boolean;
  /** For direct messages: the person on the other end. */
  imUserId?: string;
}

/** The whole directory. Every field has a default; see {@link DEFAULT_DIRECTORY}. */
export interface Directory {
  team: FakeTeam;
  bot: FakeBot;
  users: FakeUser[];
  /** User group id → member user ids (users' own `usergroups` count too). */
  usergroups: Record<string, string[]>;
  channels: FakeChannel[];
}

/** The ids of the default directory, for tests to name people and places without string typos. */
export const FAKE_IDS = {
  team: 'TVNETOPS',
  botUser: 'UVNETBOT',
  bot: 'BVNETBOT',
  app: 'AVNETOPS',
  requester: 'UREQUESTER',
  operator: 'UOPERATOR',
  approver: 'UAPPROVER',
  viewer: 'UVIEWER',
  admin: 'UADMIN',
  approvers: 'SAPPROVERS',
  netAdmins: 'SNETADMINS',
  ops: 'COPS',
  approvals: 'CAPPROVALS',
} as const;

/** The directory a fake starts with unless told otherwise. */
export const DEFAULT_DIRECTORY: Readonly<Directory> = Object.freeze({
  team: { id: FAKE_IDS.team, name: 'vnetops test', domain: 'vnetops-test' },
  bot: { userId: FAKE_IDS.botUser, botId: FAKE_IDS.bot, appId: FAKE_IDS.app, name: 'vnetops' },
  users: [
    { id: FAKE_IDS.requester, name: 'rita', realName: 'Rita Requester' },
    { id: FAKE_IDS.operator, name: 'otto', realName: 'Otto Operator' },
    { id: FAKE_IDS.approver, name: 'alex', realName: 'Alex Approver', usergroups: [FAKE_IDS.approvers] },
    { id: FAKE_IDS.viewer, name: 'vic', realName: 'Vic Viewer' },
    { id: FAKE_IDS.admin, name: 'ada', realName: 'Ada Admin', usergroups: [FAKE_IDS.netAdmins, FAKE_IDS.approvers] },
  ],
  usergroups: { [FAKE_IDS.approvers]: [], [FAKE_IDS.netAdmins]: [] },
  channels: [
    { id: FAKE_IDS.ops, name: 'ops' },
    { id: FAKE_IDS.approvals, name: 'approvals' },
  ],
});

/** A fresh, mutable copy of `base` with the given parts replaced (lists and maps are replaced, not merged). */
export function buildDirectory(
  overrides: Partial<Directory> = {},
  base: Readonly<Directory> = DEFAULT_DIRECTORY,
): Directory {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return structuredClone({ ...base, ...defined });
}
