/**
 * The fake Slack against Slack's own client (@slack/web-api's WebClient, as Bolt uses it) and a real
 * Bolt app, and the bot's poster against the fake's rate limits: a 429 delays, never drops.
 */
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack, type FakeSlackOptions } from '../../src/fake-slack/index.js';
import { SlackPoster, slackClientOptions } from '../../src/slack/index.js';

const TOKEN = 'xoxb-fake-test-token';
const SECRET = 'fake-test-signing-secret';
const CHANNEL = 'CTEST0001';
const USER = 'UTEST0001';

let fake: FakeSlack | undefined;
let app: App | undefined;

async function startFake(extra: Partial<FakeSlackOptions> = {}): Promise<FakeSlack> {
  fake = new FakeSlack({ signingSecret: SECRET, botToken: TOKEN, users: [{ id: USER, name: 'ana' }], channels: [{ id: CHANNEL, name: 'ops' }], ...extra });
  await fake.start();
  return fake;
}

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake?.close();
  fake = undefined;
});

describe('the Web API', () => {
  it('answers as Slack does: auth, posting, updating, errors', async () => {
    const slack = await startFake();
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, ...slackClientOptions });
    const auth = await client.auth.test();
    expect(auth.ok).toBe(true);
    expect(auth.user_id).toMatch(/^U/);
    expect(auth.bot_id).toMatch(/^B/);
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }] });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    await client.chat.update({ channel: CHANNEL, ts: posted.ts!, text: 'hello again' });
    expect(slack.messages(CHANNEL)).toMatchObject([{ ts: posted.ts, text: 'hello again', edited: {} }]);
    await expect(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    await expect(client.chat.postMessage({ channel: 'CNOPE', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(client.chat.postMessage({ channel: CHANNEL, text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } });
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, ...slackClientOptions });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect(JSON.stringify(slack.calls())).not.toContain(TOKEN);
  });

  it('shares an uploaded file into the channel (filesUploadV2)', async () => {
    const slack = await startFake();
    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, ...slackClientOptions });
    await client.filesUploadV2({ channel_id: CHANNEL, filename: 'lab1.xml', content: '<network/>', initial_comment: 'full XML' });
    const shared = await slack.waitFor(() => slack.messages(CHANNEL).find((m) => m.files?.length));
    expect(shared).toMatchObject({ text: 'full XML', files: [{ name: 'lab1.xml', content: '<network/>' }] });
  });

  it('answers 429 with Retry-After over the limit, and the poster waits it out: nothing dropped, order kept, no duplicates', async () => {
    const slack = await startFake({ rateLimits: { 'chat.postMessage': { ratePerSecond: 2, burst: 1, perChannel: true } } });
    const poster = new SlackPoster({ client: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, ...slackClientOptions }), log: pino({ level: 'silent' }) });
    for (let i = 0; i < 4; i++) await poster.post(CHANNEL, { text: `message ${i}`, blocks: [] });
    expect(slack.rateLimitedCount).toBeGreaterThan(0);
    expect(slack.calls('chat.postMessage').some((c) => c.status === 429)).toBe(true);
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['message 0', 'message 1', 'message 2', 'message 3']);
  });

  it('coalesces fast updates of one message: the last content always lands', async () => {
    const slack = await startFake();
    const poster = new SlackPoster({ client: new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, ...slackClientOptions }), log: pino({ level: 'silent' }) });
    const message = await poster.post(CHANNEL, { text: 'queued', blocks: [] });
    await Promise.all(['running 1', 'running 2', 'running 3', 'done'].map((text) => poster.update(message, { text, blocks: [] })));
    expect(slack.messages(CHANNEL)[0]?.text).toBe('done');
    expect(slack.calls('chat.update').length).toBeLessThan(4);
  });
});

describe('playing Slack to a real Bolt app', () => {
  it('signs commands Bolt accepts, opens a modal with a fresh trigger only, and sees forged or stale requests refused', async () => {
    const slack = await startFake();
    app = new App({ token: TOKEN, signingSecret: SECRET, deferInitialization: true, clientOptions: { slackApiUrl: slack.apiUrl }, logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} } });
    await app.init();
    app.command('/vnet', async ({ ack, command, client }) => {
      await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
      await client.views.open({ trigger_id: command.trigger_id, view: { type: 'modal', callback_id: 'm1', title: { type: 'plain_text', text: 'T' }, blocks: [] } });
    });
    const server = (await app.start(0)) as unknown as { address(): { port: number } };
    slack.setRequestUrl(`http://127.0.0.1:${server.address().port}/slack/events`);

    const answer = await slack.slashCommand({ userId: USER, channelId: CHANNEL, text: 'list' });
    expect(answer.status).toBe(200);
    expect(slack.ephemerals(USER)).toMatchObject([{ text: 'got list' }]);
    await slack.waitFor(() => slack.openViews(USER).find((v) => v.callback_id === 'm1'));

    const client = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, ...slackClientOptions });
    await expect(client.views.open({ trigger_id: answer.triggerId, view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] } })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });

    const body = 'command=%2Fvnet&text=list';
    expect((await slack.postToBot(body, slack.signRequest(body, { secret: 'not-the-secret' }))).status).toBe(401);
    expect((await slack.postToBot(body, slack.signRequest(body, { timestamp: Math.floor(Date.now() / 1000) - 301 }))).status).toBe(401);
  });
});
