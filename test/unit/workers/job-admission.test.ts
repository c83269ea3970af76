import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APPROVABLE_JOBS } from '../../../src/config/index.js';
import {
  type JobName,
  JobSignatureVerifier,
  MUTATING_JOBS,
  JobSigner,
  type SignedJob,
} from '../../../src/contract/index.js';
import {
  type AdmissionRules,
  type QueuedJob,
  type SeenJob,
  type SeenJobs,
  admitJob,
} from '../../../workers/job-admission.js';

/** The replay record in memory, as RedisSeenJobs keeps it (without Redis). */
class MemorySeenJobs implements SeenJobs {
  readonly records = new Map<string, SeenJob>();
  lookup(jobId: string): Promise<SeenJob | undefined> {
    return Promise.resolve(this.records.get(jobId));
  }
  readonly durable = new Map<string, boolean>();
  claim(jobId: string, digest: string, _ttlMs: number, durable: boolean): Promise<SeenJob | undefined> {
    this.durable.set(jobId, durable);
    const existing = this.records.get(jobId);
    if (existing) return Promise.resolve(existing);
    this.records.set(jobId, { digest, state: 'running' });
    return Promise.resolve(undefined);
  }
  finish(jobId: string): void {
    const record = this.records.get(jobId);
    if (record) this.records.set(jobId, { ...record, state: 'finished' });
  }
}

const NOW = 1_000_000;
const bot = generateKeyPairSync('ed25519');
const signer = new JobSigner(bot.privateKey);
const stranger = new JobSigner(generateKeyPairSync('ed25519').privateKey);

function rules(seen = new MemorySeenJobs(), approvalRequiredFor: JobName[] = ['create', 'delete']): AdmissionRules {
  return {
    hostId: 'kvm1',
    verifier: new JobSignatureVerifier([bot.publicKey]),
    approvalRequiredFor,
    seen,
    retryWindowMs: 3_600_000,
    now: () => NOW,
  };
}

const requestedBy = { userId: 'U1', userName: 'ana' };

function deleteJob(
  options: { jobId?: string; hostId?: string; approved?: boolean; now?: number; by?: JobSigner } = {},
): SignedJob {
  return (options.by ?? signer).signJob({
    hostId: options.hostId ?? 'kvm1',
    jobName: 'delete',
    jobId: options.jobId ?? 'j-1',
    payload: { requestedBy, name: 'lab1' },
    ...(options.approved === false ? {} : { approval: { id: 'a-1', decidedBy: 'U2' } }),
    ttlMs: 60_000,
    now: options.now ?? NOW - 1000,
  });
}

function queued(signed: unknown, id = 'j-1', name = 'delete'): QueuedJob {
  // As BullMQ hands it back: JSON through Redis.
  return { id, name, data: JSON.parse(JSON.stringify(signed)) as unknown };
}

describe('worker.approvalRequiredFor', () => {
  it('offers exactly the jobs that change a host', () => {
    expect([...APPROVABLE_JOBS]).toEqual([...MUTATING_JOBS]);
  });
});

describe('admitJob', () => {
  it('lets a signed, approved job for this host run, with its payload', async () => {
    const admission = await admitJob(queued(deleteJob()), rules());
    expect(admission).toMatchObject({ ok: true, name: 'delete', payload: { requestedBy, name: 'lab1' } });
  });

  it('refuses an unsigned job, saying who and what it claimed', async () => {
    const admission = await admitJob(queued({ requestedBy, name: 'lab1' }), rules());
    expect(admission).toEqual({
      ok: false,
      check: 'unsigned',
      reason: 'refused: the job is not signed by the vnetops bot, so it did not come through Slack',
      claimed: { jobId: 'j-1', jobName: 'delete', userId: 'U1', userName: 'ana', network: 'lab1' },
    });
  });

  it('refuses a job signed with a key this host does not trust', async () => {
    const admission = await admitJob(queued(deleteJob({ by: stranger })), rules());
    expect(admission).toMatchObject({ ok: false, check: 'unknown-key' });
  });

  it('refuses a forged signature and altered contents', async () => {
    const forged = { ...deleteJob({ by: stranger }), keyId: signer.keyId };
    expect(await admitJob(queued(forged), rules())).toMatchObject({ ok: false, check: 'bad-signature' });
    const signed = deleteJob();
    const altered = { ...signed, claims: { ...signed.claims, payload: { requestedBy, name: 'prod' } } };
    expect(await admitJob(queued(altered), rules())).toMatchObject({
      ok: false,
      check: 'bad-signature',
      reason: "refused: the job's signature does not match its contents (altered or forged)",
    });
  });

  it("refuses another host's job replayed on this host", async () => {
    const admission = await admitJob(queued(deleteJob({ hostId: 'kvm2' })), rules());
    expect(admission).toMatchObject({
      ok: false,
      check: 'wrong-host',
      reason: 'refused: the job was signed for host "kvm2", not for this host ("kvm1")',
      claimed: { hostId: 'kvm2' },
    });
  });

  it('refuses a signed job put under another name or id', async () => {
    expect(await admitJob(queued(deleteJob(), 'j-other'), rules())).toMatchObject({ ok: false, check: 'mismatch' });
    expect(await admitJob(queued(deleteJob(), 'j-1', 'create'), rules())).toMatchObject({
      ok: false,
      check: 'mismatch',
    });
  });

  it('refuses an approval-needing job without an approval, as the worker is configured', async () => {
    const unapproved = queued(deleteJob({ approved: false }));
    expect(await admitJob(unapproved, rules())).toMatchObject({
      ok: false,
      check: 'approval-missing',
      reason: 'refused: delete needs an approval on this host, and the job carries none',
    });
    expect(await admitJob(unapproved, rules(new MemorySeenJobs(), ['create']))).toMatchObject({ ok: true });
  });

  it('refuses an expired job, and one dated in the future', async () => {
    const expired = await admitJob(queued(deleteJob({ now: NOW - 90_000 })), rules());
    expect(expired).toMatchObject({
      ok: false,
      check: 'expired',
      reason: 'refused: the job expired 30 s before it could start',
    });
    const future = await admitJob(queued(deleteJob({ now: NOW + 120_000 })), rules());
    expect(future).toMatchObject({ ok: false, check: 'expired' });
    expect((future as { reason: string }).reason).toMatch(/dated 120 s in the future/);
  });

  it('runs a retry of the same job, even past its expiry, but not a copy after it ended', async () => {
    const seen = new MemorySeenJobs();
    const job = queued(deleteJob());
    expect(await admitJob(job, rules(seen))).toMatchObject({ ok: true });
    // BullMQ runs it again (libvirt restarting, or the worker was killed): still `running`.
    const later = { ...rules(seen), now: () => NOW + 3_600_000 };
    expect(await admitJob(job, later)).toMatchObject({ ok: true });
    seen.finish('j-1');
    expect(await admitJob(job, rules(seen))).toMatchObject({
      ok: false,
      check: 'replayed',
      reason: 'refused: job j-1 already ran on this host; a job runs once',
    });
  });

  it('refuses a job id reused for other signed claims', async () => {
    const seen = new MemorySeenJobs();
    expect(await admitJob(queued(deleteJob()), rules(seen))).toMatchObject({ ok: true });
    const other = signer.signJob({
      hostId: 'kvm1',
      jobName: 'delete',
      jobId: 'j-1',
      payload: { requestedBy, name: 'lab2' },
      approval: { id: 'a-2', decidedBy: 'U2' },
      ttlMs: 60_000,
      now: NOW,
    });
    expect(await admitJob(queued(other), rules(seen))).toMatchObject({ ok: false, check: 'replayed' });
  });

  it('remembers a job that changes the host beyond this process, a read only in memory', async () => {
    const seen = new MemorySeenJobs();
    await admitJob(queued(deleteJob()), rules(seen));
    const list = signer.signJob({
      hostId: 'kvm1',
      jobName: 'list',
      jobId: 'j-2',
      payload: { requestedBy },
      ttlMs: 60_000,
      now: NOW,
    });
    await admitJob(queued(list, 'j-2', 'list'), rules(seen));
    expect(Object.fromEntries(seen.durable)).toEqual({ 'j-1': true, 'j-2': false });
  });

  it('leaves the replay record alone for a refused job', async () => {
    const seen = new MemorySeenJobs();
    await admitJob(queued(deleteJob({ approved: false })), rules(seen));
    await admitJob(queued(deleteJob({ by: stranger })), rules(seen));
    expect(seen.records.size).toBe(0);
  });

  it('refuses a signed job whose payload is not one of its job', async () => {
    const bad = signer.signJob({
      hostId: 'kvm1',
      jobName: 'list',
      jobId: 'j-1',
      payload: { requestedBy, extra: 1 } as never,
      ttlMs: 60_000,
      now: NOW,
    });
    expect(await admitJob(queued(bad, 'j-1', 'list'), rules())).toMatchObject({ ok: false, check: 'invalid-payload' });
  });
});
