import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The module arrows of ARCHITECTURE.md, checked on the real import statements. Each top-level
 * folder under src/ (and workers/) may import only the folders listed for it.
 */
const ALLOWED: Record<string, readonly string[]> = {
  libvirt: [],
  network: [],
  config: [],
  log: [],
  sandbox: [],
  commands: ['network'],
  // notify reads the job contract's result types (src/queue/job-contract.ts is pure types + zod schemas).
  notify: ['network', 'commands', 'queue'],
  queue: ['network', 'config'],
  audit: ['config', 'log'],
  approvals: ['queue', 'audit', 'commands', 'network', 'config', 'log'],
  alerts: ['queue', 'config'],
  slack: ['commands', 'approvals', 'audit', 'queue', 'notify', 'network', 'config', 'log', 'alerts'],
  'fake-slack': [],
  // The local console serves the page on a fake Slack; the demo wires every piece for one machine.
  console: ['fake-slack'],
  demo: ['console', 'fake-slack', 'sandbox', 'config'],
  workers: ['libvirt', 'network', 'queue', 'config', 'log'],
};

const ROOT = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `src/libvirt/x.ts` → `libvirt`; `workers/...` → `workers`; top-level `src/bot.ts` → `(root)`. */
function moduleOf(file: string): string {
  const parts = relative(ROOT, file).split('/');
  if (parts[0] === 'workers') return 'workers';
  return parts.length > 2 ? parts[1]! : '(root)';
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)];
  return specifiers.map((match) => match[1]!);
}

const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'workers'))];

describe('module arrows', () => {
  it('finds the sources it checks', () => {
    expect(files.some((file) => moduleOf(file) === 'libvirt')).toBe(true);
  });

  it('every relative import stays inside its module or follows an allowed arrow', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      if (from === '(root)') continue; // bot.ts-style wiring may import anything in src/
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${relative(ROOT, file)}: module "${from}" has no entry in the allowed arrows`);
        continue;
      }
      for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = moduleOf(resolve(dirname(file), specifier));
        if (target !== from && !allowed.includes(target)) violations.push(`${relative(ROOT, file)} imports ${specifier} (${from} → ${target})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the libvirt client uses nothing but Node built-ins, so it could be published alone', () => {
    const external = files
      .filter((file) => moduleOf(file) === 'libvirt')
      .flatMap((file) => importsOf(file).filter((s) => !s.startsWith('.') && !s.startsWith('node:')).map((s) => `${relative(ROOT, file)}: ${s}`));
    expect(external).toEqual([]);
  });
});
