import { describe, expect, it } from 'vitest';
import { CREATE_MODAL_FIELDS } from '../../../src/notify/index.js';
import { type CreateDialogValues, dialogCommandText, validateCreateDialog } from '../../../src/app/create-dialog.js';
import { readCreateDialog } from '../../../src/slack/create-dialog-values.js';

const blank: CreateDialogValues = {
  mode: 'isolated',
  name: '',
  subnet: '',
  dhcp: 'default',
  dhcpRange: '',
  bridge: '',
  host: '',
  reason: '',
};

describe('create dialog validation', () => {
  it('turns a good submission into the same create command the slash command gives', () => {
    const result = validateCreateDialog({
      ...blank,
      name: 'lab1',
      subnet: '10.0.5.0/24',
      dhcp: 'custom',
      dhcpRange: '10.0.5.100-10.0.5.200',
      host: 'kvm1',
      reason: 'class lab',
    });
    expect(result).toMatchObject({
      ok: true,
      command: {
        kind: 'create',
        mode: 'isolated',
        name: 'lab1',
        subnet: '10.0.5.0/24',
        dhcp: { start: '10.0.5.100', end: '10.0.5.200' },
        host: 'kvm1',
        reason: 'class lab',
      },
    });
  });

  it("puts each bad field's error on that field", () => {
    const result = validateCreateDialog({
      ...blank,
      name: 'Bad Name!',
      subnet: '10.0.0.1/33',
      dhcp: 'custom',
      dhcpRange: 'nope',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(
      [
        CREATE_MODAL_FIELDS.dhcpRange.blockId,
        CREATE_MODAL_FIELDS.name.blockId,
        CREATE_MODAL_FIELDS.subnet.blockId,
      ].sort(),
    );
  });

  it('asks for a name and for a custom range when those are missing', () => {
    const result = validateCreateDialog({ ...blank, dhcp: 'custom' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[CREATE_MODAL_FIELDS.name.blockId]).toMatch(/name/);
    expect(result.errors[CREATE_MODAL_FIELDS.dhcpRange.blockId]).toMatch(/START-END/);
  });

  it('reports a rule that ties fields together (bridged needs a bridge) on a field the person can fix', () => {
    const result = validateCreateDialog({ ...blank, mode: 'bridged', name: 'lan1', dhcp: 'default' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.values(result.errors).join(' ')).toMatch(/bridge/);
  });

  it('no DHCP becomes --no-dhcp, and quotes in values cannot break out of their word', () => {
    const result = validateCreateDialog({ ...blank, name: 'lab2', dhcp: 'none', reason: `it's "quoted" --force` });
    expect(result).toMatchObject({ ok: true, command: { dhcp: false, reason: `it's "quoted" --force` } });
    if (result.ok) expect(dialogCommandText(result.command)).toContain('--no-dhcp');
  });

  it("reads values from Slack's view state shape", () => {
    const values = {
      [CREATE_MODAL_FIELDS.mode.blockId]: {
        [CREATE_MODAL_FIELDS.mode.actionId]: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text' as const, text: 'NAT' }, value: 'nat' },
        },
      },
      [CREATE_MODAL_FIELDS.name.blockId]: {
        [CREATE_MODAL_FIELDS.name.actionId]: { type: 'plain_text_input', value: ' lab3 ' },
      },
    };
    expect(readCreateDialog(values)).toMatchObject({ mode: 'nat', name: 'lab3', subnet: '' });
  });
});
