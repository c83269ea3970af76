// Block Kit → DOM, for messages and modals: header, section (text, fields, accessory), context,
// divider, actions (buttons), image, rich_text (as text) and, in modals, input blocks with
// plain_text_input, static_select, radio_buttons and checkboxes. Anything else shows as a note, so
// a block the console does not know is visible rather than silently missing.
import { renderMrkdwn, renderPlain, renderText } from './mrkdwn.js';

function element(tag, className, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child);
  return node;
}

function optionText(option) {
  return option?.text?.text ?? option?.value ?? '';
}

/**
 * A button. `context.onAction(element, node)` is called on click; a button with `confirm` asks first
 * through `context.confirm(dialog)` (a promise of true/false), one with `url` opens it instead.
 */
function button(spec, context) {
  const node = element('button', `bk-button ${spec.style ?? ''}`.trim(), [renderPlain(spec.text)]);
  node.type = 'button';
  node.dataset.actionId = spec.action_id ?? '';
  if (spec.url) {
    // Only web links navigate, as in mrkdwn: never javascript: or data: from a message.
    if (/^https?:\/\//i.test(spec.url))
      node.addEventListener('click', () => window.open(spec.url, '_blank', 'noopener'));
    else node.disabled = true;
    return node;
  }
  if (!context.onAction) {
    node.disabled = true;
    return node;
  }
  node.addEventListener('click', async () => {
    if (spec.confirm && !(await context.confirm(spec.confirm))) return;
    context.onAction(spec, node);
  });
  return node;
}

/** An interactive element outside inputs (accessory or actions). */
function interactive(spec, context) {
  if (spec.type === 'button') return button(spec, context);
  if (spec.type === 'static_select' || spec.type === 'overflow') {
    const select = element('select', 'bk-select');
    select.disabled = true;
    select.title = 'menus in messages are not interactive in the console';
    for (const option of spec.options ?? [])
      select.append(new Option(optionText(option), option.value, false, option.value === spec.initial_option?.value));
    return select;
  }
  if (spec.type === 'image') return element('span', 'bk-image', [`[image: ${spec.alt_text ?? ''}]`]);
  return element('span', 'bk-unknown', [`[${spec.type}]`]);
}

/** The control of an input block, named so the form can read it back (`block_id` / `action_id`). */
function inputControl(block, spec) {
  const name = `${block.block_id}\u0000${spec.action_id}`;
  if (spec.type === 'plain_text_input') {
    const control = spec.multiline ? element('textarea', 'bk-input') : element('input', 'bk-input');
    control.name = name;
    control.value = spec.initial_value ?? '';
    if (spec.placeholder) control.placeholder = spec.placeholder.text;
    if (spec.max_length) control.maxLength = spec.max_length;
    return control;
  }
  if (spec.type === 'static_select') {
    const control = element('select', 'bk-input');
    control.name = name;
    if (!spec.initial_option) control.append(new Option(spec.placeholder?.text ?? 'Choose…', '', true, true));
    const groups = spec.option_groups ?? [{ options: spec.options ?? [] }];
    for (const group of groups) {
      const parent = group.label ? element('optgroup') : control;
      if (group.label) {
        parent.label = group.label.text;
        control.append(parent);
      }
      for (const option of group.options ?? [])
        parent.append(new Option(optionText(option), option.value, false, option.value === spec.initial_option?.value));
    }
    return control;
  }
  if (spec.type === 'radio_buttons' || spec.type === 'checkboxes') {
    const multiple = spec.type === 'checkboxes';
    const initial = multiple
      ? (spec.initial_options ?? []).map((option) => option.value)
      : [spec.initial_option?.value];
    return element(
      'div',
      'bk-choices',
      (spec.options ?? []).map((option) => {
        const choice = element('input');
        choice.type = multiple ? 'checkbox' : 'radio';
        choice.name = name;
        choice.value = option.value;
        choice.checked = initial.includes(option.value);
        return element('label', 'bk-choice', [choice, ` ${optionText(option)}`]);
      }),
    );
  }
  return element('span', 'bk-unknown', [`[input ${spec.type} not supported by the console]`]);
}

function renderBlock(block, context) {
  switch (block.type) {
    case 'header':
      return element('h3', 'bk-header', [renderPlain(block.text)]);
    case 'divider':
      return element('hr', 'bk-divider');
    case 'section': {
      const node = element('div', 'bk-section');
      const body = element('div', 'bk-section-body');
      if (block.text) body.append(element('div', 'bk-text', [renderText(block.text, context)]));
      if (block.fields?.length)
        body.append(
          element(
            'div',
            'bk-fields',
            block.fields.map((field) => element('div', 'bk-field', [renderText(field, context)])),
          ),
        );
      node.append(body);
      if (block.accessory) node.append(element('div', 'bk-accessory', [interactive(block.accessory, context)]));
      return node;
    }
    case 'context':
      return element(
        'div',
        'bk-context',
        (block.elements ?? []).map((part) =>
          part.type === 'image'
            ? element('span', 'bk-image', [`[${part.alt_text ?? 'image'}]`])
            : element('span', '', [renderText(part, context)]),
        ),
      );
    case 'actions':
      return element(
        'div',
        'bk-actions',
        (block.elements ?? []).map((spec) => interactive(spec, context)),
      );
    case 'image':
      return element('div', 'bk-image', [`[image: ${block.alt_text ?? ''}]`]);
    case 'rich_text':
      return element('div', 'bk-text', [richTextAsText(block)]);
    case 'input': {
      const error = context.errors?.[block.block_id];
      const node = element('label', `bk-input-block${error ? ' has-error' : ''}`, [
        element('span', 'bk-label', [
          renderPlain(block.label),
          block.optional ? element('span', 'bk-optional', [' (optional)']) : '',
        ]),
        inputControl(block, block.element),
      ]);
      node.dataset.blockId = block.block_id;
      if (block.hint) node.append(element('span', 'bk-hint', [renderPlain(block.hint)]));
      if (error) node.append(element('span', 'bk-error', [error]));
      return node;
    }
    default:
      return element('div', 'bk-unknown', [`[${block.type} block: not shown by the console]`]);
  }
}

/** The text of a rich_text block, without its styling. */
function richTextAsText(block) {
  const words = [];
  const walk = (node) => {
    if (typeof node.text === 'string') words.push(node.text);
    for (const child of node.elements ?? []) walk(child);
  };
  walk(block);
  return renderPlain(words.join(''));
}

/**
 * Renders a message's or a modal's blocks (or, without blocks, its text as mrkdwn).
 * context: `{ users, channels, onAction?, errors? }`.
 */
export function renderBlocks(blocks, fallbackText, context) {
  if (!Array.isArray(blocks) || blocks.length === 0)
    return element('div', 'bk-text', [renderMrkdwn(fallbackText ?? '', context)]);
  return element(
    'div',
    'bk-blocks',
    blocks.map((block) => renderBlock(block, context)),
  );
}

/**
 * What a modal's inputs hold, as the submission's values: block id → action id → value (string,
 * list for checkboxes, null when empty).
 */
export function readInputs(form) {
  const values = {};
  for (const control of form.querySelectorAll('[name]')) {
    const [blockId, actionId] = control.name.split('\u0000');
    if (!actionId) continue;
    const entry = (values[blockId] ??= {});
    if (control.type === 'checkbox') {
      entry[actionId] ??= [];
      if (control.checked) entry[actionId].push(control.value);
    } else if (control.type === 'radio') {
      if (control.checked) entry[actionId] = control.value;
      else entry[actionId] ??= null;
    } else {
      entry[actionId] = control.value === '' ? null : control.value;
    }
  }
  return values;
}
