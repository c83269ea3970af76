import type { z } from 'zod';
import { didYouMean } from '../text/index.js';
import type { ConfigProblem } from './config-error.js';
import type { ConfigFileLayer } from './config-file.js';
import type { EnvLayer } from './env-layer.js';
import { MISSING_MESSAGE } from './issue-messages.js';
import type { EnvVarTable } from './env-var-table.js';
import { objectKeysAt } from './schema-fields.js';

/** What is needed to say where a validation issue's value came from and how to fix it. */
export interface IssueSources {
  readonly schema: z.ZodObject;
  /** Path of the config file, if one was read. */
  readonly file: string | undefined;
  readonly fileLayer: ConfigFileLayer;
  /** The file's settings as validated (other processes' sections removed). */
  readonly fileValues: Record<string, unknown>;
  readonly envLayer: EnvLayer;
  /** The merged input the schema validated. */
  readonly input: Record<string, unknown>;
  readonly envVars: EnvVarTable;
  /** Top-level sections owned by other processes: valid names, though not validated here. */
  readonly foreignSections: readonly string[];
}

/**
 * Turns zod issues into {@link ConfigProblem}s attributed to the layer that supplied each value, one
 * problem per unknown key (with a "did you mean"), and a "set X or y.z" hint on missing settings.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], sources: IssueSources): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        locate([...issue.path, key], unknownKeyMessage(issue.path, key, sources), sources),
      );
    }
    return [locate(issue.path, withHowToSet(issue, sources), sources)];
  });
}

/** Adds where to set a setting that nobody supplied (custom checks may also start with "is missing"). */
function withHowToSet(issue: z.core.$ZodIssue, sources: IssueSources): string {
  if (!issue.message.startsWith(MISSING_MESSAGE) || valueAt(sources.input, issue.path) !== undefined) {
    return issue.message;
  }
  const dotted = issue.path.map(String).join('.');
  const envVar = sources.envVars[dotted];
  return envVar === undefined
    ? `${issue.message} — set ${dotted} in the config file`
    : `${issue.message} — set ${envVar} or ${dotted} in the config file`;
}

function unknownKeyMessage(parent: readonly PropertyKey[], key: string, sources: IssueSources): string {
  const known = [
    ...(objectKeysAt(sources.schema, parent) ?? []),
    ...(parent.length === 0 ? sources.foreignSections : []),
  ];
  const suggestion = didYouMean(key, known);
  if (suggestion === undefined) return `is not a known setting — known here: ${known.join(', ')}`;
  return `is not a known setting — did you mean ${[...parent.map(String), suggestion].join('.')}?`;
}

/** Attributes a problem at `path` to the layer that supplied the value there. */
function locate(path: readonly PropertyKey[], message: string, sources: IssueSources): ConfigProblem {
  const dotted = path.map(String).join('.');
  const envVar = sources.envLayer.variableFor.get(dotted);
  if (envVar !== undefined) return { path: dotted, source: 'env', envVar, message };
  if (sources.file !== undefined && suppliedBy(sources.fileValues, path)) {
    const line = sources.fileLayer.lineOf(path);
    return { path: dotted, source: 'file', file: sources.file, ...(line === undefined ? {} : { line }), message };
  }
  return { path: dotted, source: 'default', message };
}

/** True if `values` holds something at `path`, or a non-mapping where a mapping on the way to it should be. */
function suppliedBy(values: unknown, path: readonly PropertyKey[]): boolean {
  let node = values;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return node !== undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node !== undefined;
}

function valueAt(values: unknown, path: readonly PropertyKey[]): unknown {
  let node = values;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
