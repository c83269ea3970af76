import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's Prometheus metrics, on a registry of its own (served at `/metrics`). */
export interface BotMetrics {
  readonly registry: Registry;
  /** Slash commands by command and what became of them (accepted, usage-error, denied, duplicate). */
  readonly commandsTotal: Counter<'command' | 'outcome'>;
  /** Time from a slash command's arrival to its ack. */
  readonly ackSeconds: Histogram<'command'>;
  /** Jobs followed to their end, by job name and outcome (done or a failure code). */
  readonly jobsTotal: Counter<'job' | 'outcome'>;
  /** Approval decisions (approved, rejected, expired, refused). */
  readonly approvalsTotal: Counter<'decision'>;
  /** 429 answers from Slack, by Web API method. */
  readonly rateLimitedTotal: Counter<'method'>;
  /** Monitor events handled, by what became of them (posted, muted, duplicate, unrouted, invalid). */
  readonly alertEventsTotal: Counter<'outcome'>;
  /** Alert messages posted or updated, by form (thread, reply, digest). */
  readonly alertMessagesTotal: Counter<'form'>;
  /** Gathered batches of alerts posted, by form (threads: one reply per network; digest: a wide burst). */
  readonly alertBatchesTotal: Counter<'form'>;
  /** Time from a monitor event seen on its host to its alert in Slack. */
  readonly alertDelaySeconds: Histogram;
}

/** Creates the metrics; `defaults` adds Node's process metrics (memory, event loop lag, GC). */
export function createBotMetrics(options: { defaults?: boolean } = {}): BotMetrics {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'vnetops_bot_' });
  return {
    registry,
    commandsTotal: new Counter({
      name: 'vnetops_commands_total',
      help: 'Slash commands received.',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'vnetops_command_ack_seconds',
      help: 'Time from a slash command reaching the bot to its ack.',
      labelNames: ['command'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 3],
      registers: [registry],
    }),
    jobsTotal: new Counter({
      name: 'vnetops_jobs_total',
      help: 'Jobs followed to their end.',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    approvalsTotal: new Counter({
      name: 'vnetops_approvals_total',
      help: 'Approval decisions.',
      labelNames: ['decision'],
      registers: [registry],
    }),
    rateLimitedTotal: new Counter({
      name: 'vnetops_slack_rate_limited_total',
      help: '429 answers from Slack.',
      labelNames: ['method'],
      registers: [registry],
    }),
    alertEventsTotal: new Counter({
      name: 'vnetops_alert_events_total',
      help: 'Monitor events handled.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    alertMessagesTotal: new Counter({
      name: 'vnetops_alert_messages_total',
      help: 'Alert messages posted.',
      labelNames: ['form'],
      registers: [registry],
    }),
    alertBatchesTotal: new Counter({
      name: 'vnetops_alert_batches_total',
      help: 'Gathered alert batches posted.',
      labelNames: ['form'],
      registers: [registry],
    }),
    alertDelaySeconds: new Histogram({
      name: 'vnetops_alert_delay_seconds',
      help: 'Time from a monitor event on its host to its alert posted (coalescing window included).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}
