/**
 * Writes the config reference (every setting of the host worker and bot schemas) into README.md,
 * between `<!-- config-reference:start -->` and `<!-- config-reference:end -->`.
 *   tsx scripts/config-reference.ts            rewrite the block in README.md (only if it changed)
 *   tsx scripts/config-reference.ts --stdout   print the reference instead
 *   tsx scripts/config-reference.ts --check    exit 1 if README.md's block is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configReferenceIn, renderConfigReference, withConfigReference } from '../src/config/index.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const REGENERATE = 'npm run docs:config (or: npx tsx scripts/config-reference.ts)';
const USAGE = `usage: tsx scripts/config-reference.ts [--stdout | --check]
  (no option)  rewrite the config reference block in README.md
  --stdout     print the reference to stdout; README.md is left alone
  --check      exit 1 if README.md's block differs from the schemas`;

function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const mode =
    args.length === 0
      ? 'write'
      : args.length === 1 && (args[0] === '--stdout' || args[0] === '--check')
        ? args[0]
        : undefined;
  if (mode === undefined) {
    console.error(`unknown arguments: ${args.join(' ')}\n${USAGE}`);
    return 2;
  }
  const reference = renderConfigReference();
  if (mode === '--stdout') {
    process.stdout.write(reference);
    return 0;
  }

  const readme = readFileSync(README, 'utf8');
  if (mode === '--check') {
    if (configReferenceIn(readme) === reference) {
      console.log('README.md: the config reference is up to date');
      return 0;
    }
    console.error(
      `README.md: the config reference is out of date with the config schemas in src/config; run ${REGENERATE} and commit README.md`,
    );
    return 1;
  }
  const updated = withConfigReference(readme, reference);
  if (updated === readme) {
    console.log('README.md: the config reference is already up to date');
    return 0;
  }
  writeFileSync(README, updated);
  console.log('README.md: config reference rewritten');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // Missing or doubled markers: say which, without a stack trace.
  console.error(`README.md: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
