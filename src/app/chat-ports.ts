/**
 * What the bot's use cases need from a chat platform, as interfaces the Slack adapter implements:
 * posting messages (the notify model; the adapter renders them), looking up a person's groups,
 * opening the create dialog. The use cases never see a Bolt or Web API type.
 */
import type { CreateNetworkModalOptions, Message } from '../notify/index.js';

/** Where a posted message is, for updating it later. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * Posts and updates the bot's messages. Implementations handle the platform's rate limits: a
 * message is delayed, never dropped, and updates of one message may be coalesced to the newest.
 */
export interface MessagePoster {
  /** Posts a message (in a thread when `threadTs` is given). */
  post(channel: string, message: Message, threadTs?: string): Promise<PostedMessage>;
  /** Posts a message only `user` sees. */
  postEphemeral(channel: string, user: string, message: Message, threadTs?: string): Promise<void>;
  /** Replaces a posted message's content; never throws (the next update carries the state anyway). */
  update(posted: PostedMessage, message: Message): Promise<void>;
  /** Resolves when every update in flight has landed (shutdown). */
  settle(): Promise<void>;
}

/** The user groups a person belongs to (RBAC grants can name groups). */
export interface UserGroupLookup {
  groupsOf(userId: string): Promise<string[]>;
}

/** Everything the use cases get from the chat adapter. */
export interface ChatPorts {
  poster: MessagePoster;
  groups: UserGroupLookup;
  /** Opens the create dialog for the request with this id (Slack: the trigger id), filled as given. */
  openCreateDialog(requestId: string, form: CreateNetworkModalOptions): Promise<void>;
  /** Resolves when work after an ack may start (the adapter's QuietGate); default: the next turn of the event loop. */
  afterAck?: () => Promise<void>;
}
