/**
 * The Bolt adapter: builds the Bolt app (HTTP receiver or Socket Mode), turns Slack payloads into
 * calls of the bot's use cases (src/app) and renders their answers as Block Kit. What the bot does
 * lives in src/app; this file knows Slack's shapes and nothing more.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, HTTPReceiver, LogLevel, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { BotApp, BotMetrics, ChatPorts } from '../app/index.js';
import type { BotConfig } from '../config/index.js';
import { toBoltLogger } from '../log/index.js';
import {
  APPROVE_ACTION_ID,
  CREATE_MODAL_CALLBACK_ID,
  type Message,
  REJECT_ACTION_ID,
  REJECT_REASON_CALLBACK_ID,
  REJECT_REASON_FIELD,
  createNetworkModal,
  errorMessage,
  rejectReasonModal,
  renderBlockKit,
} from '../notify/index.js';
import { readCreateDialog } from './create-dialog-values.js';
import { QuietGate } from './quiet-gate.js';
import { SlackPoster, slackClientOptions } from './slack-poster.js';
import { UserGroupDirectory } from './user-groups.js';

/** What the Slack adapter needs; built by `src/bot.ts` (or a test). */
export interface SlackBotOptions {
  config: BotConfig;
  log: Logger;
  metrics: BotMetrics;
  /** Builds the bot's use cases over the ports this adapter gives (see `createBotApp`). */
  createApp: (ports: ChatPorts) => BotApp;
  /** Resolves when the bot's backing store answers; `/healthz` says 503 with the reason otherwise. */
  healthCheck: () => Promise<unknown>;
  /** Overrides `slack.port` (0 = any free port, for tests). */
  port?: number;
  /** The slash command's name as registered in the Slack app. Default `/vnet`. */
  slashCommand?: string;
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
  const { config, log, metrics } = options;
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
      : new HTTPReceiver({
          signingSecret: slack.signingSecret,
          endpoints: '/slack/events',
          customRoutes,
          logger: boltLogger,
          processBeforeResponse: false,
        });
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

  const poster = new SlackPoster({
    client: app.client,
    log,
    onRateLimited: (method) => metrics.rateLimitedTotal.inc({ method }),
  });
  // What a slash command does after its ack waits for the requests in hand to be acked (see QuietGate).
  const gate = new QuietGate();
  const bot = options.createApp({
    poster,
    groups: new UserGroupDirectory(app.client, Object.keys(config.policy.grants.groups ?? {}), log),
    openCreateDialog: async (triggerId, form) => {
      await app.client.views.open({ trigger_id: triggerId, view: createNetworkModal(form) });
    },
    afterAck: () => gate.quiet(),
  });

  app.command(options.slashCommand ?? '/vnet', async ({ command, ack, respond }) => {
    await bot.commands.handle(
      {
        command: command.command,
        text: command.text,
        userId: command.user_id,
        userName: command.user_name,
        channelId: command.channel_id,
        requestId: command.trigger_id,
      },
      (message) => (message ? ack({ response_type: 'ephemeral', ...render(message) }) : ack()),
      async (message) => {
        await respond({ response_type: 'ephemeral', ...render(message) });
      },
    );
  });

  app.action(APPROVE_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const channelId = body.channel?.id ?? '';
    const answer = await bot.approve(buttonValue(action), { userId: body.user.id, channelId });
    if (!answer.ok && channelId) await poster.postEphemeral(channelId, body.user.id, errorMessage(answer.refusal));
  });

  app.action(REJECT_ACTION_ID, async ({ ack, body, action, client }) => {
    await ack();
    const approvalId = buttonValue(action);
    const channelId = body.channel?.id ?? '';
    const answer = await bot.mayReject(approvalId, { userId: body.user.id, channelId });
    if (!answer.ok) {
      if (channelId) await poster.postEphemeral(channelId, body.user.id, errorMessage(answer.refusal));
      return;
    }
    // Reject asks for a reason, so the requester learns why.
    if ('trigger_id' in body)
      await client.views.open({
        trigger_id: body.trigger_id,
        view: { ...rejectReasonModal(approvalId), private_metadata: JSON.stringify({ approvalId, channelId }) },
      });
  });

  app.view(REJECT_REASON_CALLBACK_ID, async ({ ack, body, view }) => {
    const { approvalId, channelId } = privateMetadata(view.private_metadata);
    const reason = (view.state.values[REJECT_REASON_FIELD.blockId]?.[REJECT_REASON_FIELD.actionId]?.value ?? '').trim();
    if (!reason) {
      await ack({
        response_action: 'errors',
        errors: { [REJECT_REASON_FIELD.blockId]: 'say why, so the requester knows what to change' },
      });
      return;
    }
    const answer = await bot.reject(approvalId ?? '', { userId: body.user.id, channelId: channelId ?? '' }, reason);
    // A modal's field errors are plain text.
    await (answer.ok
      ? ack()
      : ack({ response_action: 'errors', errors: { [REJECT_REASON_FIELD.blockId]: answer.refusal.plain } }));
  });

  app.view(CREATE_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const { channelId = '' } = privateMetadata(view.private_metadata);
    await bot.commands.submitCreateDialog(
      readCreateDialog(view.state.values),
      { userId: body.user.id, userName: body.user.name, channelId },
      (answer) => (answer.ok ? ack() : ack({ response_action: 'errors', errors: answer.errors })),
    );
  });

  app.error((error) => {
    log.error({ err: error.message, code: error.code }, 'a Slack listener failed');
    return Promise.resolve();
  });

  const server = (await app.start(port)) as Server | undefined;
  if (server && typeof server.on === 'function') gate.watch(server);
  const address = server && typeof server.address === 'function' ? (server.address() as AddressInfo | null) : null;
  await bot.start();
  log.info({ mode: slack.mode, port: address?.port, alerts: bot.alertsEnabled }, 'vnetops bot ready');

  return {
    app,
    port: address?.port,
    stop: async (graceMs = 10_000) => {
      await app.stop();
      await bot.stop(graceMs);
    },
  };
}

/** Block Kit for a message; a message object answered often (help) is rendered once. */
const rendered = new WeakMap<Message, ReturnType<typeof renderBlockKit>>();
function render(message: Message): ReturnType<typeof renderBlockKit> {
  let body = rendered.get(message);
  if (!body) {
    body = renderBlockKit(message);
    rendered.set(message, body);
  }
  return body;
}

/** A button's value (the approval id on approval buttons); '' when it has none. */
function buttonValue(action: unknown): string {
  const value = (action as { value?: unknown }).value;
  return typeof value === 'string' ? value : '';
}

/** The ids a modal carries in `private_metadata` (JSON the bot wrote; read defensively all the same). */
function privateMetadata(text: string | undefined): { approvalId?: string; channelId?: string } {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { approvalId, channelId } = parsed as Record<string, unknown>;
    return {
      ...(typeof approvalId === 'string' ? { approvalId } : {}),
      ...(typeof channelId === 'string' ? { channelId } : {}),
    };
  } catch {
    return {};
  }
}

/** `/healthz` (the backing store reachable) and `/metrics` (Prometheus text format). */
function healthRoutes(options: SlackBotOptions): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        options.healthCheck().then(
          () => {
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
          },
          (error: unknown) => {
            res.writeHead(503, { 'content-type': 'application/json' }).end(
              JSON.stringify({
                ok: false,
                error: `redis: ${error instanceof Error ? error.message : String(error)}`,
              }),
            );
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
