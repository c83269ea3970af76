/**
 * The fake Slack against Slack's own clients: a real Bolt app (HTTP receiver and Socket Mode) and
 * @slack/web-api's WebClient, as the bot uses them. What the bot sees must be what Slack sends, and
 * what it sends must land in the fake's store as Slack would show it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction, LogLevel, type ViewStateValue } from '@slack/bolt';
import { LogLevel as WebLogLevel, WebClient, type WebClientOptions, retryPolicies } from '@slack/web-api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAKE_IDS,
  FakeSlack,
  FakeSlackError,
  type FakeSlackOptions,
  type StoredMessage,
} from '../../tools/fake-slack/index.js';
import { SlackPoster, slackClientOptions } from '../../src/slack/index.js';

const { requester: REQUESTER, approver: APPROVER, viewer: VIEWER, ops: OPS, approvals: APPROVALS } = FAKE_IDS;

const started: { fakes: FakeSlack[]; apps: App[] } = { fakes: [], apps: [] };

afterEach(async () => {
  for (const app of started.apps.splice(0)) await app.stop();
  for (const fake of started.fakes.splice(0)) await fake.close();
});

async function startFake(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  started.fakes.push(fake);
  await fake.start();
  return fake;
}

/** A real Bolt app on the HTTP receiver (a free loopback port), its WebClient pointed at the fake. */
async function startBolt(
  fake: FakeSlack,
  listen: (app: App) => void,
  clientOptions: WebClientOptions = {},
): Promise<App> {
  const app = new App({
    token: fake.botToken,
    signingSecret: fake.signingSecret,
    deferInitialization: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, ...clientOptions },
  });
  await app.init();
  listen(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  started.apps.push(app);
  fake.setRequestUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
  return app;
}

/** A WebClient that neither retries nor waits out a 429, so a test sees each answer as it comes. */
function botClient(fake: FakeSlack, token = fake.botToken): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: WebLogLevel.ERROR,
  });
}

const approveButton = (value: string) => ({
  type: 'actions' as const,
  elements: [
    {
      type: 'button' as const,
      action_id: 'approve',
      text: { type: 'plain_text' as const, text: 'Approve' },
      style: 'primary' as const,
      value,
    },
    {
      type: 'button' as const,
      action_id: 'reject',
      text: { type: 'plain_text' as const, text: 'Reject' },
      style: 'danger' as const,
      value,
    },
  ],
});

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

const createModal = {
  type: 'modal' as const,
  callback_id: 'create',
  private_metadata: 'C:ops',
  title: { type: 'plain_text' as const, text: 'Create a network' },
  submit: { type: 'plain_text' as const, text: 'Create' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'name',
      label: { type: 'plain_text' as const, text: 'Name' },
      element: { type: 'plain_text_input' as const, action_id: 'name' },
    },
    {
      type: 'input' as const,
      block_id: 'mode',
      label: { type: 'plain_text' as const, text: 'Mode' },
      element: {
        type: 'static_select' as const,
        action_id: 'mode',
        options: [
          { text: { type: 'plain_text' as const, text: 'NAT' }, value: 'nat' },
          { text: { type: 'plain_text' as const, text: 'isolated' }, value: 'isolated' },
        ],
        initial_option: { text: { type: 'plain_text' as const, text: 'isolated' }, value: 'isolated' },
      },
    },
  ],
};

describe('a real Bolt app driven by the fake', () => {
  it('a slash command reaches the listener; its posts, update, modal and respond() land as Slack shows them', async () => {
    const fake = await startFake();
    await startBolt(fake, (app) => {
      app.command('/vnet', async ({ ack, command, client, respond }) => {
        await ack();
        const posted = await client.chat.postMessage({
          channel: command.channel_id,
          text: `working on ${command.text}`,
          blocks: [section('working'), approveButton('req-1')],
        });
        await client.chat.update({
          channel: command.channel_id,
          ts: posted.ts!,
          text: `done: ${command.text}`,
          blocks: [section('done'), approveButton('req-1')],
        });
        await client.views.open({ trigger_id: command.trigger_id, view: createModal });
        await respond({ text: 'only you see this' });
      });
    });

    const answer = await fake.slashCommand({ userId: REQUESTER, channelId: OPS, text: 'create lab1' });
    expect(answer).toMatchObject({ status: 200, body: '' });
    expect(answer.triggerId).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
    await fake.waitFor((store) => store.ephemerals(REQUESTER).length > 0);

    const [message, ...others] = fake.messages(OPS);
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      type: 'message',
      user: FAKE_IDS.botUser,
      bot_id: FAKE_IDS.bot,
      app_id: FAKE_IDS.app,
      text: 'done: create lab1',
      edited: { user: FAKE_IDS.botUser },
    });
    expect(message!.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(JSON.stringify(message!.blocks)).toContain('"action_id":"approve"');
    expect(fake.openViews(REQUESTER)).toMatchObject([
      { callback_id: 'create', private_metadata: 'C:ops', user: REQUESTER, errors: null },
    ]);
    expect(fake.ephemerals(REQUESTER)).toMatchObject([
      { channel: OPS, recipient: REQUESTER, text: 'only you see this', is_ephemeral: true, source: 'response_url' },
    ]);
    expect(fake.calls().map((call) => call.method)).toEqual([
      'auth.test',
      'chat.postMessage',
      'chat.update',
      'views.open',
    ]);
    expect(fake.calls('chat.postMessage')[0]).toMatchObject({
      status: 200,
      args: { channel: OPS, blocks: [{ type: 'section' }, { type: 'actions' }] },
      response: { ok: true, channel: OPS },
    });
    expect(JSON.stringify(fake.calls())).not.toContain(fake.botToken);
  });

  it('shows the body of a slash command ack to the person: JSON as a message, in_channel for everyone', async () => {
    const fake = await startFake();
    await startBolt(fake, (app) => {
      app.command('/vnet', async ({ ack, command }) => {
        await ack(
          command.text === 'shout' ? { response_type: 'in_channel', text: 'everyone sees this' } : { text: 'just you' },
        );
      });
    });
    const quiet = await fake.slashCommand({ userId: VIEWER, channelId: OPS, text: 'help' });
    expect(JSON.parse(quiet.body)).toEqual({ text: 'just you' });
    expect(fake.ephemerals(VIEWER)).toMatchObject([{ text: 'just you', source: 'ack' }]);
    await fake.slashCommand({ userId: VIEWER, channelId: OPS, text: 'shout' });
    expect(fake.messages(OPS)).toMatchObject([{ text: 'everyone sees this', bot_id: FAKE_IDS.bot }]);
  });

  it('a click sends Slack block_actions payload; respond({ replace_original }) replaces the message', async () => {
    const fake = await startFake();
    const clicks: BlockButtonAction[] = [];
    const app = await startBolt(fake, (bolt) => {
      bolt.action<BlockButtonAction>('approve', async ({ ack, body, respond }) => {
        await ack();
        clicks.push(body);
        await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
      });
    });
    const posted = await app.client.chat.postMessage({
      channel: APPROVALS,
      text: 'approve lab1?',
      blocks: [section('approve lab1?'), approveButton('req-7')],
    });

    const click = await fake.clickButton({
      userId: APPROVER,
      channelId: APPROVALS,
      messageTs: posted.ts!,
      actionId: 'approve',
    });
    expect(click.status).toBe(200);
    await fake.waitFor((store) => store.findMessage(APPROVALS, posted.ts!)?.text.startsWith('approved'));

    const [body] = clicks;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: APPROVER, username: 'alex', team_id: FAKE_IDS.team },
      api_app_id: FAKE_IDS.app,
      team: { id: FAKE_IDS.team, domain: 'vnetops-test' },
      container: { type: 'message', message_ts: posted.ts, channel_id: APPROVALS, is_ephemeral: false },
      channel: { id: APPROVALS, name: 'approvals' },
      message: { ts: posted.ts, text: 'approve lab1?', bot_id: FAKE_IDS.bot },
      trigger_id: click.triggerId,
      response_url: click.responseUrl,
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          value: 'req-7',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
        },
      ],
    });
    // Slack gives blocks without one a block_id; the click names that id.
    const actionsBlock = (posted.message!.blocks as { type: string; block_id: string }[]).find(
      (block) => block.type === 'actions',
    )!;
    expect(body!.actions[0]!.block_id).toBe(actionsBlock.block_id);
    expect(body!.actions[0]!.action_ts).toMatch(/^\d+\.\d{6}$/);
    // replace_original replaces the whole message: the buttons are gone.
    expect(fake.messages(APPROVALS)).toEqual([
      expect.objectContaining({ ts: posted.ts, text: `approved by <@${APPROVER}>` }),
    ]);
    expect(fake.messages(APPROVALS)[0]).not.toHaveProperty('blocks');
    await expect(
      fake.clickButton({ userId: APPROVER, channelId: APPROVALS, messageTs: posted.ts!, actionId: 'approve' }),
    ).rejects.toThrow(/buttons: none/);
  });

  it('nobody can click a button that is not shown, or a message that is not there', async () => {
    const fake = await startFake();
    const app = await startBolt(fake, () => {});
    const posted = await app.client.chat.postMessage({
      channel: APPROVALS,
      text: 'approve?',
      blocks: [approveButton('req-1')],
    });
    await expect(
      fake.clickButton({
        userId: APPROVER,
        channelId: APPROVALS,
        messageTs: posted.ts!,
        actionId: 'delete_everything',
      }),
    ).rejects.toThrow(/shows no button delete_everything.*approve=req-1, reject=req-1/);
    await expect(
      fake.clickButton({
        userId: APPROVER,
        channelId: APPROVALS,
        messageTs: posted.ts!,
        actionId: 'approve',
        value: 'req-2',
      }),
    ).rejects.toBeInstanceOf(FakeSlackError);
    await expect(
      fake.clickButton({ userId: APPROVER, channelId: OPS, messageTs: posted.ts!, actionId: 'approve' }),
    ).rejects.toThrow(/sees no message/);
  });

  it('a button on an ephemeral message: is_ephemeral container, no message, respond() replaces the ephemeral', async () => {
    const fake = await startFake();
    const clicks: BlockButtonAction[] = [];
    const app = await startBolt(fake, (bolt) => {
      bolt.action<BlockButtonAction>('approve', async ({ ack, body, respond }) => {
        await ack();
        clicks.push(body);
        await respond({ replace_original: true, text: 'confirmed' });
      });
    });
    const { message_ts: ts } = await app.client.chat.postEphemeral({
      channel: OPS,
      user: REQUESTER,
      text: 'sure?',
      blocks: [approveButton('x')],
    });
    await expect(
      fake.clickButton({ userId: VIEWER, channelId: OPS, messageTs: ts!, actionId: 'approve' }),
    ).rejects.toThrow(/sees no message/);
    await fake.clickButton({ userId: REQUESTER, channelId: OPS, messageTs: ts!, actionId: 'approve' });
    await fake.waitFor((store) => store.ephemerals(REQUESTER)[0]?.text === 'confirmed');
    expect(clicks[0]).toMatchObject({ container: { message_ts: ts, is_ephemeral: true } });
    expect(clicks[0]).not.toHaveProperty('message');
    expect(fake.messages(OPS)).toEqual([]);
  });

  it('a modal submission carries view.state.values in Slack shape; errors keep it open, an empty ack closes it', async () => {
    const fake = await startFake();
    const submissions: Record<string, Record<string, ViewStateValue>>[] = [];
    await startBolt(fake, (app) => {
      app.command('/vnet', async ({ ack, command, client }) => {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: createModal });
      });
      app.view('create', async ({ ack, view }) => {
        submissions.push(view.state.values);
        const name = view.state.values.name?.name?.value ?? '';
        await ack(
          /^[a-z0-9]+$/.test(name)
            ? undefined
            : { response_action: 'errors', errors: { name: 'Use lowercase letters and digits.' } },
        );
      });
    });
    await fake.slashCommand({ userId: REQUESTER, channelId: OPS, text: 'create' });
    const view = await fake.waitFor((store) => store.openViews(REQUESTER)[0]);

    const refused = await fake.submitView({
      userId: REQUESTER,
      viewId: view.id,
      values: { name: { name: 'Bad Name!' } },
    });
    expect(refused).toMatchObject({
      status: 200,
      outcome: 'errors',
      errors: { name: 'Use lowercase letters and digits.' },
    });
    expect(fake.openViews(REQUESTER)).toMatchObject([
      { id: view.id, errors: { name: 'Use lowercase letters and digits.' } },
    ]);

    const accepted = await fake.submitView({
      userId: REQUESTER,
      viewId: view.id,
      values: { name: { name: 'lab1' }, mode: { mode: 'nat' } },
    });
    expect(accepted).toMatchObject({ status: 200, body: '', outcome: 'closed' });
    expect(fake.openViews(REQUESTER)).toEqual([]);
    expect(submissions).toEqual([
      {
        name: { name: { type: 'plain_text_input', value: 'Bad Name!' } },
        // Untouched, the select submits its initial option.
        mode: {
          mode: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'isolated' }, value: 'isolated' },
          },
        },
      },
      {
        name: { name: { type: 'plain_text_input', value: 'lab1' } },
        mode: {
          mode: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'NAT' }, value: 'nat' } },
        },
      },
    ]);
    await expect(fake.submitView({ userId: REQUESTER, values: {} })).rejects.toThrow(/no view open/);
  });

  it('view answers update, push and clear change the stack as Slack does; a person cannot pick an option not offered', async () => {
    const fake = await startFake();
    const step = (n: number) => ({
      ...createModal,
      callback_id: `step${n}`,
      title: { type: 'plain_text' as const, text: `Step ${n}` },
    });
    await startBolt(fake, (app) => {
      app.command('/vnet', async ({ ack, command, client }) => {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: step(1) });
      });
      app.view('step1', async ({ ack }) => ack({ response_action: 'update', view: step(2) }));
      app.view('step2', async ({ ack }) => ack({ response_action: 'push', view: step(3) }));
      app.view('step3', async ({ ack }) => ack({ response_action: 'clear' }));
    });
    await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    const root = await fake.waitFor((store) => store.openViews(REQUESTER)[0]);
    await expect(fake.submitView({ userId: REQUESTER, values: { mode: { mode: 'bridged' } } })).rejects.toThrow(
      /offers no option "bridged"/,
    );
    await expect(fake.submitView({ userId: REQUESTER, values: { nope: 'x' } })).rejects.toThrow(
      /no input block "nope"/,
    );

    expect(await fake.submitView({ userId: REQUESTER, values: { name: { name: 'a' } } })).toMatchObject({
      outcome: 'updated',
    });
    expect(fake.openViews(REQUESTER)).toMatchObject([{ id: root.id, callback_id: 'step2' }]);
    expect(fake.openViews(REQUESTER)[0]!.hash).not.toBe(root.hash);
    expect(await fake.submitView({ userId: REQUESTER, values: { name: { name: 'b' } } })).toMatchObject({
      outcome: 'pushed',
    });
    expect(fake.openViews(REQUESTER)).toMatchObject([
      { callback_id: 'step2' },
      { callback_id: 'step3', root_view_id: root.id, previous_view_id: root.id },
    ]);
    await expect(fake.submitView({ userId: REQUESTER, viewId: root.id, values: {} })).rejects.toThrow(
      /not the one on top/,
    );
    expect(await fake.submitView({ userId: REQUESTER, values: { name: { name: 'c' } } })).toMatchObject({
      outcome: 'cleared',
    });
    expect(fake.openViews(REQUESTER)).toEqual([]);
  });

  it('requireInputs: like Slack, an empty required input cannot be submitted', async () => {
    const fake = await startFake({ requireInputs: true });
    const app = await startBolt(fake, (bolt) => bolt.command('/vnet', async ({ ack }) => ack()));
    const { triggerId } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    await app.client.views.open({ trigger_id: triggerId, view: createModal });
    await expect(fake.submitView({ userId: REQUESTER, values: {} })).rejects.toThrow(/"Name" is required/);
  });
});

describe("Bolt's request checks", () => {
  it('accepts what the fake signs; refuses a wrong secret and a timestamp over 5 minutes old', async () => {
    const fake = await startFake();
    await startBolt(fake, (app) => app.command('/vnet', async ({ ack }) => ack('ok')));
    expect((await fake.slashCommand({ userId: VIEWER, channelId: OPS, text: 'list' })).status).toBe(200);

    const body = new URLSearchParams({ command: '/vnet', text: 'list', user_id: VIEWER, channel_id: OPS }).toString();
    const now = Math.floor(Date.now() / 1000);
    expect((await fake.postToBot(body, fake.signRequest(body, { timestamp: now }))).status).toBe(200);
    expect((await fake.postToBot(body, fake.signRequest(body, { secret: 'not-the-signing-secret' }))).status).toBe(401);
    expect((await fake.postToBot(body, fake.signRequest(body, { timestamp: now - 5 * 60 - 1 }))).status).toBe(401);
    expect(
      (await fake.postToBot(body, { ...fake.signRequest(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` })).status,
    ).toBe(401);
    expect((await fake.postToBot(body, {})).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and ratelimited; the WebClient waits it out: all 5 land in order', async () => {
    const fake = await startFake({ rateLimits: { 'chat.postMessage': { ratePerSecond: 1, burst: 1 } } });
    // Slack's WebClient honours Retry-After itself; rapidRetryPolicy only removes its extra backoff on top.
    const app = await startBolt(fake, () => {}, { retryConfig: retryPolicies.rapidRetryPolicy });
    for (let i = 1; i <= 5; i++) await app.client.chat.postMessage({ channel: OPS, text: `message ${i}` });

    expect(fake.messages(OPS).map((message) => message.text)).toEqual([
      'message 1',
      'message 2',
      'message 3',
      'message 4',
      'message 5',
    ]);
    const limited = fake.calls('chat.postMessage').filter((call) => call.status === 429);
    // Every message after the first arrives with the bucket empty: at least one 429 each.
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(fake.rateLimitedCount).toBe(limited.length);
    expect(limited[0]!.response).toEqual({ ok: false, error: 'ratelimited' });

    const raw = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: OPS, text: 'too soon' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('limits per channel when configured so, and per minute', async () => {
    const fake = await startFake({
      rateLimits: {
        'chat.postMessage': { ratePerSecond: 1, burst: 2, perChannel: true },
        'chat.update': { ratePerMinute: 1 },
      },
    });
    const client = botClient(fake);
    await client.chat.postMessage({ channel: OPS, text: '1' });
    const second = await client.chat.postMessage({ channel: OPS, text: '2' });
    await client.chat.postMessage({ channel: APPROVALS, text: 'other channel, own bucket' });
    await expect(client.chat.postMessage({ channel: OPS, text: '3' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    await client.chat.update({ channel: OPS, ts: second.ts!, text: '2 edited' });
    const tooSoon = await fetch(`${fake.apiUrl}chat.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: OPS, ts: second.ts, text: 'x' }),
    });
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(50);
  });
});

describe("the bot's poster against the fake", () => {
  it('a 429 delays, never drops: nothing lost, order kept, no duplicates', async () => {
    const fake = await startFake({
      rateLimits: { 'chat.postMessage': { ratePerSecond: 2, burst: 1, perChannel: true } },
    });
    const poster = new SlackPoster({
      client: new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, ...slackClientOptions }),
      log: pino({ level: 'silent' }),
    });
    for (let i = 0; i < 4; i++) await poster.post(OPS, { text: `message ${i}`, blocks: [] });
    expect(fake.rateLimitedCount).toBeGreaterThan(0);
    expect(fake.messages(OPS).map((m) => m.text)).toEqual(['message 0', 'message 1', 'message 2', 'message 3']);
  });

  it('coalesces fast updates of one message: the last content always lands', async () => {
    const fake = await startFake();
    const poster = new SlackPoster({
      client: new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, ...slackClientOptions }),
      log: pino({ level: 'silent' }),
    });
    const message = await poster.post(OPS, { text: 'queued', blocks: [] });
    await Promise.all(
      ['running 1', 'running 2', 'running 3', 'done'].map((text) => poster.update(message, { text, blocks: [] })),
    );
    expect(fake.messages(OPS)[0]?.text).toBe('done');
    expect(fake.calls('chat.update').length).toBeLessThan(4);
  });
});

describe('the Web API answers as Slack does', () => {
  it('authentication: not_authed, invalid_auth, not_allowed_token_type; unknown_method', async () => {
    const fake = await startFake();
    expect(await botClient(fake).auth.test()).toMatchObject({
      ok: true,
      url: 'https://vnetops-test.slack.com/',
      user_id: FAKE_IDS.botUser,
      bot_id: FAKE_IDS.bot,
      team_id: FAKE_IDS.team,
    });
    await expect(botClient(fake, 'xoxb-wrong').auth.test()).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    await expect(botClient(fake, fake.appToken).chat.postMessage({ channel: OPS, text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
    const anonymous = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    await expect(botClient(fake).apiCall('chat.teleport', { channel: OPS })).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    const byArgument = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${fake.botToken}`,
    });
    expect(await byArgument.json()).toMatchObject({ ok: true });
  });

  it('message checks: no_text, invalid_blocks, msg_too_long, channel_not_found; JSON bodies work too', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    await expect(client.chat.postMessage({ channel: OPS, text: '' })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    await expect(
      client.chat.postMessage({ channel: OPS, text: 'x', blocks: [{ type: 'hologram' }] }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(
      client.chat.postMessage({ channel: OPS, text: 'x', blocks: 'not json' as never }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks_format' } });
    await expect(
      client.chat.postMessage({
        channel: OPS,
        text: 'x',
        blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })),
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(client.chat.postMessage({ channel: OPS, text: 'x'.repeat(40_001) })).rejects.toMatchObject({
      data: { error: 'msg_too_long' },
    });
    await expect(client.chat.postMessage({ channel: 'CNOSUCH', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    expect(fake.messages(OPS)).toEqual([]);

    const json = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: '#ops', blocks: [section('from JSON')] }),
    });
    expect(await json.json()).toMatchObject({
      ok: true,
      channel: OPS,
      message: { text: '', blocks: [{ type: 'section' }] },
    });
    await client.chat.postMessage({ channel: OPS, text: 'x'.repeat(40_000) });
    expect(fake.messages(OPS)).toHaveLength(2);
  });

  it('chat.update: message_not_found, cant_update_message; chat.delete and chat.getPermalink', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    await expect(client.chat.update({ channel: OPS, ts: '1700000000.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    const theirs = fake.postAsUser({ userId: REQUESTER, channelId: OPS, text: 'my own words' });
    await expect(client.chat.update({ channel: OPS, ts: theirs.ts, text: 'rewritten' })).rejects.toMatchObject({
      data: { error: 'cant_update_message' },
    });
    await expect(client.chat.delete({ channel: OPS, ts: theirs.ts })).rejects.toMatchObject({
      data: { error: 'cant_delete_message' },
    });

    const mine = await client.chat.postMessage({ channel: OPS, text: 'v1', blocks: [section('v1')] });
    const updated = await client.chat.update({ channel: OPS, ts: mine.ts!, text: 'v2' });
    expect(updated).toMatchObject({
      channel: OPS,
      ts: mine.ts,
      text: 'v2',
      message: { text: 'v2', blocks: [{ type: 'section' }] },
    });
    expect(await client.chat.getPermalink({ channel: OPS, message_ts: mine.ts! })).toMatchObject({
      permalink: `https://vnetops-test.slack.com/archives/${OPS}/p${mine.ts!.replace('.', '')}`,
    });
    await client.chat.delete({ channel: OPS, ts: mine.ts! });
    expect(fake.messages(OPS).map((message) => message.text)).toEqual(['my own words']);
  });

  it('threads: replies count on their parent; reply_broadcast also shows in the channel', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    const parent = await client.chat.postMessage({ channel: OPS, text: 'job j1 queued' });
    await client.chat.postMessage({ channel: OPS, thread_ts: parent.ts!, text: 'progress 50%' });
    await client.chat.postMessage({ channel: OPS, thread_ts: parent.ts!, text: 'job j1 done', reply_broadcast: true });
    expect(fake.threadReplies(OPS, parent.ts!).map((reply) => reply.text)).toEqual(['progress 50%', 'job j1 done']);
    expect(fake.messages(OPS)).toMatchObject([
      { ts: parent.ts, thread_ts: parent.ts, reply_count: 2, reply_users: [FAKE_IDS.botUser] },
      { text: 'job j1 done', subtype: 'thread_broadcast', thread_ts: parent.ts },
    ]);
    const reply = fake.threadReplies(OPS, parent.ts!)[0]!;
    expect((await client.chat.getPermalink({ channel: OPS, message_ts: reply.ts })).permalink).toContain(
      `?thread_ts=${parent.ts}&cid=${OPS}`,
    );
  });

  it('message ts are Slack-style and strictly increasing, even posted all at once', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    const posted = await Promise.all(
      Array.from({ length: 25 }, (_, i) => client.chat.postMessage({ channel: OPS, text: `m${i}` })),
    );
    const stored = fake.messages(OPS).map((message) => message.ts);
    expect(new Set(posted.map((p) => p.ts)).size).toBe(25);
    expect(stored.every((ts) => /^\d{10}\.\d{6}$/.test(ts))).toBe(true);
    expect(stored.every((ts, i) => i === 0 || ts > stored[i - 1]!)).toBe(true);
  });

  it('chat.postEphemeral: to one person, user_not_in_channel for nobody', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    const sent = await client.chat.postEphemeral({ channel: OPS, user: APPROVER, text: 'psst' });
    expect(fake.ephemerals(APPROVER)).toMatchObject([
      { ts: sent.message_ts, channel: OPS, text: 'psst', source: 'chat.postEphemeral' },
    ]);
    expect(fake.ephemerals(REQUESTER)).toEqual([]);
    expect(fake.messages(OPS)).toEqual([]);
    await expect(client.chat.postEphemeral({ channel: OPS, user: 'UNOBODY', text: 'x' })).rejects.toMatchObject({
      data: { error: 'user_not_in_channel' },
    });
  });

  it('the directory: users.info, conversations.info, usergroups.users.list; addUser and addChannel', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    expect(await client.users.info({ user: APPROVER })).toMatchObject({
      user: { id: APPROVER, name: 'alex', real_name: 'Alex Approver', is_bot: false, team_id: FAKE_IDS.team },
    });
    await expect(client.users.info({ user: 'UNOBODY' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    expect(await client.conversations.info({ channel: OPS })).toMatchObject({
      channel: { id: OPS, name: 'ops', is_channel: true },
    });
    await expect(client.conversations.info({ channel: 'CNOSUCH' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    expect((await client.usergroups.users.list({ usergroup: FAKE_IDS.approvers })).users).toEqual([
      APPROVER,
      FAKE_IDS.admin,
    ]);
    await expect(client.usergroups.users.list({ usergroup: 'SNOSUCH' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });

    fake.addUser({ id: 'UNEWBIE', name: 'nia', usergroups: [FAKE_IDS.approvers] });
    fake.addChannel({ id: 'CLAB', name: 'lab' });
    expect((await client.usergroups.users.list({ usergroup: FAKE_IDS.approvers })).users).toContain('UNEWBIE');
    await client.chat.postMessage({ channel: 'CLAB', text: 'hello lab' });
    expect(fake.messages('CLAB')).toHaveLength(1);
    // Posting to a person opens a direct message, as Slack does.
    const dm = await client.chat.postMessage({ channel: 'UNEWBIE', text: 'welcome' });
    expect(dm.channel).toBe('DNEWBIE');
    expect(fake.messages('DNEWBIE')).toMatchObject([{ text: 'welcome' }]);
  });

  it('filesUploadV2: upload URL, raw upload, completion shares the file as a message with its content', async () => {
    const fake = await startFake();
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl });
    const parent = await client.chat.postMessage({ channel: OPS, text: 'job j2 done' });
    await client.filesUploadV2({
      channel_id: OPS,
      thread_ts: parent.ts!,
      filename: 'lab1.xml',
      title: 'lab1 XML',
      content: '<network><name>lab1</name></network>',
      initial_comment: 'full XML',
    });

    expect(fake.calls().map((call) => call.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [shared] = fake.threadReplies(OPS, parent.ts!);
    expect(shared).toMatchObject({
      text: 'full XML',
      upload: true,
      files: [
        {
          name: 'lab1.xml',
          title: 'lab1 XML',
          mimetype: 'application/xml',
          filetype: 'xml',
          size: 36,
          content: '<network><name>lab1</name></network>',
        },
      ],
    });
    const file = fake.snapshot().files[shared!.files![0]!.id]!;
    expect(file).toMatchObject({ uploaded: true, announcedLength: 36, shares: [{ channel: OPS, ts: shared!.ts }] });
    await expect(
      botClient(fake).files.completeUploadExternal({ files: [{ id: 'FNOSUCH' }], channel_id: OPS }),
    ).rejects.toMatchObject({ data: { error: 'file_not_found' } });
  });
});

describe('trigger ids and response_urls', () => {
  it('a trigger id opens one view, once, within 3 seconds; anything else is refused as Slack refuses it', async () => {
    let skewMs = 0;
    const fake = await startFake({ now: () => Date.now() + skewMs });
    const app = await startBolt(fake, (bolt) => bolt.command('/vnet', async ({ ack }) => ack()));
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };

    const fresh = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    const opened = await app.client.views.open({ trigger_id: fresh.triggerId, view });
    expect(opened.view).toMatchObject({
      type: 'modal',
      team_id: FAKE_IDS.team,
      state: { values: {} },
      root_view_id: opened.view!.id,
      previous_view_id: null,
    });
    expect(opened.view!.id).toMatch(/^V/);
    expect(opened.view!.hash).toMatch(/^\d+\.[0-9a-f]{8}$/);
    await expect(app.client.views.open({ trigger_id: fresh.triggerId, view })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });

    const late = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    skewMs += 3_001;
    await expect(app.client.views.open({ trigger_id: late.triggerId, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    await expect(app.client.views.open({ trigger_id: '12345.98765.abcd2358fdea', view })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });

    const other = await fake.slashCommand({ userId: VIEWER, channelId: OPS });
    await expect(
      app.client.views.open({ trigger_id: other.triggerId, view: { type: 'modal', blocks: [] } as never }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });

  it('views.update checks the hash; views.push stops at three views', async () => {
    const fake = await startFake();
    const app = await startBolt(fake, (bolt) => bolt.command('/vnet', async ({ ack }) => ack()));
    const view = (title: string) => ({
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: title },
      blocks: [section(title)],
    });
    const { triggerId } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    const { view: root } = await app.client.views.open({
      trigger_id: triggerId,
      view: { ...view('root'), external_id: 'ext-1' },
    });

    await expect(
      app.client.views.update({ view_id: root!.id!, hash: 'stale.hash', view: view('x') }),
    ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    const { view: updated } = await app.client.views.update({
      view_id: root!.id!,
      hash: root!.hash!,
      view: view('root v2'),
    });
    expect(updated).toMatchObject({ id: root!.id, title: { text: 'root v2' } });
    await app.client.views.update({ external_id: 'ext-1', view: view('root v3') });
    await expect(app.client.views.update({ view_id: 'VNOSUCH', view: view('x') })).rejects.toMatchObject({
      data: { error: 'not_found' },
    });

    for (const title of ['second', 'third']) {
      const { triggerId: pushTrigger } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
      await app.client.views.push({ trigger_id: pushTrigger, view: view(title) });
    }
    const { triggerId: oneTooMany } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    await expect(app.client.views.push({ trigger_id: oneTooMany, view: view('fourth') })).rejects.toMatchObject({
      data: { error: 'push_limit_reached' },
    });
    expect(fake.openViews(REQUESTER).map((open) => open.title.text)).toEqual(['root v3', 'second', 'third']);
  });

  it('a response_url: ephemeral by default, in_channel, delete_original; 5 uses, then used_url; dead after 30 minutes', async () => {
    let skewMs = 0;
    const fake = await startFake({ now: () => Date.now() + skewMs });
    await startBolt(fake, (app) => app.command('/vnet', async ({ ack }) => ack()));
    const { responseUrl } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    const post = async (body: object) => {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };

    expect(await post({ text: 'step 1' })).toEqual({ status: 200, body: { ok: true } });
    expect(await post({ text: 'for everyone', response_type: 'in_channel' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await post({ delete_original: true })).toEqual({ status: 200, body: { ok: true } });
    expect(await post({ text: 'step 4' })).toMatchObject({ status: 200 });
    expect(await post({ text: 'step 5', replace_original: true })).toMatchObject({ status: 200 });
    expect(await post({ text: 'step 6' })).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });
    expect(fake.ephemerals(REQUESTER).map((message) => message.text)).toEqual(['step 1', 'step 5']);
    expect(fake.messages(OPS)).toEqual([]);

    const { responseUrl: later } = await fake.slashCommand({ userId: REQUESTER, channelId: OPS });
    skewMs += 30 * 60_000 + 1;
    const expired = await fetch(later, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"too late"}',
    });
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual({ ok: false, error: 'expired_url' });
  });
});

describe('the store', () => {
  it('waitFor resolves on the event that satisfies it, and rejects with what it waited for after the timeout', async () => {
    const fake = await startFake();
    const client = botClient(fake);
    const seen: string[] = [];
    fake.on('message', (change) => seen.push(`${change.kind}:${change.message.text}`));
    const waiting = fake.waitFor((store) =>
      store.messages(OPS).find((message: StoredMessage) => message.text === 'second'),
    );
    await client.chat.postMessage({ channel: OPS, text: 'first' });
    await client.chat.postMessage({ channel: OPS, text: 'second' });
    expect(await waiting).toMatchObject({ text: 'second' });
    expect(seen).toEqual(['posted:first', 'posted:second']);
    await expect(fake.waitFor((store) => store.messages(OPS).length > 5, 50, 'six messages')).rejects.toThrow(
      /six messages not met within 50 ms/,
    );
  });

  it('the state is plain data: a snapshot survives JSON', async () => {
    const fake = await startFake();
    await botClient(fake).chat.postMessage({ channel: OPS, text: 'hello', blocks: [approveButton('r')] });
    const snapshot = fake.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.history[OPS]).toHaveLength(1);
    expect(snapshot.calls).toHaveLength(1);
  });
});

describe('Socket Mode', () => {
  it('apps.connections.open hands out a websocket; commands and clicks go over it and acks come back', async () => {
    const fake = await startFake();
    const clicked: string[] = [];
    const app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      deferInitialization: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl },
      installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
    });
    await app.init();
    app.command('/vnet', async ({ ack, command, client }) => {
      await ack({ text: `over the socket: ${command.text}` });
      await client.chat.postMessage({ channel: command.channel_id, text: 'pick one', blocks: [approveButton('s1')] });
    });
    app.action<BlockButtonAction>('approve', async ({ ack, body }) => {
      await ack();
      clicked.push(`${body.user.id}:${body.actions[0]!.value}`);
    });
    await app.start();
    started.apps.push(app);
    const [connection] = fake.calls('apps.connections.open');
    expect(connection).toMatchObject({ status: 200, response: { ok: true } });
    expect(connection!.response.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=/);

    const answer = await fake.slashCommand({ userId: REQUESTER, channelId: OPS, text: 'list' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ text: 'over the socket: list' });
    expect(fake.ephemerals(REQUESTER)).toMatchObject([{ text: 'over the socket: list', source: 'ack' }]);
    const message = await fake.waitFor((store) => store.messages(OPS)[0]);
    await fake.clickButton({ userId: APPROVER, channelId: OPS, messageTs: message.ts, actionId: 'approve' });
    expect(clicked).toEqual([`${APPROVER}:s1`]);
    await expect(botClient(fake).apps.connections.open()).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
  });
});
