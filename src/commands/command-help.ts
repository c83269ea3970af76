/**
 * Usage lines and help text, generated from the grammar table (Slack mrkdwn: `code` for what to type,
 * *bold* headings, • bullets). Nothing here knows any command by name.
 */
import type { ValueKind } from './argument-values.js';
import { COMMAND_NAMES, type CommandName } from './command.js';
import { COMMAND_GRAMMAR } from './command-grammar.js';
import {
  type CommandSpec,
  type FlagEntry,
  type FlagSpec,
  type PositionalSlot,
  flagsOf,
  isFlagGroup,
} from './grammar-spec.js';

/** The one usage line of a command, e.g. `/vnet info NAME [--host H] [--xml]` (plain text, no backticks). */
export function usageOf(name: CommandName): string {
  const spec = COMMAND_GRAMMAR[name];
  return ['/vnet', spec.name, positionalsUsage(spec), ...spec.flags.map(flagEntryUsage)]
    .filter((part) => part !== '')
    .join(' ');
}

/**
 * Help for the person in Slack: without a topic, every command's usage line and summary; with one,
 * that command's usage, each argument and flag, the choices of its values (modes) and examples.
 */
export function helpText(topic?: CommandName): string {
  return topic === undefined ? overview() : commandHelp(COMMAND_GRAMMAR[topic]);
}

function overview(): string {
  return [
    '*/vnet* manages libvirt virtual networks on your hosts.',
    ...COMMAND_NAMES.map((name) => `• \`${usageOf(name)}\` — ${COMMAND_GRAMMAR[name].summary}`),
    'Type `/vnet help COMMAND` (or add `--help` to a command) for its arguments, flags and examples.',
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  const lines = [`*/vnet ${spec.name}* — ${spec.summary}`, `\`${usageOf(spec.name)}\``];
  if (spec.details !== undefined) lines.push(spec.details);
  if (spec.bare !== undefined) lines.push(`\`/vnet ${spec.name}\` with nothing after it ${spec.bare.description}.`);

  const slots = uniqueSlots(spec);
  if (slots.length > 0) {
    lines.push(
      '',
      '*Arguments*',
      ...slots.map(
        (slot) =>
          `• \`${slot.kind === 'value' ? slot.placeholder : slot.word}\` — ${slot.description}${slotNote(slot)}`,
      ),
    );
  }
  for (const slot of slots) {
    if (slot.kind === 'value') lines.push(...choicesHelp(slot.value));
  }

  const flags = flagsOf(spec);
  if (flags.length > 0) {
    lines.push('', '*Flags*', ...flags.map((flag) => `• \`${flagUsage(flag)}\` — ${flag.description}`));
    for (const group of spec.flags.filter(isFlagGroup))
      lines.push(`Give at most one of ${group.map((flag) => `\`--${flag.name}\``).join(' and ')}.`);
  }
  for (const flag of flags) {
    if (flag.kind === 'value') lines.push(...choicesHelp(flag.value));
  }

  lines.push('', '*Examples*', ...spec.examples.map((example) => `\`/vnet ${example}\``));
  return lines.join('\n');
}

function slotNote(slot: PositionalSlot): string {
  return slot.kind === 'value' && slot.optional ? ' (optional)' : '';
}

/** The choices of a value kind as a help section, e.g. the modes; nothing for free-form values. */
function choicesHelp(kind: ValueKind<unknown>): string[] {
  if (kind.choices === undefined || kind.choicesTitle === undefined) return [];
  return [
    '',
    `*${kind.choicesTitle}*`,
    ...kind.choices.map((choice) => {
      const aliases =
        choice.aliases.length === 0 ? '' : ` (or ${choice.aliases.map((alias) => `\`${alias}\``).join(', ')})`;
      return `• \`${choice.word}\`${aliases} — ${choice.description}`;
    }),
  ];
}

/** Every positional slot of the command once, in the order the forms first use them. */
function uniqueSlots(spec: CommandSpec): PositionalSlot[] {
  return [...new Set(spec.forms.flat())];
}

/** The positionals of all forms: their shared start, then the alternatives in parentheses. */
function positionalsUsage(spec: CommandSpec): string {
  const [first = [], ...others] = spec.forms;
  let shared = 0;
  while (shared < first.length && others.every((form) => form[shared] === first[shared])) shared += 1;
  const prefix = first.slice(0, shared).map(slotUsage);
  if (others.length === 0) return prefix.join(' ');
  const alternatives = spec.forms.map((form) => form.slice(shared).map(slotUsage).join(' '));
  return [...prefix, `(${alternatives.join(' | ')})`].join(' ');
}

function slotUsage(slot: PositionalSlot): string {
  if (slot.kind === 'word') return slot.word;
  return slot.optional ? `[${slot.placeholder}]` : slot.placeholder;
}

function flagUsage(flag: FlagSpec): string {
  return flag.kind === 'value' ? `--${flag.name} ${flag.placeholder}` : `--${flag.name}`;
}

function flagEntryUsage(entry: FlagEntry): string {
  return isFlagGroup(entry) ? `[${entry.map(flagUsage).join(' | ')}]` : `[${flagUsage(entry)}]`;
}
