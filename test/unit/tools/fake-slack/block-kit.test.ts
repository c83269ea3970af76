import { describe, expect, it } from 'vitest';
import {
  buttonsIn,
  checkBlocks,
  checkModal,
  inputsIn,
  withGeneratedIds,
} from '../../../../tools/fake-slack/block-kit.js';

describe('Block Kit checks', () => {
  it('accepts an array of known blocks, from a JSON string (form posts) or parsed', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }, { type: 'divider' }];
    expect(checkBlocks(JSON.stringify(blocks))).toEqual({ ok: true, blocks });
    expect(checkBlocks(blocks)).toEqual({ ok: true, blocks });
  });

  it('refuses what Slack refuses, pointing at the culprit', () => {
    expect(checkBlocks('{not json')).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
    expect(checkBlocks({ type: 'section' })).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(checkBlocks([{ type: 'hologram' }])).toEqual({
      ok: false,
      error: 'invalid_blocks',
      messages: ['[ERROR] unsupported type: hologram [json-pointer:/blocks/0/type]'],
    });
    expect(checkBlocks(['divider'])).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(checkBlocks([{ type: 'divider' }, { type: 'section' }])).toMatchObject({
      ok: false,
      messages: [expect.stringContaining('/blocks/1')],
    });
    expect(checkBlocks([{ type: 'actions', elements: [] }])).toMatchObject({ ok: false });
    expect(checkBlocks([{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }])).toMatchObject({ ok: false });
    expect(checkBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toMatchObject({
      ok: false,
      messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'],
    });
  });

  it('a modal needs type modal, a plain_text title and valid blocks', () => {
    const title = { type: 'plain_text', text: 'T' };
    expect(checkModal({ type: 'modal', title, blocks: [] })).toMatchObject({ title, blocks: [] });
    expect(checkModal(JSON.stringify({ type: 'modal', title, blocks: [], callback_id: 'c' }))).toMatchObject({
      callback_id: 'c',
    });
    expect(checkModal({ type: 'home', title, blocks: [] })).toBeNull();
    expect(checkModal({ type: 'modal', blocks: [] })).toBeNull();
    expect(checkModal({ type: 'modal', title, blocks: [{ type: 'nope' }] })).toBeNull();
    expect(checkModal({ type: 'modal', title, blocks: [], submit: 'Go' })).toBeNull();
  });

  it('fills in the block_id and action_id Slack generates, and keeps the ones given', () => {
    const [given, generated] = withGeneratedIds([
      {
        type: 'actions',
        block_id: 'b1',
        elements: [{ type: 'button', action_id: 'a1', text: { type: 'plain_text', text: 'A' } }],
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'x' },
        accessory: { type: 'button', text: { type: 'plain_text', text: 'B' } },
      },
    ]) as unknown as [Record<string, unknown>, Record<string, unknown>];
    expect(given).toMatchObject({ block_id: 'b1', elements: [{ action_id: 'a1' }] });
    expect(generated.block_id).toMatch(/^[\w-]{5}$/);
    expect((generated.accessory as { action_id: string }).action_id).toMatch(/^[\w-]{5}$/);
  });

  it('finds the buttons a person can click and the inputs they can fill in', () => {
    const blocks = withGeneratedIds([
      {
        type: 'actions',
        block_id: 'b1',
        elements: [
          { type: 'button', action_id: 'go', value: 'v', style: 'primary', text: { type: 'plain_text', text: 'Go' } },
          { type: 'static_select', action_id: 's', options: [] } as never,
        ],
      },
      {
        type: 'section',
        block_id: 'b2',
        text: { type: 'mrkdwn', text: 'x' },
        accessory: { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' } },
      },
      {
        type: 'input',
        block_id: 'name',
        optional: true,
        label: { type: 'plain_text', text: 'Name' },
        element: { type: 'plain_text_input', action_id: 'name' },
      },
    ]);
    expect(buttonsIn(blocks)).toEqual([
      { blockId: 'b1', actionId: 'go', value: 'v', style: 'primary', text: { type: 'plain_text', text: 'Go' } },
      { blockId: 'b2', actionId: 'more', text: { type: 'plain_text', text: 'More' } },
    ]);
    expect(inputsIn(blocks)).toEqual([
      {
        blockId: 'name',
        actionId: 'name',
        optional: true,
        label: 'Name',
        element: { type: 'plain_text_input', action_id: 'name' },
      },
    ]);
    expect(buttonsIn(undefined)).toEqual([]);
  });
});
