/** What every redacted value or scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Shapes of secrets that can be recognized in free text, each with the part kept for context. Slack
 * tokens keep their kind (`xoxb-`) so a log still tells which token leaked; no `\b` anchors, because a
 * token right after an escaped newline (`\\nxoxb-…` in a JSON line) has no word boundary before it.
 */
const SECRET_PATTERNS: readonly { readonly pattern: RegExp; readonly replacement: string }[] = [
  // Slack bot/user/app/config/refresh tokens: xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-, xoxe-, xoxe.xoxp-, xapp-.
  { pattern: /(xox[abeoprs](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]+/g, replacement: `$1-${REDACTED}` },
  // Credentials inside URLs, e.g. rediss://:password@host.
  { pattern: /([a-z][a-z0-9+.-]*:\/\/[^\s:@/"]*:)[^\s@/"]+@/gi, replacement: `$1${REDACTED}@` },
  // PEM private keys (the job-signing key), also with their newlines escaped inside a JSON line.
  {
    pattern: /-----BEGIN ((?:[A-Z]+ )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g,
    replacement: `-----BEGIN $1-----${REDACTED}-----END $1-----`,
  },
  // Bearer credentials pasted from an Authorization header; the length keeps prose like "Bearer tokens" intact.
  { pattern: /\bBearer +[A-Za-z0-9._~+/-]{16,}=*/g, replacement: `Bearer ${REDACTED}` },
];

/** Replaces every Slack-token-, URL-credential- or bearer-token-shaped secret in `text` with {@link REDACTED}. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const { pattern, replacement } of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
