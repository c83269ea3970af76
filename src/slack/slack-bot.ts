import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type CustomRoute, HTTPReceiver, LogLevel, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type AlertRouting, MuteStore, compileAlertRouting } from '../alerts/index.js';
import type { ApprovalStore, CompiledPolicy } from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import type { BotConfig } from '../config/index.js';
import { toBoltLogger } from '../log/index.js';
import { REJECT_REASON_FIELD, createNetworkModal, describeCommand, ackMessage, errorMessage, rejectReasonModal, renderBlockKit } from '../notify/index.js';
import type { HostRegistry, JobClient } from '../queue/index.js';
import { AlertFeed } from './alert-feed.js';
import { ApprovalFlow } from './approval-flow.js';
import type { BotMetrics } from './bot-metrics.js';
import { CommandHandler, type SlashCommandInput, newJobId } from './command-handler.js';
import { dialogCommandText, readCreateDialog, validateCreateDialog } from './create-dialog.js';
import { HostChooser } from './host-choice.js';
import { JobRecordStore } from './job-records.js';
import { JobTracker } from './job-tracker.js';
import { QuietGate } from './quiet-gate.js';
import { ReplayGuard } from './replay-guard.js';
import { SlackPoster, slackClientOptions } from './slack-poster.js';
import { UserGroupDirectory } from './user-groups.js';

/** Action and view ids the bot's messages and modals use (the notify renderer sets them). */
export const SLACK_IDS = {
  approve: 'vnet_approve',
  reject: 'vnet_reject',
  rejectReasonView: 'vnet_reject_reason',
  createView: 'vnet_create',
} as const;

/** Everything the Slack side of the bot needs; built by `src/bot.ts` (or a test). */
export interface SlackBotOptions {
  config: BotConfig;
  log: Logger;
  redis: Redis;
  jobs: JobClient;
  registry: HostRegistry;
  approvalStore: ApprovalStore;
  audit: AuditLog;
  policy: CompiledPolicy;
  metrics: BotMetrics;
  /** Overrides `slack.port` (0 = any free port, for tests). */
  port?: number;
  /** How often expired approval requests are swept. Default 15 s. */
  approvalSweepMs?: number;
  /** Longest wait for a job's outcome. Default 10 min. */
  jobTimeoutMs?: number;
  /** The slash command's name as registered in the Slack app. Default `/vnet`. */
  slashCommand?: string;
  /** Alert routing compiled from `config.alerts` (compiled here when absent). */
  alertRouting?: AlertRouting;
  /** Overrides of the alert feed (tests): `config.alerts` timings, and its consumer name in the stream's group (default this machine's host name). */
  alertFeed?: { coalesceMs?: number; burstNetworks?: number; consumer?: string };
}

/** A running bot. */
export interface RunningSlackBot {
  readonly app: App;
  /** The HTTP port it listens on (mode http, or the health/metrics port in socket mode). */
  readonly port: number | undefined;
  /** Stops taking requests, waits for jobs being followed and gathered alerts (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Builds the Bolt app with its listeners and starts it. With `deferInitialization`, `init()` runs
 * `auth.test` first, so a wrong token fails here, clearly, instead of as an unhandled rejection.
 */
export async function startSlackBot(options: SlackBotOptions): Promise<RunningSlackBot> {
  const { config, log, metrics, policy } = options;
  const slack = config.slack;
  const boltLogger = toBoltLogger<LogLevel>(log.child({ component: 'bolt' }));
  const port = options.port ?? slack.port;
  const customRoutes = healthRoutes(options);
  const receiver: Receiver =
    slack.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken ?? '',
          logger: boltLogger,
          customRoutes,
          // The socket client opens its connection through apps.connections.open: same API URL as the bot.
          installerOptions: { port, ...(slack.apiUrl ? { clientOptions: { slackApiUrl: slack.apiUrl } } : {}) },
        })
      : new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: '/slack/events', customRoutes, logger: boltLogger, processBeforeResponse: false });
  const app = new App({
    token: slack.botToken,
    receiver,
    logger: boltLogger,
    logLevel: LogLevel.WARN,
    deferInitialization: true,
    // No listener keeps conversation state, and Bolt's default store costs every request a thrown-and-caught lookup.
    convoStore: false,
    clientOptions: { ...slackClientOptions, ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}) },
  });
  await app.init();

  const poster = new SlackPoster({ client: app.client, log, onRateLimited: (method) => metrics.rateLimitedTotal.inc({ method }) });
  const records = new JobRecordStore(options.redis, config.redis.prefix);
  const tracker = new JobTracker({ jobs: options.jobs, poster, records, audit: options.audit, metrics, log, ...(options.jobTimeoutMs ? { jobTimeoutMs: options.jobTimeoutMs } : {}) });
  const approvals = new ApprovalFlow({ store: options.approvalStore, policy, tracker, jobs: options.jobs, audit: options.audit, metrics, log });
  const groups = new UserGroupDirectory(app.client, Object.keys(config.policy.grants.groups ?? {}), log);
  const chooser = new HostChooser(options.registry, options.jobs);
  const routing = options.alertRouting ?? compileAlertRouting(config.alerts);
  const mutes = routing.enabled ? new MuteStore(options.redis, config.redis.prefix) : undefined;
  const actorOf = async (userId: string, channelId: string): Promise<{ userId: string; channelId: string; userGroups: string[] }> => ({
    userId,
    channelId,
    userGroups: await groups.groupsOf(userId),
  });

  const openCreateDialog = async (input: SlashCommandInput): Promise<void> => {
    const hosts = (await chooser.hosts()).filter((h) => h.up).map((h) => h.hostId);
    const defaultHost = hosts.length === 1 ? hosts[0] : undefined;
    const suggestedSubnet = defaultHost ? await suggestSubnet(options.jobs, defaultHost, input.userId) : undefined;
    await app.client.views.open({
      trigger_id: input.triggerId,
      view: createNetworkModal({ hosts, channelId: input.channelId, ...(defaultHost ? { defaultHost } : {}), ...(suggestedSubnet ? { suggestedSubnet } : {}) }),
    });
  };
  // What a slash command does after its ack waits for the requests in hand to be acked (see QuietGate).
  const gate = new QuietGate();
  const handler = new CommandHandler({
    policy,
    groups,
    guard: new ReplayGuard(options.redis, config.redis.prefix),
    tracker,
    approvals,
    chooser,
    registry: options.registry,
    jobs: options.jobs,
    ...(mutes ? { mutes } : {}),
    records,
    audit: options.audit,
    metrics,
    log,
    openCreateDialog,
    afterAck: () => gate.quiet(),
  });

  app.command(options.slashCommand ?? '/vnet', async ({ command, ack, respond }) => {
    const input: SlashCommandInput = {
      command: command.command,
      text: command.text,
      userId: command.user_id,
      userName: command.user_name,
      channelId: command.channel_id,
      triggerId: command.trigger_id,
    };
    await handler.handle(
      input,
      (body) => (body ? ack({ response_type: 'ephemeral', ...body }) : ack()),
      async (body) => {
        await respond({ response_type: 'ephemeral', ...body });
      },
    );
  });

  app.action(SLACK_IDS.approve, async ({ ack, body, action }) => {
    await ack();
    const approvalId = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const channelId = body.channel?.id ?? '';
    const answer = await approvals.approve(approvalId, await actorOf(body.user.id, channelId));
    if (!answer.ok && channelId) await poster.postEphemeral(channelId, body.user.id, renderBlockKit(errorMessage(answer.message)));
  });

  app.action(SLACK_IDS.reject, async ({ ack, body, action, client }) => {
    await ack();
    const approvalId = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const channelId = body.channel?.id ?? '';
    const answer = await approvals.mayReject(approvalId, await actorOf(body.user.id, channelId));
    if (!answer.ok) {
      if (channelId) await poster.postEphemeral(channelId, body.user.id, renderBlockKit(errorMessage(answer.message)));
      return;
    }
    // Reject asks for a reason, so the requester learns why.
    if ('trigger_id' in body) await client.views.open({ trigger_id: body.trigger_id, view: { ...rejectReasonModal(approvalId), private_metadata: JSON.stringify({ approvalId, channelId }) } });
  });

  app.view(SLACK_IDS.rejectReasonView, async ({ ack, body, view }) => {
    const { approvalId, channelId } = JSON.parse(view.private_metadata || '{}') as { approvalId?: string; channelId?: string };
    const reason = (view.state.values[REJECT_REASON_FIELD.blockId]?.[REJECT_REASON_FIELD.actionId]?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [REJECT_REASON_FIELD.blockId]: 'say why, so the requester knows what to change' } });
      return;
    }
    const answer = await approvals.reject(approvalId ?? '', await actorOf(body.user.id, channelId ?? ''), reason);
    if (!answer.ok) {
      await ack({ response_action: 'errors', errors: { [REJECT_REASON_FIELD.blockId]: answer.message } });
      return;
    }
    await ack();
  });

  app.view(SLACK_IDS.createView, async ({ ack, body, view }) => {
    const { channelId = '' } = JSON.parse(view.private_metadata || '{}') as { channelId?: string };
    const result = validateCreateDialog(readCreateDialog(view.state.values));
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const actor = await actorOf(body.user.id, channelId);
    const decision = policy.authorize(actor, 'create');
    if (!decision.allowed) {
      await ack({ response_action: 'errors', errors: { [Object.keys(view.state.values)[0] ?? 'name']: decision.reason } });
      return;
    }
    await ack();
    const jobId = newJobId();
    const needsApproval = policy.needsApproval('create');
    const command = result.command;
    await poster.postEphemeral(
      channelId,
      body.user.id,
      renderBlockKit(
        ackMessage(
          `Understood: ${describeCommand(command)}.`,
          needsApproval && policy.approvalsChannel ? `Job ${jobId} needs approval; the request goes to <#${policy.approvalsChannel}>.` : `Job ${jobId} is queued.`,
        ),
      ),
    );
    metrics.commandsTotal.inc({ command: 'create', outcome: 'accepted' });
    const input: SlashCommandInput = { command: '', text: dialogCommandText(command), userId: body.user.id, userName: body.user.name, channelId, triggerId: (body as { trigger_id?: string }).trigger_id ?? '' };
    await handler.run(command, { jobId, input, needsApproval }).catch((error: unknown) => log.error({ err: String(error), jobId }, 'could not start a job from the create dialog'));
  });

  app.error((error) => {
    log.error({ err: error.message, code: error.code }, 'a Slack listener failed');
    return Promise.resolve();
  });

  const server = (await app.start(port)) as Server | undefined;
  if (server && typeof server.on === 'function') gate.watch(server);
  const address = server && typeof server.address === 'function' ? (server.address() as AddressInfo | null) : null;
  const sweeper = setInterval(() => {
    approvals.expireDue().catch((error: unknown) => log.warn({ err: String(error) }, 'approval expiry sweep failed'));
  }, options.approvalSweepMs ?? 15_000);
  let feed: AlertFeed | undefined;
  if (mutes) {
    feed = new AlertFeed({
      // Stream reads block: the feed gets a connection of its own.
      // Its errors are logged like the main connection's (ioredis retries by itself); unheard, ioredis prints each to stderr.
      readerConnection: options.redis.duplicate().on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection problem (alert reader)')),
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
  } else {
    log.warn('monitor alerts are off: set alerts.channel (VNETOPS_ALERTS_CHANNEL) or alerts.routes to get them');
  }
  log.info({ mode: slack.mode, port: address?.port, alerts: routing.enabled }, 'vnetops bot ready');

  return {
    app,
    port: address?.port,
    stop: async (graceMs = 10_000) => {
      clearInterval(sweeper);
      await app.stop();
      // Gathered alerts are posted (or left in the stream for the next start) meanwhile, within the same grace.
      await Promise.all([
        feed?.stop(graceMs),
        Promise.race([Promise.all([tracker.settle(), poster.settle()]), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]),
      ]);
    },
  };
}

/** `/healthz` (Redis reachable) and `/metrics` (Prometheus text format). */
function healthRoutes(options: SlackBotOptions): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        options.redis.ping().then(
          () => {
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          },
          (error: unknown) => {
            res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: `redis: ${error instanceof Error ? error.message : String(error)}` }));
          },
        );
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        options.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(text),
          (error: unknown) => res.writeHead(500).end(String(error)),
        );
      },
    },
  ];
}

/** The planner's next free subnet on a host, for the create dialog; undefined if the host is slow to say. */
async function suggestSubnet(jobs: JobClient, hostId: string, userId: string): Promise<string | undefined> {
  try {
    const { jobId } = await jobs.submit(hostId, 'plan', { requestedBy: { userId }, request: { mode: 'isolated', name: 'new-network' } });
    // views.open must follow the command within 3 s: wait at most 1.5 s for the suggestion.
    const outcome = await jobs.waitForOutcome<'plan'>(hostId, jobId, { timeoutMs: 1500 });
    const spec = outcome.ok ? (outcome.result.spec as { ipv4?: { subnet?: string } }) : undefined;
    return spec?.ipv4?.subnet;
  } catch {
    return undefined;
  }
}
