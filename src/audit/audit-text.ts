import { REDACTED, scrubSecrets } from '../log/index.js';

/**
 * `key=value` / `key: value` pairs whose key names a credential, e.g. `password=hunter2` or
 * `api_key: 0f3a…`: scrubSecrets knows token shapes, this knows what people type around them.
 */
const NAMED_SECRET =
  /\b((?:pass(?:word|wd)?|secret|token|api[_-]?key|client[_-]?secret|signing[_-]?secret)\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Makes free text fit for the audit log, which is kept for good and shown in Slack: secrets (tokens,
 * URL credentials, bearer tokens, `password=…`) are replaced, control characters become spaces, and the
 * result is cut to `maxLength` characters. Scrubbing comes first so a cut can never leave part of a
 * secret unrecognized.
 */
export function auditSafeText(text: string, maxLength: number): string {
  const scrubbed = scrubSecrets(text)
    .replace(NAMED_SECRET, `$1${REDACTED}`)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return scrubbed.length <= maxLength ? scrubbed : `${scrubbed.slice(0, maxLength - 1)}…`;
}
