import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { ApprovalStore, compilePolicy } from '../../../src/approvals/index.js';
import { AuditLog } from '../../../src/audit/index.js';
import { type BotConfig, loadBotConfig } from '../../../src/config/index.js';
import { FakeSlack } from '../../../src/fake-slack/index.js';
import { HostRegistry, JobClient, type RedisLocation, createRedisConnection } from '../../../src/queue/index.js';
import type { SandboxHost } from '../../../src/sandbox/sandbox-host.js';
import { type RunningSlackBot, createBotMetrics, startSlackBot } from '../../../src/slack/index.js';

/** Slack ids of the people and channels the bot tests use. */
export const PEOPLE = {
  admin: 'UADMIN01',
  operator: 'UOPER001',
  approver: 'UAPPR001',
  approver2: 'UAPPR002',
  viewer: 'UVIEW001',
} as const;
export const CHANNELS = { ops: 'COPS0001', approvals: 'CAPPR001', alerts: 'CALRT001', labAlerts: 'CALRT002', healthAlerts: 'CALRT003' } as const;

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

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
export async function startTestFakeSlack(rateLimits?: ConstructorParameters<typeof FakeSlack>[0]['rateLimits']): Promise<FakeSlack> {
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

/** A real bot (Bolt HTTP receiver on a free port) wired to a fake Slack and a sandbox host's Redis. */
export interface BotStack {
  fake: FakeSlack;
  bot: RunningSlackBot;
  config: BotConfig;
  redis: Redis;
  jobs: JobClient;
  prefix: string;
  stop(): Promise<void>;
}

/** Where the stack's Redis is: a sandbox host's (its socket), or a URL such as redis://127.0.0.1:6379 for tests without a host. */
export type BotStackRedis = Pick<SandboxHost, 'redisSocketPath'> | { redisUrl: string };

/** The Redis location of a {@link BotStackRedis}. */
export function redisLocationOf(target: BotStackRedis): RedisLocation {
  return 'redisUrl' in target ? { url: target.redisUrl } : { socketPath: target.redisSocketPath };
}

/** Starts the fake Slack and the bot against `host`'s Redis; the worker is the caller's. */
export async function startBotStack(
  host: BotStackRedis,
  options: {
    prefix: string;
    approvalTtl?: string;
    approvalSweepMs?: number;
    rateLimits?: ConstructorParameters<typeof FakeSlack>[0]['rateLimits'];
    socketMode?: boolean;
    /** Monitor alerts: the default channel, the burst window, and extra YAML under `alerts:` (routes). */
    alerts?: { channel?: string; coalesceMs?: number; burstNetworks?: number; routesYaml?: string };
    /** Passed to startSlackBot as is (e.g. the feed's consumer name). */
    alertFeed?: { coalesceMs?: number; burstNetworks?: number; consumer?: string };
    /** A fake Slack to use instead of a new one; the caller closes it. */
    fake?: FakeSlack;
    /** Approvals channel instead of the test one (e.g. one the fake does not have). */
    approvalsChannel?: string;
  },
): Promise<BotStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-bot-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, policyYaml(options.approvalTtl ?? '24h') + (options.alerts?.routesYaml ? `alerts:\n${options.alerts.routesYaml}` : ''));
  const alerts = options.alerts;
  const ownFake = options.fake === undefined;
  const fake = options.fake ?? (await startTestFakeSlack(options.rateLimits));
  const location = redisLocationOf(host);
  const config = loadBotConfig({
    file,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VNETOPS_SLACK_API_URL: fake.apiUrl,
      ...('socketPath' in location ? { VNETOPS_REDIS_SOCKET: location.socketPath } : { VNETOPS_REDIS_URL: location.url }),
      VNETOPS_REDIS_PREFIX: options.prefix,
      VNETOPS_LOG_LEVEL: 'silent',
      ...(options.socketMode ? { VNETOPS_SLACK_MODE: 'socket', SLACK_APP_TOKEN: fake.appToken } : {}),
      ...(alerts?.channel ? { VNETOPS_ALERTS_CHANNEL: alerts.channel } : {}),
      ...(options.approvalsChannel ? { VNETOPS_APPROVALS_CHANNEL: options.approvalsChannel } : {}),
      ...(alerts?.coalesceMs !== undefined ? { VNETOPS_ALERT_COALESCE_MS: String(alerts.coalesceMs) } : {}),
      ...(alerts?.burstNetworks !== undefined ? { VNETOPS_ALERT_BURST_NETWORKS: String(alerts.burstNetworks) } : {}),
    },
  });
  const redis = createRedisConnection(location, 'client');
  const registry = new HostRegistry(redis, options.prefix, 3000);
  const jobs = new JobClient({ redis: location, connection: redis, prefix: options.prefix, registry });
  const bot = await startSlackBot({
    config,
    log: pino({ level: process.env.VNETOPS_TEST_BOT_LOG ?? 'silent' }),
    redis,
    jobs,
    registry,
    approvalStore: new ApprovalStore(redis, options.prefix),
    audit: new AuditLog(redis, options.prefix),
    policy: compilePolicy(config),
    metrics: createBotMetrics({ defaults: false }),
    port: 0,
    approvalSweepMs: options.approvalSweepMs ?? 100,
    ...(options.alertFeed ? { alertFeed: options.alertFeed } : {}),
  });
  // In Socket Mode the fake sends requests over the bot's websocket instead.
  if (!options.socketMode) fake.setRequestUrl(`http://127.0.0.1:${bot.port}/slack/events`);
  return {
    fake,
    bot,
    config,
    redis,
    jobs,
    prefix: options.prefix,
    stop: async () => {
      await bot.stop(5000);
      await jobs.close();
      if (ownFake) await fake.close();
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh key prefix per test file. */
export function newPrefix(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}`;
}
