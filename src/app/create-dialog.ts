import { type Command, parseCommand } from '../commands/index.js';
import { CREATE_MODAL_FIELDS } from '../notify/index.js';

/** The create dialog's fields as submitted (trimmed; empty = not given). */
export interface CreateDialogValues {
  mode: string;
  name: string;
  subnet: string;
  dhcp: string;
  dhcpRange: string;
  bridge: string;
  host: string;
  reason: string;
}

/** What a submission gives: a create command, or an error per field (block id → message) for Slack to show. */
export type CreateDialogResult =
  { ok: true; command: Extract<Command, { kind: 'create' }> } | { ok: false; errors: Record<string, string> };

/** Quotes a value as one shell-like word for the grammar (the parser never expands anything). */
function word(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Validates the dialog field by field with the same grammar `/vnet create` uses (one source of
 * truth): each field alone first, so each error lands on its own field, then the whole request for
 * the rules that tie fields together (e.g. bridged needs a bridge).
 */
export function validateCreateDialog(values: CreateDialogValues): CreateDialogResult {
  const errors: Record<string, string> = {};
  const mode = values.mode || 'isolated';
  const name = values.name || 'x';
  const flag = (field: keyof typeof CREATE_MODAL_FIELDS, text: string): void => {
    const parsed = parseCommand(text);
    if (!parsed.ok) errors[CREATE_MODAL_FIELDS[field].blockId] = parsed.error.message;
  };
  if (!values.name) errors[CREATE_MODAL_FIELDS.name.blockId] = 'give the network a name, such as lab1';
  else flag('name', `create isolated ${word(values.name)}`);
  flag('mode', `create ${word(mode)} x${mode === 'bridged' || mode === 'bridge' ? ' --bridge br0' : ''}`);
  if (values.subnet) flag('subnet', `create isolated x --subnet ${word(values.subnet)}`);
  if (values.dhcp === 'custom') {
    if (!values.dhcpRange)
      errors[CREATE_MODAL_FIELDS.dhcpRange.blockId] = 'give the range as START-END, e.g. 10.0.5.100-10.0.5.200';
    else flag('dhcpRange', `create isolated x --dhcp ${word(values.dhcpRange)}`);
  }
  if (values.bridge) flag('bridge', `create bridged x --bridge ${word(values.bridge)}`);
  if (values.host) flag('host', `create isolated x --host ${word(values.host)}`);
  if (values.reason) flag('reason', `create isolated x --reason ${word(values.reason)}`);
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const words = ['create', word(mode), word(name)];
  if (values.subnet) words.push('--subnet', word(values.subnet));
  if (values.dhcp === 'none') words.push('--no-dhcp');
  if (values.dhcp === 'custom') words.push('--dhcp', word(values.dhcpRange));
  if (values.bridge) words.push('--bridge', word(values.bridge));
  if (values.host) words.push('--host', word(values.host));
  if (values.reason) words.push('--reason', word(values.reason));
  const whole = parseCommand(words.join(' '));
  if (!whole.ok) {
    // A rule across fields: show it where the person can fix it (the field it names, else the mode).
    const field = (['bridge', 'subnet', 'dhcpRange'] as const).find((f) =>
      whole.error.message.toLowerCase().includes(f === 'dhcpRange' ? 'dhcp' : f),
    );
    return { ok: false, errors: { [CREATE_MODAL_FIELDS[field ?? 'mode'].blockId]: whole.error.message } };
  }
  if (whole.command.kind !== 'create')
    return { ok: false, errors: { [CREATE_MODAL_FIELDS.mode.blockId]: 'not a create request' } };
  return { ok: true, command: whole.command };
}

/** The command text a dialog submission stands for (shown in messages and the audit log). */
export function dialogCommandText(command: Extract<Command, { kind: 'create' }>): string {
  const parts = ['/vnet create', command.mode, command.name];
  if (command.subnet) parts.push('--subnet', command.subnet);
  if (command.dhcp === false) parts.push('--no-dhcp');
  else if (command.dhcp) parts.push('--dhcp', `${command.dhcp.start}-${command.dhcp.end}`);
  if (command.bridge) parts.push('--bridge', command.bridge);
  if (command.host) parts.push('--host', command.host);
  if (command.reason) parts.push('--reason', JSON.stringify(command.reason));
  return `${parts.join(' ')} (from the dialog)`;
}
