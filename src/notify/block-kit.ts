/**
 * The Slack renderer: a platform-free {@link Message} as a Block Kit message payload. It is the one
 * place that knows Slack's limits, and it never produces something Slack rejects: long text is cut
 * with a visible "…(truncated)" note, tables and code are split over several sections, and a
 * message stays within 50 blocks (its buttons kept).
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import type { Message, MessageBlock, MessageButton } from './message.js';
import { TRUNCATION_NOTE, defuseCodeFence, escapeMrkdwn, truncateMrkdwn, truncatePlain } from './mrkdwn-text.js';
import { SLACK_LIMITS } from './slack-limits.js';
import { layoutTable } from './text-table.js';

/** A message as `chat.postMessage` / `chat.update` take it. */
export interface BlockKitMessage {
  /** Notification fallback (mrkdwn-escaped). */
  text: string;
  blocks: KnownBlock[];
}

/**
 * Sections one table or code block may take (about 11,000 characters). A message is for reading:
 * beyond this, the rest is counted in a note (callers attach a file when all of it matters).
 */
export const MAX_SECTIONS_PER_TABLE = 4;

/** Renders a message as Block Kit, within Slack's limits. */
export function renderBlockKit(message: Message): BlockKitMessage {
  const fixed = message.blocks.map((block) => (isElastic(block) ? undefined : renderFixed(block)));
  let remaining = SLACK_LIMITS.messageBlocks - fixed.reduce((sum, blocks) => sum + (blocks?.length ?? 0), 0);
  let elasticLeft = message.blocks.filter(isElastic).length;
  const blocks = message.blocks.flatMap((block, index): KnownBlock[] => {
    const done = fixed[index];
    if (done) return done;
    // Tables and code share what the other blocks leave, in order, at least one section each.
    const share = Math.min(MAX_SECTIONS_PER_TABLE, Math.max(1, Math.floor(remaining / elasticLeft)));
    elasticLeft -= 1;
    const rendered =
      block.kind === 'table'
        ? renderTable(block.columns, block.rows, share)
        : block.kind === 'code'
          ? renderCode(block.text, share)
          : [];
    remaining -= rendered.length;
    return rendered;
  });
  return { text: truncateMrkdwn(escapeMrkdwn(message.text), SLACK_LIMITS.messageText), blocks: capBlockCount(blocks) };
}

function isElastic(block: MessageBlock): block is Extract<MessageBlock, { kind: 'table' | 'code' }> {
  return block.kind === 'table' || block.kind === 'code';
}

function renderFixed(block: Exclude<MessageBlock, { kind: 'table' | 'code' }>): KnownBlock[] {
  switch (block.kind) {
    case 'header': {
      const text = block.text.replace(/\s+/g, ' ').trim();
      if (text === '') return [];
      return [
        {
          type: 'header',
          text: { type: 'plain_text', text: truncatePlain(text, SLACK_LIMITS.headerText), emoji: true },
        } satisfies HeaderBlock,
      ];
    }
    case 'section': {
      const fields = block.fields ?? [];
      const [first = [], ...rest] = chunk(fields, SLACK_LIMITS.sectionFields);
      if (block.text.trim() === '' && fields.length === 0) return [];
      const head: SectionBlock = { type: 'section' };
      if (block.text.trim() !== '') head.text = mrkdwn(block.text, SLACK_LIMITS.sectionText);
      if (first.length > 0) head.fields = first.map(fieldText);
      return [head, ...rest.map(fieldSection)];
    }
    case 'fields':
      return chunk(block.fields, SLACK_LIMITS.sectionFields).map(fieldSection);
    case 'context': {
      const elements = block.elements.filter((element) => element.trim() !== '');
      if (elements.length === 0) return [];
      // More than Slack allows: the overflow joins the last element rather than being lost.
      const max = SLACK_LIMITS.contextElements;
      const kept =
        elements.length <= max ? elements : [...elements.slice(0, max - 1), elements.slice(max - 1).join(' · ')];
      return [
        {
          type: 'context',
          elements: kept.map((element) => mrkdwn(element, SLACK_LIMITS.textObject)),
        } satisfies ContextBlock,
      ];
    }
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions': {
      if (block.buttons.length === 0) return [];
      return [
        {
          type: 'actions',
          elements: block.buttons.slice(0, SLACK_LIMITS.actionsElements).map(renderButton),
        } satisfies ActionsBlock,
      ];
    }
  }
}

function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text, max) };
}

function fieldText(text: string): MrkdwnElement {
  return mrkdwn(text.trim() === '' ? '-' : text, SLACK_LIMITS.fieldText);
}

function fieldSection(fields: readonly string[]): SectionBlock {
  return { type: 'section', fields: fields.map(fieldText) };
}

function renderButton(button: MessageButton): Button {
  const rendered: Button = {
    type: 'button',
    action_id: truncatePlain(button.actionId, SLACK_LIMITS.actionId),
    text: { type: 'plain_text', text: truncatePlain(button.text, SLACK_LIMITS.buttonText), emoji: true },
    value: truncatePlain(button.value, SLACK_LIMITS.buttonValue),
  };
  if (button.style) rendered.style = button.style;
  if (button.confirm) {
    rendered.confirm = {
      title: { type: 'plain_text', text: truncatePlain(button.confirm.title, SLACK_LIMITS.confirmTitle) },
      text: { type: 'plain_text', text: truncatePlain(button.confirm.text, SLACK_LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: truncatePlain(button.confirm.confirm, SLACK_LIMITS.confirmButton) },
      deny: { type: 'plain_text', text: truncatePlain(button.confirm.deny, SLACK_LIMITS.confirmButton) },
    };
  }
  return rendered;
}

// Room kept in each code section for the fences and a closing "N more …" note.
const FENCE_OPEN = '```\n';
const FENCE_CLOSE = '\n```';
const NOTE_ROOM = 80;
// One escaped line may use at most this much of a section, so a section always holds the header and a row.
const MAX_LINE = 1200;

/** A table as padded monospace lines in code sections; the header repeats in each section. */
function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  maxSections: number,
): SectionBlock[] {
  const table = layoutTable(columns, rows);
  const head = [table.header, table.rule].map(codeLine);
  const body = table.rows.length > 0 ? table.rows.map(codeLine) : [codeLine('(none)')];
  return codeSections(head, body, maxSections, 'rows');
}

/** Preformatted text (XML) in code sections. */
function renderCode(text: string, maxSections: number): SectionBlock[] {
  return codeSections([], text.replace(/\s+$/, '').split('\n').map(codeLine), maxSections, 'lines');
}

/** One line made safe inside a code block: fences defused, control characters escaped, length bounded. */
function codeLine(raw: string): string {
  let line = raw.replace(/\t/g, '  ');
  let escaped = escapeMrkdwn(defuseCodeFence(line));
  while (escaped.length > MAX_LINE) {
    // Shrink in proportion to the overshoot (entities make escaped text longer than the raw line).
    line = line.slice(0, Math.floor((line.length * (MAX_LINE - 1)) / escaped.length) - 1);
    escaped = `${escapeMrkdwn(defuseCodeFence(line))}…`;
  }
  return escaped === '' ? ' ' : escaped;
}

/**
 * Packs escaped lines into sections of at most `sectionText` characters, each its own code block
 * (a block cannot span sections), at most `maxSections` of them; what is left is counted in a note.
 */
function codeSections(
  head: readonly string[],
  lines: readonly string[],
  maxSections: number,
  unit: 'rows' | 'lines',
): SectionBlock[] {
  const limit = SLACK_LIMITS.sectionText - FENCE_OPEN.length - FENCE_CLOSE.length - NOTE_ROOM;
  const sections: string[][] = [];
  let current: string[] = [...head];
  let size = head.reduce((sum, line) => sum + line.length + 1, 0);
  let used = 0;
  for (const line of lines) {
    if (size + line.length + 1 > limit && current.length > head.length) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = [...head];
      size = head.reduce((sum, l) => sum + l.length + 1, 0);
    }
    current.push(line);
    size += line.length + 1;
    used += 1;
  }
  sections.push(current);
  const left = lines.length - used;
  return sections.map((section, index) => {
    const note =
      index === sections.length - 1 && left > 0
        ? `\n${TRUNCATION_NOTE} ${left} more ${left === 1 ? unit.slice(0, -1) : unit} not shown`
        : '';
    return {
      type: 'section',
      text: { type: 'mrkdwn', text: `${FENCE_OPEN}${section.join('\n')}${FENCE_CLOSE}${note}` },
    };
  });
}

/** Keeps a message within Slack's block count: a note says how many blocks were left out; the last actions block is kept. */
function capBlockCount(blocks: KnownBlock[]): KnownBlock[] {
  const max = SLACK_LIMITS.messageBlocks;
  if (blocks.length <= max) return blocks;
  const actionsIndex = blocks.findLastIndex((block) => block.type === 'actions');
  const actions = actionsIndex >= 0 ? blocks[actionsIndex] : undefined;
  const others = blocks.filter((_, index) => index !== actionsIndex);
  const keep = max - 1 - (actions ? 1 : 0);
  const note: ContextBlock = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${TRUNCATION_NOTE} ${others.length - keep} more blocks not shown` }],
  };
  return [...others.slice(0, keep), note, ...(actions ? [actions] : [])];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
