/** What the fake Slack holds: plain serialisable data, so a console can render it as it changes. */

/** A person in the fake workspace. */
export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
}

/** A channel in the fake workspace. */
export interface FakeChannel {
  id: string;
  name: string;
}

/** A message as Slack stores it (the fields vnetops and a console use). */
export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  /** Set for messages by a person; bot messages carry `bot_id` (and the bot's user id). */
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  reply_count?: number;
  edited?: { user: string; ts: string };
  files?: { id: string; name: string; title?: string; content: string }[];
}

/** A message only one person sees. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

/** A modal the bot opened for a person. */
export interface StoredView {
  id: string;
  hash: string;
  user: string;
  type: string;
  callback_id: string;
  private_metadata: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  /** Field errors the bot answered the last submission with. */
  errors?: Record<string, string>;
  open: boolean;
}

/** One Web API call as the fake saw and answered it. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
  response: unknown;
  at: number;
}

/** Makes Slack-style message timestamps: "<unix seconds>.<6 digits>", strictly increasing. */
export class TsClock {
  private last = 0;

  next(): string {
    const micros = Math.max(Date.now() * 1000, this.last + 1);
    this.last = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}
