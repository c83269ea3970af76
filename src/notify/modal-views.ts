/**
 * The bot's modals: the create-network dialog (`/vnet create` with no arguments) and the reason an
 * approver gives when rejecting. Field ids come from action-ids.ts, which the listeners read too.
 */
import type { InputBlock, ModalView, PlainTextInput, PlainTextOption, StaticSelect, View } from '@slack/types';
import {
  CREATE_MODAL_CALLBACK_ID,
  CREATE_MODAL_FIELDS,
  DHCP_CHOICES,
  REJECT_REASON_CALLBACK_ID,
  REJECT_REASON_FIELD,
} from './action-ids.js';
import { truncatePlain } from './mrkdwn-text.js';
import { SLACK_LIMITS } from './slack-limits.js';

// Input lengths the command rules allow (commands/argument-values, network/name-rules); longer input could never be valid.
const NAME_MAX = 50;
const SUBNET_MAX = '255.255.255.255/32'.length;
const RANGE_MAX = '255.255.255.255-255.255.255.255'.length;
const BRIDGE_MAX = 15;
const REASON_MAX = 500;

const MODE_OPTIONS: readonly [string, string][] = [
  ['nat', 'NAT: guests reach out via the host'],
  ['routed', 'routed: no NAT, upstream routes back'],
  ['isolated', 'isolated: guests and host only'],
  ['bridged', 'bridged: join an existing host bridge'],
  ['open', 'open: routed, no libvirt firewall'],
];

const DHCP_OPTIONS: readonly [string, string][] = [
  [DHCP_CHOICES.default, 'default range'],
  [DHCP_CHOICES.none, 'no DHCP'],
  [DHCP_CHOICES.custom, 'custom range'],
];

/** What the create dialog opens with: the hosts to pick from, the defaults, and the channel it came from. */
export interface CreateNetworkModalOptions {
  hosts: string[];
  defaultHost?: string;
  suggestedSubnet?: string;
  channelId: string;
}

/** The create-network dialog. `private_metadata` carries `{ channelId }`: where the request was made. */
export function createNetworkModal(p: CreateNetworkModalOptions): View {
  const f = CREATE_MODAL_FIELDS;
  const hostOptions = p.hosts.slice(0, SLACK_LIMITS.selectOptions).map((host) => option(host, host));
  const initialHost = hostOptions.find((o) => o.value === p.defaultHost);
  const hostElement: StaticSelect | PlainTextInput =
    hostOptions.length > 0
      ? {
          type: 'static_select',
          action_id: f.host.actionId,
          options: hostOptions,
          ...(initialHost ? { initial_option: initialHost } : {}),
          placeholder: plain('Pick a host'),
        }
      : {
          type: 'plain_text_input',
          action_id: f.host.actionId,
          max_length: 64,
          placeholder: plain('no host has registered yet'),
        };
  const modeOptions = MODE_OPTIONS.map(([value, text]) => option(value, text));
  const dhcpOptions = DHCP_OPTIONS.map(([value, text]) => option(value, text));
  const view: ModalView = {
    type: 'modal',
    callback_id: CREATE_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify({ channelId: p.channelId }),
    title: plain('Create a network'),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks: [
      input(f.mode, 'Mode', {
        type: 'static_select',
        action_id: f.mode.actionId,
        options: modeOptions,
        initial_option: modeOptions[2]!,
      }),
      input(f.name, 'Name', textInput(f.name.actionId, NAME_MAX, { placeholder: 'lab1' }), {
        hint: 'Letters, digits, - and _; at most 50 characters.',
      }),
      input(
        f.subnet,
        'IPv4 subnet',
        textInput(f.subnet.actionId, SUBNET_MAX, {
          placeholder: '10.0.5.0/24',
          ...(p.suggestedSubnet ? { initial: p.suggestedSubnet } : {}),
        }),
        {
          optional: true,
          hint: 'Leave empty to get a free subnet from the pool. Not used for bridged.',
        },
      ),
      input(f.dhcp, 'DHCP', {
        type: 'static_select',
        action_id: f.dhcp.actionId,
        options: dhcpOptions,
        initial_option: dhcpOptions[0]!,
      }),
      input(
        f.dhcpRange,
        'Custom DHCP range',
        textInput(f.dhcpRange.actionId, RANGE_MAX, { placeholder: 'START-END, e.g. 10.0.5.100-10.0.5.200' }),
        { optional: true, hint: 'Only with "custom range".' },
      ),
      input(f.bridge, 'Bridge', textInput(f.bridge.actionId, BRIDGE_MAX, { placeholder: 'br0' }), {
        optional: true,
        hint: 'Required for bridged (an existing host bridge); otherwise a free name is picked.',
      }),
      input(f.host, 'Host', hostElement, hostOptions.length > 0 ? {} : { optional: true }),
      input(
        f.reason,
        'Reason',
        textInput(f.reason.actionId, REASON_MAX, {
          multiline: true,
          placeholder: 'Why is this network needed? Approvers see this.',
        }),
        { optional: true },
      ),
    ],
  };
  return view;
}

/** The modal an approver fills in to reject: one required reason. `private_metadata` is the approval id. */
export function rejectReasonModal(approvalId: string): View {
  return {
    type: 'modal',
    callback_id: REJECT_REASON_CALLBACK_ID,
    private_metadata: truncatePlain(approvalId, SLACK_LIMITS.privateMetadata),
    title: plain('Reject request'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      input(
        REJECT_REASON_FIELD,
        'Why is it rejected?',
        textInput(REJECT_REASON_FIELD.actionId, REASON_MAX, {
          multiline: true,
          placeholder: 'The requester sees this reason.',
        }),
        {
          hint: 'Say what would make it acceptable, if anything.',
        },
      ),
    ],
  };
}

function plain(text: string): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text: truncatePlain(text, SLACK_LIMITS.viewTitle) };
}

function option(value: string, text: string): PlainTextOption {
  return {
    text: { type: 'plain_text', text: truncatePlain(text, SLACK_LIMITS.optionText) },
    value: truncatePlain(value, SLACK_LIMITS.optionValue),
  };
}

function textInput(
  actionId: string,
  maxLength: number,
  o: { placeholder?: string; initial?: string; multiline?: boolean },
): PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: actionId,
    max_length: maxLength,
    ...(o.multiline ? { multiline: true } : {}),
    ...(o.placeholder
      ? { placeholder: { type: 'plain_text', text: truncatePlain(o.placeholder, SLACK_LIMITS.placeholder) } }
      : {}),
    ...(o.initial ? { initial_value: truncatePlain(o.initial, maxLength) } : {}),
  };
}

function input(
  ids: { blockId: string },
  label: string,
  element: InputBlock['element'],
  o: { optional?: boolean; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: ids.blockId,
    label: { type: 'plain_text', text: truncatePlain(label, SLACK_LIMITS.inputLabel) },
    element,
    ...(o.optional ? { optional: true } : {}),
    ...(o.hint ? { hint: { type: 'plain_text', text: truncatePlain(o.hint, SLACK_LIMITS.inputHint) } } : {}),
  };
}
