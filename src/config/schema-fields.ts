import { z } from 'zod';
import type { EnvVarTable } from './env-var-table.js';

/** One leaf setting of a config schema, as a reference document would list it. */
export interface ConfigField {
  /** Dotted key, e.g. `worker.concurrency`. */
  readonly path: string;
  /** Environment variable that sets it, if any. */
  readonly envVar?: string;
  /** What the setting does (from the schema's `.meta({ description })`). */
  readonly description: string;
  /** Built-in value used when nothing sets it; `undefined` when there is none. */
  readonly defaultValue?: unknown;
  /** True when the process refuses to start without it. */
  readonly required: boolean;
  /** True for credentials: never printed, left blank in examples. */
  readonly secret: boolean;
  /** The values a setting accepts when it is a choice among fixed words (`http`, `socket`). */
  readonly choices?: readonly string[];
  /** Bounds of a number setting (inclusive), when the schema sets them. */
  readonly range?: { readonly min?: number; readonly max?: number; readonly integer: boolean };
}

/** Extra metadata keys vnetops puts in `.meta()` next to zod's own `description`. */
interface ConfigFieldMeta {
  readonly description?: string;
  /** Marks a credential. */
  readonly secret?: unknown;
  /** Documented default for settings whose default is applied by a transform rather than `.default()`. */
  readonly default?: unknown;
}

type AnySchema = z.ZodType;

/** Wrappers that change presence or output but not which setting a schema describes. */
function innerOf(schema: AnySchema): AnySchema | undefined {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodReadonly
  ) {
    return schema.unwrap() as AnySchema;
  }
  if (schema instanceof z.ZodPipe) return schema.in as AnySchema;
  return undefined;
}

/** The schema under all presence wrappers (`.default()`, `.optional()`, transforms …). */
export function baseSchemaOf(schema: AnySchema): AnySchema {
  let current = schema;
  for (let inner = innerOf(current); inner !== undefined; inner = innerOf(current)) current = inner;
  return current;
}

function metaOf(schema: AnySchema): ConfigFieldMeta {
  const merged: Record<string, unknown> = {};
  // Outer wrappers win: `.meta()` is usually the last call in a field's chain.
  for (let current: AnySchema | undefined = schema; current !== undefined; current = innerOf(current)) {
    for (const [key, value] of Object.entries(current.meta() ?? {})) if (!(key in merged)) merged[key] = value;
  }
  return merged;
}

function defaultOf(schema: AnySchema): unknown {
  for (let current: AnySchema | undefined = schema; current !== undefined; current = innerOf(current)) {
    if (current instanceof z.ZodDefault) return current.def.defaultValue;
  }
  return metaOf(schema).default;
}

function isRequired(schema: AnySchema): boolean {
  for (let current: AnySchema | undefined = schema; current !== undefined; current = innerOf(current)) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      return false;
    }
  }
  return true;
}

/** A number schema's own bounds; `z.int()`'s implicit safe-integer limits do not count. */
function rangeOf(schema: z.ZodNumber): ConfigField['range'] {
  const bound = (value: number | null): number | undefined =>
    value === null || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;
  const min = bound(schema.minValue);
  const max = bound(schema.maxValue);
  const integer = schema.isInt === true;
  return {
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    integer,
  };
}

/** Keys of the object schema at `path` (empty path: the top level), or `undefined` if none is there. */
export function objectKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] | undefined {
  const found = fieldAt(schema, path);
  const base = found === undefined ? undefined : baseSchemaOf(found);
  return base instanceof z.ZodObject ? Object.keys(base.shape) : undefined;
}

/** The schema of the setting at `path`, or `undefined` if the schema has no such key. */
export function fieldAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  for (const key of path) {
    const base: AnySchema | undefined = current === undefined ? undefined : baseSchemaOf(current);
    if (!(base instanceof z.ZodObject) || typeof key !== 'string' || !Object.hasOwn(base.shape, key)) return undefined;
    current = base.shape[key] as AnySchema;
  }
  return current;
}

/**
 * Lists every leaf setting of `schema` with its env var, default and description — the data a config
 * reference document is generated from.
 */
export function listConfigFields(schema: z.ZodObject, envVars: EnvVarTable): ConfigField[] {
  const fields: ConfigField[] = [];
  const visit = (object: z.ZodObject, prefix: string): void => {
    for (const [key, child] of Object.entries(object.shape) as [string, AnySchema][]) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const base = baseSchemaOf(child);
      if (base instanceof z.ZodObject) {
        visit(base, path);
        continue;
      }
      const meta = metaOf(child);
      const envVar = envVars[path];
      const defaultValue = defaultOf(child);
      const choices = base instanceof z.ZodEnum ? base.options.map(String) : undefined;
      const range = base instanceof z.ZodNumber ? rangeOf(base) : undefined;
      fields.push({
        path,
        ...(envVar === undefined ? {} : { envVar }),
        description: meta.description ?? '',
        ...(defaultValue === undefined ? {} : { defaultValue }),
        required: isRequired(child),
        secret: meta.secret === true,
        ...(choices === undefined ? {} : { choices }),
        ...(range === undefined ? {} : { range }),
      });
    }
  };
  visit(schema, '');
  return fields;
}

/** One top-level section of a config schema (`log`, `redis`, `worker` …). */
export interface ConfigSection {
  readonly name: string;
  /** What the section is for (from its `.meta({ description })`). */
  readonly description: string;
}

/** The top-level sections of `schema`, in schema order. */
export function listConfigSections(schema: z.ZodObject): ConfigSection[] {
  return (Object.entries(schema.shape) as [string, AnySchema][]).map(([name, section]) => ({
    name,
    description: metaOf(section).description ?? '',
  }));
}
