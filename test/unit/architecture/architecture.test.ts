/**
 * The module rules of docs/architecture.md, checked on the real import statements of src/,
 * workers/, tools/, bench/, scripts/ and test/ — and on planted violations, so each rule is
 * known to be able to fail.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ARROWS, type SourceFile, moduleOf, ruleViolations } from './module-rules.js';

const ROOT = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): SourceFile[] {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [{ path, text: readFileSync(join(ROOT, path), 'utf8') }] : [];
  });
}

const tree = ['src', 'workers', 'tools', 'bench', 'scripts', 'test'].flatMap(sourceFiles);

/** The real tree with one file added or replaced. */
function withFile(path: string, text: string): SourceFile[] {
  return [...tree.filter((file) => file.path !== path), { path, text }];
}

describe('module rules on the real tree', () => {
  it('finds the sources it checks, in every part', () => {
    const modules = new Set(tree.map((file) => moduleOf(file.path)));
    for (const module of [
      'libvirt',
      'contract',
      'queue',
      'app',
      'slack',
      'notify',
      'workers',
      'tools',
      'bench',
      'test',
    ])
      expect(modules).toContain(module);
  });

  it('docs/architecture.md names every module the rules know', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const unnamed = Object.keys(ALLOWED_ARROWS).filter(
      (module) => !doc.includes(module === 'bot' ? 'bot.ts' : `${module}/`),
    );
    expect(unnamed).toEqual([]);
  });

  it('every import follows an allowed arrow, and nothing that must stay free of Redis I/O loads it', () => {
    expect(ruleViolations(tree)).toEqual([]);
  });
});

describe('each rule fails on a planted violation', () => {
  it('a product module importing the harness', () => {
    const violations = ruleViolations(
      withFile('src/app/planted.ts', "import { FakeSlack } from '../../tools/fake-slack/index.js';\n"),
    );
    expect(violations).toEqual([
      expect.stringContaining('src/app/planted.ts imports ../../tools/fake-slack/index.js (app → tools)'),
    ]);
  });

  it('a worker importing a test helper', () => {
    const violations = ruleViolations(
      withFile('workers/planted.ts', "import { PEOPLE } from '../test/integration/helpers/bot-stack.js';\n"),
    );
    expect(violations).toEqual(expect.arrayContaining([expect.stringContaining('(workers → test)')]));
  });

  it('the harness or a bench importing a test helper', () => {
    expect(
      ruleViolations(
        withFile('tools/planted.ts', "import { PEOPLE } from '../test/integration/helpers/bot-stack.js';\n"),
      ),
    ).toEqual([expect.stringContaining('(tools → test)')]);
    expect(
      ruleViolations(
        withFile('bench/planted.ts', "import { PEOPLE } from '../test/integration/helpers/bot-stack.js';\n"),
      ),
    ).toEqual([expect.stringContaining('(bench → test)')]);
  });

  it('an arrow pointing back up (notify → app) and the adapter skipping the use cases (slack → queue)', () => {
    expect(
      ruleViolations(withFile('src/notify/planted.ts', "import { createBotApp } from '../app/index.js';\n")),
    ).toEqual(expect.arrayContaining([expect.stringContaining('(notify → app)')]));
    expect(
      ruleViolations(withFile('src/slack/planted.ts', "import { JobClient } from '../queue/index.js';\n")),
    ).toEqual([expect.stringContaining('(slack → queue)')]);
  });

  it('the contract loading an I/O library, directly', () => {
    const violations = ruleViolations(
      withFile('src/contract/planted.ts', "import { Queue } from 'bullmq';\nexport const q = Queue;\n"),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('src/contract/planted.ts loads package bullmq'),
        expect.stringContaining('src/contract/planted.ts loads bullmq at run time'),
      ]),
    );
  });

  it('alerts loading BullMQ through the queue module (the old alert-routing habit)', () => {
    const planted = withFile(
      'src/alerts/planted.ts',
      "import { JobClient } from '../queue/index.js';\nexport const c = JobClient;\n",
    );
    const violations = ruleViolations(planted);
    expect(violations).toContain('src/alerts/planted.ts imports ../queue/index.js (alerts → queue)');
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^src\/alerts\/planted\.ts loads (bullmq|ioredis) at run time: src\/alerts\/planted\.ts → src\/queue\/index\.ts → .* → (bullmq|ioredis)$/,
        ),
      ]),
    );
  });

  it('a job processor loading BullMQ through a helper it shares, while `import type` is fine', () => {
    const typeOnly = withFile('workers/jobs/planted.ts', "import type { Job } from 'bullmq';\nexport type J = Job;\n");
    expect(ruleViolations(typeOnly)).toEqual([]);
    const planted = [
      ...withFile(
        'workers/planted-helper.ts',
        "import { UnrecoverableError } from 'bullmq';\nexport const E = UnrecoverableError;\n",
      ),
      { path: 'workers/jobs/planted.ts', text: "import { E } from '../planted-helper.js';\nexport const e = E;\n" },
    ];
    expect(ruleViolations(planted)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'workers/jobs/planted.ts loads bullmq at run time: workers/jobs/planted.ts → workers/planted-helper.ts → bullmq',
        ),
      ]),
    );
  });

  it('the libvirt client loading any package', () => {
    expect(
      ruleViolations(withFile('src/libvirt/planted.ts', "import { z } from 'zod';\nexport const s = z.string();\n")),
    ).toEqual([expect.stringContaining('src/libvirt/planted.ts loads package zod')]);
  });

  it('a new top-level folder with no rules of its own', () => {
    expect(ruleViolations(withFile('src/helpers/planted.ts', 'export const x = 1;\n'))).toEqual([
      expect.stringContaining('module "helpers" has no entry'),
    ]);
  });
});
