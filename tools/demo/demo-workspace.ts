/**
 * The workspace the demo plays in: the local console's people and channels, and the access policy
 * that gives each person a role, so the approval flow and RBAC can be tried for real.
 */
import { DEFAULT_DIRECTORY, FAKE_IDS, type FakeChannel, type FakeTeam, type FakeUser } from '../fake-slack/index.js';

/** The console's workspace. */
export const DEMO_TEAM: FakeTeam = { id: FAKE_IDS.team, name: 'vnetops demo', domain: 'vnetops-demo' };

/** Channel the monitor's alerts go to. */
export const DEMO_ALERTS_CHANNEL = 'CNETALERTS';

/** The console's channels: where commands are typed, where approvals are asked, where alerts arrive. */
export const DEMO_CHANNELS: readonly FakeChannel[] = [
  { id: FAKE_IDS.ops, name: 'ops' },
  { id: FAKE_IDS.approvals, name: 'approvals' },
  { id: DEMO_ALERTS_CHANNEL, name: 'net-alerts' },
];

/** The console's people (the fake workspace's defaults): Rita asks, Alex approves, Vic only looks. */
export const DEMO_PEOPLE: readonly FakeUser[] = DEFAULT_DIRECTORY.users;

/** Each person's role under {@link demoPolicyYaml}, as the console's user switcher shows it. */
export const DEMO_ROLE_LABELS: Readonly<Record<string, string>> = {
  [FAKE_IDS.requester]: 'operator',
  [FAKE_IDS.operator]: 'operator',
  [FAKE_IDS.approver]: 'approver',
  [FAKE_IDS.viewer]: 'viewer',
  [FAKE_IDS.admin]: 'admin',
};

/**
 * The bot's config file for the demo: roles as labelled above (everyone else a viewer), create and
 * delete need an approver (the built-in rule), approvals in #approvals, alerts in #net-alerts.
 */
export function demoPolicyYaml(): string {
  const grants = Object.entries(DEMO_ROLE_LABELS)
    .filter(([, role]) => role !== 'viewer')
    .map(([user, role]) => `      ${user}: ${role}`)
    .join('\n');
  return `policy:
  defaultRole: viewer
  grants:
    users:
${grants}
approvals:
  channel: ${FAKE_IDS.approvals}
  ttl: 1h
alerts:
  channel: ${DEMO_ALERTS_CHANNEL}
  coalesceMs: 1000
`;
}
