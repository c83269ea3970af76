import type { AnyBlock } from '@slack/types';
import { checkBlocks, checkModal, type ModalDefinition } from './block-kit.js';
import type { FakeChannel } from './directory.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SharedFile, StoredMessage } from './workspace-state.js';
import { MAX_VIEW_STACK, type WorkspaceStore } from './workspace-store.js';

/**
 * The Web API methods the fake serves, one table of handlers behind one dispatch path that does what
 * every Slack method does first: method lookup, authentication, rate limiting, recording the call.
 */

/** Slack's limit on a message's text. */
export const MAX_TEXT_LENGTH = 40_000;

/** What a handler needs besides the store. */
export interface WebApiContext {
  store: WorkspaceStore;
  /** Tokens the fake accepts: the bot token for most methods, the app token for Socket Mode. */
  botToken: string;
  appToken: string;
  rateLimiter: RateLimiter;
  /** Upload URL for a new file. */
  uploadUrl(fileId: string): string;
  /** A fresh Socket Mode websocket URL. */
  socketUrl(): string;
}

/** The HTTP answer to a Web API call. */
export interface WebApiAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Seconds, for the `Retry-After` header of a 429. */
  retryAfter?: number;
}

type Args = Record<string, unknown>;

/** A Slack error answer (`{ok:false, error}`), thrown by handlers. */
class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

interface MethodSpec {
  /** Which token the method takes: a bot token (`xoxb-`) or an app-level token (`xapp-`). */
  token: 'bot' | 'app';
  handle(args: Args, context: WebApiContext): Record<string, unknown>;
}

// ── argument helpers ─────────────────────────────────────────────────────────────────────────────

function optionalString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

function requiredString(args: Args, name: string, error = 'invalid_arguments'): string {
  const value = optionalString(args, name);
  if (value === undefined)
    throw new SlackApiError(error, error === 'invalid_arguments' ? [`[ERROR] missing required field: ${name}`] : []);
  return value;
}

function flag(args: Args, name: string): boolean {
  return args[name] === true || args[name] === 'true' || args[name] === '1' || args[name] === 1;
}

function channelArg(args: Args, context: WebApiContext, name = 'channel'): FakeChannel {
  const reference = optionalString(args, name);
  const channel = reference === undefined ? undefined : context.store.resolveChannel(reference);
  if (!channel) throw new SlackApiError('channel_not_found');
  return channel;
}

/** A message's text and blocks, checked as Slack checks them (blocks stay undefined when not given). */
function messageContent(
  args: Args,
  { textRequired }: { textRequired: boolean },
): { text: string; blocks?: AnyBlock[] } {
  let blocks: AnyBlock[] | undefined;
  if (args.blocks !== undefined && args.blocks !== '') {
    const check = checkBlocks(args.blocks);
    if (!check.ok) throw new SlackApiError(check.error, check.messages);
    blocks = check.blocks;
  }
  const text = optionalString(args, 'text');
  if (
    text === undefined &&
    (blocks === undefined || blocks.length === 0) &&
    args.attachments === undefined &&
    textRequired
  )
    throw new SlackApiError('no_text');
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) throw new SlackApiError('msg_too_long');
  return { text: text ?? '', ...(blocks ? { blocks } : {}) };
}

function botMessage(message: StoredMessage | undefined, context: WebApiContext, cannot: string): StoredMessage {
  if (!message) throw new SlackApiError('message_not_found');
  if (message.user !== context.store.state.directory.bot.userId) throw new SlackApiError(cannot);
  return message;
}

function modalArg(args: Args): ModalDefinition {
  const view = checkModal(args.view);
  if (!view)
    throw new SlackApiError('invalid_arguments', [
      '[ERROR] view must be a modal with a plain_text title and valid blocks [json-pointer:/view]',
    ]);
  return view;
}

function exchangeTrigger(args: Args, context: WebApiContext) {
  const trigger = context.store.exchangeTrigger(args.trigger_id ?? args.interactivity_pointer);
  if (typeof trigger === 'string') throw new SlackApiError(trigger);
  return trigger;
}

const MIME_TYPES: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  xml: 'application/xml',
  html: 'text/html',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};

function fileTypeOf(filename: string): { mimetype: string; filetype: string } {
  const extension = /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase();
  if (!extension) return { mimetype: 'application/octet-stream', filetype: 'binary' };
  // Slack calls plain text files "text", not "txt".
  return {
    mimetype: MIME_TYPES[extension] ?? 'application/octet-stream',
    filetype: extension === 'txt' ? 'text' : extension,
  };
}

// ── the methods ─────────────────────────────────────────────────────────────────────────────────

const METHODS: Record<string, MethodSpec> = {
  'auth.test': {
    token: 'bot',
    handle: (_args, { store }) => {
      const { team, bot } = store.state.directory;
      return {
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: bot.name,
        team_id: team.id,
        user_id: bot.userId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      };
    },
  },

  'chat.postMessage': {
    token: 'bot',
    handle: (args, context) => {
      const channel = channelArg(args, context);
      const content = messageContent(args, { textRequired: true });
      const threadTs = optionalString(args, 'thread_ts');
      const message = context.store.postMessage(channel.id, {
        ...content,
        ...(threadTs ? { threadTs, broadcast: flag(args, 'reply_broadcast') } : {}),
      });
      return { channel: channel.id, ts: message.ts, message: structuredClone(message) };
    },
  },

  'chat.update': {
    token: 'bot',
    handle: (args, context) => {
      const channel = channelArg(args, context);
      const ts = requiredString(args, 'ts', 'message_not_found');
      botMessage(context.store.findMessage(channel.id, ts), context, 'cant_update_message');
      const content = messageContent(args, { textRequired: true });
      const message = context.store.updateMessage(channel.id, ts, content, 'chat.update');
      return { channel: channel.id, ts, text: message.text, message: structuredClone(message) };
    },
  },

  'chat.postEphemeral': {
    token: 'bot',
    handle: (args, context) => {
      const channel = channelArg(args, context);
      const user = optionalString(args, 'user');
      if (user === undefined || !context.store.user(user)) throw new SlackApiError('user_not_in_channel');
      const content = messageContent(args, { textRequired: true });
      const threadTs = optionalString(args, 'thread_ts');
      const message = context.store.postEphemeral(
        channel.id,
        user,
        { ...content, ...(threadTs ? { threadTs } : {}) },
        'chat.postEphemeral',
      );
      return { message_ts: message.ts };
    },
  },

  'chat.delete': {
    token: 'bot',
    handle: (args, context) => {
      const channel = channelArg(args, context);
      const ts = requiredString(args, 'ts', 'message_not_found');
      botMessage(context.store.findMessage(channel.id, ts), context, 'cant_delete_message');
      context.store.deleteMessage(channel.id, ts);
      return { channel: channel.id, ts };
    },
  },

  'chat.getPermalink': {
    token: 'bot',
    handle: (args, context) => {
      const channel = channelArg(args, context);
      const ts = requiredString(args, 'message_ts', 'message_not_found');
      const message = context.store.findMessage(channel.id, ts);
      if (!message) throw new SlackApiError('message_not_found');
      const base = `https://${context.store.state.directory.team.domain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`;
      const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
      return {
        channel: channel.id,
        permalink: inThread ? `${base}?thread_ts=${message.thread_ts}&cid=${channel.id}` : base,
      };
    },
  },

  'conversations.info': {
    token: 'bot',
    handle: (args, { store }) => {
      const channel = store.channel(optionalString(args, 'channel') ?? '');
      if (!channel) throw new SlackApiError('channel_not_found');
      const isIm = channel.isIm === true;
      return {
        channel: {
          id: channel.id,
          ...(isIm
            ? { user: channel.imUserId, is_open: true }
            : { name: channel.name, name_normalized: channel.name, is_general: false, is_member: true }),
          is_channel: !isIm,
          is_group: false,
          is_im: isIm,
          is_mpim: false,
          is_private: isIm,
          is_archived: false,
          is_shared: false,
          is_ext_shared: false,
          is_org_shared: false,
          context_team_id: store.state.directory.team.id,
          created: 1_700_000_000,
        },
      };
    },
  },

  'users.info': {
    token: 'bot',
    handle: (args, { store }) => {
      const { team, bot } = store.state.directory;
      const id = optionalString(args, 'user') ?? '';
      const person = store.user(id);
      const isBot = id === bot.userId;
      if (!person && !isBot) throw new SlackApiError('user_not_found');
      const name = person?.name ?? bot.name;
      const realName = person ? (person.realName ?? person.name) : bot.name;
      return {
        user: {
          id,
          team_id: team.id,
          name,
          deleted: false,
          real_name: realName,
          tz: 'Europe/Berlin',
          tz_label: 'Central European Time',
          tz_offset: 3600,
          profile: {
            real_name: realName,
            real_name_normalized: realName,
            display_name: name,
            display_name_normalized: name,
            team: team.id,
            ...(isBot ? { bot_id: bot.botId } : {}),
          },
          is_admin: false,
          is_owner: false,
          is_primary_owner: false,
          is_restricted: false,
          is_ultra_restricted: false,
          is_bot: isBot,
          is_app_user: false,
          updated: 1_700_000_000,
        },
      };
    },
  },

  'usergroups.users.list': {
    token: 'bot',
    handle: (args, { store }) => {
      const users = store.usergroupMembers(optionalString(args, 'usergroup') ?? '');
      if (!users) throw new SlackApiError('no_such_subteam');
      return { users };
    },
  },

  'files.getUploadURLExternal': {
    token: 'bot',
    handle: (args, context) => {
      const filename = requiredString(args, 'filename');
      const length = Number(requiredString(args, 'length'));
      if (!Number.isInteger(length) || length <= 0) throw new SlackApiError('missing_argument');
      const file = context.store.createFile({
        name: filename,
        title: filename,
        ...fileTypeOf(filename),
        announcedLength: length,
      });
      return { upload_url: context.uploadUrl(file.id), file_id: file.id };
    },
  },

  'files.completeUploadExternal': {
    token: 'bot',
    handle: (args, context) => {
      const { store } = context;
      const requested = args.files;
      if (!Array.isArray(requested) || requested.length === 0)
        throw new SlackApiError('invalid_arguments', ['[ERROR] files must be a non-empty array [json-pointer:/files]']);
      const files = requested.map((entry: unknown) => {
        const { id, title } = (typeof entry === 'object' && entry !== null ? entry : {}) as {
          id?: unknown;
          title?: unknown;
        };
        const file = typeof id === 'string' ? store.state.files[id] : undefined;
        if (!file?.uploaded) throw new SlackApiError('file_not_found');
        if (typeof title === 'string' && title !== '') file.title = title;
        return file;
      });
      const channelRef = optionalString(args, 'channel_id') ?? optionalString(args, 'channels')?.split(',')[0];
      if (channelRef !== undefined) {
        const channel = store.resolveChannel(channelRef);
        if (!channel) throw new SlackApiError('channel_not_found');
        const shared: SharedFile[] = files.map(
          ({ id, name, title, mimetype, filetype, size, user, created, content }) => ({
            id,
            name,
            title,
            mimetype,
            filetype,
            size,
            user,
            created,
            content,
          }),
        );
        const threadTs = optionalString(args, 'thread_ts');
        const message = store.postMessage(channel.id, {
          text: optionalString(args, 'initial_comment') ?? '',
          files: shared,
          ...(threadTs ? { threadTs } : {}),
        });
        for (const file of files) file.shares.push({ channel: channel.id, ts: message.ts });
      }
      return {
        files: files.map(({ id, title, name, mimetype, filetype, size }) => ({
          id,
          title,
          name,
          mimetype,
          filetype,
          size,
        })),
      };
    },
  },

  'views.open': {
    token: 'bot',
    handle: (args, context) => {
      const trigger = exchangeTrigger(args, context);
      const definition = modalArg(args);
      if (definition.external_id && context.store.externalIdInUse(definition.external_id))
        throw new SlackApiError('duplicate_external_id');
      return { view: structuredClone(context.store.openView(trigger.userId, definition)) };
    },
  },

  'views.push': {
    token: 'bot',
    handle: (args, context) => {
      const trigger = exchangeTrigger(args, context);
      const definition = modalArg(args);
      const stack = context.store.openViews(trigger.userId);
      if (stack.length === 0) throw new SlackApiError('not_found');
      if (stack.length >= MAX_VIEW_STACK) throw new SlackApiError('push_limit_reached');
      if (definition.external_id && context.store.externalIdInUse(definition.external_id))
        throw new SlackApiError('duplicate_external_id');
      return { view: structuredClone(context.store.pushView(trigger.userId, definition)) };
    },
  },

  'views.update': {
    token: 'bot',
    handle: (args, context) => {
      const viewId = optionalString(args, 'view_id');
      const externalId = optionalString(args, 'external_id');
      if (viewId === undefined && externalId === undefined)
        throw new SlackApiError('invalid_arguments', ['[ERROR] either view_id or external_id is required']);
      const open =
        viewId !== undefined ? context.store.findOpenView(viewId) : context.store.findOpenView(externalId!, true);
      if (!open) throw new SlackApiError('not_found');
      const hash = optionalString(args, 'hash');
      if (hash !== undefined && hash !== open.hash) throw new SlackApiError('hash_conflict');
      const definition = modalArg(args);
      if (
        definition.external_id &&
        definition.external_id !== open.external_id &&
        context.store.externalIdInUse(definition.external_id)
      )
        throw new SlackApiError('duplicate_external_id');
      return { view: structuredClone(context.store.updateView(open.id, definition)) };
    },
  },

  'apps.connections.open': {
    token: 'app',
    handle: (_args, context) => ({ url: context.socketUrl() }),
  },
};

/** The names of the methods the fake serves. */
export const WEB_API_METHODS: readonly string[] = Object.keys(METHODS);

function tokenFrom(authorization: string | undefined, args: Args): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return bearer ?? optionalString(args, 'token');
}

function errorBody(error: SlackApiError): Record<string, unknown> {
  return {
    ok: false,
    error: error.code,
    ...(error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {}),
  };
}

/**
 * Answers one Web API call the way Slack does (always HTTP 200 with `{ok, …}`, except 429 when rate
 * limited) and records it in the store.
 */
export function callWebApi(
  context: WebApiContext,
  method: string,
  rawArgs: Args | null,
  authorization: string | undefined,
): WebApiAnswer {
  const args = rawArgs ?? {};
  const { token: _token, ...recordedArgs } = args;
  const answer = answerCall(context, method, rawArgs, authorization);
  context.store.recordCall({
    method,
    args: recordedArgs,
    response: answer.body,
    status: answer.status,
    at: context.store.now(),
  });
  return answer;
}

function answerCall(
  context: WebApiContext,
  method: string,
  rawArgs: Args | null,
  authorization: string | undefined,
): WebApiAnswer {
  const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!spec) return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
  if (rawArgs === null) return { status: 200, body: { ok: false, error: 'invalid_form_data' } };
  const token = tokenFrom(authorization, rawArgs);
  if (token === undefined) return { status: 200, body: { ok: false, error: 'not_authed' } };
  if (token !== context.botToken && token !== context.appToken)
    return { status: 200, body: { ok: false, error: 'invalid_auth' } };
  if ((spec.token === 'app') !== (token === context.appToken))
    return { status: 200, body: { ok: false, error: 'not_allowed_token_type' } };
  const retryAfter = context.rateLimiter.take(
    method,
    optionalString(rawArgs, 'channel') ?? optionalString(rawArgs, 'channel_id'),
  );
  if (retryAfter !== null) return { status: 429, body: { ok: false, error: 'ratelimited' }, retryAfter };
  try {
    return { status: 200, body: { ok: true, ...spec.handle(rawArgs, context) } };
  } catch (error) {
    if (error instanceof SlackApiError) return { status: 200, body: errorBody(error) };
    // A bug in the fake: answer as Slack does for its own failures, with the reason for whoever reads the log.
    return {
      status: 200,
      body: {
        ok: false,
        error: 'fatal_error',
        response_metadata: {
          messages: [`[ERROR] fake-slack: ${error instanceof Error ? error.message : String(error)}`],
        },
      },
    };
  }
}
