/**
 * The platform-free message model: what the bot wants to say, in blocks any chat platform can show.
 * Builders produce it from bot state; a renderer per platform (Block Kit for Slack) turns it into
 * that platform's payload and enforces that platform's limits.
 *
 * Text conventions: `header`, table cells, `code`, button and confirm texts are plain text (the
 * renderer escapes them where the platform would parse them); `section`, `fields` and `context`
 * texts are mrkdwn, so builders escape every user- or host-supplied piece with `escapeMrkdwn`.
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
