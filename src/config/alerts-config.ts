import { z } from 'zod';
import { omittableSection } from './config-sections.js';
import { SLACK_CHANNEL_ID, SLACK_ID_HINTS } from './policy-config.js';

/** A network name pattern: letters, digits, `_ . -`, and `*` for any run of characters. */
const NETWORK_PATTERN = /^[A-Za-z0-9_.*-]{1,64}$/;
const HOST_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const route = z.strictObject({
  channel: z.string().regex(SLACK_CHANNEL_ID, SLACK_ID_HINTS.channel),
  hosts: z.array(z.string().regex(HOST_ID, 'must be a host id, e.g. kvm1')).min(1).optional(),
  networks: z
    .array(z.string().regex(NETWORK_PATTERN, 'must be a network name, or a pattern with * such as lab*'))
    .min(1)
    .optional(),
  // Kind names are checked against the event kinds when the bot starts (the config knows none).
  kinds: z.array(z.string().min(1).max(64)).min(1).optional(),
});

/** Where monitor alerts go and how bursts are gathered. */
export const alertsSection = z
  .strictObject({
    channel: z
      .string()
      .regex(SLACK_CHANNEL_ID, SLACK_ID_HINTS.channel)
      .optional()
      .meta({ description: 'Slack channel id alerts go to when no route matches; with neither, alerts are off.' }),
    coalesceMs: z
      .int()
      .min(0)
      .max(60_000)
      .default(1500)
      .meta({ description: 'Milliseconds events are gathered into one message after the first of a burst.' }),
    burstNetworks: z.int().min(1).max(100).default(5).meta({
      description:
        'A burst touching more networks than this becomes one digest message instead of one thread reply per network.',
    }),
    routes: z.array(route).default([]).meta({
      description:
        'Routes: {channel, hosts?, networks?, kinds?}; an event goes to every matching route, else to channel.',
    }),
  })
  .apply(omittableSection)
  .meta({ description: 'Monitor alerts: routing to channels, threads and coalescing.' });
