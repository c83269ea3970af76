/**
 * Pieces of Slack mrkdwn: escaping, mentions, dates, inline code and safe truncation. Every piece
 * of text that comes from a user or a host goes through {@link escapeMrkdwn} before it is put into
 * mrkdwn, so it can never become a link, a mention or a broadcast.
 */

/**
 * A sentence the bot wrote itself, as mrkdwn (with its mentions, channel links and dates, and every
 * user- or host-supplied piece already escaped) and as plain text for notifications. Builders take
 * it as it is: it never goes through {@link escapeMrkdwn} again, which would show a mention as raw
 * `&lt;@U…&gt;`. A plain `string` is what a person or host supplied, and is always escaped.
 */
export interface BotText {
  readonly mrkdwn: string;
  readonly plain: string;
}

/** Plain text (from a person, a host or a library) as a {@link BotText}: escaped for mrkdwn. */
export function plainText(text: string): BotText {
  return { mrkdwn: escapeMrkdwn(text), plain: text };
}

/** The note appended wherever text had to be cut to fit a limit. */
export const TRUNCATION_NOTE = '…(truncated)';

/** Escapes Slack's three control characters (`&`, `<`, `>`) as Slack requires. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

// Slack ids: users U…/W…, channels C…/G…/D…. Anything else (a console user, a bad value) is shown as text.
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** `<@U123>` for a Slack user id; any other value as escaped text. */
export function mentionUser(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** `<#C123>` for a Slack channel id; any other value as escaped text. */
export function mentionChannel(channelId: string): string {
  return CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** A short ISO time in UTC, e.g. `2024-05-01 12:00 UTC` (for fallbacks and monospace tables). */
export function isoMinute(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown time';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A time each reader sees in their own zone: `<!date^UNIX^{date_short_pretty} {time}|ISO>`. */
export function slackDate(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown time';
  const fallback = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** Inline code of a user-supplied value; backticks are swapped for a look-alike so they cannot end the code span. */
export function inlineCode(text: string): string {
  return `\`${escapeMrkdwn(text.replaceAll('`', 'ˋ'))}\``;
}

/** Keeps a fence (```) in user text from closing a code block: a zero-width space between backticks. */
export function defuseCodeFence(text: string): string {
  return text.replace(/`(?=`)/g, '`\u200b');
}

/**
 * Cuts mrkdwn to at most `max` characters, ending in {@link TRUNCATION_NOTE}. Never cuts inside an
 * entity (`&amp;`) or a `<…>` token (mention, date), which Slack would reject or garble.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n${TRUNCATION_NOTE}`;
  const fence = '\n```';
  let cut = dropBrokenSurrogate(text.slice(0, Math.max(0, max - note.length - fence.length)));
  const lastOpen = cut.lastIndexOf('<');
  if (lastOpen > cut.lastIndexOf('>')) cut = cut.slice(0, lastOpen);
  const lastAmp = cut.lastIndexOf('&');
  if (lastAmp >= 0 && !cut.slice(lastAmp).includes(';')) cut = cut.slice(0, lastAmp);
  // An odd number of ``` fences would leave a code block open over the note: close it.
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += fence;
  return `${cut}${note}`;
}

/**
 * Cuts plain text to at most `max` UTF-16 units (the stricter way of counting), ending in `…`
 * (short fields such as headers and buttons).
 */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${dropBrokenSurrogate(text.slice(0, Math.max(0, max - 1)))}…`;
}

/** Drops a lone high surrogate left at the end by a cut (half an emoji). */
function dropBrokenSurrogate(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}
