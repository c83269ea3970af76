import type { ViewStateValue } from '@slack/bolt';
import type { CreateDialogValues } from '../app/index.js';
import { CREATE_MODAL_FIELDS } from '../notify/index.js';

/** Reads the dialog's values out of a `view_submission`'s `view.state.values`. */
export function readCreateDialog(values: Record<string, Record<string, ViewStateValue>>): CreateDialogValues {
  const read = (field: keyof typeof CREATE_MODAL_FIELDS): string => {
    const { blockId, actionId } = CREATE_MODAL_FIELDS[field];
    const state = values[blockId]?.[actionId];
    return (state?.selected_option?.value ?? state?.value ?? '').trim();
  };
  return {
    mode: read('mode'),
    name: read('name'),
    subnet: read('subnet'),
    dhcp: read('dhcp'),
    dhcpRange: read('dhcpRange'),
    bridge: read('bridge'),
    host: read('host'),
    reason: read('reason'),
  };
}
