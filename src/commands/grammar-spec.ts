/**
 * The shapes the command grammar is written in: positional slots, flags, and a command's entry in
 * the grammar table. Parsing, usage lines and help all read these; nothing about a command's syntax
 * is written anywhere else.
 */
import type { ValueKind } from './argument-values.js';
import type { Command, CommandName } from './command.js';

/** A positional argument that carries a value, e.g. `NAME`. */
export interface ValueSlot<T = unknown> {
  readonly kind: 'value';
  /** As usage lines show it: `NAME`, `START-END`. */
  readonly placeholder: string;
  /** What it is, as messages name it: "the network name". */
  readonly subject: string;
  /** One line for help. */
  readonly description: string;
  readonly value: ValueKind<T>;
  /** May be left out (only at the end of a form). */
  readonly optional: boolean;
}

/** A fixed keyword among the positional arguments, e.g. `dhcp-range` in `update`. */
export interface WordSlot {
  readonly kind: 'word';
  /** The keyword, lowercase; matched case-insensitively. */
  readonly word: string;
  /** What the keyword chooses, as messages name it: "change". */
  readonly role: string;
  /** One line for help. */
  readonly description: string;
}

/** One positional argument of a form. */
export type PositionalSlot = ValueSlot | WordSlot;

/**
 * One way to write a command's positional arguments. A command has several forms when keywords
 * choose between them (`update NAME dhcp-range …` / `update NAME dhcp-host add …`); forms that start
 * alike share the same slot objects up to where their keywords differ.
 */
export type CommandForm = readonly PositionalSlot[];

/** A flag that takes a value: `--subnet CIDR` or `--subnet=CIDR`. */
export interface ValueFlag<T = unknown> {
  readonly kind: 'value';
  /** Without the dashes, lowercase. */
  readonly name: string;
  readonly placeholder: string;
  readonly description: string;
  readonly value: ValueKind<T>;
}

/** A flag that is on when present and takes no value: `--force`. */
export interface SwitchFlag {
  readonly kind: 'switch';
  readonly name: string;
  readonly description: string;
}

/** Any flag. */
export type FlagSpec = ValueFlag | SwitchFlag;

/** A flag, or a group of flags of which at most one may be given (`--dhcp START-END | --no-dhcp`). */
export type FlagEntry = FlagSpec | readonly FlagSpec[];

/** What building a command from checked arguments gives: the command, or a rule across arguments it breaks. */
export type BuildResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly message: string; readonly suggestion?: string };

/** One command of the grammar table. */
export interface CommandSpec {
  readonly name: CommandName;
  /** One line for the help overview. */
  readonly summary: string;
  /** More for the command's own help, when the summary is not enough. */
  readonly details?: string;
  /** The ways to write the positional arguments; a command without positionals has one empty form. */
  readonly forms: readonly CommandForm[];
  readonly flags: readonly FlagEntry[];
  /** 1-3 example lines, without the leading `/vnet`. */
  readonly examples: readonly string[];
  /** What the command means with no arguments at all, when that differs from its forms (`create` → the dialog). */
  readonly bare?: { readonly command: Command; readonly description: string };
  /** Builds the command from arguments whose values have each been read and checked. */
  build(args: ParsedArguments): BuildResult;
}

/** A positional value slot. */
export function valueSlot<T>(
  placeholder: string,
  subject: string,
  description: string,
  value: ValueKind<T>,
  optional = false,
): ValueSlot<T> {
  return { kind: 'value', placeholder, subject, description, value, optional };
}

/** A keyword slot. */
export function wordSlot(word: string, role: string, description: string): WordSlot {
  return { kind: 'word', word, role, description };
}

/** A flag with a value. */
export function valueFlag<T>(
  name: string,
  placeholder: string,
  description: string,
  value: ValueKind<T>,
): ValueFlag<T> {
  return { kind: 'value', name, placeholder, description, value };
}

/** A flag without a value. */
export function switchFlag(name: string, description: string): SwitchFlag {
  return { kind: 'switch', name, description };
}

/** Every flag of a command, groups flattened, in table order. */
export function flagsOf(spec: CommandSpec): FlagSpec[] {
  return spec.flags.flatMap((entry) => (isFlagGroup(entry) ? [...entry] : [entry]));
}

/** True for a group of mutually exclusive flags. */
export function isFlagGroup(entry: FlagEntry): entry is readonly FlagSpec[] {
  return Array.isArray(entry);
}

/** The arguments of one command line, each value already read and checked by its kind. */
export class ParsedArguments {
  readonly #values: ReadonlyMap<ValueSlot | ValueFlag, unknown>;
  readonly #present: ReadonlySet<PositionalSlot | FlagSpec>;

  constructor(values: ReadonlyMap<ValueSlot | ValueFlag, unknown>, present: ReadonlySet<PositionalSlot | FlagSpec>) {
    this.#values = values;
    this.#present = present;
  }

  /** The value given for a slot or flag, if it was given. */
  get<T>(spec: ValueSlot<T> | ValueFlag<T>): T | undefined {
    return this.#values.get(spec) as T | undefined;
  }

  /** The value of a slot that every matching form requires (a missing one is a bug in the table). */
  required<T>(spec: ValueSlot<T>): T {
    if (!this.#values.has(spec)) throw new Error(`grammar table bug: required slot ${spec.placeholder} has no value`);
    return this.#values.get(spec) as T;
  }

  /** True when a flag was given or a keyword was matched. */
  has(spec: PositionalSlot | FlagSpec): boolean {
    return this.#present.has(spec);
  }
}
