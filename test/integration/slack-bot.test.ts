/**
 * The bot end to end: the real Bolt app (HTTP receiver) fed HMAC-signed requests by the fake Slack,
 * real Redis, a real host worker on a sandbox libvirt host. Every /vnet command, the create dialog,
 * approvals (approve, reject with a reason, expiry, self-approval, double clicks), RBAC, and the
 * request checks (forged, stale, replayed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../src/approvals/index.js';
import { LibvirtClient } from '../../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost, virsh } from '../../tools/sandbox/sandbox-host.js';
import { type BotStack, CHANNELS, PEOPLE, newPrefix, startBotStack } from './helpers/bot-stack.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import {
  APPROVE_ACTION_ID,
  CREATE_MODAL_CALLBACK_ID,
  REJECT_ACTION_ID,
  REJECT_REASON_CALLBACK_ID,
} from '../../src/notify/index.js';

const HOST = 'bt1';
let host: SandboxHost;
let worker: WorkerProcess | undefined;
let stack: BotStack;

/** Everything a person reads in a message: its text and every text in its blocks. */
function readable(message: { text?: string; blocks?: unknown } | undefined): string {
  if (!message) return '';
  const texts: string[] = [message.text ?? ''];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') texts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(message.blocks);
  return texts.join('\n');
}

/** The job id the ack announced ("Job jXXXX …"). */
function jobIdOf(ack: string): string {
  const match = /\b(j[0-9a-f]{12})\b/.exec(ack);
  if (!match) throw new Error(`no job id in the ack: ${ack}`);
  return match[1]!;
}

async function command(
  userId: string,
  text: string,
  channelId: string = CHANNELS.ops,
): Promise<{ status: number; ack: string; triggerId: string }> {
  const response = await stack.fake.slashCommand({ userId, channelId, text });
  const body = response.body ? (JSON.parse(response.body) as { text?: string; blocks?: unknown }) : {};
  return { status: response.status, ack: readable(body), triggerId: response.triggerId };
}

/** Waits for the job's message in the ops channel to contain `text` (the bot updates it in place). */
async function jobMessageSaying(
  jobId: string,
  text: string | RegExp,
  channelId: string = CHANNELS.ops,
  timeoutMs = 30_000,
) {
  return stack.fake.waitFor(() => {
    const found = stack.fake.messages(channelId).find((m) => readable(m).includes(jobId));
    const shown = readable(found);
    return found && (typeof text === 'string' ? shown.includes(text) : text.test(shown)) ? found : undefined;
  }, timeoutMs);
}

/** The approval request message for a job, in the approvals channel. */
async function approvalRequestFor(jobId: string) {
  return stack.fake.waitFor(
    () =>
      stack.fake
        .messages(CHANNELS.approvals)
        .find((m) => readable(m).includes(jobId) && JSON.stringify(m.blocks).includes(APPROVE_ACTION_ID)),
    30_000,
  );
}

beforeAll(async () => {
  host = await startSandboxHost(HOST);
  const libvirt = await LibvirtClient.connect(host.uri);
  await libvirt.defineNetwork(
    "<network><name>seed1</name><bridge name='vnseed1'/><ip address='10.123.0.1' prefix='24'/></network>",
  );
  await libvirt.close();
  const prefix = newPrefix('vbt');
  worker = await WorkerProcess.start(host, { hostId: HOST, prefix });
  stack = await startBotStack(host, { prefix, approvalTtl: '8s' });
});

afterAll(async () => {
  await stack?.stop();
  await worker?.stop();
  await stopSandboxHost(HOST);
});

describe('reading commands', () => {
  it('help answers at once with the usage of every command, and help for one command', async () => {
    const all = await command(PEOPLE.viewer, 'help');
    expect(all.status).toBe(200);
    for (const name of ['list', 'create', 'delete', 'audit']) expect(all.ack).toContain(`/vnet ${name}`);
    const one = await command(PEOPLE.viewer, 'help create');
    expect(one.ack).toContain('--subnet');
  });

  it('a typo gets a usage error with the nearest command suggested, and no job', async () => {
    const typo = await command(PEOPLE.operator, 'lsit');
    expect(typo.ack).toMatch(/not a \/vnet/i);
    expect(typo.ack).toContain('list');
    const flag = await command(PEOPLE.operator, 'create isolated lab1 --subent 10.0.0.0/24');
    expect(flag.ack).toContain('--subnet');
  });

  it('hosts shows the sandbox host up', async () => {
    const { ack } = await command(PEOPLE.viewer, 'hosts');
    expect(ack).toContain(HOST);
    expect(ack).toMatch(/up/i);
  });

  it('list answers once: a silent ack, then one message with the table of networks and its job id', async () => {
    const { ack } = await command(PEOPLE.viewer, 'list --all');
    expect(ack).toBe('');
    // seed1 is defined but not running: it shows with --all, as in `virsh net-list --all`.
    const message = await stack.fake.waitFor(
      () =>
        stack.fake
          .messages(CHANNELS.ops)
          .find((m) => readable(m).includes('list --all') && readable(m).includes('seed1')),
      15_000,
    );
    expect(readable(message)).toContain(HOST);
    expect(readable(message)).toMatch(/Job `j[0-9a-f]{12}`/);
    // Posted once with its answer: never a "running" placeholder edited afterwards.
    expect(stack.fake.messages(CHANNELS.ops).filter((m) => readable(m).includes('list --all'))).toHaveLength(1);
    expect(readable(message)).not.toMatch(/asking/);
    const { ack: activeOnly } = await command(PEOPLE.viewer, 'list');
    expect(activeOnly).toBe('');
    const listed = await stack.fake.waitFor(
      () =>
        stack.fake
          .messages(CHANNELS.ops)
          .find((m) => readable(m).includes('/vnet list') && !readable(m).includes('--all')),
      15_000,
    );
    expect(readable(listed)).not.toContain('seed1');
  });
});

describe('RBAC', () => {
  it('a viewer cannot create: the denial names the role needed', async () => {
    const { ack } = await command(PEOPLE.viewer, 'create isolated nope1');
    expect(ack).toMatch(/operator/);
    expect(stack.fake.messages(CHANNELS.approvals).some((m) => readable(m).includes('nope1'))).toBe(false);
  });
});

describe('create with approval', () => {
  let jobId: string;

  it('posts the request with its preflight (subnet, bridge, overlap check, XML) and a waiting job message', async () => {
    const { ack } = await command(PEOPLE.operator, 'create isolated lab1 --reason "class lab"');
    jobId = jobIdOf(ack);
    expect(ack).toContain('approval');
    const request = await approvalRequestFor(jobId);
    const shown = readable(request);
    expect(shown).toContain('lab1');
    expect(shown).toMatch(/10\.200\.\d+\.0\/24/);
    expect(shown).toMatch(/vnbr\d+/);
    expect(shown).toMatch(/overlap/i);
    expect(shown).toContain('&lt;network');
    expect(shown).toContain('class lab');
    await jobMessageSaying(jobId, /approval/i);
  });

  it('the requester may not approve their own request; a viewer may not approve at all', async () => {
    const request = await approvalRequestFor(jobId);
    await stack.fake.clickButton({
      userId: PEOPLE.operator,
      channelId: CHANNELS.approvals,
      messageTs: request.ts,
      actionId: APPROVE_ACTION_ID,
    });
    await stack.fake.waitFor(
      () => stack.fake.ephemerals(PEOPLE.operator).find((m) => /someone else|own/i.test(readable(m))),
      10_000,
    );
    await stack.fake.clickButton({
      userId: PEOPLE.viewer,
      channelId: CHANNELS.approvals,
      messageTs: request.ts,
      actionId: APPROVE_ACTION_ID,
    });
    await stack.fake.waitFor(
      () => stack.fake.ephemerals(PEOPLE.viewer).find((m) => /approver/i.test(readable(m))),
      10_000,
    );
  });

  it('two approvers clicking at once run the job exactly once; it reaches done and the requester is told in the thread', async () => {
    const request = await approvalRequestFor(jobId);
    await Promise.all([
      stack.fake.clickButton({
        userId: PEOPLE.approver,
        channelId: CHANNELS.approvals,
        messageTs: request.ts,
        actionId: APPROVE_ACTION_ID,
      }),
      stack.fake.clickButton({
        userId: PEOPLE.approver2,
        channelId: CHANNELS.approvals,
        messageTs: request.ts,
        actionId: APPROVE_ACTION_ID,
      }),
    ]);
    const done = await jobMessageSaying(jobId, /done/i);
    expect(readable(done)).toContain('lab1');
    const networks = (await virsh(host, ['net-list', '--all', '--name']))
      .split('\n')
      .filter((n) => n.trim() === 'lab1');
    expect(networks).toHaveLength(1);
    const loser = [PEOPLE.approver, PEOPLE.approver2].find((u) =>
      stack.fake.ephemerals(u).some((m) => /already/i.test(readable(m))),
    );
    expect(loser).toBeDefined();
    // Who won is named as a mention Slack renders, not as escaped markup.
    const refusal = stack.fake.ephemerals(loser!).find((m) => /already/i.test(readable(m)));
    expect(JSON.stringify(refusal?.blocks)).toMatch(/already approved by <@UAPPR00[12]>\./);
    expect(JSON.stringify(refusal)).not.toContain('&lt;@');
    const decided = stack.fake.messages(CHANNELS.approvals).find((m) => m.ts === request.ts);
    expect(JSON.stringify(decided?.blocks)).not.toContain(APPROVE_ACTION_ID);
    expect(readable(decided)).toMatch(/approved/i);
    const jobMessage = stack.fake.messages(CHANNELS.ops).find((m) => readable(m).includes(jobId));
    await stack.fake.waitFor(
      () => stack.fake.threadReplies(CHANNELS.ops, jobMessage!.ts).find((m) => /approved/i.test(readable(m))),
      10_000,
    );
  });
});

describe('jobs on the network', () => {
  it('info, leases and bridges are answered once each, with the result and one context line (no ack, no card)', async () => {
    const answerTo = async (text: string) => {
      const { ack } = await command(PEOPLE.viewer, text);
      expect(ack).toBe('');
      return stack.fake.waitFor(
        () => stack.fake.messages(CHANNELS.ops).find((m) => readable(m).includes(`/vnet ${text}\``)),
        15_000,
      );
    };
    const info = await answerTo('info lab1 --xml');
    expect(readable(info)).toContain('vnbr');
    expect(readable(info)).toMatch(
      new RegExp(`on host \`${HOST}\` · job \`j[0-9a-f]{12}\` · asked by <@${PEOPLE.viewer}>`),
    );
    expect(readable(info)).not.toMatch(/Requested by|Queued|Running/);
    await answerTo('leases lab1');
    expect(readable(await answerTo('bridges lab1'))).toMatch(/vnbr\d+/);
  });

  it('stop, start, autostart and update run without approval and end done', async () => {
    for (const text of [
      'stop lab1',
      'start lab1',
      'autostart lab1 on',
      'update lab1 dhcp-range 10.200.0.50-10.200.0.60',
    ]) {
      const { ack } = await command(PEOPLE.operator, text);
      const id = jobIdOf(ack);
      await jobMessageSaying(id, /done/i);
    }
    expect(await virsh(host, ['net-info', 'lab1'])).toMatch(/Autostart:\s+yes/);
  });

  it('status shows a job as it stands; an unknown job is said to be unknown', async () => {
    const { ack } = await command(PEOPLE.operator, 'stop lab1');
    const id = jobIdOf(ack);
    await jobMessageSaying(id, /done/i);
    expect((await command(PEOPLE.viewer, `status ${id}`)).ack).toMatch(/done/i);
    expect((await command(PEOPLE.viewer, 'status jffffffffffff')).ack).toMatch(/no job/i);
  });

  it('a failing job ends failed with the reason', async () => {
    const { ack } = await command(PEOPLE.operator, 'start nosuchnet');
    expect(ack.length).toBeGreaterThan(0);
    await stack.fake.waitFor(
      () =>
        stack.fake
          .messages(CHANNELS.ops)
          .find((m) => readable(m).includes('nosuchnet') && /no host has a network|not found/i.test(readable(m))),
      15_000,
    );
  });
});

describe('reject and expiry', () => {
  it('reject asks for a reason, refuses an empty one, then ends the job rejected with the reason', async () => {
    const jobId = jobIdOf((await command(PEOPLE.operator, 'delete lab1')).ack);
    const request = await approvalRequestFor(jobId);
    await stack.fake.clickButton({
      userId: PEOPLE.approver,
      channelId: CHANNELS.approvals,
      messageTs: request.ts,
      actionId: REJECT_ACTION_ID,
    });
    const view = await stack.fake.waitFor(
      () => stack.fake.openViews(PEOPLE.approver).find((v) => v.callback_id === REJECT_REASON_CALLBACK_ID),
      10_000,
    );
    const empty = await stack.fake.submitView({
      userId: PEOPLE.approver,
      viewId: view.id,
      values: { reason: { reason: '' } },
    });
    expect(JSON.stringify(empty)).toMatch(/errors/);
    await stack.fake.submitView({
      userId: PEOPLE.approver,
      viewId: view.id,
      values: { reason: { reason: 'still in use by the class' } },
    });
    const rejected = await jobMessageSaying(jobId, /rejected/i);
    expect(readable(rejected)).toContain('still in use by the class');
    expect(await virsh(host, ['net-list', '--all', '--name'])).toContain('lab1');
  });

  it('an unanswered request expires, and both messages say so', async () => {
    const jobId = jobIdOf((await command(PEOPLE.operator, 'delete lab1')).ack);
    const request = await approvalRequestFor(jobId);
    await jobMessageSaying(jobId, /expired/i, CHANNELS.ops, 20_000);
    await stack.fake.waitFor(() => {
      const m = stack.fake.messages(CHANNELS.approvals).find((x) => x.ts === request.ts);
      return m && /expired/i.test(readable(m)) && !JSON.stringify(m.blocks).includes(APPROVE_ACTION_ID) ? m : undefined;
    }, 10_000);
  });
});

describe('the create dialog', () => {
  it('/vnet create alone opens the dialog with a free subnet filled in; bad fields are refused one by one', async () => {
    const { status } = await command(PEOPLE.operator, 'create');
    expect(status).toBe(200);
    const view = await stack.fake.waitFor(
      () => stack.fake.openViews(PEOPLE.operator).find((v) => v.callback_id === CREATE_MODAL_CALLBACK_ID),
      10_000,
    );
    expect(JSON.stringify(view.blocks)).toMatch(/10\.200\.\d+\.0\/24/);
    const bad = await stack.fake.submitView({
      userId: PEOPLE.operator,
      viewId: view.id,
      values: {
        mode: { mode: 'isolated' },
        name: { name: 'Bad Name!' },
        subnet: { subnet: '10.0.0.1/33' },
        dhcp: { dhcp: 'default' },
        host: { host: HOST },
      },
    });
    const text = JSON.stringify(bad);
    expect(text).toMatch(/errors/);
    expect(text).toContain('"name"');
    expect(text).toContain('"subnet"');
  });
});

describe('delete with approval, audit', () => {
  it('an approved delete removes the network; the audit log holds the command, the decision and the result', async () => {
    const jobId = jobIdOf((await command(PEOPLE.operator, 'delete lab1')).ack);
    const request = await approvalRequestFor(jobId);
    await stack.fake.clickButton({
      userId: PEOPLE.admin,
      channelId: CHANNELS.approvals,
      messageTs: request.ts,
      actionId: APPROVE_ACTION_ID,
    });
    await jobMessageSaying(jobId, /done/i);
    expect(await virsh(host, ['net-list', '--all', '--name'])).not.toContain('lab1');
    const { ack } = await command(PEOPLE.operator, 'audit 50');
    expect(ack).toContain(jobId);
    expect(ack).toMatch(/approved/);
    expect(ack).not.toContain('xoxb-');
  });
});

describe('an approvals channel the bot cannot post in', () => {
  it('withdraws the request, ends the job message failed with the reason, and tells the requester', async () => {
    // A second bot on the same Redis and host, whose approvals channel does not exist in its Slack.
    const lost = await startBotStack(host, { prefix: stack.prefix, approvalsChannel: 'CNOWHERE1' });
    try {
      const response = await lost.fake.slashCommand({
        userId: PEOPLE.operator,
        channelId: CHANNELS.ops,
        text: 'delete seed1',
      });
      const jobId = jobIdOf(readable(JSON.parse(response.body) as { text?: string; blocks?: unknown }));
      const failed = await lost.fake.waitFor(
        () => lost.fake.messages(CHANNELS.ops).find((m) => readable(m).includes(jobId) && /failed/i.test(readable(m))),
        30_000,
        'the job message ending failed',
      );
      expect(readable(failed)).toMatch(
        /could not be posted to the approvals channel CNOWHERE1 \(.*channel_not_found\); invite the bot there/s,
      );
      const told = await lost.fake.waitFor(
        () => lost.fake.ephemerals(PEOPLE.operator).find((m) => readable(m).includes('could not be started')),
        10_000,
        'the requester told',
      );
      expect(readable(told)).toContain('channel_not_found');
      // Withdrawn for good: nothing pending is left to expire later or be approved.
      expect(
        (await new ApprovalStore(lost.redis, lost.prefix).pending()).filter((request) => request.jobId === jobId),
      ).toEqual([]);
      expect(await virsh(host, ['net-list', '--all', '--name'])).toContain('seed1');
    } finally {
      await lost.stop();
    }
  });
});

describe('request checks', () => {
  it('a forged signature and a stale timestamp get 401; a replayed request does not make a second job', async () => {
    // A command whose ack names its job (reads answer silently): the replay must not make a second one.
    const body = new URLSearchParams({
      command: '/vnet',
      text: 'stop nosuchnet',
      user_id: PEOPLE.operator,
      channel_id: CHANNELS.ops,
      trigger_id: 'T-replay-1',
      response_url: `${stack.fake.baseUrl}/response/replay`,
    }).toString();
    const now = Math.floor(Date.now() / 1000);
    const forged = await stack.fake.postToBot(body, {
      ...stack.fake.signRequest(body, { timestamp: now }),
      'x-slack-signature': 'v0=' + '0'.repeat(64),
    });
    expect(forged.status).toBe(401);
    const stale = await stack.fake.postToBot(body, stack.fake.signRequest(body, { timestamp: now - 6 * 60 }));
    expect(stale.status).toBe(401);
    const headers = stack.fake.signRequest(body, { timestamp: now });
    const first = await stack.fake.postToBot(body, headers);
    const again = await stack.fake.postToBot(body, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toMatch(/already received/);
    const firstJob = jobIdOf(first.body);
    expect(again.body).toContain(firstJob);
  });

  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${stack.bot.port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${stack.bot.port}/metrics`)).text();
    expect(metrics).toMatch(/vnetops_commands_total\{command="list",outcome="accepted"\} \d+/);
  });
});

describe('Socket Mode', () => {
  it('a bot in Socket Mode takes commands over its websocket and posts the job message', async () => {
    const socketStack = await startBotStack(host, { prefix: stack.prefix, socketMode: true });
    try {
      await socketStack.fake.waitFor(
        () => socketStack.fake.calls('apps.connections.open').find((c) => c.status === 200),
        10_000,
      );
      const answer = await socketStack.fake.slashCommand({
        userId: PEOPLE.viewer,
        channelId: CHANNELS.ops,
        text: 'list --all',
      });
      expect(answer.status).toBe(200);
      const listed = await socketStack.fake.waitFor(
        () => socketStack.fake.messages(CHANNELS.ops).find((m) => readable(m).includes('seed1')),
        15_000,
      );
      expect(readable(listed)).toMatch(/j[0-9a-f]{12}/);
    } finally {
      await socketStack.stop();
    }
  });
});
