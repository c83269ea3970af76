import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem } from './config-error.js';

/** Name of the environment variable holding the config file path when none is passed explicitly. */
export const CONFIG_FILE_ENV_VAR = 'VNETOPS_CONFIG';

/** What a YAML config file contributed: its settings, anything unreadable about it, and where keys are. */
export interface ConfigFileLayer {
  /** Settings from the file; empty when the file could not be used. */
  readonly values: Record<string, unknown>;
  /** Problems with the file as a whole (unreadable, bad YAML, not a mapping). */
  readonly problems: readonly ConfigProblem[];
  /** 1-based line of the key at `path`, or of its nearest ancestor present in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Reads and parses a YAML config file. Never throws: every problem comes back as a {@link ConfigProblem}
 * so it is reported together with the rest. `null` values (a key with nothing after the colon, typical
 * of a section whose settings are all commented out) count as not set.
 */
export function readConfigFile(file: string): ConfigFileLayer {
  const unusable = (message: string, line?: number): ConfigFileLayer => ({
    values: {},
    problems: [{ path: '', source: 'file', file, message, ...(line === undefined ? {} : { line }) }],
    lineOf: () => undefined,
  });

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unusable(
      code === 'ENOENT' ? 'config file not found' : `config file cannot be read (${code ?? 'unknown error'})`,
    );
  }

  const lineCounter = new LineCounter();
  // prettyErrors would append an excerpt of the offending line, which may hold a secret.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      values: {},
      problems: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', source: 'file', file, line, column: col, message: `YAML syntax error: ${error.message}` };
      }),
      lineOf: () => undefined,
    };
  }

  const root: unknown = nullsToUndefined(document.toJS());
  if (root === undefined) return { values: {}, problems: [], lineOf: () => undefined };
  if (typeof root !== 'object' || Array.isArray(root) || root === null) {
    return unusable('must be a YAML mapping of sections such as log: and redis:', 1);
  }
  return {
    values: root as Record<string, unknown>,
    problems: [],
    lineOf: (path) => keyLine(document, lineCounter, path),
  };
}

function keyLine(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = document.contents;
  let line: number | undefined;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (pair === undefined || !isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) break;
    line = lineCounter.linePos(pair.key.range[0]).line;
    node = pair.value;
  }
  return line;
}

function nullsToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(nullsToUndefined);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, nullsToUndefined(child)]));
  }
  return value;
}
