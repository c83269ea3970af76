/**
 * The bot process: reads its config (defaults → VNETOPS_CONFIG file → environment), connects Redis,
 * and serves Slack (HTTP receiver on slack.port with /slack/events, /healthz and /metrics, or Socket
 * Mode) until SIGTERM/SIGINT. The only place that builds the bot's concrete objects.
 *   SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… node dist/src/bot.js
 */
import { compileAlertRouting } from './alerts/index.js';
import { ApprovalStore, compilePolicy } from './approvals/index.js';
import { AuditLog } from './audit/index.js';
import { ConfigError, DEFAULT_REDIS_URL, loadBotConfig } from './config/index.js';
import { createLogger } from './log/index.js';
import {
  HostRegistry,
  JobClient,
  JobKeyError,
  type RedisLocation,
  createRedisConnection,
  loadJobSigner,
} from './queue/index.js';
import { createBotApp, createBotMetrics } from './app/index.js';
import { startSlackBot } from './slack/index.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  let policy;
  let alertRouting;
  let signer;
  try {
    config = loadBotConfig();
    policy = compilePolicy(config);
    alertRouting = compileAlertRouting(config.alerts);
    signer = loadJobSigner(config.signing);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof JobKeyError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ level: config.log.level, name: 'vnetops-bot' });
  const redisLocation: RedisLocation =
    config.redis.socketPath !== undefined
      ? { socketPath: config.redis.socketPath }
      : { url: config.redis.url ?? DEFAULT_REDIS_URL };
  const onRedisError = (error: Error): void => log.warn({ err: error.message }, 'redis connection problem');
  const redis = createRedisConnection(redisLocation, 'client', {}, onRedisError);
  const registry = new HostRegistry(redis, config.redis.prefix);
  const jobs = new JobClient({
    redis: redisLocation,
    connection: redis,
    prefix: config.redis.prefix,
    registry,
    signer,
    jobTtlMs: config.signing.jobTtlMs,
    onConnectionError: onRedisError,
  });
  let bot;
  try {
    const metrics = createBotMetrics();
    const approvalStore = new ApprovalStore(redis, config.redis.prefix);
    const audit = new AuditLog(redis, config.redis.prefix);
    bot = await startSlackBot({
      config,
      log,
      metrics,
      healthCheck: () => redis.ping(),
      createApp: (ports) =>
        createBotApp(
          { config, log, redis, jobs, registry, approvalStore, audit, policy, alertRouting, metrics },
          ports,
        ),
    });
  } catch (error) {
    // Name the likely cause: Slack refusing the token, or Redis not answering, or else whatever it was.
    const message = error instanceof Error ? error.message : String(error);
    const hint = /invalid_auth|not_authed|account_inactive|token_revoked|token_expired/.test(message)
      ? 'Slack refused the token: check SLACK_BOT_TOKEN'
      : /max retries per request|ECONNREFUSED|ENOENT|Connection is closed/i.test(message)
        ? 'Redis did not answer: check VNETOPS_REDIS_URL / VNETOPS_REDIS_SOCKET'
        : 'check SLACK_BOT_TOKEN, the Slack API URL and Redis';
    log.fatal({ err: message }, `cannot start the Slack bot: ${hint}`);
    await jobs.close();
    redis.disconnect();
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    bot
      .stop(SHUTDOWN_GRACE_MS)
      .then(() => jobs.close())
      .then(
        () => {
          redis.disconnect();
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
