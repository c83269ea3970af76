/**
 * Two bot replicas on one Redis (each its real Bolt app and its own fake Slack), a real worker on a
 * sandbox host: a signed slash command replayed to the other replica is acked there (the ack path does
 * no I/O, so it cannot know yet), then refused before any job work — one job, and the person is told
 * through the response_url which job took the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHost, startSandboxHost, stopSandboxHost } from '../../tools/sandbox/sandbox-host.js';
import { type BotStack, CHANNELS, PEOPLE, newPrefix, startBotStack } from './helpers/bot-stack.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';

const HOST = 'btk';
let host: SandboxHost;
let worker: WorkerProcess | undefined;
let first: BotStack;
let second: BotStack;

beforeAll(async () => {
  host = await startSandboxHost(HOST);
  const prefix = newPrefix('vbr');
  worker = await WorkerProcess.start(host, { hostId: HOST, prefix });
  first = await startBotStack(host, { prefix });
  second = await startBotStack(host, { prefix });
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await worker?.stop();
  await stopSandboxHost(HOST);
});

/** The job id in the `count`-th message answering `/vnet <text>` in the ops channel (a read's one message names its job). */
async function jobIdOfAnswer(stack: BotStack, text: string, count = 1): Promise<string> {
  const answers = await stack.fake.waitFor(() => {
    const found = stack.fake.messages(CHANNELS.ops).filter((m) => JSON.stringify(m).includes(`/vnet ${text}`));
    return found.length >= count ? found : undefined;
  }, 30_000);
  const jobId = /\b(j[0-9a-f]{12})\b/.exec(JSON.stringify(answers[count - 1]))?.[1];
  if (!jobId) throw new Error(`no job id in the answer to ${text}`);
  return jobId;
}

describe('replayed requests across bot replicas', () => {
  it('a request replayed to a second replica runs one job; the person hears which job took it', async () => {
    const prepared = first.fake.prepareSlashCommand({
      userId: PEOPLE.viewer,
      channelId: CHANNELS.ops,
      text: `list --host ${HOST}`,
    });
    const body = new URLSearchParams(prepared.fields).toString();
    const headers = first.fake.signRequest(body);
    const taken = await first.fake.postToBot(body, headers);
    const replayed = await second.fake.postToBot(body, headers);
    expect([taken.status, replayed.status]).toEqual([200, 200]);
    // A read is acked silently; its one message names its job.
    const jobId = await jobIdOfAnswer(first, prepared.fields.text!);

    // The second replica finds the request claimed in Redis and says so through the response_url.
    const notice = await first.fake.waitFor(
      () =>
        first.fake
          .ephemerals(PEOPLE.viewer)
          .find((m) => m.source === 'response_url' && JSON.stringify(m).includes('already received')),
      10_000,
    );
    expect(JSON.stringify(notice)).toContain(jobId);

    // One job: one message with its table at the first replica's Slack; the second posts nothing.
    expect(first.fake.messages(CHANNELS.ops).filter((m) => JSON.stringify(m).includes(jobId))).toHaveLength(1);
    expect(second.fake.calls('chat.postMessage')).toHaveLength(0);
  });

  it('the same replica refuses a replay in the ack itself, naming the first job', async () => {
    const prepared = first.fake.prepareSlashCommand({
      userId: PEOPLE.viewer,
      channelId: CHANNELS.ops,
      text: `list --host ${HOST}`,
    });
    const body = new URLSearchParams(prepared.fields).toString();
    const headers = first.fake.signRequest(body);
    await first.fake.postToBot(body, headers);
    const again = await first.fake.postToBot(body, headers);
    expect(again.body).toMatch(/already received/);
    expect(again.body).toContain(await jobIdOfAnswer(first, prepared.fields.text!, 2));
  });
});
