import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { CONFIG_FILE_ENV_VAR, readConfigFile, type ConfigFileLayer } from './config-file.js';
import { deepFreeze, type DeepReadonly } from './deep-freeze.js';
import { readEnvLayer } from './env-layer.js';
import { describeIssue } from './issue-messages.js';
import { problemsFromIssues } from './problems-from-issues.js';
import type { EnvVarTable } from './env-var-table.js';

/** How {@link loadConfig} finds the layers above the schema's built-in defaults. */
export interface LoadConfigOptions<Schema extends z.ZodObject> {
  /** YAML config file. Default: the path in `VNETOPS_CONFIG`; without either, only defaults and env apply. */
  readonly file?: string;
  /** Environment to read. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Which environment variable sets which setting. */
  readonly envVars: EnvVarTable<z.input<Schema>>;
  /**
   * Top-level file sections that belong to other vnetops processes (e.g. `slack` for a host worker).
   * They are skipped rather than refused, so one file can serve every process. Default: none.
   */
  readonly foreignSections?: readonly string[];
}

const NO_FILE: ConfigFileLayer = { values: {}, problems: [], lineOf: () => undefined };

/**
 * Builds a process's configuration from the schema's defaults, then the YAML file, then environment
 * variables (each overriding the one before), validates it once and returns it deeply frozen.
 *
 * @throws {ConfigError} listing every problem found — in the file, in the environment and in the
 *   combined result — each with the exact key and where its value came from.
 */
export function loadConfig<Schema extends z.ZodObject>(
  schema: Schema,
  options: LoadConfigOptions<Schema>,
): DeepReadonly<z.output<Schema>> {
  const env = options.env ?? process.env;
  // The path type only guards the table's spelling at compile time; at run time it is a path → name record.
  const envVars = options.envVars as EnvVarTable;
  const foreignSections = options.foreignSections ?? [];
  const file = options.file ?? nonEmpty(env[CONFIG_FILE_ENV_VAR]);
  const fileLayer = file === undefined ? NO_FILE : readConfigFile(file);
  const fileValues = withoutKeys(fileLayer.values, foreignSections);
  const envLayer = readEnvLayer(schema, envVars, env);
  const input = mergeLayers(fileValues, envLayer.values);

  const result = schema.safeParse(input, { error: describeIssue });
  if (result.success && fileLayer.problems.length === 0) return deepFreeze(result.data);

  const sources = { schema, file, fileLayer, fileValues, envLayer, input, envVars, foreignSections };
  const validationProblems = result.success ? [] : problemsFromIssues(result.error.issues, sources);
  // A file that did not parse makes its settings look missing; only problems with env values are still real.
  const stillReal =
    fileLayer.problems.length === 0 ? validationProblems : validationProblems.filter((p) => p.source === 'env');
  throw new ConfigError([...fileLayer.problems, ...stillReal]);
}

/** Deep merge where `over` wins: mappings merge key by key, anything else replaces. */
function mergeLayers(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key];
    merged[key] = isMapping(value) && isMapping(below) ? mergeLayers(below, value) : value;
  }
  return merged;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutKeys(values: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key)));
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
