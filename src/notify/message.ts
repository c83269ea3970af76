/**
 * The message model: what the bot wants to say, as blocks. Builders produce it from bot state; the
 * Block Kit renderer turns it into Slack's payload and enforces Slack's limits.
 *
 * Text conventions: `header`, table cells, `code`, button and confirm texts are plain text (the
 * renderer escapes them where Slack would parse them); `section`, `fields` and `context` texts are
 * Slack mrkdwn, so builders escape every user- or host-supplied piece with `escapeMrkdwn` and keep
 * what the bot writes itself (mentions, channel links, dates) as it is (see `BotText`).
 */

/** One block of a message. */
export type MessageBlock =
  | { kind: 'header'; text: string }
  | { kind: 'section'; text: string; fields?: string[] }
  | { kind: 'fields'; fields: string[] }
  | { kind: 'context'; elements: string[] }
  | { kind: 'divider' }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'code'; text: string }
  | { kind: 'actions'; buttons: MessageButton[] };

/** A button; clicking it sends `actionId` and `value` back to the bot. */
export interface MessageButton {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  /** A "are you sure?" dialog shown before the click counts. */
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** A whole message. */
export interface Message {
  /** Notification fallback, plain text (shown in notifications and where blocks cannot be). */
  text: string;
  blocks: MessageBlock[];
}
