/**
 * The config reference document (README's "Configuration" tables), generated from the config schemas
 * so it cannot drift from what the processes accept. Pure: `scripts/config-reference.ts` does the I/O.
 */
import type { z } from 'zod';
import { botConfigSchema, botEnvVars } from './bot-config.js';
import type { EnvVarTable } from './env-var-table.js';
import { listConfigFields, listConfigSections, type ConfigField } from './schema-fields.js';
import { workerConfigSchema, workerEnvVars } from './worker-config.js';

/** Marks the start of the generated block in a Markdown document. */
export const CONFIG_REFERENCE_START = '<!-- config-reference:start -->';
/** Marks the end of the generated block. */
export const CONFIG_REFERENCE_END = '<!-- config-reference:end -->';

/** A vnetops process that reads a config section. */
export type ConfigReader = 'host worker' | 'bot';

/** One top-level config section with every setting in it, as the reference lists them. */
export interface ConfigReferenceSection {
  readonly name: string;
  readonly description: string;
  /** Processes that read this section (the others skip it in a shared file). */
  readonly readBy: readonly ConfigReader[];
  readonly fields: readonly ConfigField[];
}

const PROCESSES: readonly {
  readonly reader: ConfigReader;
  readonly schema: z.ZodObject;
  readonly envVars: EnvVarTable;
}[] = [
  { reader: 'host worker', schema: workerConfigSchema, envVars: workerEnvVars },
  { reader: 'bot', schema: botConfigSchema, envVars: botEnvVars },
];

/**
 * Every setting of the host worker and bot schemas, grouped by top-level section in schema order
 * (worker sections first, then the bot's own). Sections both read (`log`, `redis`) appear once.
 */
export function configReferenceSections(): ConfigReferenceSection[] {
  const sections = new Map<
    string,
    { name: string; description: string; readBy: ConfigReader[]; fields: ConfigField[] }
  >();
  for (const { reader, schema, envVars } of PROCESSES) {
    const fields = listConfigFields(schema, envVars);
    for (const { name, description } of listConfigSections(schema)) {
      const known = sections.get(name);
      if (known !== undefined) {
        known.readBy.push(reader);
        continue;
      }
      sections.set(name, {
        name,
        description,
        readBy: [reader],
        fields: fields.filter((field) => field.path.startsWith(`${name}.`)),
      });
    }
  }
  return [...sections.values()];
}

/**
 * The reference as Markdown: per section a heading, what it is for and who reads it, and a table of
 * key, environment variable, default and description. Secrets never show a value, only whether they
 * are required. Ends with a newline.
 */
export function renderConfigReference(sections: readonly ConfigReferenceSection[] = configReferenceSections()): string {
  const lines = [
    '<!-- Generated from the config schemas in src/config by scripts/config-reference.ts; edit the schemas, not this block. -->',
  ];
  for (const section of sections) {
    lines.push(
      '',
      `### ${section.name}`,
      '',
      `${sentence(section.description)} Read by: ${section.readBy.join(', ')}.`.trim(),
      '',
      '| key | env var | default | description |',
      '|---|---|---|---|',
      ...section.fields.map(
        (field) =>
          `| ${[code(field.path), envCell(field), defaultCell(field), descriptionCell(field)].map(cell).join(' | ')} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The generated block of `document` (the text between the markers, without them). */
export function configReferenceIn(document: string): string {
  const { start, end } = markerPositions(document);
  return document.slice(start + CONFIG_REFERENCE_START.length, end).replace(/^\n/, '');
}

/** `document` with the text between the markers replaced by `reference`. */
export function withConfigReference(document: string, reference: string): string {
  const { start, end } = markerPositions(document);
  const body = reference.endsWith('\n') ? reference : `${reference}\n`;
  return `${document.slice(0, start + CONFIG_REFERENCE_START.length)}\n${body}${document.slice(end)}`;
}

function markerPositions(document: string): { start: number; end: number } {
  const start = document.indexOf(CONFIG_REFERENCE_START);
  const end = document.indexOf(CONFIG_REFERENCE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(
      `no config reference block: the document needs a line ${CONFIG_REFERENCE_START} and, after it, a line ${CONFIG_REFERENCE_END}`,
    );
  }
  if (
    document.indexOf(CONFIG_REFERENCE_START, start + 1) !== -1 ||
    document.indexOf(CONFIG_REFERENCE_END, end + 1) !== -1
  ) {
    throw new Error('more than one config reference block: keep one pair of markers');
  }
  return { start, end };
}

function envCell(field: ConfigField): string {
  return field.envVar === undefined ? 'config file only' : code(field.envVar);
}

function defaultCell(field: ConfigField): string {
  // A credential's value is never written anywhere, not even a built-in one.
  if (field.secret) return field.required ? 'required (secret)' : 'optional (secret)';
  if (field.defaultValue !== undefined) return code(formatValue(field.defaultValue));
  return field.required ? 'required' : 'none';
}

function descriptionCell(field: ConfigField): string {
  const choices = field.choices === undefined ? '' : ` One of: ${field.choices.map(code).join(', ')}.`;
  return `${sentence(field.description)}${choices}${rangeText(field.range)}`;
}

function rangeText(range: ConfigField['range']): string {
  if (range === undefined) return '';
  const kind = range.integer ? 'A whole number' : 'A number';
  if (range.min !== undefined && range.max !== undefined) return ` ${kind} from ${range.min} to ${range.max}.`;
  if (range.min !== undefined) return ` ${kind}, at least ${range.min}.`;
  if (range.max !== undefined) return ` ${kind}, at most ${range.max}.`;
  return ` ${kind}.`;
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A table cell: one line, and no `|` that would end it early. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
