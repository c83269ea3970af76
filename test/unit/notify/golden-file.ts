/**
 * Golden files for rendered messages: `expectGolden(name, value)` compares `value` (as pretty JSON)
 * with test/fixtures/golden/notify/<name>.json. `UPDATE_GOLDEN=1` rewrites the files; without it a
 * missing file fails the test, so a new case is always looked at before it becomes the spec.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = resolve(import.meta.dirname, '../../fixtures/golden/notify');

/** Compares `value` with its golden file (or writes it with UPDATE_GOLDEN=1). */
export function expectGolden(name: string, value: unknown): void {
  const path = join(GOLDEN_DIR, `${name}.json`);
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    throw new Error(
      `golden file ${name}.json is missing: run UPDATE_GOLDEN=1 npx vitest run test/unit/notify, then review it`,
    );
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
