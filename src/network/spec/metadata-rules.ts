/**
 * Rules for the free text vnetops keeps in a network's metadata. Any Unicode is welcome (the XML
 * library escapes it); what is refused is what XML cannot carry or a person cannot see: control
 * characters (line breaks too: the text is one line in Slack), broken surrogate pairs, U+FFFE/U+FFFF.
 */
import type { NetworkMetadata } from './network-spec.js';
import type { ReportProblem } from './spec-errors.js';
import { characterCount, describeCharacter, showValue } from './value-display.js';

/** Longest description, in characters (code points). */
export const DESCRIPTION_MAX_LENGTH = 200;
/** Longest requester or job id: identifiers, not prose. */
export const METADATA_ID_MAX_LENGTH = 128;

/** Characters XML 1.0 cannot carry or a person cannot see in a one-line text. */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/** The metadata fields, how messages name them and their length limits. */
const METADATA_FIELDS: readonly { readonly key: keyof NetworkMetadata; readonly what: string; readonly max: number }[] =
  [
    { key: 'description', what: 'the description', max: DESCRIPTION_MAX_LENGTH },
    { key: 'requestedBy', what: 'the requester (metadata.requestedBy)', max: METADATA_ID_MAX_LENGTH },
    { key: 'jobId', what: 'the job id (metadata.jobId)', max: METADATA_ID_MAX_LENGTH },
  ];

/** Checks the metadata texts; returns them unchanged when all are acceptable, undefined when none is given. */
export function checkMetadata(metadata: NetworkMetadata, report: ReportProblem): NetworkMetadata | undefined {
  let problems = 0;
  const checked: { -readonly [K in keyof NetworkMetadata]: string } = {};
  for (const { key, what, max } of METADATA_FIELDS) {
    const text = metadata[key];
    if (text === undefined) continue;
    const problem = textProblem(text, what, max);
    if (problem === undefined) {
      checked[key] = text;
    } else {
      problems += 1;
      report(`metadata.${key}`, problem);
    }
  }
  if (problems > 0) return undefined;
  return checked;
}

function textProblem(text: string, what: string, max: number): string | undefined {
  if (text === '') return `${what} is empty: leave it out or write something`;
  const length = characterCount(text);
  if (length > max) return `${what} is ${length} characters; at most ${max} are allowed`;
  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden !== null) {
    const character = forbidden[0];
    const position = characterCount(text.slice(0, forbidden.index)) + 1;
    const fix =
      character === '\n' || character === '\r'
        ? 'keep it on one line'
        : 'remove it, or paste the text again as plain text';
    return `${what} ${showValue(text)} contains ${describeCharacter(character)} at character ${position}: ${fix}`;
  }
  return undefined;
}
