/**
 * Signed jobs: what the bot signs for every job it enqueues, the exact bytes that are signed, and
 * the Ed25519 sign and verify helpers (node:crypto). Workers hold only public keys, so someone who
 * can write to Redis cannot make a job a worker will run. Pure: no I/O; keys are handed in as text.
 */
import {
  type KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as signBytes,
  verify as verifyBytes,
} from 'node:crypto';
import { z } from 'zod';
import { JOB_NAMES, type JobName, type JobPayload } from './job-contract.js';

/** Version of the signed claims; bumped if their meaning changes. */
export const JOB_CLAIMS_VERSION = 1;

/** The approval a job ran under: which request, and who approved it. */
export const jobApprovalSchema = z.strictObject({
  id: z.string().min(1).max(128),
  decidedBy: z.string().min(1).max(64),
});
/** See {@link jobApprovalSchema}. */
export type JobApproval = z.infer<typeof jobApprovalSchema>;

/**
 * What the bot vouches for with a job. The payload carries `requestedBy`, so the requester is
 * signed too. `approval` is present when the job ran after an approval.
 */
export const jobClaimsSchema = z.strictObject({
  v: z.literal(JOB_CLAIMS_VERSION),
  hostId: z.string().min(1).max(32),
  jobName: z.enum(JOB_NAMES),
  jobId: z.string().min(1).max(128),
  payload: z.unknown(),
  approval: jobApprovalSchema.optional(),
  /** When the bot signed it (ms since epoch). */
  issuedAt: z.int().nonnegative(),
  /** After this (ms since epoch) a worker no longer starts the job. */
  expiresAt: z.int().nonnegative(),
});
/** See {@link jobClaimsSchema}. */
export type JobClaims = z.infer<typeof jobClaimsSchema>;

/** What a signed job's data is in its BullMQ queue: the claims, the key that signed them, the signature. */
export const signedJobSchema = z.strictObject({
  claims: jobClaimsSchema,
  /** {@link keyIdOf} the signing key. */
  keyId: z.string().min(1).max(64),
  /** Ed25519 signature of {@link canonicalBytes}(claims), base64. */
  signature: z.string().min(1).max(256),
});
/** See {@link signedJobSchema}. */
export type SignedJob = z.infer<typeof signedJobSchema>;

/**
 * Deterministic JSON: object keys sorted, no whitespace, `undefined` properties left out (as
 * JSON.stringify does). Bot and worker must produce the same bytes for the same claims, whatever
 * order the properties were built or parsed in.
 * @throws {TypeError} for values JSON cannot carry faithfully (non-finite numbers, bigints, functions).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot sign a non-finite number (${value})`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`cannot sign a ${typeof value}`);
}

/** The bytes that are signed: a domain tag (so these signatures mean nothing elsewhere) and the canonical claims. */
export function canonicalBytes(claims: JobClaims): Buffer {
  return Buffer.from(`vnetops-job\n${canonicalJson(claims)}`, 'utf8');
}

/**
 * Reads a key given as PEM or as base64 of its DER form (PKCS#8 for a private key, SPKI for a
 * public one). The error never quotes the key text.
 */
export function parseKey(text: string, kind: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      key = kind === 'private' ? createPrivateKey(trimmed) : createPublicKey(trimmed);
    } else {
      const der = Buffer.from(trimmed, 'base64');
      key =
        kind === 'private'
          ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
          : createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    throw new Error(`the job-signing ${kind} key is not a PEM or base64 DER ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the job-signing ${kind} key is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  return key;
}

/** A short stable name of a key, from its public half: the first 16 hex digits of SHA-256 of its SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/** Signs claims with the bot's private key. */
export class JobSigner {
  /** The key id workers look the public key up by. */
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.type !== 'private') throw new Error('a job signer needs a private key');
    this.keyId = keyIdOf(privateKey);
  }

  /** Signs `claims` into the data a job carries in its queue. */
  sign(claims: JobClaims): SignedJob {
    const signature = signBytes(null, canonicalBytes(claims), this.privateKey).toString('base64');
    return { claims, keyId: this.keyId, signature };
  }

  /** Builds and signs the claims of one job, valid from now for `ttlMs`. */
  signJob<N extends JobName>(job: {
    hostId: string;
    jobName: N;
    jobId: string;
    payload: JobPayload<N>;
    approval?: JobApproval;
    ttlMs: number;
    now?: number;
  }): SignedJob {
    const issuedAt = job.now ?? Date.now();
    return this.sign({
      v: JOB_CLAIMS_VERSION,
      hostId: job.hostId,
      jobName: job.jobName,
      jobId: job.jobId,
      payload: job.payload,
      ...(job.approval ? { approval: job.approval } : {}),
      issuedAt,
      expiresAt: issuedAt + job.ttlMs,
    });
  }
}

/** Why a signature was not accepted. */
export type SignatureProblem = 'unknown-key' | 'bad-signature';

/** Checks signatures against the bot's public keys (one, or two while keys are rotated). */
export class JobSignatureVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(publicKeys: readonly KeyObject[]) {
    if (publicKeys.length === 0) throw new Error('a job signature verifier needs at least one public key');
    this.keys = new Map(publicKeys.map((key) => [keyIdOf(key), key]));
  }

  /** Ids of the keys accepted. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** `undefined` when `signed` carries a valid signature by one of the keys, else what is wrong. */
  check(signed: SignedJob): SignatureProblem | undefined {
    const key = this.keys.get(signed.keyId);
    if (!key) return 'unknown-key';
    try {
      return verifyBytes(null, canonicalBytes(signed.claims), key, Buffer.from(signed.signature, 'base64'))
        ? undefined
        : 'bad-signature';
    } catch {
      // e.g. claims that cannot be serialised canonically
      return 'bad-signature';
    }
  }
}

/**
 * The checks a worker makes before it runs a job, each a reason to refuse it:
 * - `unsigned`: no signed envelope at all (or not one in the expected shape);
 * - `unknown-key`: signed by a key this worker does not hold;
 * - `bad-signature`: the signature does not match the claims (altered, or a wrong key posing as a known one);
 * - `wrong-host`: signed for another host;
 * - `mismatch`: the queue entry's job name or id is not the signed one;
 * - `invalid-payload`: signed, but not a payload of its job;
 * - `expired`: past its expiry (or issued in the future) when first seen;
 * - `replayed`: this job id already ran here, or came with other claims;
 * - `approval-missing`: the command needs an approval and none was signed with it.
 */
export const JOB_REFUSAL_CHECKS = [
  'unsigned',
  'unknown-key',
  'bad-signature',
  'wrong-host',
  'mismatch',
  'invalid-payload',
  'expired',
  'replayed',
  'approval-missing',
] as const;
/** See {@link JOB_REFUSAL_CHECKS}. */
export type JobRefusalCheck = (typeof JOB_REFUSAL_CHECKS)[number];
