/**
 * Loads the job-signing keys as configured: the bot's private key (text or file) into a
 * {@link JobSigner}, a worker's public keys (text or files, one or two) into a
 * {@link JobSignatureVerifier}. Errors name the setting, never the key. Also writes a new pair
 * (`npm run keys`, the demo).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BotConfig, WorkerConfig } from '../config/index.js';
import { JobSignatureVerifier, JobSigner, keyIdOf, parseKey } from '../contract/index.js';

/** No usable job-signing key: the process must not start. The message is safe to print. */
export class JobKeyError extends Error {
  override readonly name = 'JobKeyError';
}

/** The bot's signer, from `signing.privateKey` or `signing.privateKeyFile`. */
export function loadJobSigner(signing: BotConfig['signing']): JobSigner {
  const { privateKey, privateKeyFile } = signing;
  if (privateKey === undefined && privateKeyFile === undefined) {
    throw new JobKeyError(
      'no job-signing key: set VNETOPS_JOB_SIGNING_KEY_FILE (or signing.privateKeyFile) to the private key file `npm run keys` wrote; workers run only jobs the bot signed',
    );
  }
  if (privateKey !== undefined && privateKeyFile !== undefined)
    throw new JobKeyError('set only one of signing.privateKey and signing.privateKeyFile');
  const text = privateKey ?? readKeyFile(privateKeyFile as string, 'signing.privateKeyFile');
  try {
    return new JobSigner(parseKey(text, 'private'));
  } catch (error) {
    throw new JobKeyError(`${privateKey !== undefined ? 'signing.privateKey' : privateKeyFile}: ${messageOf(error)}`);
  }
}

/** A worker's verifier, from `worker.jobPublicKeys` and/or `worker.jobPublicKeyFiles` (one or two keys in all). */
export function loadJobVerifier(worker: WorkerConfig['worker']): JobSignatureVerifier {
  const sources: { text: string; from: string }[] = [];
  for (const text of splitList(worker.jobPublicKeys)) sources.push({ text, from: 'worker.jobPublicKeys' });
  for (const path of splitList(worker.jobPublicKeyFiles))
    sources.push({ text: readKeyFile(path, 'worker.jobPublicKeyFiles'), from: path });
  if (sources.length === 0) {
    throw new JobKeyError(
      "no job-signing public key: set VNETOPS_JOB_PUBLIC_KEY_FILES (or worker.jobPublicKeyFiles) to the bot's public key file `npm run keys` wrote; this worker runs only jobs the bot signed",
    );
  }
  if (sources.length > 2)
    throw new JobKeyError(`${sources.length} job-signing public keys given: one, or two while rotating`);
  return new JobSignatureVerifier(
    sources.map(({ text, from }) => {
      try {
        return parseKey(text, 'public');
      } catch (error) {
        throw new JobKeyError(`${from}: ${messageOf(error)}`);
      }
    }),
  );
}

/** A key pair's files, as {@link writeJobKeyPair} wrote them. */
export interface JobKeyFiles {
  /** PEM PKCS#8, mode 0600: the bot's. */
  readonly privateKeyFile: string;
  /** PEM SPKI: every host worker's. */
  readonly publicKeyFile: string;
  readonly keyId: string;
}

/**
 * Writes a new Ed25519 pair into `folder` as `job-signing.key` and `job-signing.pub`.
 * @throws an `EEXIST` error rather than replace a key that may be in use.
 */
export function writeJobKeyPair(folder: string): JobKeyFiles {
  const dir = resolve(folder);
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateKeyFile = resolve(dir, 'job-signing.key');
  const publicKeyFile = resolve(dir, 'job-signing.pub');
  // 'wx': never replace a key in use; mode 0600: only its owner (the bot) reads it.
  writeFileSync(privateKeyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey.export({ format: 'pem', type: 'spki' }), { flag: 'wx', mode: 0o644 });
  return { privateKeyFile, publicKeyFile, keyId: keyIdOf(publicKey) };
}

function splitList(text: string | undefined): string[] {
  // PEM and base64 never contain commas, so a comma separates two keys (or two paths).
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function readKeyFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new JobKeyError(
      `${setting}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
