/**
 * The module rules of docs/architecture.md as data, and a checker that applies them to source
 * files given as text, so the test can run it on the real tree and on planted violations alike.
 */
import { dirname, posix } from 'node:path';

/** Every module of the product under src/, by folder (`bot` is src/bot.ts, the wiring). */
const PRODUCT = [
  'libvirt',
  'text',
  'network',
  'contract',
  'queue',
  'config',
  'log',
  'commands',
  'notify',
  'audit',
  'approvals',
  'alerts',
  'app',
  'slack',
  'bot',
] as const;

/** Which modules each module may import (its own files always). `*` = any. */
export const ALLOWED_ARROWS: Readonly<Record<string, readonly string[]>> = {
  libvirt: [],
  text: [],
  network: [],
  contract: ['network'],
  config: ['text'],
  log: [],
  commands: ['network', 'text'],
  notify: ['network', 'commands', 'contract'],
  queue: ['contract', 'network', 'config'],
  audit: ['config', 'log'],
  approvals: ['contract', 'audit', 'commands', 'network', 'config', 'log', 'text'],
  alerts: ['contract', 'config', 'text'],
  app: ['commands', 'approvals', 'audit', 'alerts', 'contract', 'queue', 'notify', 'network', 'config', 'log', 'text'],
  slack: ['app', 'notify', 'config', 'log'],
  bot: PRODUCT.filter((m) => m !== 'bot'),
  workers: ['libvirt', 'network', 'contract', 'queue', 'config', 'log', 'text'],
  // The harness drives the product; the product never imports it.
  tools: [...PRODUCT, 'workers'],
  bench: [...PRODUCT, 'workers', 'tools'],
  scripts: [...PRODUCT, 'workers', 'tools'],
  test: ['*'],
};

/** Packages (besides `node:` built-ins) a module may load; modules not named here may load any. */
export const ALLOWED_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  // The libvirt client could be published alone.
  libvirt: [],
  // The contract is shared by bot and workers without loading any I/O library.
  contract: ['zod'],
};

/** Packages that do I/O on Redis: only the plumbing loads them at run time. */
export const IO_PACKAGES = ['bullmq', 'ioredis'] as const;

/** The Redis plumbing itself, and the bot's use cases, adapter and wiring that drive it. */
const IO_USERS: readonly string[] = ['queue', 'app', 'slack', 'bot'];

/** Modules that must never load an {@link IO_PACKAGES} package at run time, even through other modules. */
const IO_FREE_MODULES: ReadonlySet<string> = new Set(PRODUCT.filter((module) => !IO_USERS.includes(module)));

/** The worker files that are its Redis/BullMQ plumbing; every other worker file (job processors, monitor logic) must not load it. */
export const WORKER_PLUMBING = new Set([
  'workers/host-worker.ts',
  'workers/host-worker-runtime.ts',
  'workers/bullmq-failure.ts',
  'workers/monitor/host-monitor.ts',
]);

/** One source file: its path from the repository root (posix) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** An import statement's target and whether it survives compilation (`import type` does not). */
interface ImportOf {
  specifier: string;
  runtime: boolean;
}

/** `src/app/x.ts` → `app`; `src/bot.ts` → `bot`; `workers/…` → `workers`; `tools/…` → `tools`. */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '');
  return parts[0]!;
}

/** The imports and re-exports of a file, static and dynamic. */
export function importsOf(text: string): ImportOf[] {
  const found: ImportOf[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?from\s+'([^']+)'/g)) {
    // Only `import type` / `export type` vanish from the output (verbatimModuleSyntax keeps `import { type X }` as a load).
    found.push({ specifier: match[3]!, runtime: match[2] === undefined });
  }
  for (const match of text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g))
    found.push({ specifier: match[1]!, runtime: true });
  for (const match of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push({ specifier: match[1]!, runtime: true });
  return found;
}

/** The repository path a relative specifier of `from` points at (`.js` → `.ts`, folders → index.ts). */
function resolveRelative(from: string, specifier: string, known: ReadonlySet<string>): string {
  const joined = posix.normalize(posix.join(dirname(from), specifier));
  const candidates = [joined.replace(/\.js$/, '.ts'), joined, `${joined}.ts`, `${joined}/index.ts`];
  return candidates.find((candidate) => known.has(candidate)) ?? candidates[0]!;
}

/** The package a bare specifier names (`@slack/bolt/x` → `@slack/bolt`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Every broken rule among `files`, one line each (empty when the tree follows the rules). */
export function ruleViolations(files: readonly SourceFile[]): string[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const known = new Set(byPath.keys());
  const violations: string[] = [];
  for (const file of files) {
    const from = moduleOf(file.path);
    const allowed = ALLOWED_ARROWS[from];
    if (!allowed) {
      violations.push(`${file.path}: module "${from}" has no entry in the allowed arrows`);
      continue;
    }
    for (const { specifier } of importsOf(file.text)) {
      if (specifier.startsWith('.')) {
        const to = moduleOf(resolveRelative(file.path, specifier, known));
        if (to !== from && !allowed.includes('*') && !allowed.includes(to))
          violations.push(`${file.path} imports ${specifier} (${from} → ${to})`);
      } else if (!specifier.startsWith('node:')) {
        const packages = ALLOWED_PACKAGES[from];
        if (packages && !packages.includes(packageOf(specifier)))
          violations.push(
            `${file.path} loads package ${specifier} (${from} may load only ${packages.join(', ') || 'Node built-ins'})`,
          );
      }
    }
  }
  violations.push(...ioLoads(files, byPath, known));
  return violations;
}

/** Files that must stay free of Redis I/O but load bullmq or ioredis at run time, with the chain that does it. */
function ioLoads(
  files: readonly SourceFile[],
  byPath: ReadonlyMap<string, SourceFile>,
  known: ReadonlySet<string>,
): string[] {
  const mustBeFree = (path: string): boolean =>
    IO_FREE_MODULES.has(moduleOf(path)) || (moduleOf(path) === 'workers' && !WORKER_PLUMBING.has(path));
  const chains = new Map<string, string[] | null>();
  // The first chain of run-time imports from `path` to an I/O package, or null.
  const chainOf = (path: string, visiting: Set<string>): string[] | null => {
    if (chains.has(path)) return chains.get(path)!;
    if (visiting.has(path)) return null;
    visiting.add(path);
    let found: string[] | null = null;
    for (const { specifier, runtime } of importsOf(byPath.get(path)?.text ?? '')) {
      if (!runtime) continue;
      if (!specifier.startsWith('.')) {
        if ((IO_PACKAGES as readonly string[]).includes(packageOf(specifier))) found = [path, specifier];
      } else {
        const next = resolveRelative(path, specifier, known);
        const rest = byPath.has(next) ? chainOf(next, visiting) : null;
        if (rest) found = [path, ...rest];
      }
      if (found) break;
    }
    visiting.delete(path);
    chains.set(path, found);
    return found;
  };
  return files
    .filter((file) => mustBeFree(file.path))
    .flatMap((file) => {
      const chain = chainOf(file.path, new Set());
      return chain ? [`${file.path} loads ${chain.at(-1)} at run time: ${chain.join(' → ')}`] : [];
    });
}
