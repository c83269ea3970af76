import type { z } from 'zod';

/** Message for a setting nobody supplied; the loader recognizes it to add a "set it here" hint. */
export const MISSING_MESSAGE = 'is missing';

/**
 * Zod error map that words validation issues for the person editing the config. Messages never include
 * the offending value: it may be a secret, and the problem's path already says which value is meant.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return MISSING_MESSAGE;
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${describeKind(issue.expected)}, not ${describeKind(kindOf(issue.input))}`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`;
      }
      return issue.inclusive === false ? `must be greater than ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'starts_with' && typeof issue.prefix === 'string'
        ? `must start with ${issue.prefix}`
        : `is not a valid ${issue.format}`;
    default:
      return undefined;
  }
};

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** YAML-minded names: people write mappings, lists and text, not objects, arrays and strings. */
function describeKind(kind: string): string {
  switch (kind) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping of settings';
    case 'array':
      return 'a list';
    case 'null':
      return 'empty';
    default:
      return kind;
  }
}
