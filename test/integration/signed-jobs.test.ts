/**
 * Signed jobs: someone who can write to Redis adds jobs straight to a host's BullMQ queue, past the
 * bot. A real host worker on a sandbox host must refuse every one that the bot did not sign for it,
 * now, once, with the approval its command needs — before any libvirt call (`virsh net-list --all`
 * stays the same) — and the bot's alert feed must post a `job-refused` alert in the alert channel.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JobFailure,
  type JobName,
  type JobPayload,
  JobSigner,
  type SignedJob,
  decodeJobFailure,
  hostQueueName,
} from '../../src/contract/index.js';
import { DEFAULT_JOB_TTL_MS, createRedisConnection } from '../../src/queue/index.js';
import { alertsIn } from '../../tools/fake-slack/alert-reading.js';
import { WorkerProcess } from '../../tools/processes/worker-process.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost, virsh } from '../../tools/sandbox/sandbox-host.js';
import { type BotStack, CHANNELS, newPrefix, startBotStack, testJobSigner } from './helpers/bot-stack.js';
import { waitUntil } from './helpers/wait.js';

const HOST = 'sj1';
const prefix = newPrefix('sgn');
const requestedBy = { userId: 'UATTACK1', userName: 'mallory' };

let host: SandboxHost;
let worker: WorkerProcess | undefined;
let stack: BotStack | undefined;
let redis: Redis;
let queue: Queue;
let xmlDir: string;
let networksBefore: string;
const signer = testJobSigner();

function signed<N extends JobName>(
  name: N,
  jobId: string,
  payload: JobPayload<N>,
  options: { by?: JobSigner; hostId?: string; now?: number; ttlMs?: number; approved?: boolean } = {},
): SignedJob {
  return (options.by ?? signer).signJob({
    hostId: options.hostId ?? HOST,
    jobName: name,
    jobId,
    payload,
    ...(options.approved ? { approval: { id: 'appr-1', decidedBy: 'UAPPR001' } } : {}),
    ttlMs: options.ttlMs ?? DEFAULT_JOB_TTL_MS,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
}

/** Adds a job straight to the host's queue, as anyone with Redis access could, and waits for its end. */
async function addAndWait(name: string, data: unknown, jobId: string): Promise<{ failure?: JobFailure }> {
  await queue.add(name, data, { jobId });
  return waitUntil(`job ${jobId} to end`, async () => {
    // State first, then the job: a job read before it failed would carry no reason yet.
    const state = await queue.getJobState(jobId);
    if (state === 'failed') return { failure: decodeJobFailure((await queue.getJob(jobId))?.failedReason) };
    if (state === 'completed') return {};
    return undefined;
  });
}

async function expectRefused(name: string, data: unknown, jobId: string, reason: RegExp): Promise<void> {
  const { failure } = await addAndWait(name, data, jobId);
  expect(failure?.code, `job ${jobId}: ${failure?.message}`).toBe('refused');
  expect(failure?.message).toMatch(reason);
}

beforeAll(async () => {
  xmlDir = mkdtempSync(join(tmpdir(), 'vnetops-sgn-'));
  host = await startSandboxHost(HOST);
  // A network the forged deletes aim at.
  const file = join(xmlDir, 'keep1.xml');
  writeFileSync(
    file,
    "<network><name>keep1</name><bridge name='vnbr71' stp='off'/><ip address='10.231.0.1' prefix='24'/></network>",
  );
  await virsh(host, ['net-define', file]);
  await virsh(host, ['net-start', 'keep1']);
  stack = await startBotStack(host, { prefix, alerts: { channel: CHANNELS.alerts, coalesceMs: 200 } });
  worker = await WorkerProcess.start(host, { hostId: HOST, prefix });
  redis = createRedisConnection({ socketPath: host.redisSocketPath }, 'client');
  queue = new Queue(hostQueueName(HOST), { connection: redis, prefix });
  networksBefore = await virsh(host, ['net-list', '--all']);
});

afterAll(async () => {
  await queue?.close().catch(() => undefined);
  redis?.disconnect();
  await worker?.stop().catch((error: unknown) => console.error('stopping the worker:', error));
  await stack?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  await stopSandboxHost(HOST);
  if (xmlDir) rmSync(xmlDir, { recursive: true, force: true });
});

describe('jobs added straight to a host queue', () => {
  it('refuses an unsigned create and an unsigned delete', async () => {
    await expectRefused(
      'create',
      { requestedBy, request: { mode: 'isolated', name: 'evil1' } },
      'forged-create',
      /not signed by the vnetops bot/,
    );
    await expectRefused('delete', { requestedBy, name: 'keep1' }, 'forged-delete', /not signed by the vnetops bot/);
  });

  it('refuses a job signed with a key the host does not trust', async () => {
    const stranger = new JobSigner(generateKeyPairSync('ed25519').privateKey);
    const job = signed(
      'create',
      'wrong-key',
      { requestedBy, request: { mode: 'isolated', name: 'evil2' } },
      {
        by: stranger,
        approved: true,
      },
    );
    await expectRefused('create', job, 'wrong-key', /signed with a key this host does not trust/);
    // …and one posing as the trusted key.
    await expectRefused(
      'create',
      { ...job, keyId: signer.keyId },
      'wrong-key-posing',
      /signature does not match its contents/,
    );
  });

  it("refuses another host's job replayed on this host", async () => {
    const job = signed('delete', 'other-host', { requestedBy, name: 'keep1' }, { hostId: 'sj2', approved: true });
    await expectRefused('delete', job, 'other-host', /signed for host "sj2", not for this host \("sj1"\)/);
  });

  it('refuses an expired job', async () => {
    const job = signed(
      'delete',
      'expired',
      { requestedBy, name: 'keep1' },
      {
        now: Date.now() - 20 * 60_000,
        ttlMs: 60_000,
        approved: true,
      },
    );
    await expectRefused('delete', job, 'expired', /expired \d+ s before it could start/);
  });

  it('refuses an approval-needing job without an approval', async () => {
    const job = signed('delete', 'no-approval', { requestedBy, name: 'keep1' });
    await expectRefused('delete', job, 'no-approval', /delete needs an approval on this host/);
  });

  it('runs a signed job once, and refuses a copy re-added after it ended, or under another id', async () => {
    const job = signed('list', 'list-once', { requestedBy });
    expect((await addAndWait('list', job, 'list-once')).failure).toBeUndefined();
    await (await queue.getJob('list-once'))?.remove();
    await expectRefused('list', job, 'list-once', /already ran on this host/);
    await expectRefused('list', job, 'list-copy', /is not the signed job/);
  });

  it('left libvirt untouched', async () => {
    expect(await virsh(host, ['net-list', '--all'])).toBe(networksBefore);
  });

  it('posts a job-refused alert for each refusal in the alert channel', async () => {
    const fake = stack?.fake;
    if (!fake) throw new Error('no bot stack');
    const checks = [
      'unsigned',
      'unknown-key',
      'bad-signature',
      'wrong-host',
      'expired',
      'approval-missing',
      'replayed',
    ];
    const refusals = await fake.waitFor(
      () => {
        const lines = alertsIn(fake, CHANNELS.alerts).filter((a) => a.change.startsWith('security: refused'));
        return checks.every((check) => lines.some((a) => a.change.includes(`[${check}]`))) ? lines : undefined;
      },
      15_000,
      `job-refused alerts for ${checks.join(', ')} (seen: ${JSON.stringify(alertsIn(fake, CHANNELS.alerts).map((a) => a.line))})`,
    );
    const forgedDelete = refusals.find((a) => a.change.includes('forged-delete'));
    expect(forgedDelete?.change).toBe(
      'security: refused delete job forged-delete claiming to be from mallory [unsigned]: the job is not signed by the vnetops bot, so it did not come through Slack (it named network keep1)',
    );
  });
});
