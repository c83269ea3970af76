/**
 * `npm run keys -- [folder]`: makes a job-signing key pair (Ed25519) for the bot and the host
 * workers. Writes `job-signing.key` (the bot's private key, mode 0600) and `job-signing.pub` (for
 * every worker) into the folder (default: the current one), never overwriting, and prints the
 * environment lines that point at them. The key itself is never printed.
 */
import { resolve } from 'node:path';
import { writeJobKeyPair } from '../src/queue/index.js';

function main(): void {
  const folder = process.argv[2] ?? '.';
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
}

if (import.meta.url === `file://${process.argv[1]}`) main();
