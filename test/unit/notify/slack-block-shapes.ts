/**
 * A hand-written check of Block Kit payloads against the shapes and limits Slack documents for the
 * blocks vnetops uses (header, section, context, divider, actions with buttons; input blocks with
 * plain_text_input and static_select in modals). Returns every problem found, empty when valid.
 */
import type { KnownBlock, View } from '@slack/types';

const MESSAGE_BLOCKS = 50;
const MODAL_BLOCKS = 100;

type Problems = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkText(
  value: unknown,
  where: string,
  problems: Problems,
  o: { max: number; types?: readonly string[] },
): void {
  if (!isObject(value)) {
    problems.push(`${where}: text object missing`);
    return;
  }
  const types = o.types ?? ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !types.includes(value.type))
    problems.push(`${where}: type ${String(value.type)} not in ${types.join('/')}`);
  if (typeof value.text !== 'string' || value.text.length === 0) problems.push(`${where}: empty text`);
  else if (value.text.length > o.max) problems.push(`${where}: ${value.text.length} chars > ${o.max}`);
  if (value.type === 'mrkdwn' && typeof value.text === 'string') checkMrkdwn(value.text, where, problems);
  const allowed = value.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim'];
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${where}: unknown key ${key}`);
}

/** mrkdwn may contain `<…>` only as Slack's own tokens (mentions, channels, dates); `&` only as an entity. */
function checkMrkdwn(text: string, where: string, problems: Problems): void {
  for (const match of text.matchAll(/<([^>]*)>?/g)) {
    if (
      !/^(@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+|!date\^\d+\^[^|]+\|[^<>|]+)$/.test(match[1] ?? '') ||
      !match[0].endsWith('>')
    ) {
      problems.push(`${where}: raw < in mrkdwn: ${match[0].slice(0, 40)}`);
    }
  }
  const outsideTokens = text.replace(/<[^>]*>/g, '');
  if (outsideTokens.includes('>')) problems.push(`${where}: raw > in mrkdwn`);
  for (const match of text.matchAll(/&([^;\s]{0,6};?)/g)) {
    if (!/^(amp|lt|gt);$/.test(match[1] ?? '')) problems.push(`${where}: bare & in mrkdwn: ${match[0]}`);
  }
  // The renderer's code sections (section texts opening with a fence) must close what they open;
  // an odd fence inside other text is only odd formatting, which Slack accepts.
  if (where.endsWith('].text') && text.startsWith('```\n') && (text.match(/```/g) ?? []).length % 2 === 1)
    problems.push(`${where}: unbalanced code fence`);
}

function checkKeys(
  block: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  problems: Problems,
): void {
  for (const key of Object.keys(block)) if (!allowed.includes(key)) problems.push(`${where}: unknown key ${key}`);
}

function checkButton(element: unknown, where: string, problems: Problems): void {
  if (!isObject(element) || element.type !== 'button') {
    problems.push(`${where}: not a button`);
    return;
  }
  checkKeys(element, ['type', 'action_id', 'text', 'value', 'style', 'confirm'], where, problems);
  checkText(element.text, `${where}.text`, problems, { max: 75, types: ['plain_text'] });
  if (typeof element.action_id !== 'string' || element.action_id.length === 0 || element.action_id.length > 255)
    problems.push(`${where}: bad action_id`);
  if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000))
    problems.push(`${where}: bad value`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
    problems.push(`${where}: bad style`);
  if (element.confirm !== undefined) {
    const c = element.confirm as Record<string, unknown>;
    checkText(c.title, `${where}.confirm.title`, problems, { max: 100, types: ['plain_text'] });
    checkText(c.text, `${where}.confirm.text`, problems, { max: 300 });
    checkText(c.confirm, `${where}.confirm.confirm`, problems, { max: 30, types: ['plain_text'] });
    checkText(c.deny, `${where}.confirm.deny`, problems, { max: 30, types: ['plain_text'] });
  }
}

function checkBlock(block: unknown, where: string, problems: Problems): void {
  if (!isObject(block)) {
    problems.push(`${where}: not an object`);
    return;
  }
  if (block.block_id !== undefined && (typeof block.block_id !== 'string' || block.block_id.length > 255))
    problems.push(`${where}: bad block_id`);
  switch (block.type) {
    case 'header':
      checkKeys(block, ['type', 'text', 'block_id'], where, problems);
      checkText(block.text, `${where}.text`, problems, { max: 150, types: ['plain_text'] });
      break;
    case 'section': {
      checkKeys(block, ['type', 'text', 'fields', 'block_id', 'accessory'], where, problems);
      if (block.text === undefined && block.fields === undefined)
        problems.push(`${where}: section needs text or fields`);
      if (block.text !== undefined) checkText(block.text, `${where}.text`, problems, { max: 3000 });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10)
          problems.push(`${where}: 1-10 fields`);
        else
          block.fields.forEach((field, index) =>
            checkText(field, `${where}.fields[${index}]`, problems, { max: 2000 }),
          );
      }
      break;
    }
    case 'context':
      checkKeys(block, ['type', 'elements', 'block_id'], where, problems);
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10)
        problems.push(`${where}: 1-10 elements`);
      else
        block.elements.forEach((element, index) =>
          checkText(element, `${where}.elements[${index}]`, problems, { max: 3000 }),
        );
      break;
    case 'divider':
      checkKeys(block, ['type', 'block_id'], where, problems);
      break;
    case 'actions':
      checkKeys(block, ['type', 'elements', 'block_id'], where, problems);
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)
        problems.push(`${where}: 1-25 elements`);
      else block.elements.forEach((element, index) => checkButton(element, `${where}.elements[${index}]`, problems));
      break;
    case 'input':
      checkInput(block, where, problems);
      break;
    default:
      problems.push(`${where}: block type ${String(block.type)} not expected`);
  }
}

function checkInput(block: Record<string, unknown>, where: string, problems: Problems): void {
  checkKeys(block, ['type', 'block_id', 'label', 'element', 'optional', 'hint', 'dispatch_action'], where, problems);
  checkText(block.label, `${where}.label`, problems, { max: 2000, types: ['plain_text'] });
  if (block.hint !== undefined) checkText(block.hint, `${where}.hint`, problems, { max: 2000, types: ['plain_text'] });
  const element = block.element;
  if (!isObject(element)) {
    problems.push(`${where}: input needs an element`);
    return;
  }
  if (typeof element.action_id !== 'string' || element.action_id.length === 0 || element.action_id.length > 255)
    problems.push(`${where}: bad action_id`);
  if (element.placeholder !== undefined)
    checkText(element.placeholder, `${where}.placeholder`, problems, { max: 150, types: ['plain_text'] });
  if (element.type === 'plain_text_input') {
    checkKeys(
      element,
      ['type', 'action_id', 'placeholder', 'initial_value', 'multiline', 'min_length', 'max_length'],
      where,
      problems,
    );
    const max = element.max_length;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000))
      problems.push(`${where}: bad max_length`);
    if (typeof element.initial_value === 'string' && typeof max === 'number' && element.initial_value.length > max)
      problems.push(`${where}: initial_value longer than max_length`);
  } else if (element.type === 'static_select') {
    checkKeys(element, ['type', 'action_id', 'placeholder', 'options', 'initial_option'], where, problems);
    const options = element.options;
    if (!Array.isArray(options) || options.length === 0 || options.length > 100)
      problems.push(`${where}: 1-100 options`);
    else {
      options.forEach((option: unknown, index) => {
        const o = option as Record<string, unknown>;
        checkText(o.text, `${where}.options[${index}].text`, problems, { max: 75, types: ['plain_text'] });
        if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > 150)
          problems.push(`${where}.options[${index}]: bad value`);
      });
      if (
        element.initial_option !== undefined &&
        !options.some((o) => JSON.stringify(o) === JSON.stringify(element.initial_option))
      ) {
        problems.push(`${where}: initial_option is not one of the options`);
      }
    }
  } else {
    problems.push(`${where}: element type ${String(element.type)} not expected`);
  }
}

/** Problems of a message payload (`text` + `blocks`), empty when Slack would accept it. */
export function messageProblems(message: { text: string; blocks: KnownBlock[] }): string[] {
  const problems: Problems = [];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('text: missing fallback text');
  if (message.blocks.length > MESSAGE_BLOCKS) problems.push(`blocks: ${message.blocks.length} > ${MESSAGE_BLOCKS}`);
  message.blocks.forEach((block, index) => {
    if (isObject(block) && block.type === 'input') problems.push(`blocks[${index}]: input block in a message`);
    else checkBlock(block, `blocks[${index}]`, problems);
  });
  return problems;
}

/** Problems of a modal view, empty when Slack would accept it. */
export function viewProblems(view: View): string[] {
  const problems: Problems = [];
  const v = view as unknown as Record<string, unknown>;
  if (v.type !== 'modal') problems.push('type: not a modal');
  checkText(v.title, 'title', problems, { max: 24, types: ['plain_text'] });
  if (v.submit !== undefined) checkText(v.submit, 'submit', problems, { max: 24, types: ['plain_text'] });
  if (v.close !== undefined) checkText(v.close, 'close', problems, { max: 24, types: ['plain_text'] });
  if (typeof v.callback_id !== 'string' || v.callback_id.length > 255) problems.push('callback_id: bad');
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
    problems.push('private_metadata: too long');
  const blocks = Array.isArray(v.blocks) ? v.blocks : [];
  if (blocks.length === 0 || blocks.length > MODAL_BLOCKS)
    problems.push(`blocks: ${blocks.length} not in 1-${MODAL_BLOCKS}`);
  const blockIds = blocks
    .map((block: unknown) => (block as { block_id?: unknown }).block_id)
    .filter((id) => id !== undefined);
  if (new Set(blockIds).size !== blockIds.length) problems.push('blocks: duplicate block_id');
  blocks.forEach((block: unknown, index) => checkBlock(block, `blocks[${index}]`, problems));
  return problems;
}
