import { z } from 'zod';
import type { EnvVarTable } from './env-var-table.js';
import { baseSchemaOf, fieldAt } from './schema-fields.js';

/** Settings taken from environment variables, and which variable set each one. */
export interface EnvLayer {
  /** Nested settings object, shaped like the config file. */
  readonly values: Record<string, unknown>;
  /** Dotted path → name of the variable that set it. */
  readonly variableFor: ReadonlyMap<string, string>;
}

/**
 * Reads the variables named in `envVars` from `env`. Empty variables count as unset, so a copied
 * `.env.example` with blank secrets reports them as missing rather than invalid. Values are trimmed and
 * converted to numbers where the schema expects one; anything unconvertible is passed on
 * as text for the schema to reject with the setting's path.
 */
export function readEnvLayer(schema: z.ZodObject, envVars: EnvVarTable, env: NodeJS.ProcessEnv): EnvLayer {
  const values: Record<string, unknown> = {};
  const variableFor = new Map<string, string>();
  for (const [path, variable] of Object.entries(envVars)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const keys = path.split('.');
    const field = fieldAt(schema, keys);
    if (field === undefined)
      throw new Error(`env var table maps ${variable} to ${path}, which the config schema lacks`);
    setIn(values, keys, convertEnvText(baseSchemaOf(field), raw));
    variableFor.set(path, variable);
  }
  return { values, variableFor };
}

function convertEnvText(schema: z.ZodType, text: string): unknown {
  if (schema instanceof z.ZodNumber && /^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function setIn(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1] as string] = value;
}
