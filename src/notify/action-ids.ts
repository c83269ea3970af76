/**
 * Ids the bot's listeners match on: buttons' action ids and modals' callback ids and fields.
 * The builders set them, the Slack listeners read them back; both import them from here.
 */

/** The Approve button on an approval request (value: the approval id). */
export const APPROVE_ACTION_ID = 'vnet_approve';
/** The Reject button on an approval request (value: the approval id); opens the reject-reason modal. */
export const REJECT_ACTION_ID = 'vnet_reject';
/** The create dialog's callback id. */
export const CREATE_MODAL_CALLBACK_ID = 'vnet_create';
/** The reject-reason modal's callback id. */
export const REJECT_REASON_CALLBACK_ID = 'vnet_reject_reason';

/** The reject-reason modal's one input (a required multiline reason). */
export const REJECT_REASON_FIELD = { blockId: 'reason', actionId: 'reason' } as const;

/** The create dialog's inputs, by the field they hold. */
export const CREATE_MODAL_FIELDS = {
  mode: { blockId: 'mode', actionId: 'mode' },
  name: { blockId: 'name', actionId: 'name' },
  subnet: { blockId: 'subnet', actionId: 'subnet' },
  dhcp: { blockId: 'dhcp', actionId: 'dhcp' },
  dhcpRange: { blockId: 'dhcp_range', actionId: 'dhcp_range' },
  bridge: { blockId: 'bridge', actionId: 'bridge' },
  host: { blockId: 'host', actionId: 'host' },
  reason: { blockId: 'reason', actionId: 'reason' },
} as const;

/** The values of the create dialog's DHCP choice. */
export const DHCP_CHOICES = { default: 'default', none: 'none', custom: 'custom' } as const;
