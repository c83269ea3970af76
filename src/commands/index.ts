/**
 * The `/vnet` command language: the typed commands, the grammar table, the parser and the help text
 * generated from the table.
 */
export * from './command.js';
export { COMMAND_GRAMMAR } from './command-grammar.js';
export { MAX_COMMAND_LENGTH, parseCommand } from './command-parser.js';
export { helpText, usageOf } from './command-help.js';
export type {
  CommandForm,
  CommandSpec,
  FlagEntry,
  FlagSpec,
  PositionalSlot,
  SwitchFlag,
  ValueFlag,
  ValueSlot,
  WordSlot,
} from './grammar-spec.js';
export type { AddressRange, ValueChoice, ValueKind } from './argument-values.js';
