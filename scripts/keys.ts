/**
 * `npm run keys -- [folder] [--env]`: makes a job-signing key pair (Ed25519) for the bot and the
 * host workers. Writes `job-signing.key` (the bot's private key, mode 0600) and `job-signing.pub`
 * (for every worker) into the folder (default: the current one), never overwriting, and prints the
 * environment lines that point at them. Only with `--env` does it print the keys themselves, as
 * one-line values for an `.env` file (Docker Compose), since the private key is then on the screen.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseKey } from '../src/contract/index.js';
import { writeJobKeyPair } from '../src/queue/index.js';

/** A key file's key as base64 DER: one line, as the VNETOPS_JOB_* variables take it. */
function oneLine(file: string, kind: 'private' | 'public'): string {
  const key = parseKey(readFileSync(file, 'utf8'), kind);
  return key.export({ format: 'der', type: kind === 'private' ? 'pkcs8' : 'spki' }).toString('base64');
}

function main(): void {
  const args = process.argv.slice(2);
  const inline = args.includes('--env');
  const folder = args.find((arg) => !arg.startsWith('--')) ?? '.';
  let pair;
  try {
    pair = writeJobKeyPair(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EEXIST'
        ? `a job-signing key already exists in ${resolve(folder)}; move it away first (to rotate, see docs/operations.md)`
        : `cannot write the key pair: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  console.log(`job-signing key pair ${pair.keyId} written:
  ${pair.privateKeyFile}  private, mode 0600: the bot only
  ${pair.publicKeyFile}  public: every host worker

# bot
VNETOPS_JOB_SIGNING_KEY_FILE=${pair.privateKeyFile}
# each host worker (copy the .pub file to the host)
VNETOPS_JOB_PUBLIC_KEY_FILES=${pair.publicKeyFile}`);
  if (inline) {
    console.log(`
# or, for an .env file (Docker Compose): the keys themselves. The first line is a secret.
VNETOPS_JOB_SIGNING_KEY=${oneLine(pair.privateKeyFile, 'private')}
VNETOPS_JOB_PUBLIC_KEYS=${oneLine(pair.publicKeyFile, 'public')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
