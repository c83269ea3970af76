import type { InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  CREATE_MODAL_CALLBACK_ID,
  CREATE_MODAL_FIELDS,
  REJECT_REASON_CALLBACK_ID,
  REJECT_REASON_FIELD,
  createNetworkModal,
  rejectReasonModal,
} from '../../../src/notify/index.js';
import { viewProblems } from './slack-block-shapes.js';

function inputs(view: ModalView): InputBlock[] {
  return view.blocks as InputBlock[];
}

describe('create network modal', () => {
  const view = createNetworkModal({
    hosts: ['kvm1', 'kvm2'],
    defaultHost: 'kvm2',
    suggestedSubnet: '10.0.7.0/24',
    channelId: 'C0CHAN',
  }) as ModalView;

  it('has the ids the listener reads back, and Slack accepts its shape', () => {
    expect(viewProblems(view)).toEqual([]);
    expect(view.callback_id).toBe('vnet_create');
    expect(CREATE_MODAL_CALLBACK_ID).toBe('vnet_create');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ channelId: 'C0CHAN' });
    expect(view.submit?.text).toBe('Request');
    expect(view.close?.text).toBe('Cancel');
    const ids = inputs(view).map((block) => [block.block_id, (block.element as { action_id: string }).action_id]);
    expect(ids).toEqual(Object.values(CREATE_MODAL_FIELDS).map((field) => [field.blockId, field.actionId]));
    expect(CREATE_MODAL_FIELDS.dhcpRange).toEqual({ blockId: 'dhcp_range', actionId: 'dhcp_range' });
  });

  it('starts isolated, with the suggested subnet, default DHCP and the default host', () => {
    const byId: Record<string, InputBlock | undefined> = Object.fromEntries(
      inputs(view).map((block) => [block.block_id ?? '', block]),
    );
    expect(byId.mode?.element).toMatchObject({ type: 'static_select', initial_option: { value: 'isolated' } });
    expect((byId.mode?.element as { options: { value: string }[] }).options.map((o) => o.value)).toEqual([
      'nat',
      'routed',
      'isolated',
      'bridged',
      'open',
    ]);
    expect(byId.subnet).toMatchObject({
      optional: true,
      element: { type: 'plain_text_input', initial_value: '10.0.7.0/24' },
    });
    expect((byId.dhcp?.element as { options: { value: string }[] }).options.map((o) => o.value)).toEqual([
      'default',
      'none',
      'custom',
    ]);
    expect(byId.host?.element).toMatchObject({ type: 'static_select', initial_option: { value: 'kvm2' } });
    expect(byId.reason).toMatchObject({ optional: true, element: { multiline: true, max_length: 500 } });
    expect(byId.name).toMatchObject({ element: { max_length: 50 } });
    expect(byId.name?.optional).toBeUndefined();
    for (const id of ['dhcp_range', 'bridge']) expect(byId[id]?.optional).toBe(true);
  });

  it('without registered hosts asks for the host as text instead of an empty select (which Slack rejects)', () => {
    const empty = createNetworkModal({ hosts: [], channelId: 'C0CHAN' }) as ModalView;
    expect(viewProblems(empty)).toEqual([]);
    expect(inputs(empty).find((block) => block.block_id === 'host')?.element.type).toBe('plain_text_input');
  });

  it('keeps a fleet of more hosts than a select holds within Slack limits, and ignores an unknown default host', () => {
    const many = createNetworkModal({
      hosts: Array.from({ length: 150 }, (_, i) => `kvm${i}`),
      defaultHost: 'nope',
      channelId: 'C0CHAN',
    }) as ModalView;
    expect(viewProblems(many)).toEqual([]);
  });
});

describe('reject reason modal', () => {
  it('asks for one required multiline reason, with the approval id as private metadata', () => {
    const view = rejectReasonModal('ap-91c2') as ModalView;
    expect(viewProblems(view)).toEqual([]);
    expect(view.callback_id).toBe(REJECT_REASON_CALLBACK_ID);
    expect(REJECT_REASON_CALLBACK_ID).toBe('vnet_reject_reason');
    expect(view.private_metadata).toBe('ap-91c2');
    const [input] = inputs(view);
    expect(inputs(view)).toHaveLength(1);
    expect(input).toMatchObject({
      block_id: REJECT_REASON_FIELD.blockId,
      element: { action_id: REJECT_REASON_FIELD.actionId, multiline: true },
    });
    expect(REJECT_REASON_FIELD).toEqual({ blockId: 'reason', actionId: 'reason' });
    expect(input?.optional).toBeUndefined();
  });
});
