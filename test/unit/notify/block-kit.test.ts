import type { KnownBlock, SectionBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
  TRUNCATION_NOTE,
  type Message,
  approvalRequestMessage,
  errorMessage,
  escapeMrkdwn,
  jobMessage,
  renderBlockKit,
} from '../../../src/notify/index.js';
import { NOW, PLAN, jobView, network } from './notify-fixtures.js';
import { messageProblems } from './slack-block-shapes.js';

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks
    .filter((block): block is SectionBlock => block.type === 'section')
    .flatMap((block) => [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)]);
}

function allText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}

describe('renderBlockKit limits', () => {
  it('given a 500-network list, then the message stays within 50 blocks and 3000 characters per section, with a truncation note', () => {
    const networks = Array.from({ length: 500 }, (_, i) =>
      network(`network-with-a-long-name-${i}`, { subnets: [`10.${i >> 8}.${i & 255}.0/24`, `fd00:${i}::/64`] }),
    );
    const rendered = renderBlockKit(
      jobMessage(jobView({ state: 'done', outcome: { name: 'list', result: { hostId: 'kvm1', networks } } })),
    );
    expect(rendered.blocks.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(rendered.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
    expect(allText(rendered.blocks)).toContain(TRUNCATION_NOTE);
    expect(allText(rendered.blocks)).toMatch(/\d+ more rows not shown/);
    expect(messageProblems(rendered)).toEqual([]);
  });

  it('given more blocks than Slack allows, then it keeps 50 with a note and keeps the buttons', () => {
    const message: Message = {
      text: 'many',
      blocks: [
        ...Array.from({ length: 80 }, (_, i) => ({ kind: 'section' as const, text: `line ${i}` })),
        { kind: 'actions', buttons: [{ actionId: 'a', text: 'A', value: 'v' }] },
      ],
    };
    const rendered = renderBlockKit(message);
    expect(rendered.blocks).toHaveLength(50);
    expect(rendered.blocks.at(-1)?.type).toBe('actions');
    expect(allText(rendered.blocks.slice(-2, -1))).toContain(`${TRUNCATION_NOTE} 32 more blocks not shown`);
  });

  it('cuts long header, section, field, context and button texts with a visible note', () => {
    const long = 'x'.repeat(5000);
    const rendered = renderBlockKit({
      text: long,
      blocks: [
        { kind: 'header', text: long },
        { kind: 'section', text: long, fields: Array.from({ length: 13 }, () => long) },
        { kind: 'context', elements: Array.from({ length: 12 }, (_, i) => `e${i}`) },
        {
          kind: 'actions',
          buttons: [
            {
              actionId: 'y'.repeat(300),
              text: long,
              value: long,
              confirm: { title: long, text: long, confirm: long, deny: long },
            },
          ],
        },
      ],
    });
    expect(messageProblems(rendered)).toEqual([]);
    expect(rendered.text.length).toBeLessThanOrEqual(3000);
    expect(rendered.text).toContain(TRUNCATION_NOTE);
    const [header, section, moreFields, context] = rendered.blocks as [
      KnownBlock,
      SectionBlock,
      SectionBlock,
      KnownBlock,
    ];
    expect(header).toMatchObject({ type: 'header' });
    expect(section.text?.text).toContain(TRUNCATION_NOTE);
    expect(section.fields).toHaveLength(10);
    expect(moreFields.fields).toHaveLength(3);
    expect(context).toMatchObject({ type: 'context' });
    expect((context as { elements: unknown[] }).elements).toHaveLength(10);
    expect(allText([context])).toContain('e9 · e10 · e11');
  });

  it('never cuts inside an entity or a mention', () => {
    const text = `${'a'.repeat(2980)}${escapeMrkdwn('&&&&&')} <@U123ABC> tail`;
    const rendered = renderBlockKit({ text: 't', blocks: [{ kind: 'section', text }] });
    expect(messageProblems(rendered)).toEqual([]);
  });

  it('splits long XML over several code sections, each a closed code block', () => {
    const xml = Array.from(
      { length: 400 },
      (_, i) => `<host mac='52:54:00:00:01:${i % 100}' ip='10.0.${i >> 8}.${i & 255}' name='guest-${i}'/>`,
    ).join('\n');
    const rendered = renderBlockKit({ text: 'xml', blocks: [{ kind: 'code', text: xml }] });
    expect(rendered.blocks.length).toBeGreaterThan(1);
    for (const text of sectionTexts(rendered.blocks)) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text.startsWith('```\n')).toBe(true);
    }
    expect(messageProblems(rendered)).toEqual([]);
  });

  it('property: any blocks of any text render to something Slack accepts', () => {
    const text = fc.string({
      maxLength: 4000,
      unit: fc.constantFrom('a', '&', '<', '>', '`', '*', ' ', '\n', '😀', '@', '#', '!'),
    });
    const block = fc.oneof(
      fc.record({ kind: fc.constant('header' as const), text }),
      // Section texts start with a word, as every builder's do, so the fence check only sees the renderer's code sections.
      fc.record({
        kind: fc.constant('section' as const),
        text: text.map((t) => `note ${escapeMrkdwn(t)}`),
        fields: fc.array(text.map(escapeMrkdwn), { maxLength: 12 }),
      }),
      fc.record({
        kind: fc.constant('context' as const),
        elements: fc.array(text.map(escapeMrkdwn), { maxLength: 12 }),
      }),
      fc.record({
        kind: fc.constant('table' as const),
        columns: fc.array(text, { minLength: 1, maxLength: 6 }),
        rows: fc.array(fc.array(text, { maxLength: 6 }), { maxLength: 80 }),
      }),
      fc.record({ kind: fc.constant('code' as const), text }),
      fc.constant({ kind: 'divider' as const }),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 70 }), (blocks) => {
        expect(messageProblems(renderBlockKit({ text: 'fallback', blocks }))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('escaping', () => {
  const hostile = '<script>&</script> <!channel> <@U0ADMIN> <https://evil.example|click>';

  it('escapes the three control characters and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
  });

  it('a network name with <script>& cannot break out of a job message, its table or its XML', () => {
    const evil = network('<script>&x', { bridge: '<b>&', subnets: ['<!here>'] });
    const rendered = renderBlockKit(
      jobMessage(
        jobView({
          commandText: `/vnet info ${hostile}`,
          state: 'done',
          outcome: {
            name: 'info',
            result: {
              hostId: 'kvm1',
              network: evil,
              xml: `<network><name>${hostile}</name></network>`,
              unsupported: hostile,
            },
          },
        }),
      ),
    );
    expect(messageProblems(rendered)).toEqual([]);
    // The header is plain_text, which Slack never parses (it escapes it itself); every mrkdwn text is escaped.
    const text = allText(rendered.blocks.filter((block) => block.type !== 'header'));
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0ADMIN>');
    expect(text).toContain('&lt;script&gt;&amp;x');
  });

  it('escapes failure messages, reasons and user ids that are not Slack ids', () => {
    const rendered = renderBlockKit(
      jobMessage(
        jobView({
          requestedBy: '<!everyone>',
          state: 'rejected',
          approval: { approvalId: 'a', approverId: 'U999ZZZ', reason: hostile, expiresAt: NOW },
        }),
      ),
    );
    expect(messageProblems(rendered)).toEqual([]);
    expect(allText(rendered.blocks)).not.toContain('<!everyone>');
    expect(allText(rendered.blocks)).toContain('<@U999ZZZ>');
    expect(renderBlockKit(errorMessage(hostile)).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: `*Could not do that:* ${escapeMrkdwn(hostile)}` } },
    ]);
  });

  it('a code fence inside XML cannot close the code block', () => {
    const rendered = renderBlockKit({ text: 'x', blocks: [{ kind: 'code', text: '<a>```</a>\n```' }] });
    expect(messageProblems(rendered)).toEqual([]);
  });
});

describe('approval buttons', () => {
  const view = {
    approvalId: 'ap-91c2',
    jobName: 'create' as const,
    commandText: '/vnet create isolated lab1',
    hostId: 'kvm1',
    requestedBy: 'U123ABC',
    preflight: PLAN,
    state: 'pending' as const,
    expiresAt: NOW + 86_400_000,
  };

  it('pending: Approve (primary) and Reject (danger) carry the approval id, and the expiry is a Slack date', () => {
    const rendered = renderBlockKit(approvalRequestMessage(view));
    const actions = rendered.blocks.find((block) => block.type === 'actions') as {
      elements: { action_id: string; value: string; style: string }[];
    };
    expect(actions.elements.map((e) => [e.action_id, e.value, e.style])).toEqual([
      [APPROVE_ACTION_ID, 'ap-91c2', 'primary'],
      [REJECT_ACTION_ID, 'ap-91c2', 'danger'],
    ]);
    expect(APPROVE_ACTION_ID).toBe('vnet_approve');
    expect(REJECT_ACTION_ID).toBe('vnet_reject');
    expect(allText(rendered.blocks)).toContain(
      `<!date^${(NOW + 86_400_000) / 1000}^{date_short_pretty} {time}|2024-05-02T12:00:00Z>`,
    );
  });

  it('decided: no buttons, who decided and the job id', () => {
    for (const state of ['approved', 'rejected', 'expired'] as const) {
      const rendered = renderBlockKit(
        approvalRequestMessage({ ...view, state, decidedBy: 'U999ZZZ', rejectReason: 'no', jobId: 'j-1' }),
      );
      expect(rendered.blocks.some((block) => block.type === 'actions')).toBe(false);
      expect(allText(rendered.blocks)).toContain('`j-1`');
      if (state !== 'expired') expect(allText(rendered.blocks)).toContain('<@U999ZZZ>');
    }
  });
});
