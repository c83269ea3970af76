import { z } from 'zod';
import { alertsSection } from './alerts-config.js';
import { approvalsSection } from './approvals-config.js';
import type { DeepReadonly } from './deep-freeze.js';
import { MISSING_MESSAGE } from './issue-messages.js';
import { omittableSection, whenValid } from './config-sections.js';
import type { EnvVarTable } from './env-var-table.js';
import { policySection } from './policy-config.js';
import { sharedConfigSchema, sharedEnvVars } from './shared-config.js';

/** How the bot receives events from Slack: signed HTTP requests, or a Socket Mode websocket. */
export const SLACK_MODES = ['http', 'socket'] as const;

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

// Secret fields get their own wording and never a message that could include the value.
const slackSection = z
  .strictObject({
    botToken: z
      .string()
      .startsWith('xoxb-', 'does not look like a bot token (must start with xoxb-)')
      .meta({ description: "Bot User OAuth Token from the Slack app's OAuth & Permissions page.", secret: true }),
    signingSecret: z.string().min(1).meta({
      description: "Signing Secret from the Slack app's Basic Information page; verifies requests.",
      secret: true,
    }),
    appToken: z
      .string()
      .startsWith('xapp-', 'does not look like an app-level token (must start with xapp-)')
      .optional()
      .meta({ description: 'App-level token with connections:write; required when mode is socket.', secret: true }),
    mode: z
      .enum(SLACK_MODES)
      .default('http')
      .meta({ description: 'http: Slack posts signed requests to port; socket: the bot dials out (no public URL).' }),
    port: z.int().min(1).max(65_535).default(3000).meta({
      description: 'TCP port the bot listens on: /slack/events (mode http), and /healthz and /metrics (both modes).',
    }),
    apiUrl: z
      .string()
      .refine(isHttpUrl, 'must be an http:// or https:// URL, e.g. http://127.0.0.1:9999/api/')
      .optional()
      .meta({
        description:
          "Base URL of Slack's Web API; set only to point the bot at a fake Slack (tests, the local console).",
      }),
  })
  .superRefine(
    (slack, context) => {
      if (slack.mode === 'socket' && slack.appToken === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['appToken'],
          message: `${MISSING_MESSAGE}; Socket Mode (slack.mode: socket) connects with an app-level token (xapp-…)`,
        });
      }
    },
    whenValid('mode', 'appToken'),
  )
  .apply(omittableSection)
  .meta({ description: 'Slack app credentials and how the bot connects to Slack.' });

const signingSection = z
  .strictObject({
    privateKey: z.string().min(1).optional().meta({
      description:
        'Private key the bot signs every job with (Ed25519, PEM or base64 DER PKCS#8, from npm run keys). This or privateKeyFile is required.',
      secret: true,
    }),
    privateKeyFile: z
      .string()
      .refine((path) => path.startsWith('/'), 'must be an absolute path, e.g. /etc/vnetops/job-signing.key')
      .optional()
      .meta({ description: 'File holding the job-signing private key (mode 0600), instead of privateKey.' }),
    jobTtlMs: z.int().min(10_000).max(86_400_000).default(900_000).meta({
      description:
        'Milliseconds a signed job stays valid: a worker refuses to start it later (retries of a started job are not affected).',
    }),
  })
  .apply(omittableSection)
  .meta({ description: 'Job signing: workers run only jobs the bot signed (see docs/operations.md).' });

/** Everything the Slack bot process is configured with. */
export const botConfigSchema = sharedConfigSchema.extend({
  slack: slackSection,
  policy: policySection,
  approvals: approvalsSection,
  alerts: alertsSection,
  signing: signingSection,
});

/** Validated, deeply frozen bot configuration. */
export type BotConfig = DeepReadonly<z.output<typeof botConfigSchema>>;

/**
 * Environment variables the bot reads, shared ones included. Slack's go by the names Slack's docs use.
 * The access policy has none: it is one document, kept whole in the config file.
 */
export const botEnvVars = {
  ...sharedEnvVars,
  'slack.botToken': 'SLACK_BOT_TOKEN',
  'slack.signingSecret': 'SLACK_SIGNING_SECRET',
  'slack.appToken': 'SLACK_APP_TOKEN',
  'slack.mode': 'VNETOPS_SLACK_MODE',
  'slack.port': 'VNETOPS_SLACK_PORT',
  'slack.apiUrl': 'VNETOPS_SLACK_API_URL',
  'approvals.channel': 'VNETOPS_APPROVALS_CHANNEL',
  'approvals.ttl': 'VNETOPS_APPROVAL_TTL',
  'alerts.channel': 'VNETOPS_ALERTS_CHANNEL',
  'alerts.coalesceMs': 'VNETOPS_ALERT_COALESCE_MS',
  'alerts.burstNetworks': 'VNETOPS_ALERT_BURST_NETWORKS',
  'signing.privateKey': 'VNETOPS_JOB_SIGNING_KEY',
  'signing.privateKeyFile': 'VNETOPS_JOB_SIGNING_KEY_FILE',
  'signing.jobTtlMs': 'VNETOPS_JOB_TTL_MS',
} as const satisfies EnvVarTable<z.input<typeof botConfigSchema>>;
