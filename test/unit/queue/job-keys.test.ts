import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBotConfig, loadWorkerConfig } from '../../../src/config/index.js';
import { JobKeyError, loadJobSigner, loadJobVerifier, writeJobKeyPair } from '../../../src/queue/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetops-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bot = (env: Record<string, string>) =>
  loadBotConfig({
    env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', VNETOPS_APPROVALS_CHANNEL: 'C0APPROVE1', ...env },
  });
const worker = (env: Record<string, string>) => loadWorkerConfig({ env: { VNETOPS_HOST_ID: 'kvm1', ...env } });

describe('job-signing keys', () => {
  const first = writeJobKeyPair(join(dir, 'first'));
  const second = writeJobKeyPair(join(dir, 'second'));

  it('writes a pair once, the private key readable by its owner only', () => {
    expect(statSync(first.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.publicKeyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(() => writeJobKeyPair(join(dir, 'first'))).toThrow(/EEXIST/);
  });

  it('loads the bot key from a file or from the environment, and two public keys while rotating', () => {
    const fromFile = loadJobSigner(bot({ VNETOPS_JOB_SIGNING_KEY_FILE: first.privateKeyFile }).signing);
    expect(fromFile.keyId).toBe(first.keyId);
    const pem = readFileSync(second.privateKeyFile, 'utf8');
    expect(loadJobSigner(bot({ VNETOPS_JOB_SIGNING_KEY: pem }).signing).keyId).toBe(second.keyId);
    const verifier = loadJobVerifier(
      worker({ VNETOPS_JOB_PUBLIC_KEY_FILES: `${first.publicKeyFile},${second.publicKeyFile}` }).worker,
    );
    expect(verifier.keyIds).toEqual([first.keyId, second.keyId]);
  });

  it('refuses to run without a key, naming the setting and never the key', () => {
    expect(() => loadJobSigner(bot({}).signing)).toThrow(JobKeyError);
    expect(() => loadJobVerifier(worker({}).worker)).toThrow(/VNETOPS_JOB_PUBLIC_KEY_FILES/);
    const garbage = 'bm90LWEta2V5LWF0LWFsbA==';
    let message = '';
    try {
      loadJobSigner(bot({ VNETOPS_JOB_SIGNING_KEY: garbage }).signing);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('signing.privateKey: the job-signing private key is not a PEM or base64 DER private key');
    expect(message).not.toContain(garbage);
    expect(() => loadJobVerifier(worker({ VNETOPS_JOB_PUBLIC_KEY_FILES: join(dir, 'missing.pub') }).worker)).toThrow(
      /cannot read .*missing\.pub \(ENOENT\)/,
    );
  });
});
