import type { AnyBlock, PlainTextElement } from '@slack/types';
import type { Directory } from './directory.js';

/**
 * Everything the fake workspace holds, as plain JSON-serialisable data: a web console can render it
 * as is, and tests can deep-compare it. Field names follow Slack's own payloads where Slack has one.
 */

/** A file as it appears inside a message's `files`, with the uploaded bytes as text for tests to read. */
export interface SharedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  /** Who uploaded it (the bot user). */
  user: string;
  created: number;
  /** The bytes decoded as UTF-8 (reports and logs are text). */
  content: string;
}

/** A file known to the workspace: uploaded (or still waiting for its bytes) and where it is shared. */
export interface StoredFile extends SharedFile {
  /** Whether the bytes arrived at the upload URL. */
  uploaded: boolean;
  /** The bytes as base64, for binary files whose UTF-8 `content` is lossy. */
  contentBase64: string;
  /** The length announced to `files.getUploadURLExternal`. */
  announcedLength: number;
  /** Where the file was shared: channel and message ts. */
  shares: { channel: string; ts: string }[];
}

/** A message in a channel (top level or thread reply), shaped like `conversations.history` returns it. */
export interface StoredMessage {
  type: 'message';
  /** `thread_broadcast` for a reply also shown in the channel (`reply_broadcast`). */
  subtype?: 'thread_broadcast';
  ts: string;
  /** Author: the bot user for the bot's messages. */
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  text: string;
  blocks?: AnyBlock[];
  /** Set on thread replies (their parent's ts) and on parents that have replies (their own ts). */
  thread_ts?: string;
  reply_count?: number;
  reply_users_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  files?: SharedFile[];
  /** True for the message that shares an uploaded file. */
  upload?: boolean;
}

/** An ephemeral message: shown to one person in one channel, never in the channel's history. */
export interface EphemeralMessage {
  type: 'message';
  is_ephemeral: true;
  /** Its `message_ts`. */
  ts: string;
  channel: string;
  /** The one person who sees it. */
  recipient: string;
  /** Author: the bot user. */
  user: string;
  bot_id: string;
  text: string;
  blocks?: AnyBlock[];
  thread_ts?: string;
  /** How it got there: the Web API, a response_url, or the body of an ack. */
  source: 'chat.postEphemeral' | 'response_url' | 'ack';
}

/** One element's value in `view.state.values`, as Slack sends it (`{type, value}`, `{type, selected_option}`, …). */
export interface ViewStateValue {
  type: string;
  [field: string]: unknown;
}

/** `view.state.values`: block id → action id → value. */
export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** A modal view as Slack returns it from `views.open` and sends it in `view_submission`. */
export interface SlackViewObject {
  id: string;
  team_id: string;
  type: 'modal';
  title: PlainTextElement;
  close: PlainTextElement | null;
  submit: PlainTextElement | null;
  blocks: AnyBlock[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: ViewStateValues };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

/** A view open on someone's screen: the view as Slack knows it, whose it is, and the errors shown in it. */
export interface StoredView extends SlackViewObject {
  /** The person whose screen it is on. */
  user: string;
  /** `response_action: 'errors'` of the last submission (block id → message), or null. */
  errors: Record<string, string> | null;
}

/** One Web API call the bot made, with what the fake answered. */
export interface RecordedCall {
  method: string;
  /** Arguments as the fake understood them (nested JSON already parsed), without the token. */
  args: Record<string, unknown>;
  response: Record<string, unknown>;
  /** HTTP status: 200, or 429 when rate limited. */
  status: number;
  /** Epoch milliseconds. */
  at: number;
}

/** A trigger id handed to the bot with an interaction; good for one view call within 3 seconds. */
export interface TriggerRecord {
  id: string;
  userId: string;
  /** The view the interaction came from (views.push needs one). */
  viewId: string | null;
  issuedAt: number;
  exchanged: boolean;
}

/** A response_url handed to the bot; good for 5 uses within 30 minutes. */
export interface ResponseUrlRecord {
  id: string;
  url: string;
  source: 'slash_command' | 'block_actions';
  userId: string;
  channelId: string;
  /** For block_actions: the message the button was on. */
  message: { ts: string; ephemeral: boolean; threadTs: string | null } | null;
  /** Messages posted through this URL so far (ts, ephemeral or not), newest last. */
  posted: { ts: string; ephemeral: boolean }[];
  issuedAt: number;
  uses: number;
}

/** The whole workspace. */
export interface WorkspaceState {
  directory: Directory;
  /** Channel id → its messages (top level and replies) in posting order. */
  history: Record<string, StoredMessage[]>;
  /** Recipient user id → ephemeral messages in posting order. */
  ephemerals: Record<string, EphemeralMessage[]>;
  /** User id → the stack of views open for them, root first. */
  views: Record<string, StoredView[]>;
  files: Record<string, StoredFile>;
  calls: RecordedCall[];
  /** How many 429s the fake answered. */
  rateLimited: number;
  triggers: Record<string, TriggerRecord>;
  responseUrls: Record<string, ResponseUrlRecord>;
}
