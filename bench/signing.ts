/**
 * The cost of signed jobs, per job, in µs (median and p99 over many): the bot signing one job
 * (canonical JSON + Ed25519), a worker checking the signature alone, and the worker's whole
 * admission in memory (envelope and payload parsed, signature, host, approval, expiry, replay
 * record). The replay record's Redis write (one SET NX per job, one SET XX when it ends) is not in
 * these figures: bench:worker's throughput includes it. Printed by bench:worker and bench:bot;
 * `npx tsx bench/signing.ts` runs it alone.
 */
import { generateKeyPairSync } from 'node:crypto';
import { JobSignatureVerifier, JobSigner, type SignedJob } from '../src/contract/index.js';
import { type AdmissionRules, type SeenJob, type SeenJobs, admitJob } from '../workers/job-admission.js';
import { quantile, round } from './stats.js';

/** Per-job figures in µs. */
export interface SigningFigures {
  samples: number;
  signUs: { median: number; p99: number };
  verifyUs: { median: number; p99: number };
  admitUs: { median: number; p99: number };
}

/** A record kept in a Map: the admission's own cost, without a Redis round trip. */
class MemorySeenJobs implements SeenJobs {
  private readonly records = new Map<string, SeenJob>();
  lookup(jobId: string): Promise<SeenJob | undefined> {
    return Promise.resolve(this.records.get(jobId));
  }
  claim(jobId: string, digest: string, _ttlMs?: number, _durable?: boolean): Promise<SeenJob | undefined> {
    const existing = this.records.get(jobId);
    if (!existing) this.records.set(jobId, { digest, state: 'running' });
    return Promise.resolve(existing);
  }
}

function usFigures(samplesMs: readonly number[]): { median: number; p99: number } {
  return { median: round(quantile(samplesMs, 0.5) * 1000, 1), p99: round(quantile(samplesMs, 0.99) * 1000, 1) };
}

/** Measures signing and verifying `samples` create jobs (after a warm-up of a tenth as many). */
export async function measureJobSigning(samples = 5000): Promise<SigningFigures> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = new JobSigner(privateKey);
  const verifier = new JobSignatureVerifier([publicKey]);
  const rules: AdmissionRules = {
    hostId: 'kvm1',
    verifier,
    approvalRequiredFor: ['create', 'delete'],
    seen: new MemorySeenJobs(),
    retryWindowMs: 3_600_000,
  };
  // A typical approved create, as the bot submits it.
  const sign = (i: number): SignedJob =>
    signer.signJob({
      hostId: 'kvm1',
      jobName: 'create',
      jobId: `bench-${i}`,
      payload: {
        requestedBy: { userId: 'U0123ABCD', userName: 'ana' },
        request: { mode: 'nat', name: `lab${i}`, subnet: '10.200.7.0/24', description: 'bench network' },
      },
      approval: { id: `approval-${i}`, decidedBy: 'U0456EFGH' },
      ttlMs: 900_000,
    });
  const signMs: number[] = [];
  const verifyMs: number[] = [];
  const admitMs: number[] = [];
  const warmup = Math.ceil(samples / 10);
  for (let i = 0; i < warmup + samples; i++) {
    const t0 = performance.now();
    const signed = sign(i);
    const t1 = performance.now();
    // As the worker gets it: JSON through Redis.
    const data = JSON.parse(JSON.stringify(signed)) as SignedJob;
    const t2 = performance.now();
    const problem = verifier.check(data);
    const t3 = performance.now();
    const admission = await admitJob({ id: `bench-${i}`, name: 'create', data }, rules);
    const t4 = performance.now();
    if (problem || !admission.ok)
      throw new Error(`bench job ${i} was refused: ${problem ?? JSON.stringify(admission)}`);
    if (i < warmup) continue;
    signMs.push(t1 - t0);
    verifyMs.push(t3 - t2);
    admitMs.push(t4 - t3);
  }
  return { samples, signUs: usFigures(signMs), verifyUs: usFigures(verifyMs), admitUs: usFigures(admitMs) };
}

/** The figures as lines for a bench report. */
export function signingLines(figures: SigningFigures): string[] {
  const row = (label: string, f: { median: number; p99: number }): string =>
    `  ${label.padEnd(52)}${String(f.median).padStart(8)}${String(f.p99).padStart(9)}`;
  return [
    `signed jobs, per job (${figures.samples} approved create jobs)        median µs   p99 µs`,
    row('bot: sign (canonical JSON + Ed25519)', figures.signUs),
    row('worker: verify the signature', figures.verifyUs),
    row('worker: whole admission, replay record in memory', figures.admitUs),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of signingLines(await measureJobSigning(Number(process.env.BENCH_SIGNING_SAMPLES ?? 5000))))
    console.log(line);
}
