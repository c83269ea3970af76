import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RateLimit, RateLimiter } from './rate-limiter.js';
import { slackSignatureHeaders } from './request-signing.js';
import { type EphemeralMessage, type FakeChannel, type FakeUser, type RecordedCall, type StoredMessage, type StoredView, TsClock } from './workspace-state.js';

/** Options of {@link FakeSlack}. */
export interface FakeSlackOptions {
  /** The app's signing secret: requests to the bot are signed with it. */
  signingSecret: string;
  /** The bot token the Web API accepts (anything else is `invalid_auth`). */
  botToken: string;
  users?: FakeUser[];
  channels?: FakeChannel[];
  /** User group id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** Rate limits by Web API method; none by default. */
  rateLimits?: Record<string, RateLimit>;
  /** Port to listen on (127.0.0.1); default any free port. */
  port?: number;
}

/** The bot's HTTP answer to a request the fake sent it. */
export interface BotAnswer {
  status: number;
  body: string;
}

const TEAM = { id: 'TFAKE0001', domain: 'vnetops-fake' };
const BOT = { userId: 'UBOT00001', botId: 'BBOT00001', appId: 'AFAKE0001' };
/** Slack honours a trigger id for 3 s, once. */
const TRIGGER_TTL_MS = 3000;
/** A response_url takes 5 posts within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const MAX_TEXT = 40_000;

/** Thrown by the Web API handlers for an `ok: false` answer. */
class SlackApiError extends Error {}

/**
 * A local stand-in for Slack, faithful to its documented payloads. As the **Web API**, it answers the
 * bot's calls (`apiUrl`) and `response_url` posts, keeping channels, threads, ephemeral messages,
 * modals and files, with optional rate limits (429 + `Retry-After`). As the **Slack client**, it
 * sends the bot HMAC-signed slash commands, button clicks and modal submissions, exactly as Slack
 * would. Emits `change` after every change to its state and `call` for every Web API call.
 */
export class FakeSlack extends EventEmitter {
  private server?: Server;
  private requestUrl?: string;
  private readonly clock = new TsClock();
  private readonly limiter: RateLimiter;
  private readonly users: Map<string, FakeUser>;
  private readonly channels: Map<string, FakeChannel>;
  private readonly channelMessages = new Map<string, StoredMessage[]>();
  private readonly ephemeralMessages: EphemeralMessage[] = [];
  private readonly views = new Map<string, StoredView>();
  private readonly triggers = new Map<string, { user: string; issuedAt: number; used: boolean }>();
  private readonly responseUrls = new Map<string, { channel: string; user: string; messageTs?: string; uses: number; issuedAt: number }>();
  private readonly uploads = new Map<string, { name: string; title?: string; content: string }>();
  private readonly recorded: RecordedCall[] = [];
  /** How many 429s the fake has answered. */
  rateLimitedCount = 0;

  constructor(private readonly options: FakeSlackOptions) {
    super();
    this.setMaxListeners(0);
    this.limiter = new RateLimiter(options.rateLimits ?? {});
    this.users = new Map((options.users ?? []).map((u) => [u.id, u]));
    this.channels = new Map((options.channels ?? []).map((c) => [c.id, c]));
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** `http://127.0.0.1:PORT` */
  get baseUrl(): string {
    if (!this.server) throw new Error('the fake Slack is not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where the bot's WebClient should send Web API calls (`slackApiUrl`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** The bot's request URL (`…/slack/events`), where signed requests go. */
  setRequestUrl(url: string): void {
    this.requestUrl = url;
  }

  /** Stops listening. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** Web API calls so far, optionally of one method. */
  calls(method?: string): RecordedCall[] {
    return method ? this.recorded.filter((c) => c.method === method) : [...this.recorded];
  }

  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): StoredMessage[] {
    return (this.channelMessages.get(channel) ?? []).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
  }

  /** Replies in a thread, oldest first. */
  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return (this.channelMessages.get(channel) ?? []).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** Ephemeral messages shown to a person. */
  ephemerals(user: string): EphemeralMessage[] {
    return this.ephemeralMessages.filter((m) => m.user === user);
  }

  /** Modals open for a person. */
  openViews(user: string): StoredView[] {
    return [...this.views.values()].filter((v) => v.user === user && v.open);
  }

  /**
   * Resolves with the first truthy value `check` returns, evaluated now and after every change to
   * the fake's state; rejects after `timeoutMs`.
   */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (!value) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const onChange = (): void => {
        attempt();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the fake Slack did not reach the awaited state within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('change', onChange);
      };
      this.on('change', onChange);
      attempt();
    });
  }

  // ---- playing the user ------------------------------------------------------------------------

  /** Types a slash command, as Slack sends it to the app. */
  async slashCommand(p: { userId: string; channelId: string; text: string; command?: string }): Promise<BotAnswer & { triggerId: string; responseUrl: string }> {
    const triggerId = this.issueTrigger(p.userId);
    const responseUrl = this.issueResponseUrl(p.channelId, p.userId);
    const body = new URLSearchParams({
      token: 'fake-verification-token',
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: p.channelId,
      channel_name: this.channels.get(p.channelId)?.name ?? 'unknown',
      user_id: p.userId,
      user_name: this.users.get(p.userId)?.name ?? p.userId.toLowerCase(),
      command: p.command ?? '/vnet',
      text: p.text,
      api_app_id: BOT.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    const answer = await this.postToBot(body, this.signRequest(body));
    if (answer.status === 200 && answer.body.trim().startsWith('{')) this.applyResponse(responseUrl, JSON.parse(answer.body) as Record<string, unknown>, false);
    return { ...answer, triggerId, responseUrl };
  }

  /** Clicks a button in a message; the button must be there, as a person can only click what is shown. */
  async clickButton(p: { userId: string; channelId: string; messageTs: string; actionId: string; value?: string }): Promise<BotAnswer> {
    const message = (this.channelMessages.get(p.channelId) ?? []).find((m) => m.ts === p.messageTs);
    if (!message) throw new Error(`no message ${p.messageTs} in ${p.channelId}`);
    const found = findButton(message.blocks ?? [], p.actionId, p.value);
    if (!found) throw new Error(`message ${p.messageTs} shows no button ${p.actionId}`);
    const user = this.users.get(p.userId);
    const payload = {
      type: 'block_actions',
      user: { id: p.userId, username: user?.name ?? p.userId, name: user?.name ?? p.userId, team_id: TEAM.id },
      api_app_id: BOT.appId,
      token: 'fake-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: p.channelId, is_ephemeral: false },
      trigger_id: this.issueTrigger(p.userId),
      team: TEAM,
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: p.channelId, name: this.channels.get(p.channelId)?.name ?? 'unknown' },
      message,
      state: { values: {} },
      response_url: this.issueResponseUrl(p.channelId, p.userId, message.ts),
      actions: [{ ...found.button, block_id: found.blockId, action_ts: this.clock.next() }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.postToBot(body, this.signRequest(body));
  }

  /**
   * Submits an open modal. `values` is block id → action id → the value typed or the option value
   * chosen; the fake shapes it per element type as Slack does. Resolves with the bot's answer (an
   * empty answer closes the modal; `response_action: errors` keeps it open with the errors).
   */
  async submitView(p: { userId: string; viewId: string; values: Record<string, Record<string, string>> }): Promise<Record<string, unknown>> {
    const view = this.views.get(p.viewId);
    if (!view || !view.open || view.user !== p.userId) throw new Error(`no open view ${p.viewId} for ${p.userId}`);
    const state: Record<string, Record<string, unknown>> = {};
    for (const [blockId, actions] of Object.entries(p.values)) {
      for (const [actionId, value] of Object.entries(actions)) {
        const element = findInputElement(view.blocks, blockId, actionId);
        const type = element?.type ?? 'plain_text_input';
        const chosen = type === 'static_select' ? element?.options?.find((o) => o.value === value) : undefined;
        (state[blockId] ??= {})[actionId] =
          type === 'static_select' ? { type, selected_option: chosen ?? null } : { type, value: value === '' ? null : value };
      }
    }
    const user = this.users.get(p.userId);
    const payload = {
      type: 'view_submission',
      team: TEAM,
      user: { id: p.userId, username: user?.name ?? p.userId, name: user?.name ?? p.userId, team_id: TEAM.id },
      api_app_id: BOT.appId,
      token: 'fake-verification-token',
      trigger_id: this.issueTrigger(p.userId),
      view: {
        id: view.id,
        team_id: TEAM.id,
        type: view.type,
        blocks: view.blocks,
        private_metadata: view.private_metadata,
        callback_id: view.callback_id,
        state: { values: state },
        hash: view.hash,
        title: view.title,
        app_id: BOT.appId,
        bot_id: BOT.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const answer = await this.postToBot(body, this.signRequest(body));
    if (answer.status !== 200) throw new Error(`the bot answered the view submission with ${answer.status}: ${answer.body}`);
    const response = answer.body.trim() ? (JSON.parse(answer.body) as Record<string, unknown>) : {};
    if (response.response_action === 'errors') view.errors = response.errors as Record<string, string>;
    else if (response.response_action === 'update' && response.view) Object.assign(view, viewFields(response.view as Record<string, unknown>), { errors: undefined });
    else view.open = false;
    this.changed();
    return response;
  }

  /** Slack's signature headers for a body (defaults: now, the configured secret). */
  signRequest(body: string, options: { timestamp?: number; secret?: string } = {}): Record<string, string> {
    return slackSignatureHeaders(options.secret ?? this.options.signingSecret, body, options.timestamp);
  }

  /** Posts a raw form body to the bot with the given headers (for forged, stale or replayed requests). */
  async postToBot(body: string, headers: Record<string, string>): Promise<BotAnswer> {
    if (!this.requestUrl) throw new Error('setRequestUrl() first: the fake does not know where the bot is');
    const response = await fetch(this.requestUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    return { status: response.status, body: await response.text() };
  }

  // ---- serving ---------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/api/')) return this.serveApi(url.pathname.slice('/api/'.length), req, raw, res);
    if (url.pathname.startsWith('/response/')) return this.serveResponseUrl(url.pathname.slice('/response/'.length), raw, res);
    if (url.pathname.startsWith('/upload/')) {
      const upload = this.uploads.get(url.pathname.slice('/upload/'.length));
      if (!upload) return void res.writeHead(404).end();
      upload.content = extractUploadContent(raw, req.headers['content-type']);
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
    }
    res.writeHead(404).end();
  }

  private serveApi(method: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const args = parseArgs(raw, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (typeof args.token === 'string' ? args.token : undefined);
    const answer = (status: number, response: Record<string, unknown>, headers: Record<string, string> = {}): void => {
      const { token: _token, ...shownArgs } = args;
      this.recorded.push({ method, args: shownArgs, status, response, at: Date.now() });
      this.emit('call', this.recorded[this.recorded.length - 1]);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(response));
      this.changed();
    };
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    if (token !== this.options.botToken) return answer(200, { ok: false, error: 'invalid_auth' });
    const wait = this.limiter.take(method, typeof args.channel === 'string' ? args.channel : undefined);
    if (wait !== undefined) {
      this.rateLimitedCount++;
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    }
    try {
      answer(200, { ok: true, ...this.callMethod(method, args) });
    } catch (error) {
      if (error instanceof SlackApiError) return answer(200, { ok: false, error: error.message });
      throw error;
    }
  }

  private callMethod(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { url: `https://${TEAM.domain}.slack.com/`, team: TEAM.domain, user: 'vnetops', team_id: TEAM.id, user_id: BOT.userId, bot_id: BOT.botId, is_enterprise_install: false };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'chat.delete': {
        const list = this.channelMessages.get(this.channelOf(args)) ?? [];
        const index = list.findIndex((m) => m.ts === args.ts);
        if (index < 0) throw new SlackApiError('message_not_found');
        list.splice(index, 1);
        return { channel: args.channel, ts: args.ts };
      }
      case 'chat.postEphemeral': {
        const channel = this.channelOf(args);
        const user = stringArg(args.user, '');
        if (!this.users.has(user)) throw new SlackApiError('user_not_in_channel');
        const { text, blocks } = messageContent(args);
        const ts = this.clock.next();
        this.ephemeralMessages.push({ channel, user, ts, text, ...(blocks ? { blocks } : {}), ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}) });
        return { message_ts: ts };
      }
      case 'chat.getPermalink':
        return { channel: args.channel, permalink: `https://${TEAM.domain}.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}` };
      case 'views.open':
      case 'views.push':
        return { view: this.openView(args) };
      case 'views.update': {
        const view = this.views.get(stringArg(args.view_id, ''));
        if (!view) throw new SlackApiError('not_found');
        if (typeof args.hash === 'string' && args.hash !== view.hash) throw new SlackApiError('hash_conflict');
        Object.assign(view, viewFields(parseJson(args.view)), { hash: randomHash(), errors: undefined });
        return { view };
      }
      case 'conversations.info': {
        const channel = this.channels.get(stringArg(args.channel, ''));
        if (!channel) throw new SlackApiError('channel_not_found');
        return { channel: { id: channel.id, name: channel.name, is_channel: true, is_member: true } };
      }
      case 'users.info': {
        const user = this.users.get(stringArg(args.user, ''));
        if (!user) throw new SlackApiError('user_not_found');
        return { user: { id: user.id, name: user.name, real_name: user.realName ?? user.name, team_id: TEAM.id, is_bot: false } };
      }
      case 'usergroups.users.list': {
        const members = this.options.usergroups?.[stringArg(args.usergroup, '')];
        if (!members) throw new SlackApiError('no_such_subteam');
        return { users: members };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        this.uploads.set(id, { name: stringArg(args.filename, 'file'), content: '' });
        return { upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.channelOf(args);
    const { text, blocks } = messageContent(args);
    const ts = this.clock.next();
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const message: StoredMessage = { type: 'message', channel, ts, text, user: BOT.userId, bot_id: BOT.botId, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) };
    this.store(channel, message);
    return { channel, ts, message };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = this.channelOf(args);
    const message = (this.channelMessages.get(channel) ?? []).find((m) => m.ts === args.ts);
    if (!message) throw new SlackApiError('message_not_found');
    if (message.bot_id !== BOT.botId) throw new SlackApiError('cant_update_message');
    const { text, blocks } = messageContent(args);
    message.text = text;
    if (blocks) message.blocks = blocks;
    message.edited = { user: BOT.userId, ts: this.clock.next() };
    this.emit('message', { kind: 'updated', message });
    return { channel, ts: message.ts, text, message };
  }

  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    const files = parseJson(args.files) as unknown as { id: string; title?: string }[];
    const channel = typeof args.channel_id === 'string' ? this.channelOf({ channel: args.channel_id }) : undefined;
    const shared = files.map((f) => {
      const upload = this.uploads.get(f.id);
      if (!upload) throw new SlackApiError('file_not_found');
      return { id: f.id, name: upload.name, content: upload.content, ...(f.title ? { title: f.title } : {}) };
    });
    if (channel) {
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      this.store(channel, {
        type: 'message',
        channel,
        ts: this.clock.next(),
        text: typeof args.initial_comment === 'string' ? args.initial_comment : '',
        user: BOT.userId,
        bot_id: BOT.botId,
        files: shared,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    }
    return { files: shared.map(({ id, name, title }) => ({ id, name, title })) };
  }

  private openView(args: Record<string, unknown>): StoredView {
    const triggerId = stringArg(args.trigger_id, '');
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (trigger.used || Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
    trigger.used = true;
    const view: StoredView = { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, hash: randomHash(), user: trigger.user, open: true, ...viewFields(parseJson(args.view)) };
    this.views.set(view.id, view);
    this.emit('view', view);
    return view;
  }

  private serveResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const entry = this.responseUrls.get(id);
    if (!entry || entry.uses >= RESPONSE_URL_USES || Date.now() - entry.issuedAt > RESPONSE_URL_TTL_MS) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('used_url');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      return;
    }
    this.applyResponse(`${this.baseUrl}/response/${id}`, body, true);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }

  /** Applies a response (to a response_url, or a slash command's HTTP answer) the way Slack shows it. */
  private applyResponse(responseUrl: string, body: Record<string, unknown>, countUse: boolean): void {
    const entry = this.responseUrls.get(responseUrl.slice(responseUrl.lastIndexOf('/') + 1));
    if (!entry) return;
    if (countUse) entry.uses++;
    const { text, blocks } = { text: typeof body.text === 'string' ? body.text : '', blocks: Array.isArray(body.blocks) ? (body.blocks as unknown[]) : undefined };
    if (!text && !blocks) return;
    const original = entry.messageTs ? (this.channelMessages.get(entry.channel) ?? []).find((m) => m.ts === entry.messageTs) : undefined;
    if (original && body.delete_original === true) {
      const list = this.channelMessages.get(entry.channel) ?? [];
      list.splice(list.indexOf(original), 1);
    } else if (original && body.replace_original === true) {
      original.text = text;
      if (blocks) original.blocks = blocks;
    } else if (body.response_type === 'in_channel') {
      this.store(entry.channel, { type: 'message', channel: entry.channel, ts: this.clock.next(), text, user: BOT.userId, bot_id: BOT.botId, ...(blocks ? { blocks } : {}) });
    } else {
      this.ephemeralMessages.push({ channel: entry.channel, user: entry.user, ts: this.clock.next(), text, ...(blocks ? { blocks } : {}) });
    }
    this.changed();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private store(channel: string, message: StoredMessage): void {
    const list = this.channelMessages.get(channel) ?? [];
    list.push(message);
    this.channelMessages.set(channel, list);
    if (message.thread_ts) {
      const parent = list.find((m) => m.ts === message.thread_ts);
      if (parent) {
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.thread_ts ??= parent.ts;
      }
    }
    this.emit('message', { kind: 'posted', message });
  }

  private channelOf(args: Record<string, unknown>): string {
    const given = stringArg(args.channel, '');
    if (this.channels.has(given)) return given;
    const byName = [...this.channels.values()].find((c) => `#${c.name}` === given || c.name === given);
    if (byName) return byName.id;
    throw new SlackApiError('channel_not_found');
  }

  private issueTrigger(user: string): string {
    const id = `${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: Date.now(), used: false });
    return id;
  }

  private issueResponseUrl(channel: string, user: string, messageTs?: string): string {
    const id = randomBytes(12).toString('hex');
    this.responseUrls.set(id, { channel, user, uses: 0, issuedAt: Date.now(), ...(messageTs ? { messageTs } : {}) });
    return `${this.baseUrl}/response/${id}`;
  }

  private changed(): void {
    this.emit('change');
  }
}

/** A string argument, or the fallback when it is missing or not a string. */
function stringArg(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function randomHash(): string {
  return `${Date.now()}.${randomBytes(4).toString('hex')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Web API arguments: form-encoded (objects arrive as JSON strings, as WebClient sends them) or JSON. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

function parseJson(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw new SlackApiError('invalid_arguments');
    }
  }
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  throw new SlackApiError('invalid_arguments');
}

/** A message's text and blocks, checked as Slack checks them. */
function messageContent(args: Record<string, unknown>): { text: string; blocks?: unknown[] } {
  const text = typeof args.text === 'string' ? args.text : '';
  let blocks: unknown[] | undefined;
  if (args.blocks !== undefined) {
    const parsed = typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as unknown) : args.blocks;
    if (!Array.isArray(parsed) || parsed.some((b) => !b || typeof b !== 'object' || typeof (b as { type?: unknown }).type !== 'string')) {
      throw new SlackApiError('invalid_blocks');
    }
    if (parsed.length > 50) throw new SlackApiError('invalid_blocks');
    blocks = parsed;
  }
  if (!text && !blocks?.length) throw new SlackApiError('no_text');
  if (text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
  return { text, ...(blocks ? { blocks } : {}) };
}

function viewFields(view: Record<string, unknown>): Omit<StoredView, 'id' | 'hash' | 'user' | 'open'> {
  if (!Array.isArray(view.blocks) || typeof view.type !== 'string') throw new SlackApiError('invalid_arguments');
  return {
    type: view.type,
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    title: view.title,
    submit: view.submit,
    close: view.close,
    blocks: view.blocks as unknown[],
  };
}

interface ButtonElement {
  type: string;
  action_id?: string;
  value?: string;
  text?: unknown;
  style?: string;
}

/** A button with this action id (and value, if given) anywhere in the blocks. */
function findButton(blocks: unknown[], actionId: string, value?: string): { button: ButtonElement; blockId: string } | undefined {
  for (const block of blocks as { type?: string; block_id?: string; elements?: ButtonElement[]; accessory?: ButtonElement }[]) {
    const candidates = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
    const button = candidates.find((e) => e.type === 'button' && e.action_id === actionId && (value === undefined || e.value === value));
    if (button) return { button, blockId: block.block_id ?? randomBytes(3).toString('hex') };
  }
  return undefined;
}

/** The input element of a view with this block and action id. */
function findInputElement(blocks: unknown[], blockId: string, actionId: string): { type: string; options?: { value: string }[] } | undefined {
  const block = (blocks as { block_id?: string; element?: { type: string; action_id?: string; options?: { value: string }[] } }[]).find((b) => b.block_id === blockId);
  return block?.element?.action_id === actionId ? block.element : undefined;
}

/** The file content of an upload: a multipart form's file part, or the raw body. */
function extractUploadContent(raw: string, contentType: string | undefined): string {
  const boundary = /boundary=(.+)$/.exec(contentType ?? '')?.[1];
  if (!boundary) return raw;
  const part = raw.split(`--${boundary}`).find((p) => /filename=/.test(p));
  if (!part) return raw;
  return part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
}
