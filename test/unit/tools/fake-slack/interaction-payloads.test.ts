import { describe, expect, it } from 'vitest';
import { buildDirectory } from '../../../../tools/fake-slack/directory.js';
import { slashCommandFields, viewStateValues } from '../../../../tools/fake-slack/interaction-payloads.js';
import type { SlackViewObject } from '../../../../tools/fake-slack/workspace-state.js';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string, text = value) => ({ text: plain(text), value });

function viewWith(blocks: unknown[]): SlackViewObject {
  return { id: 'V1', blocks, title: plain('T') } as unknown as SlackViewObject;
}

const input = (blockId: string, element: Record<string, unknown>, optional = false) => ({
  type: 'input',
  block_id: blockId,
  optional,
  label: plain(blockId),
  element: { action_id: blockId, ...element },
});

describe('slash command fields', () => {
  it('are the fields Slack sends, in Slack order', () => {
    const directory = buildDirectory();
    const fields = slashCommandFields(
      { directory, user: directory.users[0]!, verificationToken: 'vt' },
      directory.channels[0]!,
      { command: '/vnet', text: 'list', responseUrl: 'http://r', triggerId: '1.2.3' },
    );
    expect(Object.keys(fields)).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(fields).toMatchObject({
      token: 'vt',
      team_id: 'TVNETOPS',
      channel_id: 'COPS',
      channel_name: 'ops',
      user_id: 'UREQUESTER',
      user_name: 'rita',
      api_app_id: 'AVNETOPS',
      is_enterprise_install: 'false',
    });
  });
});

describe('view.state.values', () => {
  const view = viewWith([
    input('name', { type: 'plain_text_input', initial_value: 'lab1' }),
    input('mode', { type: 'static_select', options: [option('nat', 'NAT'), option('isolated')] }, true),
    input(
      'tags',
      { type: 'multi_static_select', option_groups: [{ label: plain('g'), options: [option('a'), option('b')] }] },
      true,
    ),
    input('who', { type: 'users_select' }, true),
    input('when', { type: 'datepicker' }, true),
    input('flags', { type: 'checkboxes', options: [option('x'), option('y')], initial_options: [option('y')] }, true),
    { type: 'section', text: plain('not an input') },
  ]);

  it('has every input in the shape Slack uses for its element type, untouched ones at their initial value', () => {
    expect(
      viewStateValues(
        view,
        { mode: { mode: 'nat' }, tags: ['b'], who: 'UAPPROVER', when: '2026-11-28' },
        { requireInputs: true },
      ),
    ).toEqual({
      name: { name: { type: 'plain_text_input', value: 'lab1' } },
      mode: { mode: { type: 'static_select', selected_option: option('nat', 'NAT') } },
      tags: { tags: { type: 'multi_static_select', selected_options: [option('b')] } },
      who: { who: { type: 'users_select', selected_user: 'UAPPROVER' } },
      when: { when: { type: 'datepicker', selected_date: '2026-11-28' } },
      flags: { flags: { type: 'checkboxes', selected_options: [option('y')] } },
    });
  });

  it('sends an emptied text field as null and an unpicked select as null', () => {
    const values = viewStateValues(view, { name: { name: '' } }, { requireInputs: false });
    expect(values.name).toEqual({ name: { type: 'plain_text_input', value: null } });
    expect(values.mode).toEqual({ mode: { type: 'static_select', selected_option: null } });
  });

  it('will not invent fields or options the view does not show', () => {
    expect(() => viewStateValues(view, { colour: 'red' }, { requireInputs: false })).toThrow(/no input block "colour"/);
    expect(() => viewStateValues(view, { name: { other: 'x' } }, { requireInputs: false })).toThrow(
      /no element "other"/,
    );
    expect(() => viewStateValues(view, { mode: 'bridged' }, { requireInputs: false })).toThrow(
      /offers no option "bridged"/,
    );
    expect(() => viewStateValues(view, { tags: 'a' }, { requireInputs: false })).toThrow(/takes a list/);
  });

  it('with requireInputs, refuses an empty required input as Slack does', () => {
    expect(() => viewStateValues(view, { name: { name: '' } }, { requireInputs: true })).toThrow(/"name" is required/);
  });
});
