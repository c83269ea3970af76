/**
 * Short replies to the person who typed a command: the acknowledgement, usage errors, help, a
 * refusal for lack of a role, and "could not act" errors.
 */
import type { UsageError } from '../commands/index.js';
import type { Message, MessageBlock } from './message.js';
import { type BotText, escapeMrkdwn, inlineCode, plainText } from './mrkdwn-text.js';
import { SLACK_LIMITS } from './slack-limits.js';

/**
 * The acknowledgement of a command ("Understood: …"). `summary` is plain text (escaped here; it may
 * contain network names); `detail` is mrkdwn written by the bot (job id, `<#channel>` of approvals).
 */
export function ackMessage(summary: string, detail?: string): Message {
  const understood = /^understood\b/i.test(summary) ? summary : `Understood: ${summary}`;
  const blocks: MessageBlock[] = [{ kind: 'section', text: escapeMrkdwn(understood) }];
  if (detail) blocks.push({ kind: 'context', elements: [detail] });
  return { text: understood, blocks };
}

/** Why a line is not a command, with the usage line and a suggestion when there is one. */
export function usageErrorMessage(error: UsageError): Message {
  const lines = [`*That is not a command I can run:* ${escapeMrkdwn(error.message)}`];
  if (error.suggestion) lines.push(escapeMrkdwn(error.suggestion));
  const blocks: MessageBlock[] = [{ kind: 'section', text: lines.join('\n') }];
  if (error.usage) blocks.push({ kind: 'section', text: `*Usage:* ${inlineCode(error.usage)}` });
  blocks.push({
    kind: 'context',
    elements: [`Type ${inlineCode(error.command ? `/vnet help ${error.command}` : '/vnet help')} for more.`],
  });
  return { text: `Not a command: ${error.message}`, blocks };
}

/**
 * Help text (mrkdwn generated from the command grammar, so not escaped), split into sections at
 * line breaks so long help fits Slack's section limit.
 */
export function helpMessage(text: string): Message {
  const sections: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > SLACK_LIMITS.sectionText - 100 && current !== '') {
      sections.push(current);
      current = line;
    } else {
      current = next;
    }
  }
  if (current.trim() !== '') sections.push(current);
  const firstLine = (text.split('\n')[0] ?? '').replace(/[*_`]/g, '');
  return {
    text: firstLine || '/vnet help',
    blocks: sections.map((section): MessageBlock => ({ kind: 'section', text: section })),
  };
}

/** Refusal: the person lacks the role a command needs (and, if so, the command only works in some channels). */
export function deniedMessage(p: {
  command: string;
  requiredRole: string;
  userRoles: string[];
  channelLimited?: boolean;
}): Message {
  const has =
    p.userRoles.length > 0 ? `your roles: ${p.userRoles.map(inlineCode).join(', ')}` : 'you have no vnetops role';
  const lines = [`*Not allowed:* ${inlineCode(p.command)} needs the ${inlineCode(p.requiredRole)} role (${has}).`];
  if (p.channelLimited) lines.push('This command is also limited to certain channels: run it in one of those.');
  lines.push('Ask a vnetops admin if you need it.');
  return {
    text: `Not allowed: ${p.command} needs the ${p.requiredRole} role`,
    blocks: [{ kind: 'section', text: lines.join('\n') }],
  };
}

/**
 * A failure to act, written for the person (e.g. the host is down). A `string` is escaped; a
 * {@link BotText} the bot composed (with mentions or dates) is used as it is.
 */
export function errorMessage(text: string | BotText): Message {
  const { mrkdwn, plain } = typeof text === 'string' ? plainText(text) : text;
  return { text: plain, blocks: [{ kind: 'section', text: `*Could not do that:* ${mrkdwn}` }] };
}
