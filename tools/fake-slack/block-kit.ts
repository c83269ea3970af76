import { randomBytes } from 'node:crypto';
import type { AnyBlock, KnownBlock, PlainTextElement } from '@slack/types';

/**
 * Block Kit as the fake needs it: the checks Slack makes before it accepts blocks or a view, the ids
 * Slack fills in, and finding the interactive elements a user can click or fill in.
 */

/** Every block type Slack knows, kept in step with @slack/types by the compiler. */
const KNOWN_BLOCK_TYPES: Record<KnownBlock['type'], true> = {
  actions: true,
  alert: true,
  card: true,
  carousel: true,
  container: true,
  context: true,
  context_actions: true,
  data_table: true,
  divider: true,
  file: true,
  header: true,
  image: true,
  input: true,
  markdown: true,
  plan: true,
  rich_text: true,
  section: true,
  table: true,
  task_card: true,
  video: true,
};

/** Slack's cap on blocks in one message (a modal may have 100). */
export const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;

/** Blocks Slack accepted, or the error code and `[ERROR] …` messages it answers with. */
export type BlocksCheck =
  | { ok: true; blocks: AnyBlock[] }
  | { ok: false; error: 'invalid_blocks' | 'invalid_blocks_format'; messages: string[] };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainText(value: unknown): value is PlainTextElement {
  return isObject(value) && value.type === 'plain_text' && typeof value.text === 'string';
}

function isTextObject(value: unknown): boolean {
  return isObject(value) && (value.type === 'plain_text' || value.type === 'mrkdwn') && typeof value.text === 'string';
}

/** What is wrong with one block, if anything (only the structure the fake relies on is checked). */
function blockProblem(block: unknown, pointer: string): string | null {
  if (!isObject(block)) return `must be an object [json-pointer:${pointer}]`;
  if (typeof block.type !== 'string' || !(block.type in KNOWN_BLOCK_TYPES))
    return `unsupported type: ${String(block.type)} [json-pointer:${pointer}/type]`;
  switch (block.type) {
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0)
        return `must provide an array of elements [json-pointer:${pointer}/elements]`;
      return block.elements.every((element) => isObject(element) && typeof element.type === 'string')
        ? null
        : `invalid element [json-pointer:${pointer}/elements]`;
    case 'section':
      return isTextObject(block.text) || Array.isArray(block.fields)
        ? null
        : `must provide text or fields [json-pointer:${pointer}]`;
    case 'header':
      return isPlainText(block.text) ? null : `must provide a plain_text text [json-pointer:${pointer}/text]`;
    case 'input':
      if (!isPlainText(block.label)) return `must provide a plain_text label [json-pointer:${pointer}/label]`;
      return isObject(block.element) && typeof block.element.type === 'string'
        ? null
        : `must provide an element [json-pointer:${pointer}/element]`;
    default:
      return null;
  }
}

/**
 * Checks `raw` (a JSON string from a form post, or an already parsed value) the way Slack checks a
 * `blocks` argument: an array of at most `maxBlocks` objects, each of a known type.
 */
export function checkBlocks(raw: unknown, maxBlocks = MAX_MESSAGE_BLOCKS): BlocksCheck {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_blocks_format', messages: ['[ERROR] invalid JSON [json-pointer:/blocks]'] };
    }
  }
  if (!Array.isArray(value))
    return { ok: false, error: 'invalid_blocks', messages: ['[ERROR] must provide an array [json-pointer:/blocks]'] };
  if (value.length > maxBlocks)
    return {
      ok: false,
      error: 'invalid_blocks',
      messages: [`[ERROR] no more than ${maxBlocks} items allowed [json-pointer:/blocks]`],
    };
  const messages = value.flatMap((block, index) => {
    const problem = blockProblem(block, `/blocks/${index}`);
    return problem ? [`[ERROR] ${problem}`] : [];
  });
  return messages.length > 0
    ? { ok: false, error: 'invalid_blocks', messages }
    : { ok: true, blocks: value as AnyBlock[] };
}

/** A modal definition as `views.open`/`update`/`push` receive it, after Slack's checks. */
export interface ModalDefinition {
  title: PlainTextElement;
  blocks: AnyBlock[];
  close?: PlainTextElement;
  submit?: PlainTextElement;
  private_metadata?: string;
  callback_id?: string;
  external_id?: string;
  clear_on_close?: boolean;
  notify_on_close?: boolean;
}

/** Checks a `view` argument; null when Slack would answer `invalid_arguments`. */
export function checkModal(raw: unknown): ModalDefinition | null {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isObject(value) || value.type !== 'modal' || !isPlainText(value.title)) return null;
  const blocks = checkBlocks(value.blocks, MAX_VIEW_BLOCKS);
  if (!blocks.ok) return null;
  for (const field of ['close', 'submit'] as const)
    if (value[field] !== undefined && value[field] !== null && !isPlainText(value[field])) return null;
  for (const field of ['private_metadata', 'callback_id', 'external_id'] as const)
    if (value[field] !== undefined && typeof value[field] !== 'string') return null;
  return { ...(value as unknown as ModalDefinition), blocks: blocks.blocks };
}

function generatedId(): string {
  // Slack fills in short random ids such as "Xp3fQ".
  return randomBytes(4).toString('base64url').slice(0, 5);
}

function withActionId(element: unknown): unknown {
  return isObject(element) && element.action_id === undefined ? { ...element, action_id: generatedId() } : element;
}

/** A copy of `blocks` with the `block_id`s and `action_id`s Slack generates where the app gave none. */
export function withGeneratedIds(blocks: readonly AnyBlock[]): AnyBlock[] {
  return blocks.map((block) => {
    const copy: JsonObject = { ...(block as unknown as JsonObject) };
    copy.block_id ??= generatedId();
    if (Array.isArray(copy.elements) && copy.type === 'actions') copy.elements = copy.elements.map(withActionId);
    if (copy.accessory !== undefined) copy.accessory = withActionId(copy.accessory);
    if (copy.element !== undefined) copy.element = withActionId(copy.element);
    return copy as unknown as AnyBlock;
  });
}

/** A button on screen, with the block it sits in. */
export interface ButtonOnScreen {
  blockId: string;
  actionId: string;
  text: PlainTextElement;
  value?: string;
  style?: string;
  url?: string;
}

/** Every button in `blocks` (in actions blocks and as section accessories), in display order. */
export function buttonsIn(blocks: readonly AnyBlock[] | undefined): ButtonOnScreen[] {
  const buttons: ButtonOnScreen[] = [];
  for (const block of blocks ?? []) {
    const raw = block as unknown as JsonObject;
    const candidates =
      raw.type === 'actions' && Array.isArray(raw.elements)
        ? raw.elements
        : raw.type === 'section'
          ? [raw.accessory]
          : [];
    for (const element of candidates) {
      if (!isObject(element) || element.type !== 'button' || !isPlainText(element.text)) continue;
      buttons.push({
        blockId: String(raw.block_id),
        actionId: String(element.action_id),
        text: element.text,
        ...(typeof element.value === 'string' ? { value: element.value } : {}),
        ...(typeof element.style === 'string' ? { style: element.style } : {}),
        ...(typeof element.url === 'string' ? { url: element.url } : {}),
      });
    }
  }
  return buttons;
}

/** An input element of a view, with the input block around it. */
export interface InputOnScreen {
  blockId: string;
  actionId: string;
  optional: boolean;
  label: string;
  element: JsonObject & { type: string };
}

/** Every input element in a view's blocks, in display order. */
export function inputsIn(blocks: readonly AnyBlock[]): InputOnScreen[] {
  return blocks.flatMap((block) => {
    const raw = block as unknown as JsonObject;
    if (raw.type !== 'input' || !isObject(raw.element) || typeof raw.element.type !== 'string') return [];
    const label = isPlainText(raw.label) ? raw.label.text : '';
    return [
      {
        blockId: String(raw.block_id),
        actionId: String(raw.element.action_id),
        optional: raw.optional === true,
        label,
        element: raw.element as JsonObject & { type: string },
      },
    ];
  });
}
