import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AnyBlock } from '@slack/types';
import { withGeneratedIds, type ModalDefinition } from './block-kit.js';
import type { Directory, FakeChannel, FakeUser } from './directory.js';
import { FakeSlackError } from './fake-slack-error.js';
import { MessageTsClock } from './message-ts-clock.js';
import type {
  EphemeralMessage,
  ResponseUrlRecord,
  SharedFile,
  RecordedCall,
  SlackViewObject,
  StoredFile,
  StoredMessage,
  StoredView,
  TriggerRecord,
  WorkspaceState,
} from './workspace-state.js';

/** A change to a channel message or an ephemeral message, with the whole message after the change. */
export type MessageChange =
  | { kind: 'posted' | 'updated' | 'deleted'; channel: string; ephemeral: false; message: StoredMessage }
  | { kind: 'posted' | 'updated' | 'deleted'; channel: string; ephemeral: true; message: EphemeralMessage };

/** A change to someone's modal: opened, updated, pushed, closed, or answered with field errors. */
export interface ViewChange {
  kind: 'opened' | 'updated' | 'pushed' | 'closed' | 'errors';
  userId: string;
  view: SlackViewObject;
  errors?: Record<string, string>;
}

/** The view as Slack has it (what the bot gets back), without the fake's bookkeeping. */
export function slackView(stored: StoredView): SlackViewObject {
  const { user: _user, errors: _errors, ...view } = stored;
  return structuredClone(view);
}

/** The events a {@link WorkspaceStore} emits; payloads are copies, safe to keep. */
export type WorkspaceEvents = {
  call: [RecordedCall];
  message: [MessageChange];
  view: [ViewChange];
};

/** Why a trigger id cannot be exchanged, in Slack's words. */
export type TriggerProblem = 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id';

/** How long a trigger id stays good (Slack: 3 seconds). */
export const TRIGGER_LIFETIME_MS = 3_000;
/** How long a response_url stays good (Slack: 30 minutes). */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
/** How often a response_url may be used (Slack: 5 times). */
export const RESPONSE_URL_MAX_USES = 5;
/** How many views one modal may stack (Slack: the root plus 2 pushed). */
export const MAX_VIEW_STACK = 3;

/** Content of a new channel message. */
export interface NewMessage {
  text: string;
  blocks?: AnyBlock[];
  threadTs?: string;
  broadcast?: boolean;
  files?: SharedFile[];
}

/**
 * The fake workspace's state and every change to it: messages, ephemerals, views, files, trigger ids,
 * response_urls and the record of Web API calls. It checks nothing a caller could get wrong: the
 * Web API layer validates arguments and answers errors before calling in here.
 */
export class WorkspaceStore extends EventEmitter<WorkspaceEvents> {
  /** The live state (plain data). Read it; change it only through this class. */
  readonly state: WorkspaceState;
  private readonly clock: MessageTsClock;
  private sequence = 0;

  constructor(
    directory: Directory,
    /** Epoch milliseconds; injectable so tests can expire trigger ids without waiting. */
    readonly now: () => number = Date.now,
  ) {
    super();
    this.clock = new MessageTsClock(now);
    this.state = {
      directory,
      history: {},
      ephemerals: {},
      views: {},
      files: {},
      calls: [],
      rateLimited: 0,
      triggers: {},
      responseUrls: {},
    };
    for (const channel of directory.channels) this.state.history[channel.id] = [];
  }

  /** A deep copy of the whole state, for a console to render or a test to compare. */
  snapshot(): WorkspaceState {
    return structuredClone(this.state);
  }

  // ── directory ────────────────────────────────────────────────────────────────────────────────

  /** The person with this id. */
  user(id: string): FakeUser | undefined {
    return this.state.directory.users.find((user) => user.id === id);
  }

  /** The channel (or direct message) with this id. */
  channel(id: string): FakeChannel | undefined {
    return this.state.directory.channels.find((channel) => channel.id === id);
  }

  /**
   * The conversation a `channel` argument names: a channel id, `#name` or bare name, or a user id
   * (a direct message with the bot, opened on first use, as Slack does).
   */
  resolveChannel(reference: string): FakeChannel | undefined {
    const name = reference.replace(/^#/, '');
    const found =
      this.channel(reference) ??
      this.state.directory.channels.find((channel) => !channel.isIm && channel.name === name);
    if (found) return found;
    const user = this.user(reference);
    return user
      ? this.addChannel({ id: `D${user.id.slice(1)}`, name: user.name, isIm: true, imUserId: user.id })
      : undefined;
  }

  /** Adds (or replaces) a person. */
  addUser(user: FakeUser): FakeUser {
    const users = this.state.directory.users;
    const index = users.findIndex((existing) => existing.id === user.id);
    if (index >= 0) users[index] = structuredClone(user);
    else users.push(structuredClone(user));
    return user;
  }

  /** Adds a channel (an existing id is kept as is). */
  addChannel(channel: FakeChannel): FakeChannel {
    const existing = this.channel(channel.id);
    if (existing) return existing;
    this.state.directory.channels.push(structuredClone(channel));
    this.state.history[channel.id] = [];
    return channel;
  }

  /** Members of a user group (listed in the directory's map or on the users); undefined when no such group exists. */
  usergroupMembers(usergroupId: string): string[] | undefined {
    const { usergroups, users } = this.state.directory;
    const listed = Object.hasOwn(usergroups, usergroupId) ? usergroups[usergroupId]! : undefined;
    const byUser = users.filter((user) => user.usergroups?.includes(usergroupId)).map((user) => user.id);
    return listed === undefined && byUser.length === 0 ? undefined : [...new Set([...(listed ?? []), ...byUser])];
  }

  // ── ids ──────────────────────────────────────────────────────────────────────────────────────

  /** A new Slack-style message ts. */
  nextTs(): string {
    return this.clock.next();
  }

  /** A new object id with Slack's one-letter prefix (`F` files, `V` views), unique in this store. */
  nextId(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Posts a message, from the bot unless `author` names a person (thread replies update their
   * parent's reply counters).
   */
  postMessage(channel: string, content: NewMessage, author?: string): StoredMessage {
    const { bot, team } = this.state.directory;
    const message: StoredMessage = {
      type: 'message',
      ...(content.threadTs && content.broadcast ? { subtype: 'thread_broadcast' as const } : {}),
      ts: this.nextTs(),
      ...(author === undefined ? { user: bot.userId, bot_id: bot.botId, app_id: bot.appId } : { user: author }),
      team: team.id,
      text: content.text,
      ...(content.blocks ? { blocks: withGeneratedIds(content.blocks) } : {}),
      ...(content.threadTs ? { thread_ts: content.threadTs } : {}),
      ...(content.files ? { files: content.files, upload: true } : {}),
    };
    const history = this.historyOf(channel);
    history.push(message);
    if (content.threadTs) {
      const parent = history.find((candidate) => candidate.ts === content.threadTs);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.reply_users = [...new Set([...(parent.reply_users ?? []), message.user])];
        parent.reply_users_count = parent.reply_users.length;
        parent.latest_reply = message.ts;
      }
    }
    this.emit('message', { kind: 'posted', channel, ephemeral: false, message: structuredClone(message) });
    return message;
  }

  /** The message with this ts in this channel (top level or reply). */
  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.state.history[channel]?.find((message) => message.ts === ts);
  }

  /**
   * Changes a message's content. `chat.update` keeps blocks it is not given and marks the message
   * `edited`; a response_url `replace_original` replaces the whole message and marks nothing.
   */
  updateMessage(
    channel: string,
    ts: string,
    content: { text: string; blocks?: AnyBlock[] },
    how: 'chat.update' | 'replace_original',
  ): StoredMessage {
    const message = this.findMessage(channel, ts);
    if (!message) throw new FakeSlackError(`no message ${ts} in ${channel}`);
    message.text = content.text;
    if (content.blocks) message.blocks = withGeneratedIds(content.blocks);
    else if (how === 'replace_original') delete message.blocks;
    if (how === 'chat.update') message.edited = { user: message.user, ts: this.nextTs() };
    this.emit('message', { kind: 'updated', channel, ephemeral: false, message: structuredClone(message) });
    return message;
  }

  /** Removes a message; a deleted reply no longer counts on its parent. */
  deleteMessage(channel: string, ts: string): StoredMessage {
    const history = this.historyOf(channel);
    const index = history.findIndex((message) => message.ts === ts);
    const [message] = index >= 0 ? history.splice(index, 1) : [];
    if (!message) throw new FakeSlackError(`no message ${ts} in ${channel}`);
    const parent =
      message.thread_ts && message.thread_ts !== message.ts
        ? history.find((candidate) => candidate.ts === message.thread_ts)
        : undefined;
    if (parent?.reply_count) {
      parent.reply_count -= 1;
      const replies = history.filter((candidate) => candidate.thread_ts === parent.ts && candidate.ts !== parent.ts);
      parent.latest_reply = replies.at(-1)?.ts ?? parent.ts;
    }
    this.emit('message', { kind: 'deleted', channel, ephemeral: false, message: structuredClone(message) });
    return message;
  }

  /** Shows an ephemeral message to one person. */
  postEphemeral(
    channel: string,
    recipient: string,
    content: { text: string; blocks?: AnyBlock[]; threadTs?: string },
    source: EphemeralMessage['source'],
  ): EphemeralMessage {
    const { bot } = this.state.directory;
    const message: EphemeralMessage = {
      type: 'message',
      is_ephemeral: true,
      ts: this.nextTs(),
      channel,
      recipient,
      user: bot.userId,
      bot_id: bot.botId,
      text: content.text,
      ...(content.blocks ? { blocks: withGeneratedIds(content.blocks) } : {}),
      ...(content.threadTs ? { thread_ts: content.threadTs } : {}),
      source,
    };
    (this.state.ephemerals[recipient] ??= []).push(message);
    this.emit('message', { kind: 'posted', channel, ephemeral: true, message: structuredClone(message) });
    return message;
  }

  /** The ephemeral message with this ts shown to this person. */
  findEphemeral(recipient: string, ts: string): EphemeralMessage | undefined {
    return this.state.ephemerals[recipient]?.find((message) => message.ts === ts);
  }

  /** Replaces an ephemeral message's content in place (a response_url `replace_original`). */
  replaceEphemeral(recipient: string, ts: string, content: { text: string; blocks?: AnyBlock[] }): EphemeralMessage {
    const message = this.findEphemeral(recipient, ts);
    if (!message) throw new FakeSlackError(`no ephemeral message ${ts} for ${recipient}`);
    message.text = content.text;
    if (content.blocks) message.blocks = withGeneratedIds(content.blocks);
    else delete message.blocks;
    this.emit('message', {
      kind: 'updated',
      channel: message.channel,
      ephemeral: true,
      message: structuredClone(message),
    });
    return message;
  }

  /** Removes an ephemeral message (a response_url `delete_original`). */
  deleteEphemeral(recipient: string, ts: string): EphemeralMessage {
    const list = this.state.ephemerals[recipient] ?? [];
    const index = list.findIndex((message) => message.ts === ts);
    const [message] = index >= 0 ? list.splice(index, 1) : [];
    if (!message) throw new FakeSlackError(`no ephemeral message ${ts} for ${recipient}`);
    this.emit('message', {
      kind: 'deleted',
      channel: message.channel,
      ephemeral: true,
      message: structuredClone(message),
    });
    return message;
  }

  private historyOf(channel: string): StoredMessage[] {
    return (this.state.history[channel] ??= []);
  }

  // ── files ────────────────────────────────────────────────────────────────────────────────────

  /** Registers a file whose bytes will arrive at its upload URL. */
  createFile(fields: {
    name: string;
    title: string;
    mimetype: string;
    filetype: string;
    announcedLength: number;
  }): StoredFile {
    const file: StoredFile = {
      id: this.nextId('F'),
      ...fields,
      size: 0,
      user: this.state.directory.bot.userId,
      created: Math.floor(this.now() / 1000),
      content: '',
      contentBase64: '',
      uploaded: false,
      shares: [],
    };
    this.state.files[file.id] = file;
    return file;
  }

  /** Stores the bytes uploaded for a file. */
  receiveUpload(fileId: string, bytes: Buffer): StoredFile {
    const file = this.state.files[fileId];
    if (!file) throw new FakeSlackError(`no file ${fileId} awaits an upload`);
    Object.assign(file, {
      uploaded: true,
      size: bytes.length,
      content: bytes.toString('utf8'),
      contentBase64: bytes.toString('base64'),
    });
    return file;
  }

  // ── views ────────────────────────────────────────────────────────────────────────────────────

  /** Opens a modal for a person: the root of a new view stack. */
  openView(userId: string, definition: ModalDefinition): SlackViewObject {
    const view = this.buildView(definition, null, null);
    this.state.views[userId] = [{ ...view, user: userId, errors: null }];
    this.emit('view', { kind: 'opened', userId, view: structuredClone(view) });
    return view;
  }

  /** Pushes a view on top of a person's open modal. */
  pushView(userId: string, definition: ModalDefinition): SlackViewObject {
    const stack = this.state.views[userId] ?? [];
    const top = stack.at(-1);
    if (!top) throw new FakeSlackError(`${userId} has no open modal to push onto`);
    const view = this.buildView(definition, top.root_view_id, top.id);
    stack.push({ ...view, user: userId, errors: null });
    this.emit('view', { kind: 'pushed', userId, view: structuredClone(view) });
    return view;
  }

  /** Replaces an open view's content; it keeps its id and place in the stack and gets a new hash. */
  updateView(viewId: string, definition: ModalDefinition): SlackViewObject {
    const open = this.findOpenView(viewId);
    if (!open) throw new FakeSlackError(`no open view ${viewId}`);
    // The external_id names the view, not its content: an update that gives none keeps it.
    const view = this.buildView(
      { ...definition, external_id: definition.external_id ?? open.external_id },
      open.root_view_id,
      open.previous_view_id,
      open.id,
    );
    const stack = this.state.views[open.user]!;
    stack[stack.indexOf(open)] = { ...view, user: open.user, errors: null };
    this.emit('view', { kind: 'updated', userId: open.user, view: structuredClone(view) });
    return view;
  }

  /** The open view with this id or (when `byExternalId`) this external_id. */
  findOpenView(id: string, byExternalId = false): StoredView | undefined {
    for (const stack of Object.values(this.state.views)) {
      const found = stack.find((open) => (byExternalId ? open.external_id === id && id !== '' : open.id === id));
      if (found) return found;
    }
    return undefined;
  }

  /** Whether any open view already uses this external_id. */
  externalIdInUse(externalId: string): boolean {
    return externalId !== '' && this.findOpenView(externalId, true) !== undefined;
  }

  /** Records the field errors a submission was answered with; the view stays open. */
  setViewErrors(viewId: string, errors: Record<string, string>): void {
    const open = this.findOpenView(viewId);
    if (!open) throw new FakeSlackError(`no open view ${viewId}`);
    open.errors = { ...errors };
    this.emit('view', { kind: 'errors', userId: open.user, view: slackView(open), errors: { ...errors } });
  }

  /** Closes the top view of a person's stack (the whole modal when it is the root). */
  closeTopView(userId: string): void {
    const open = this.state.views[userId]?.pop();
    if (!open) return;
    if (this.state.views[userId]?.length === 0) delete this.state.views[userId];
    this.emit('view', { kind: 'closed', userId, view: slackView(open) });
  }

  /** Closes every view of a person's modal. */
  clearViews(userId: string): void {
    while (this.state.views[userId]) this.closeTopView(userId);
  }

  private buildView(
    definition: ModalDefinition,
    rootId: string | null,
    previousId: string | null,
    keepId?: string,
  ): SlackViewObject {
    const { team, bot } = this.state.directory;
    const id = keepId ?? this.nextId('V');
    return {
      id,
      team_id: team.id,
      type: 'modal',
      title: definition.title,
      close: definition.close ?? null,
      submit: definition.submit ?? null,
      blocks: withGeneratedIds(definition.blocks),
      private_metadata: definition.private_metadata ?? '',
      callback_id: definition.callback_id ?? '',
      external_id: definition.external_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      clear_on_close: definition.clear_on_close ?? false,
      notify_on_close: definition.notify_on_close ?? false,
      root_view_id: rootId ?? id,
      previous_view_id: previousId,
      app_id: bot.appId,
      app_installed_team_id: team.id,
      bot_id: bot.botId,
    };
  }

  // ── trigger ids and response_urls ────────────────────────────────────────────────────────────

  /** Issues a trigger id for an interaction by `userId` (from inside `viewId` when given). */
  issueTrigger(userId: string, viewId: string | null = null): string {
    // Slack's shape: "<digits>.<digits>.<32 hex>".
    const id = `${randomInt(1e9, 1e10)}${randomInt(1e3, 1e4)}.${randomInt(1e11, 1e12)}.${randomBytes(16).toString('hex')}`;
    this.state.triggers[id] = { id, userId, viewId, issuedAt: this.now(), exchanged: false };
    return id;
  }

  /** Uses up a trigger id; answers why not when it is unknown, used or older than 3 seconds. */
  exchangeTrigger(id: unknown): TriggerRecord | TriggerProblem {
    const trigger = typeof id === 'string' ? this.state.triggers[id] : undefined;
    if (!trigger) return 'invalid_trigger_id';
    if (trigger.exchanged) return 'exchanged_trigger_id';
    if (this.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return 'expired_trigger_id';
    trigger.exchanged = true;
    return trigger;
  }

  /** Issues a response_url under `baseUrl`. */
  issueResponseUrl(
    baseUrl: string,
    fields: Pick<ResponseUrlRecord, 'source' | 'userId' | 'channelId' | 'message'>,
  ): ResponseUrlRecord {
    const id = `${randomInt(1e11, 1e12)}${randomBytes(12).toString('hex')}`;
    const record: ResponseUrlRecord = {
      id,
      url: `${baseUrl}/response/${id}`,
      ...fields,
      posted: [],
      issuedAt: this.now(),
      uses: 0,
    };
    this.state.responseUrls[id] = record;
    return record;
  }

  // ── the call record ──────────────────────────────────────────────────────────────────────────

  /** Records one Web API call and its answer. */
  recordCall(call: RecordedCall): void {
    this.state.calls.push(call);
    if (call.status === 429) this.state.rateLimited += 1;
    this.emit('call', structuredClone(call));
  }

  // ── queries ──────────────────────────────────────────────────────────────────────────────────

  /** Recorded Web API calls (of one method when given), oldest first, including rate-limited ones. */
  calls(method?: string): RecordedCall[] {
    return this.state.calls.filter((call) => method === undefined || call.method === method);
  }

  /**
   * A channel's visible history, oldest first: top-level messages and replies broadcast to the
   * channel, as `conversations.history` lists them (but in posting order).
   */
  messages(channelId: string): StoredMessage[] {
    return (this.state.history[channelId] ?? []).filter(
      (message) => !message.thread_ts || message.thread_ts === message.ts || message.subtype === 'thread_broadcast',
    );
  }

  /** The replies in one thread, oldest first, without the parent. */
  threadReplies(channelId: string, threadTs: string): StoredMessage[] {
    return (this.state.history[channelId] ?? []).filter(
      (message) => message.thread_ts === threadTs && message.ts !== threadTs,
    );
  }

  /** Ephemeral messages shown to one person, oldest first. */
  ephemerals(userId: string): EphemeralMessage[] {
    return this.state.ephemerals[userId] ?? [];
  }

  /** The views open for one person, root first (empty when no modal is open). */
  openViews(userId: string): StoredView[] {
    return this.state.views[userId] ?? [];
  }

  /** How many calls were answered 429 (of one method when given). */
  rateLimitedCount(method?: string): number {
    return method === undefined
      ? this.state.rateLimited
      : this.calls(method).filter((call) => call.status === 429).length;
  }

  /**
   * Resolves with the first truthy value `predicate` returns, checking now and after every call,
   * message and view event (no polling); rejects after `timeoutMs` with what it waited for.
   */
  waitFor<T>(predicate: (store: this) => T, timeoutMs = 10_000, description = 'condition'): Promise<NonNullable<T>> {
    return new Promise((resolve, reject) => {
      const events = ['call', 'message', 'view'] as const;
      const stop = (): void => {
        clearTimeout(timer);
        for (const event of events) this.off(event, check);
      };
      const check = (): boolean => {
        try {
          const result = predicate(this);
          if (!result) return false;
          stop();
          resolve(result);
        } catch (error) {
          stop();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
        return true;
      };
      const timer = setTimeout(() => {
        stop();
        reject(new FakeSlackError(`waitFor: ${description} not met within ${timeoutMs} ms`));
      }, timeoutMs);
      for (const event of events) this.on(event, check);
      check();
    });
  }
}
