import { z } from 'zod';
import { omittableSection } from './config-sections.js';
import { SLACK_CHANNEL_ID, SLACK_ID_HINTS } from './policy-config.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,9})([smhd])$/;
// Seconds are allowed so tests and demos can watch a request expire.
const MIN_TTL_MS = UNIT_MS.s;
const MAX_TTL_MS = 30 * UNIT_MS.d;

/** Milliseconds in a duration written as a whole number and one unit (`30s`, `90m`, `24h`, `7d`); `undefined` if malformed. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const [, count = '', unit = ''] = match;
  return Number(count) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

const DURATION_FORMAT = 'must be a whole number followed by s, m, h or d, e.g. 30m, 24h or 7d';

// A bare number gets the format hint too: without a unit nobody can tell seconds from milliseconds.
const ttl = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : DURATION_FORMAT) })
  .superRefine((text, context) => {
    const ms = durationMs(text);
    if (ms === undefined) {
      context.addIssue({ code: 'custom', message: DURATION_FORMAT });
    } else if (ms < MIN_TTL_MS || ms > MAX_TTL_MS) {
      context.addIssue({ code: 'custom', message: 'must be between 1s and 30d' });
    }
  });

/** Where approval requests go and how long they wait; `ttl` comes out as `ttlMs`. */
export const approvalsSection = z
  .strictObject({
    channel: z.string().regex(SLACK_CHANNEL_ID, SLACK_ID_HINTS.channel).optional().meta({
      description: 'Slack channel id approval requests are posted to; required once any command needs approval.',
    }),
    ttl: ttl.default('24h').meta({
      description: 'How long a request waits for a decision before it expires: 30s, 90m, 24h, 7d … (1s-30d).',
    }),
  })
  .transform(({ channel, ttl }) => ({
    ...(channel === undefined ? {} : { channel }),
    // The refinement above guarantees a well-formed duration.
    ttlMs: durationMs(ttl) ?? MIN_TTL_MS,
  }))
  .apply(omittableSection)
  .meta({ description: 'Approval requests for commands the policy says need one.' });
