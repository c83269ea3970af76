/**
 * `parseCommand`: the text after `/vnet` → a typed {@link Command} or a {@link UsageError} written for
 * the person who typed it. Driven entirely by the grammar table; never throws.
 */
import { didYouMean } from '../text/index.js';
import { COMMAND_NAMES, type ParseResult, type UsageError } from './command.js';
import { COMMAND_GRAMMAR } from './command-grammar.js';
import { usageOf } from './command-help.js';
import { type CommandToken, tokenizeCommandLine } from './command-tokenizer.js';
import {
  type CommandSpec,
  type FlagSpec,
  type PositionalSlot,
  type ValueFlag,
  type ValueSlot,
  ParsedArguments,
  flagsOf,
  isFlagGroup,
} from './grammar-spec.js';
import { showText } from './shown-text.js';

/** Longest line accepted; Slack itself sends at most 4000 characters of command text. */
export const MAX_COMMAND_LENGTH = 4000;

/** Slack escapes these three in the text it sends; the person typed the characters themselves. */
const SLACK_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** A word that reads as a flag: two dashes (or the dash Slack made of them), or one dash and a letter. */
const FLAG_SHAPE = /^(?:--|\u2013|\u2014|-(?=\p{L}))/u;

type Failure = { readonly ok: false; readonly error: UsageError };

/**
 * Parses the text Slack sends after `/vnet` (with Slack's `&amp;`, `&lt;`, `&gt;` escapes, which are
 * undone first). Empty text is the help overview; `create` alone is the create dialog. Never throws.
 */
export function parseCommand(text: string): ParseResult {
  if (text.length > MAX_COMMAND_LENGTH) {
    return fail({
      message: `the command is ${text.length} characters long; at most ${MAX_COMMAND_LENGTH} are accepted: shorten it (a long --reason is the usual cause)`,
    });
  }
  const tokenized = tokenizeCommandLine(text.replace(/&(?:amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity));
  if (!tokenized.ok) {
    // The line cannot be split, but its first word may still name the command the person meant.
    const name = COMMAND_NAMES.find((candidate) => candidate === text.trim().split(/\s+/u)[0]?.toLowerCase());
    return name === undefined
      ? fail({ message: tokenized.message })
      : failFor(COMMAND_GRAMMAR[name], tokenized.message);
  }
  const [first, ...rest] = tokenized.tokens;
  if (first === undefined) return { ok: true, command: { kind: 'help' } };

  const spec = commandOf(first);
  if (!spec.ok) return spec;
  if (rest.length === 0 && spec.command.bare !== undefined) return { ok: true, command: spec.command.bare.command };
  return parseArguments(spec.command, rest);
}

function fail(error: UsageError): Failure {
  return { ok: false, error };
}

/** A usage error about a known command: it carries the command and its usage line. */
function failFor(spec: CommandSpec, message: string, suggestion?: string): Failure {
  return fail({
    message,
    ...(suggestion === undefined ? {} : { suggestion }),
    usage: usageOf(spec.name),
    command: spec.name,
  });
}

function commandOf(token: CommandToken): { ok: true; command: CommandSpec } | Failure {
  const word = token.text.toLowerCase();
  if (token.bareDash && FLAG_SHAPE.test(token.text)) {
    const flag = token.text.replace(FLAG_SHAPE, '').toLowerCase();
    if (flag === 'help' || flag === 'h') return { ok: true, command: COMMAND_GRAMMAR.help };
    return fail({
      message: `${showText(token.text)} is a flag, but a command comes first: start with one of ${COMMAND_NAMES.join(', ')}`,
      suggestion: 'Try `/vnet help`.',
    });
  }
  const name = COMMAND_NAMES.find((candidate) => candidate === word);
  if (name !== undefined) return { ok: true, command: COMMAND_GRAMMAR[name] };
  const near = didYouMean(word, COMMAND_NAMES);
  return fail({
    message: `${showText(token.text)} is not a /vnet command: the commands are ${COMMAND_NAMES.join(', ')}`,
    suggestion: near === undefined ? 'Try `/vnet help`.' : `Did you mean \`/vnet ${near}\`?`,
  });
}

/** A flag as typed, with the value written after `=` when there is one. */
interface TypedFlag {
  readonly flag: FlagSpec;
  readonly inlineValue?: string;
}

function parseArguments(spec: CommandSpec, tokens: readonly CommandToken[]): ParseResult {
  const flags = flagsOf(spec);
  const positionals: string[] = [];
  const flagTexts = new Map<ValueFlag, string>();
  const present = new Set<PositionalSlot | FlagSpec>();
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] as CommandToken;
    if (!token.bareDash || !FLAG_SHAPE.test(token.text)) {
      positionals.push(token.text);
      continue;
    }
    const typed = flagOf(spec, flags, token.text);
    if (typed === 'help') return { ok: true, command: { kind: 'help', topic: spec.name } };
    if ('ok' in typed) return typed;
    const { flag, inlineValue } = typed;
    if (present.has(flag)) return failFor(spec, `--${flag.name} is given twice: give it once`);
    present.add(flag);
    if (flag.kind === 'switch') {
      if (inlineValue !== undefined)
        return failFor(spec, `--${flag.name} is a switch and takes no value: write just --${flag.name}`);
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = tokens[index + 1];
      if (next !== undefined && !(next.bareDash && FLAG_SHAPE.test(next.text))) {
        value = next.text;
        index += 1;
      }
    }
    if (value === undefined) {
      return failFor(
        spec,
        `--${flag.name} needs a value: --${flag.name} ${flag.placeholder}, e.g. --${flag.name} ${flag.value.example} (quote values that start with "-")`,
      );
    }
    flagTexts.set(flag, value);
  }

  for (const entry of spec.flags) {
    if (!isFlagGroup(entry)) continue;
    const given = entry.filter((flag) => present.has(flag));
    if (given.length > 1)
      return failFor(
        spec,
        `${given.map((flag) => `--${flag.name}`).join(' and ')} contradict each other: give only one of them`,
      );
  }

  const values = new Map<ValueSlot | ValueFlag, unknown>();
  const matched = matchForm(spec, positionals, flags);
  if (!matched.ok) return matched;
  for (const [slot, text] of matched.slots) {
    present.add(slot);
    if (slot.kind === 'word') continue;
    const reading = slot.value.read(text, slot.subject);
    if (!reading.ok) return failFor(spec, reading.message, reading.suggestion);
    values.set(slot, reading.value);
  }
  for (const [flag, text] of flagTexts) {
    const reading = flag.value.read(text, `--${flag.name}`);
    if (!reading.ok) return failFor(spec, reading.message, reading.suggestion);
    values.set(flag, reading.value);
  }

  const built = spec.build(new ParsedArguments(values, present));
  return built.ok ? { ok: true, command: built.command } : failFor(spec, built.message, built.suggestion);
}

/** Finds the flag a word names, or says why it names none; `'help'` for --help and -h. */
function flagOf(spec: CommandSpec, flags: readonly FlagSpec[], text: string): TypedFlag | 'help' | Failure {
  const singleDash = /^-(?!-)/.test(text);
  const body = text.replace(FLAG_SHAPE, '');
  const equals = body.indexOf('=');
  const name = (equals < 0 ? body : body.slice(0, equals)).toLowerCase();
  if (name === 'help' || (singleDash && name === 'h')) return 'help';
  const names = flags.map((flag) => flag.name);
  const exact = flags.find((flag) => flag.name === name);
  if (singleDash) {
    const meant = exact?.name ?? didYouMean(name, names);
    return failFor(
      spec,
      `${showText(text)} is not a flag: flags start with two dashes`,
      meant === undefined ? undefined : `Did you mean \`--${meant}\`?`,
    );
  }
  if (exact !== undefined) return equals < 0 ? { flag: exact } : { flag: exact, inlineValue: body.slice(equals + 1) };
  if (flags.length === 0) return failFor(spec, `\`${spec.name}\` takes no flags, and ${showText(text)} is given`);
  const near = didYouMean(name, names);
  return failFor(
    spec,
    `unknown flag ${showText(`--${name}`)} for \`${spec.name}\`: its flags are ${names.map((flag) => `--${flag}`).join(', ')}`,
    near === undefined ? undefined : `Did you mean \`--${near}\`?`,
  );
}

/** The positional words matched to the slots of one form of the command. */
type FormMatch = { readonly ok: true; readonly slots: ReadonlyMap<PositionalSlot, string> } | Failure;

/**
 * Walks the words along the command's forms: keywords narrow the forms down; value slots shared by
 * the forms still in play take the word as it is (its kind reads it afterwards).
 */
function matchForm(spec: CommandSpec, words: readonly string[], flags: readonly FlagSpec[]): FormMatch {
  let forms = spec.forms;
  const slots = new Map<PositionalSlot, string>();
  for (let index = 0; ; index += 1) {
    const word = words[index];
    if (word === undefined) {
      const complete = forms.some((form) => form.slice(index).every((slot) => slot.kind === 'value' && slot.optional));
      return complete ? { ok: true, slots } : failFor(spec, missingMessage(forms, index));
    }
    const live = forms.filter((form) => form.length > index);
    const slot = live[0]?.[index];
    if (slot === undefined) return failFor(spec, `unexpected extra argument ${showText(word)}`, flagHint(word, flags));
    if (slot.kind === 'value') {
      slots.set(slot, word);
      forms = live;
      continue;
    }
    const keywords = live
      .map((form) => form[index])
      .filter((candidate): candidate is PositionalSlot & { kind: 'word' } => candidate?.kind === 'word');
    const lower = word.toLowerCase();
    const hit = keywords.find((keyword) => keyword.word === lower);
    if (hit === undefined) {
      const choices = uniqueWords(keywords.map((keyword) => keyword.word));
      const near = didYouMean(lower, choices);
      return failFor(
        spec,
        `unknown ${slot.role} ${showText(word)}: write ${orList(choices)}`,
        near === undefined ? undefined : `Did you mean \`${near}\`?`,
      );
    }
    slots.set(hit, word);
    forms = live.filter((form) => form[index] === hit);
  }
}

/** What is missing at `index`, naming the value or the keywords the forms expect there. */
function missingMessage(forms: readonly (readonly PositionalSlot[])[], index: number): string {
  const expected = forms.map((form) => form[index]).filter((slot): slot is PositionalSlot => slot !== undefined);
  const first = expected[0];
  if (first === undefined) return 'missing arguments';
  if (first.kind === 'value') return `missing ${first.placeholder} (${first.subject})`;
  return `missing the ${first.role}: write ${orList(uniqueWords(expected.map((slot) => (slot.kind === 'word' ? slot.word : slot.placeholder))))}`;
}

/** "Did you mean --subnet?" for a leftover word that is a flag's name without its dashes. */
function flagHint(word: string, flags: readonly FlagSpec[]): string | undefined {
  const flag = flags.find((candidate) => candidate.name === word.toLowerCase());
  return flag === undefined ? undefined : `Did you mean \`--${flag.name}\`? Flags start with two dashes.`;
}

function uniqueWords(words: readonly string[]): string[] {
  return [...new Set(words)];
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}
