import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { ApprovalStore, compilePolicy } from '../../../src/approvals/index.js';
import { AuditLog } from '../../../src/audit/index.js';
import { type BotConfig, loadBotConfig } from '../../../src/config/index.js';
import type { FakeSlack } from '../../../tools/fake-slack/index.js';
import {
  HostRegistry,
  JobClient,
  type RedisLocation,
  createRedisConnection,
  loadJobSigner,
} from '../../../src/queue/index.js';
import type { SandboxHost } from '../../../tools/sandbox/sandbox-host.js';
import {
  BOT_TOKEN,
  SIGNING_SECRET,
  TEST_JOB_KEYS,
  policyYaml,
  startTestFakeSlack,
} from '../../../tools/test-workspace.js';
import { createBotApp, createBotMetrics } from '../../../src/app/index.js';
import { type RunningSlackBot, startSlackBot } from '../../../src/slack/index.js';

// The test workspace (people, channels, credentials, policy, fake Slack) lives under tools/, where the benches use it too.
export {
  BOT_TOKEN,
  CHANNELS,
  PEOPLE,
  SIGNING_SECRET,
  TEST_JOB_KEYS,
  newPrefix,
  testJobSigner,
  policyYaml,
  startTestFakeSlack,
} from '../../../tools/test-workspace.js';

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
    /** How often the bot checks the host registry for hosts gone dark or back. Default 250 ms. */
    hostWatchMs?: number;
    /** How long Redis may be away before the bot says so. Default the bot's (5 s). */
    redisOutageGraceMs?: number;
    rateLimits?: ConstructorParameters<typeof FakeSlack>[0]['rateLimits'];
    socketMode?: boolean;
    /** Monitor alerts: the default channel, the burst window, and extra YAML under `alerts:` (routes). */
    alerts?: { channel?: string; coalesceMs?: number; burstNetworks?: number; routesYaml?: string };
    /** Passed to createBotApp as is (e.g. the feed's consumer name). */
    alertFeed?: { coalesceMs?: number; burstNetworks?: number; consumer?: string };
    /** A fake Slack to use instead of a new one; the caller closes it. */
    fake?: FakeSlack;
    /** Approvals channel instead of the test one (e.g. one the fake does not have). */
    approvalsChannel?: string;
  },
): Promise<BotStack> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-bot-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    policyYaml(options.approvalTtl ?? '24h') +
      (options.alerts?.routesYaml ? `alerts:\n${options.alerts.routesYaml}` : ''),
  );
  const alerts = options.alerts;
  const ownFake = options.fake === undefined;
  const fake = options.fake ?? (await startTestFakeSlack(options.rateLimits));
  const location = redisLocationOf(host);
  const config = loadBotConfig({
    file,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      VNETOPS_JOB_SIGNING_KEY: TEST_JOB_KEYS.privateKey,
      VNETOPS_SLACK_API_URL: fake.apiUrl,
      ...('socketPath' in location
        ? { VNETOPS_REDIS_SOCKET: location.socketPath }
        : { VNETOPS_REDIS_URL: location.url }),
      VNETOPS_REDIS_PREFIX: options.prefix,
      VNETOPS_LOG_LEVEL: 'silent',
      ...(options.socketMode ? { VNETOPS_SLACK_MODE: 'socket', SLACK_APP_TOKEN: fake.appToken } : {}),
      ...(alerts?.channel ? { VNETOPS_ALERTS_CHANNEL: alerts.channel } : {}),
      ...(options.approvalsChannel ? { VNETOPS_APPROVALS_CHANNEL: options.approvalsChannel } : {}),
      ...(alerts?.coalesceMs !== undefined ? { VNETOPS_ALERT_COALESCE_MS: String(alerts.coalesceMs) } : {}),
      ...(alerts?.burstNetworks !== undefined ? { VNETOPS_ALERT_BURST_NETWORKS: String(alerts.burstNetworks) } : {}),
    },
  });
  // Connection errors are the tests' business (some stop Redis on purpose): kept off stderr.
  const redis = createRedisConnection(location, 'client', {}, () => undefined);
  const registry = new HostRegistry(redis, options.prefix, 3000);
  const jobs = new JobClient({
    redis: location,
    connection: redis,
    prefix: options.prefix,
    registry,
    signer: loadJobSigner(config.signing),
    jobTtlMs: config.signing.jobTtlMs,
  });
  const log = pino({ level: process.env.VNETOPS_TEST_BOT_LOG ?? 'silent' });
  const metrics = createBotMetrics({ defaults: false });
  const policy = compilePolicy(config);
  const approvalStore = new ApprovalStore(redis, options.prefix);
  const audit = new AuditLog(redis, options.prefix);
  const bot = await startSlackBot({
    config,
    log,
    metrics,
    port: 0,
    healthCheck: () => redis.ping(),
    createApp: (ports) =>
      createBotApp(
        {
          config,
          log,
          redis,
          jobs,
          registry,
          approvalStore,
          audit,
          policy,
          metrics,
          approvalSweepMs: options.approvalSweepMs ?? 100,
          hostWatchMs: options.hostWatchMs ?? 250,
          ...(options.redisOutageGraceMs !== undefined ? { redisOutageGraceMs: options.redisOutageGraceMs } : {}),
          ...(options.alertFeed ? { alertFeed: options.alertFeed } : {}),
        },
        ports,
      ),
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
