/**
 * The workspace the tests, benches and their fake Slack share: people and channels, the policy they
 * run under, and the Slack credentials given to both the bot and the fake. The credentials are not
 * secrets: they only ever meet a fake on loopback.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { JobSigner, parseKey } from '../src/contract/index.js';
import { FakeSlack } from './fake-slack/index.js';

/** The signing secret requests to the bot are signed with. */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
/** The bot token the fake Slack's Web API accepts. */
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

/**
 * TEST-ONLY job-signing key pair (Ed25519, base64 DER), made afresh once per test process and handed
 * to the bots and workers it starts. Never a deployment's key: it exists only in this process's memory
 * and the environment of its children.
 */
export const TEST_JOB_KEYS: { readonly privateKey: string; readonly publicKey: string } = (() => {
  const pair = generateKeyPairSync('ed25519');
  return {
    privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
})();

/** A signer with the {@link TEST_JOB_KEYS}, for tests and benches that submit jobs without a bot. */
export function testJobSigner(): JobSigner {
  return new JobSigner(parseKey(TEST_JOB_KEYS.privateKey, 'private'));
}

/**
 * The approval tests that submit jobs straight through a JobClient sign into their jobs: they stand
 * in for the bot after an approver approved (workers refuse create and delete without one).
 */
export const TEST_APPROVAL = { id: 'test-approval', decidedBy: 'UAPPR001' } as const;

/** Slack ids of the people and channels the bot tests use. */
export const PEOPLE = {
  admin: 'UADMIN01',
  operator: 'UOPER001',
  approver: 'UAPPR001',
  approver2: 'UAPPR002',
  viewer: 'UVIEW001',
} as const;
export const CHANNELS = {
  ops: 'COPS0001',
  approvals: 'CAPPR001',
  alerts: 'CALRT001',
  labAlerts: 'CALRT002',
  healthAlerts: 'CALRT003',
} as const;

/** The policy the tests run under. */
export function policyYaml(approvalTtl: string): string {
  return `policy:
  defaultRole: viewer
  grants:
    users:
      ${PEOPLE.admin}: admin
      ${PEOPLE.operator}: operator
      ${PEOPLE.approver}: approver
      ${PEOPLE.approver2}: approver
approvals:
  channel: ${CHANNELS.approvals}
  ttl: ${approvalTtl}
`;
}

/** Starts a fake Slack with the test people and channels, signing with the test secret. */
export async function startTestFakeSlack(
  rateLimits?: ConstructorParameters<typeof FakeSlack>[0]['rateLimits'],
): Promise<FakeSlack> {
  const fake = new FakeSlack({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: Object.entries(PEOPLE).map(([name, id]) => ({ id, name })),
    channels: [
      { id: CHANNELS.ops, name: 'ops' },
      { id: CHANNELS.approvals, name: 'approvals' },
      { id: CHANNELS.alerts, name: 'net-alerts' },
      { id: CHANNELS.labAlerts, name: 'lab-alerts' },
      { id: CHANNELS.healthAlerts, name: 'health-alerts' },
    ],
    ...(rateLimits ? { rateLimits } : {}),
  });
  await fake.start();
  return fake;
}

/** A fresh key prefix per test file. */
export function newPrefix(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}`;
}
