import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buttonsIn, checkModal } from './block-kit.js';
import { buildDirectory, type FakeBot, type FakeChannel, type FakeTeam, type FakeUser } from './directory.js';
import { FakeSlackError } from './fake-slack-error.js';
import {
  blockActionsPayload,
  slashCommandFields,
  viewStateValues,
  viewSubmissionPayload,
  type Actor,
  type SubmittedValues,
} from './interaction-payloads.js';
import { applyMessageResponse, type MessageResponse } from './message-response.js';
import { RateLimiter, type RateLimitConfig } from './rate-limiter.js';
import { parseApiArguments, parseUploadBytes, readBody } from './request-body.js';
import { slackSignatureHeaders } from './request-signing.js';
import { SocketModeServer, type EnvelopeType } from './socket-mode-server.js';
import { callWebApi, type WebApiContext } from './web-api.js';
import type {
  EphemeralMessage,
  RecordedCall,
  ResponseUrlRecord,
  StoredMessage,
  StoredView,
  WorkspaceState,
} from './workspace-state.js';
import { MAX_VIEW_STACK, WorkspaceStore, slackView, type WorkspaceEvents } from './workspace-store.js';

/** Options of {@link FakeSlack}; every one has a default. */
export interface FakeSlackOptions {
  /** The app's signing secret, used to sign requests to the bot. Default `fake-signing-secret`. */
  signingSecret?: string;
  /** The bot token the Web API accepts (any other token is `invalid_auth`). Default `xoxb-fake-bot-token`. */
  botToken?: string;
  /** The app-level token `apps.connections.open` accepts. Default `xapp-1-fake-app-token`. */
  appToken?: string;
  /** The legacy verification token put in payloads. Default `fake-verification-token`. */
  verificationToken?: string;
  /** The workspace. Default: DEFAULT_DIRECTORY's. */
  team?: FakeTeam;
  /** The bot's identity. Default: DEFAULT_DIRECTORY's. */
  bot?: FakeBot;
  /** People (replacing the default ones). */
  users?: FakeUser[];
  /** Channels (replacing the default ones). */
  channels?: FakeChannel[];
  /** User group id → member user ids (replacing the default groups). */
  usergroups?: Record<string, string[]>;
  /** Rate limits by Web API method; none by default. */
  rateLimits?: RateLimitConfig;
  /** The bot's request URL (`http://127.0.0.1:PORT/slack/events`); can be set later with setRequestUrl. */
  requestUrl?: string;
  /** Port on 127.0.0.1 to listen on. Default 0 (any free port). */
  port?: number;
  /** Clock in epoch milliseconds (trigger and response_url expiry, message ts, signatures). Default `Date.now`. */
  now?: () => number;
  /** How long the bot has to answer an interaction, as Slack allows. Default 3000 ms. */
  ackTimeoutMs?: number;
  /**
   * Refuse, as Slack's client does, to submit a view with an empty required input. Default false, so
   * tests can also reach the bot's own checks of empty fields.
   */
  requireInputs?: boolean;
  /**
   * Serves requests outside Slack's own paths (`/api/`, `/response/`, `/upload/`), e.g. a web console;
   * resolves true when it answered. Without one, such requests get 404.
   */
  extraRoutes?: ExtraRoutes;
}

/** A handler for requests the fake does not serve itself; resolves true when it answered the request. */
export type ExtraRoutes = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: Buffer,
) => Promise<boolean>;

/** The bot's HTTP answer to a request the fake sent it. */
export interface BotAnswer {
  status: number;
  body: string;
  /** Response headers (lower-case names); empty for Socket Mode acks. */
  headers: Record<string, string>;
}

/** The result of a slash command or button click: the bot's ack and the ids it was handed. */
export interface InteractionResult {
  status: number;
  body: string;
  responseUrl: string;
  triggerId: string;
}

/** What a view submission led to on the person's screen. */
export type ViewSubmissionOutcome = 'closed' | 'errors' | 'updated' | 'pushed' | 'cleared' | 'failed';

/** The result of submitting a view. */
export interface ViewSubmissionResult {
  status: number;
  body: string;
  outcome: ViewSubmissionOutcome;
  /** Field errors (block id → message) when the outcome is `errors`. */
  errors?: Record<string, string>;
  triggerId: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A local stand-in for Slack. Server side, it is the Web API the bot calls (`apiUrl`), the
 * response_urls and upload URLs it hands out, and a Socket Mode endpoint; everything lands in a
 * {@link WorkspaceStore}. Client side, it plays the people: signed slash commands, button clicks and
 * view submissions sent to the bot exactly as Slack sends them. Listens on 127.0.0.1 only.
 */
export class FakeSlack {
  /** The workspace: state, events (`call`, `message`, `view`) and queries. */
  readonly store: WorkspaceStore;
  /** The secret requests to the bot are signed with (give the bot the same). */
  readonly signingSecret: string;
  /** The bot token the Web API accepts (give the bot the same). */
  readonly botToken: string;
  /** The app-level token for Socket Mode's `apps.connections.open`. */
  readonly appToken: string;
  /** The legacy verification token in payloads. */
  readonly verificationToken: string;
  private requestUrl: string | undefined;
  private readonly ackTimeoutMs: number;
  private readonly requireInputs: boolean;
  private readonly port: number;
  private readonly http: Server;
  private readonly socketMode: SocketModeServer;
  private readonly webApi: WebApiContext;
  private origin: string | undefined;
  private extraRoutes: ExtraRoutes | undefined;

  /** A fake Slack that is not listening yet: `await start()`. */
  constructor(options: FakeSlackOptions) {
    this.signingSecret = options.signingSecret ?? 'fake-signing-secret';
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-1-fake-app-token';
    this.verificationToken = options.verificationToken ?? 'fake-verification-token';
    this.requestUrl = options.requestUrl;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    this.requireInputs = options.requireInputs ?? false;
    this.port = options.port ?? 0;
    this.extraRoutes = options.extraRoutes;
    const { team, bot, users, channels, usergroups } = options;
    this.store = new WorkspaceStore(
      buildDirectory({ team, bot, users, channels, usergroups }),
      options.now ?? Date.now,
    );
    this.http = createServer((request, response) => void this.route(request, response));
    this.socketMode = new SocketModeServer(this.http, () => this.baseUrl, this.store.state.directory.bot.appId);
    this.webApi = {
      store: this.store,
      botToken: this.botToken,
      appToken: this.appToken,
      rateLimiter: new RateLimiter(options.rateLimits ?? {}, this.store.now),
      uploadUrl: (fileId) => `${this.baseUrl}/upload/v1/${fileId}`,
      socketUrl: () => this.socketMode.connectionUrl(),
    };
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.port, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.origin = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:PORT`: base of response_urls, upload URLs and the Socket Mode endpoint. */
  get baseUrl(): string {
    if (this.origin === undefined) throw new FakeSlackError('the fake Slack is not started (await fake.start())');
    return this.origin;
  }

  /** The Web API base to give the bot (`clientOptions: { slackApiUrl }`); ends with `/`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Tells the fake where the bot's HTTP receiver listens (`http://127.0.0.1:PORT/slack/events`). */
  setRequestUrl(url: string): void {
    this.requestUrl = url;
  }

  /** Sets (or replaces) the handler of requests outside Slack's own paths; see {@link FakeSlackOptions.extraRoutes}. */
  setExtraRoutes(routes: ExtraRoutes): void {
    this.extraRoutes = routes;
  }

  /** Stops the server, closes Socket Mode connections and fails envelopes still waiting for an ack. */
  async close(): Promise<void> {
    if (this.origin === undefined) return;
    this.origin = undefined;
    await this.socketMode.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ── playing the people ──────────────────────────────────────────────────────────────────────

  /** A person runs a slash command in a channel; the ack's message body is shown as Slack shows it. */
  async slashCommand(input: {
    userId: string;
    channelId: string;
    text?: string;
    command?: string;
  }): Promise<InteractionResult> {
    const { fields, triggerId, responseUrl } = this.issueSlashCommand(input);
    const answer = await this.deliver('slash_commands', fields, new URLSearchParams(fields).toString(), true);
    if (answer.status === 200) this.showCommandAck(responseUrl, answer.body);
    return { status: answer.status, body: answer.body, responseUrl: responseUrl.url, triggerId };
  }

  /**
   * The form fields Slack posts for a slash command, with a trigger id and response_url issued for
   * it, for a client of the caller's own to send: form-encoded and signed ({@link signRequest}) at the
   * moment it is sent, as Slack does. {@link slashCommand} is this plus sending.
   */
  prepareSlashCommand(input: { userId: string; channelId: string; text?: string; command?: string }): {
    fields: Record<string, string>;
    triggerId: string;
    responseUrl: string;
  } {
    const { fields, triggerId, responseUrl } = this.issueSlashCommand(input);
    return { fields, triggerId, responseUrl: responseUrl.url };
  }

  /**
   * A person clicks a button on a message they can see (in the channel, or ephemeral to them).
   * Throws when no such button is on that message: nobody can click what is not shown.
   */
  async clickButton(input: {
    userId: string;
    channelId: string;
    messageTs: string;
    actionId: string;
    value?: string;
  }): Promise<InteractionResult> {
    const actor = this.actor(input.userId);
    const channel = this.knownChannel(input.channelId);
    const message: StoredMessage | EphemeralMessage | undefined =
      this.store.findMessage(channel.id, input.messageTs) ??
      this.store
        .ephemerals(actor.user.id)
        .find((candidate) => candidate.ts === input.messageTs && candidate.channel === channel.id);
    if (!message) throw new FakeSlackError(`${actor.user.id} sees no message ${input.messageTs} in ${channel.id}`);
    const buttons = buttonsIn(message.blocks);
    const button = buttons.find(
      (candidate) =>
        candidate.actionId === input.actionId && (input.value === undefined || candidate.value === input.value),
    );
    if (!button) {
      const shown =
        buttons
          .map((candidate) => `${candidate.actionId}${candidate.value === undefined ? '' : `=${candidate.value}`}`)
          .join(', ') || 'none';
      throw new FakeSlackError(
        `message ${input.messageTs} in ${channel.id} shows no button ${input.actionId}${input.value === undefined ? '' : `=${input.value}`} (buttons: ${shown})`,
      );
    }
    const ephemeral = 'is_ephemeral' in message;
    const threadTs = message.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : null;
    const triggerId = this.store.issueTrigger(actor.user.id);
    const responseUrl = this.store.issueResponseUrl(this.baseUrl, {
      source: 'block_actions',
      userId: actor.user.id,
      channelId: channel.id,
      message: { ts: message.ts, ephemeral, threadTs },
    });
    const payload = blockActionsPayload(actor, channel, message, button, {
      triggerId,
      responseUrl: responseUrl.url,
      now: this.store.now(),
    });
    const answer = await this.deliver(
      'interactive',
      payload,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      false,
    );
    return { status: answer.status, body: answer.body, responseUrl: responseUrl.url, triggerId };
  }

  /**
   * A person fills in and submits the view on top of their screen (`viewId` defaults to it). The
   * bot's answer is applied: empty closes the view, `errors` keeps it open with the errors recorded,
   * `update`/`push`/`clear` change the stack.
   */
  async submitView(input: {
    userId: string;
    viewId?: string;
    values?: SubmittedValues;
  }): Promise<ViewSubmissionResult> {
    const actor = this.actor(input.userId);
    const top = this.store.openViews(actor.user.id).at(-1);
    if (!top) throw new FakeSlackError(`${actor.user.id} has no view open`);
    if (input.viewId !== undefined && input.viewId !== top.id)
      throw new FakeSlackError(
        `view ${input.viewId} is not the one on top of ${actor.user.id}'s screen (${top.id} is)`,
      );
    top.state = { values: viewStateValues(top, input.values ?? {}, { requireInputs: this.requireInputs }) };
    const triggerId = this.store.issueTrigger(actor.user.id, top.id);
    const payload = viewSubmissionPayload(actor, slackView(top), triggerId);
    const answer = await this.deliver(
      'interactive',
      payload,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      true,
    );
    return { status: answer.status, body: answer.body, triggerId, ...this.applyViewAnswer(top, answer) };
  }

  /** A person writes a message in a channel (or, with `threadTs`, in a thread): something the bot did not post. */
  postAsUser(input: { userId: string; channelId: string; text: string; threadTs?: string }): StoredMessage {
    const actor = this.actor(input.userId);
    const channel = this.knownChannel(input.channelId);
    return this.store.postMessage(
      channel.id,
      { text: input.text, ...(input.threadTs ? { threadTs: input.threadTs } : {}) },
      actor.user.id,
    );
  }

  // ── low level ───────────────────────────────────────────────────────────────────────────────

  /** Slack's signature headers for `body` (timestamp: now; secret: the configured one unless forging). */
  signRequest(body: string, options: { timestamp?: number; secret?: string } = {}): Record<string, string> {
    return slackSignatureHeaders(
      options.secret ?? this.signingSecret,
      body,
      options.timestamp ?? Math.floor(this.store.now() / 1000),
    );
  }

  /** POSTs a raw form body to the bot's request URL with the given headers (for forged, stale or replayed requests). */
  async postToBot(body: string, headers: Record<string, string>): Promise<BotAnswer> {
    if (!this.requestUrl)
      throw new FakeSlackError('no request URL: tell the fake where the bot listens (setRequestUrl)');
    let response: Response;
    try {
      response = await fetch(this.requestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
        signal: AbortSignal.timeout(this.ackTimeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new FakeSlackError(
        timedOut
          ? `the bot did not answer within ${this.ackTimeoutMs} ms`
          : `cannot reach the bot at ${this.requestUrl}: ${String(error)}`,
      );
    }
    return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
  }

  // ── queries and directory (delegated to the store) ──────────────────────────────────────────

  /** Recorded Web API calls, oldest first (of one method when given). */
  calls(method?: string): RecordedCall[] {
    return this.store.calls(method);
  }

  /** A channel's visible messages, oldest first. */
  messages(channelId: string): StoredMessage[] {
    return this.store.messages(channelId);
  }

  /** Replies in a thread, oldest first, without the parent. */
  threadReplies(channelId: string, threadTs: string): StoredMessage[] {
    return this.store.threadReplies(channelId, threadTs);
  }

  /** Ephemeral messages shown to a person, oldest first. */
  ephemerals(userId: string): EphemeralMessage[] {
    return this.store.ephemerals(userId);
  }

  /** Views open for a person, root first. */
  openViews(userId: string): StoredView[] {
    return this.store.openViews(userId);
  }

  /** How many 429s the fake has answered (per method: `store.rateLimitedCount(method)`). */
  get rateLimitedCount(): number {
    return this.store.rateLimitedCount();
  }

  /** Resolves with the first truthy value of `predicate`, re-checked on every store event. */
  waitFor<T>(
    predicate: (store: WorkspaceStore) => T,
    timeoutMs?: number,
    description?: string,
  ): Promise<NonNullable<T>> {
    return this.store.waitFor(predicate, timeoutMs, description);
  }

  /** Subscribes to the store's `call`, `message` and `view` events. */
  on<E extends keyof WorkspaceEvents>(event: E, listener: (...args: WorkspaceEvents[E]) => void): this {
    this.store.on(event, listener as never);
    return this;
  }

  /** A deep copy of the whole state. */
  snapshot(): WorkspaceState {
    return this.store.snapshot();
  }

  /** Adds (or replaces) a person. */
  addUser(user: FakeUser): FakeUser {
    return this.store.addUser(user);
  }

  /** Adds a channel. */
  addChannel(channel: FakeChannel): FakeChannel {
    return this.store.addChannel(channel);
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private actor(userId: string): Actor {
    const user = this.store.user(userId);
    if (!user) throw new FakeSlackError(`no user ${userId} in the fake workspace (addUser first)`);
    return { directory: this.store.state.directory, user, verificationToken: this.verificationToken };
  }

  private knownChannel(channelId: string): FakeChannel {
    const channel = this.store.channel(channelId);
    if (!channel) throw new FakeSlackError(`no channel ${channelId} in the fake workspace (addChannel first)`);
    return channel;
  }

  /** Sends an interaction over Socket Mode when an app is connected that way, else as a signed HTTP request. */
  private async deliver(
    type: EnvelopeType,
    payload: unknown,
    formBody: string,
    acceptsResponsePayload: boolean,
  ): Promise<BotAnswer> {
    if (this.socketMode.connected) {
      const ack = await this.socketMode.send(type, payload, acceptsResponsePayload, this.ackTimeoutMs);
      return { status: 200, body: ack.payload === undefined ? '' : JSON.stringify(ack.payload), headers: {} };
    }
    return this.postToBot(formBody, this.signRequest(formBody));
  }

  private issueSlashCommand(input: { userId: string; channelId: string; text?: string; command?: string }): {
    fields: Record<string, string>;
    triggerId: string;
    responseUrl: ResponseUrlRecord;
  } {
    const actor = this.actor(input.userId);
    const channel = this.knownChannel(input.channelId);
    const triggerId = this.store.issueTrigger(actor.user.id);
    const responseUrl = this.store.issueResponseUrl(this.baseUrl, {
      source: 'slash_command',
      userId: actor.user.id,
      channelId: channel.id,
      message: null,
    });
    const fields = slashCommandFields(actor, channel, {
      command: input.command ?? '/vnet',
      text: input.text ?? '',
      responseUrl: responseUrl.url,
      triggerId,
    });
    return { fields, triggerId, responseUrl };
  }

  /** Slack shows a slash command's ack body: JSON as a message response, plain text as an ephemeral. */
  private showCommandAck(record: ResponseUrlRecord, body: string): void {
    if (body.trim() === '') return;
    const json = parseJsonObject(body);
    const response: MessageResponse | undefined = json ? json : { text: body };
    if (response.text === undefined && response.blocks === undefined) return;
    applyMessageResponse(this.store, record, response, 'ack');
  }

  private applyViewAnswer(top: StoredView, answer: BotAnswer): Pick<ViewSubmissionResult, 'outcome' | 'errors'> {
    if (answer.status !== 200) return { outcome: 'failed' };
    const userId = top.user;
    const json = answer.body.trim() === '' ? {} : parseJsonObject(answer.body);
    if (!json) return { outcome: 'failed' };
    switch (json.response_action) {
      case undefined:
        this.store.closeTopView(userId);
        return { outcome: 'closed' };
      case 'errors': {
        const errors = (typeof json.errors === 'object' && json.errors !== null ? json.errors : {}) as Record<
          string,
          string
        >;
        this.store.setViewErrors(top.id, errors);
        return { outcome: 'errors', errors };
      }
      case 'update': {
        const definition = checkModal(json.view);
        if (!definition) return { outcome: 'failed' };
        this.store.updateView(top.id, definition);
        return { outcome: 'updated' };
      }
      case 'push': {
        const definition = checkModal(json.view);
        if (!definition || this.store.openViews(userId).length >= MAX_VIEW_STACK) return { outcome: 'failed' };
        this.store.pushView(userId, definition);
        return { outcome: 'pushed' };
      }
      case 'clear':
        this.store.clearViews(userId);
        return { outcome: 'cleared' };
      default:
        return { outcome: 'failed' };
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(request);
      if (url.pathname.startsWith('/api/')) {
        const args = await parseApiArguments(request, body, url.searchParams);
        const answer = callWebApi(
          this.webApi,
          decodeURIComponent(url.pathname.slice('/api/'.length)),
          args,
          request.headers.authorization,
        );
        response.writeHead(answer.status, {
          ...JSON_HEADERS,
          ...(answer.retryAfter !== undefined ? { 'Retry-After': String(answer.retryAfter) } : {}),
        });
        response.end(JSON.stringify(answer.body));
      } else if (request.method === 'POST' && url.pathname.startsWith('/response/')) {
        this.answerResponseUrl(url.pathname.slice('/response/'.length), body, response);
      } else if (request.method === 'POST' && url.pathname.startsWith('/upload/v1/')) {
        const file = this.store.state.files[url.pathname.slice('/upload/v1/'.length)];
        if (!file) {
          response.writeHead(404, { 'Content-Type': 'text/plain' }).end('file_not_found');
          return;
        }
        const bytes = await parseUploadBytes(request, body);
        this.store.receiveUpload(file.id, bytes);
        response.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${bytes.length}`);
      } else if (!(this.extraRoutes && (await this.extraRoutes(request, response, url, body)))) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not_found');
      }
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(`fake-slack: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private answerResponseUrl(id: string, body: Buffer, response: ServerResponse): void {
    const record = this.store.state.responseUrls[id];
    const json = parseJsonObject(body.toString('utf8'));
    const answer = !record
      ? { status: 404, body: { ok: false, error: 'invalid_url' } }
      : !json
        ? { status: 400, body: { ok: false, error: 'invalid_payload' } }
        : applyMessageResponse(this.store, record, json, 'response_url');
    response.writeHead(answer.status, JSON_HEADERS).end(JSON.stringify(answer.body));
  }
}
