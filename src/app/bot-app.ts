/**
 * The bot's use cases put together: commands, the create dialog, approvals with their expiry
 * sweep, job tracking and the alert feed, over the ports a chat adapter gives (see chat-ports.ts).
 * The adapter calls these; nothing here knows which chat platform it is.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type AlertRouting, MuteStore, compileAlertRouting } from '../alerts/index.js';
import type { ApprovalStore, CompiledPolicy } from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import type { BotConfig } from '../config/index.js';
import { type HostRegistry, type JobClient, MonitorEventWriter } from '../queue/index.js';
import { AlertFeed } from './alert-feed.js';
import { ApprovalFlow, type DecisionAnswer } from './approval-flow.js';
import type { BotMetrics } from './bot-metrics.js';
import type { ChatPorts } from './chat-ports.js';
import { CommandHandler, type Requester } from './command-handler.js';
import { HostChooser } from './host-choice.js';
import { HostWatch } from './host-watch.js';
import { RedisOutageNotice } from './redis-outage.js';
import { JobRecordStore } from './job-records.js';
import { JobTracker } from './job-tracker.js';
import { ReplayGuard } from './replay-guard.js';

/** What the bot's use cases are built from; made by `src/bot.ts` (or a test). */
export interface BotAppOptions {
  config: BotConfig;
  log: Logger;
  redis: Redis;
  jobs: JobClient;
  registry: HostRegistry;
  approvalStore: ApprovalStore;
  audit: AuditLog;
  policy: CompiledPolicy;
  metrics: BotMetrics;
  /** How often expired approval requests are swept. Default 15 s. */
  approvalSweepMs?: number;
  /** Longest wait for a job's outcome. Default 10 min. */
  jobTimeoutMs?: number;
  /** Alert routing compiled from `config.alerts` (compiled here when absent). */
  alertRouting?: AlertRouting;
  /** How often the host registry is checked for hosts gone dark or back (ms). Default 2000. */
  hostWatchMs?: number;
  /** How long Redis may be unreachable before the bot says so in the alert channels (ms). Default 5000. */
  redisOutageGraceMs?: number;
  /** Overrides of the alert feed (tests): `config.alerts` timings, and its consumer name in the stream's group (default this machine's host name). */
  alertFeed?: { coalesceMs?: number; burstNetworks?: number; consumer?: string };
}

/** The running use cases, as a chat adapter calls them. */
export interface BotApp {
  /** Typed commands and the create dialog. */
  readonly commands: CommandHandler;
  /** Whether monitor alerts are posted (an alert channel or routes are configured). */
  readonly alertsEnabled: boolean;
  /** Approve a request (a button). */
  approve(approvalId: string, requester: Requester): Promise<DecisionAnswer>;
  /** Whether `requester` may reject this request (checked before asking them for a reason). */
  mayReject(approvalId: string, requester: Requester): Promise<DecisionAnswer>;
  /** Reject a request with a reason. */
  reject(approvalId: string, requester: Requester, reason: string): Promise<DecisionAnswer>;
  /** Starts the approval expiry sweep, the alert feed and the host watch. */
  start(): Promise<void>;
  /** Stops them, waiting up to `graceMs` for jobs being followed, gathered alerts and message updates. */
  stop(graceMs: number): Promise<void>;
}

/** Builds the bot's use cases over the adapter's `ports`. */
export function createBotApp(options: BotAppOptions, ports: ChatPorts): BotApp {
  const { config, log, metrics, policy } = options;
  const { poster, groups } = ports;
  const records = new JobRecordStore(options.redis, config.redis.prefix);
  const tracker = new JobTracker({
    jobs: options.jobs,
    poster,
    records,
    audit: options.audit,
    metrics,
    log,
    ...(options.jobTimeoutMs ? { jobTimeoutMs: options.jobTimeoutMs } : {}),
  });
  const approvals = new ApprovalFlow({
    store: options.approvalStore,
    policy,
    tracker,
    jobs: options.jobs,
    audit: options.audit,
    metrics,
    log,
  });
  const routing = options.alertRouting ?? compileAlertRouting(config.alerts);
  const mutes = routing.enabled ? new MuteStore(options.redis, config.redis.prefix) : undefined;
  const commands = new CommandHandler({
    policy,
    groups,
    guard: new ReplayGuard(options.redis, config.redis.prefix),
    tracker,
    approvals,
    chooser: new HostChooser(options.registry, options.jobs),
    registry: options.registry,
    jobs: options.jobs,
    ...(mutes ? { mutes } : {}),
    records,
    audit: options.audit,
    metrics,
    log,
    openCreateDialog: (requestId, form) => ports.openCreateDialog(requestId, form),
    ...(ports.afterAck ? { afterAck: ports.afterAck } : {}),
  });
  const actorOf = async (
    requester: Requester,
  ): Promise<{ userId: string; channelId: string; userGroups: string[] }> => ({
    userId: requester.userId,
    channelId: requester.channelId,
    userGroups: await groups.groupsOf(requester.userId),
  });

  let sweeper: NodeJS.Timeout | undefined;
  let feed: AlertFeed | undefined;
  let hostWatch: HostWatch | undefined;
  let redisOutage: RedisOutageNotice | undefined;
  return {
    commands,
    alertsEnabled: mutes !== undefined,
    approve: async (approvalId, requester) => approvals.approve(approvalId, await actorOf(requester)),
    mayReject: async (approvalId, requester) => approvals.mayReject(approvalId, await actorOf(requester)),
    reject: async (approvalId, requester, reason) => approvals.reject(approvalId, await actorOf(requester), reason),
    start: async () => {
      sweeper = setInterval(() => {
        approvals
          .expireDue()
          .catch((error: unknown) => log.warn({ err: String(error) }, 'approval expiry sweep failed'));
      }, options.approvalSweepMs ?? 15_000);
      if (!mutes) {
        log.warn('monitor alerts are off: set alerts.channel (VNETOPS_ALERTS_CHANNEL) or alerts.routes to get them');
        return;
      }
      feed = new AlertFeed({
        // Stream reads block: the feed gets a connection of its own.
        // Its errors are logged like the main connection's (ioredis retries by itself); unheard, ioredis prints each to stderr.
        readerConnection: options.redis
          .duplicate()
          .on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection problem (alert reader)')),
        redis: options.redis,
        prefix: config.redis.prefix,
        routing,
        mutes,
        poster,
        log: log.child({ component: 'alerts' }),
        metrics,
        coalesceMs: options.alertFeed?.coalesceMs ?? config.alerts.coalesceMs,
        burstNetworks: options.alertFeed?.burstNetworks ?? config.alerts.burstNetworks,
        ...(options.alertFeed?.consumer ? { consumer: options.alertFeed.consumer } : {}),
      });
      await feed.start();
      // Whole hosts gone dark or back become monitor events like the workers' own (alerts on only).
      hostWatch = new HostWatch({
        registry: options.registry,
        redis: options.redis,
        prefix: config.redis.prefix,
        writer: new MonitorEventWriter(options.redis, config.redis.prefix),
        log: log.child({ component: 'host-watch' }),
        ...(options.hostWatchMs ? { intervalMs: options.hostWatchMs } : {}),
      });
      hostWatch.start();
      redisOutage = new RedisOutageNotice({
        redis: options.redis,
        poster,
        channels: config.alerts.channel
          ? [config.alerts.channel]
          : [...new Set(config.alerts.routes.map((route) => route.channel))],
        log,
        ...(options.redisOutageGraceMs !== undefined ? { graceMs: options.redisOutageGraceMs } : {}),
      });
      redisOutage.start();
    },
    stop: async (graceMs) => {
      clearInterval(sweeper);
      redisOutage?.stop();
      await hostWatch?.stop();
      // Gathered alerts are posted (or left in the stream for the next start) meanwhile, within the same grace.
      await Promise.all([
        feed?.stop(graceMs),
        Promise.race([
          Promise.all([tracker.settle(), poster.settle()]),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]),
      ]);
    },
  };
}
