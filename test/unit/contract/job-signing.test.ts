import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  JobSignatureVerifier,
  JobSigner,
  type JobClaims,
  canonicalBytes,
  canonicalJson,
  keyIdOf,
  parseKey,
  signedJobSchema,
} from '../../../src/contract/index.js';

function pair(): { signer: JobSigner; publicKey: ReturnType<typeof parseKey>; pem: string; der: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signer: new JobSigner(privateKey),
    publicKey,
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    der: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

const claims: JobClaims = {
  v: 1,
  hostId: 'kvm1',
  jobName: 'delete',
  jobId: 'j-1',
  payload: { requestedBy: { userId: 'U1' }, name: 'lab1', force: true },
  approval: { id: 'a-1', decidedBy: 'U2' },
  issuedAt: 1000,
  expiresAt: 2000,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined properties and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same bytes whatever order the properties were built in, and as JSON round-trips', () => {
    const reordered = JSON.parse(JSON.stringify({ ...claims, jobId: claims.jobId })) as JobClaims;
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as JobClaims;
    expect(canonicalBytes(shuffled).equals(canonicalBytes(claims))).toBe(true);
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });
});

describe('sign and verify', () => {
  it('accepts what the key signed, in the shape a queue entry has', () => {
    const { signer, publicKey } = pair();
    const signed = signedJobSchema.parse(JSON.parse(JSON.stringify(signer.sign(claims))));
    expect(new JobSignatureVerifier([publicKey]).check(signed)).toBeUndefined();
  });

  it('refuses altered claims: any field, including the approval and the payload', () => {
    const { signer, publicKey } = pair();
    const verifier = new JobSignatureVerifier([publicKey]);
    const signed = signer.sign(claims);
    const altered: JobClaims[] = [
      { ...claims, hostId: 'kvm2' },
      { ...claims, jobId: 'j-2' },
      { ...claims, expiresAt: 9999 },
      { ...claims, payload: { requestedBy: { userId: 'U9' }, name: 'lab1', force: true } },
      { ...claims, approval: { id: 'a-1', decidedBy: 'U9' } },
    ];
    for (const changed of altered) expect(verifier.check({ ...signed, claims: changed })).toBe('bad-signature');
    const { approval: _dropped, ...withoutApproval } = claims;
    expect(verifier.check({ ...signed, claims: withoutApproval })).toBe('bad-signature');
  });

  it('tells a key it does not hold from a wrong key posing as a known one', () => {
    const trusted = pair();
    const other = pair();
    const verifier = new JobSignatureVerifier([trusted.publicKey]);
    expect(verifier.check(other.signer.sign(claims))).toBe('unknown-key');
    expect(verifier.check({ ...other.signer.sign(claims), keyId: trusted.signer.keyId })).toBe('bad-signature');
  });

  it('accepts either of two keys while they are rotated', () => {
    const old = pair();
    const next = pair();
    const verifier = new JobSignatureVerifier([old.publicKey, next.publicKey]);
    expect(verifier.check(old.signer.sign(claims))).toBeUndefined();
    expect(verifier.check(next.signer.sign(claims))).toBeUndefined();
  });

  it('signs the job id, host, name, payload, approval, issued-at and expiry', () => {
    const { signer } = pair();
    const signed = signer.signJob({
      hostId: 'kvm1',
      jobName: 'list',
      jobId: 'j-9',
      payload: { requestedBy: { userId: 'U1' } },
      approval: { id: 'a', decidedBy: 'U2' },
      ttlMs: 500,
      now: 100,
    });
    expect(signed.claims).toEqual({
      v: 1,
      hostId: 'kvm1',
      jobName: 'list',
      jobId: 'j-9',
      payload: { requestedBy: { userId: 'U1' } },
      approval: { id: 'a', decidedBy: 'U2' },
      issuedAt: 100,
      expiresAt: 600,
    });
  });
});

describe('keys', () => {
  it('reads PEM and base64 DER, and names a key by its public half', () => {
    const { signer, pem, der, publicKey } = pair();
    expect(keyIdOf(parseKey(pem, 'private'))).toBe(signer.keyId);
    expect(keyIdOf(parseKey(der, 'public'))).toBe(keyIdOf(publicKey));
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses other key types and garbage without quoting the key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => parseKey(rsaPem, 'private')).toThrow(/not Ed25519/);
    const error = (() => {
      try {
        parseKey('c2VjcmV0LWJ1dC1ub3QtYS1rZXk=', 'private');
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('the job-signing private key is not a PEM or base64 DER private key');
  });
});
