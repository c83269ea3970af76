import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import type { MuteStore } from '../alerts/index.js';
import { type Command, type CommandName, MUTATING_COMMANDS, type MuteCommand, type UnmuteCommand, commandNameOf, helpText, parseCommand } from '../commands/index.js';
import {
  type Message,
  ackMessage,
  auditMessage,
  deniedMessage,
  describeCommand,
  errorMessage,
  fleetListMessage,
  helpMessage,
  hostsMessage,
  jobMessage,
  muteNotice,
  renderBlockKit,
  unmuteNotice,
  usageErrorMessage,
} from '../notify/index.js';
import type { HostRegistry, JobClient } from '../queue/index.js';
import type { JobFailure, NetworkListEntry } from '../queue/job-contract.js';
import type { ApprovalFlow } from './approval-flow.js';
import type { BotMetrics } from './bot-metrics.js';
import { jobOfCommand } from './command-jobs.js';
import type { HostChooser } from './host-choice.js';
import type { JobRecordStore } from './job-records.js';
import { JobTracker } from './job-tracker.js';
import type { ReplayGuard } from './replay-guard.js';
import type { SlackMessageBody } from './slack-poster.js';
import type { UserGroupDirectory } from './user-groups.js';

/** A slash command as Slack sent it (the fields vnetops uses). */
export interface SlashCommandInput {
  /** "/vnet" (or whatever the app's command is called). */
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  triggerId: string;
}

/** An ephemeral answer to the person who typed the command. */
export type Reply = (body: SlackMessageBody) => Promise<void>;

/** Options of {@link CommandHandler}. */
export interface CommandHandlerOptions {
  policy: CompiledPolicy;
  groups: UserGroupDirectory;
  guard: ReplayGuard;
  tracker: JobTracker;
  approvals: ApprovalFlow;
  chooser: HostChooser;
  registry: HostRegistry;
  jobs: JobClient;
  records: JobRecordStore;
  audit: AuditLog;
  metrics: BotMetrics;
  log: Logger;
  /** Opens the create dialog (modal) for a `/vnet create` with no arguments. */
  openCreateDialog: (input: SlashCommandInput) => Promise<void>;
  /** Longest wait for a list on one host. Default 30 s. */
  listTimeoutMs?: number;
  /** Muted networks (`/vnet mute`); absent when alerts are off. */
  mutes?: MuteStore;
  /** Resolves when work after an ack may start (the bot's QuietGate); default: the next turn of the event loop. */
  afterAck?: () => Promise<void>;
}

/** A new job id: short enough to type in `/vnet status`, random enough never to collide. */
export function newJobId(): string {
  // 48 random bits: the first 12 hex digits of a v4 UUID are all random. randomUUID draws from a
  // buffered entropy pool, where randomBytes makes a system call each time: this runs before every ack.
  const uuid = randomUUID();
  return `j${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
}

/**
 * Handles `/vnet …`: parse → RBAC → ack at once (ephemeral: what was understood and the job id) →
 * then, after the ack, choose the host and run the job (or put it up for approval). Commands the bot
 * answers itself (help, hosts, status, audit) are answered in the ack.
 */
export class CommandHandler {
  private readonly helpAnswers = new Map<CommandName | undefined, SlackMessageBody>();

  constructor(private readonly options: CommandHandlerOptions) {}

  /**
   * Handles one slash command. `ack` must be called once, fast; `reply` sends later ephemeral
   * answers (through the command's response_url). Resolves after the ack; the job runs on.
   */
  async handle(input: SlashCommandInput, ack: (body?: SlackMessageBody) => Promise<void>, reply: Reply): Promise<void> {
    const { policy, metrics } = this.options;
    const stopTimer = metrics.ackSeconds.startTimer();
    const parsed = parseCommand(input.text);
    if (!parsed.ok) {
      await ack(ephemeral(usageErrorMessage(parsed.error)));
      stopTimer({ command: parsed.error.command ?? 'unknown' });
      metrics.commandsTotal.inc({ command: parsed.error.command ?? 'unknown', outcome: 'usage-error' });
      return;
    }
    const command = parsed.command;
    const name = commandNameOf(command);
    const actor = { userId: input.userId, channelId: input.channelId, userGroups: await this.options.groups.groupsOf(input.userId) };
    const decision = policy.authorize(actor, name);
    if (!decision.allowed) {
      await ack(
        ephemeral(
          deniedMessage({ command: `/vnet ${name}`, requiredRole: decision.requiredRole, userRoles: decision.userRoles, channelLimited: decision.channelLimited }),
        ),
      );
      stopTimer({ command: name });
      metrics.commandsTotal.inc({ command: name, outcome: 'denied' });
      return;
    }

    if (command.kind === 'mute' || command.kind === 'unmute') {
      const { answer, notice } = await this.muteOrUnmute(command, input);
      await ack(answer);
      stopTimer({ command: name });
      metrics.commandsTotal.inc({ command: name, outcome: 'answered' });
      if (notice) {
        await this.options.tracker.poster.post(input.channelId, notice).catch((error: unknown) => this.options.log.warn({ err: String(error) }, `could not post the ${name} notice`));
      }
      return;
    }
    const immediate = await this.answerDirectly(command);
    if (immediate) {
      await ack(immediate);
      stopTimer({ command: name });
      metrics.commandsTotal.inc({ command: name, outcome: 'answered' });
      return;
    }
    if (command.kind === 'create-dialog') {
      await ack();
      stopTimer({ command: name });
      metrics.commandsTotal.inc({ command: name, outcome: 'dialog' });
      await this.options.openCreateDialog(input).catch((error: unknown) => this.failAfterAck(reply, 'could not open the create dialog', error));
      return;
    }

    const jobId = newJobId();
    // Nothing before the ack waits on I/O: a replay is caught here from memory, across replicas after the ack.
    const earlier = this.options.guard.takeLocally(input.triggerId, jobId);
    if (earlier !== undefined) {
      await ack(ephemeral(alreadyReceived(earlier)));
      stopTimer({ command: name });
      metrics.commandsTotal.inc({ command: name, outcome: 'duplicate' });
      return;
    }
    const needsApproval = policy.needsApproval(name);
    await ack(
      ephemeral(
        ackMessage(
          `Understood: ${describeCommand(command)}.`,
          needsApproval && policy.approvalsChannel
            ? `Job ${jobId} needs approval; the request goes to <#${policy.approvalsChannel}>.`
            : `Job ${jobId} is queued; follow it in this channel or with \`/vnet status ${jobId}\`.`,
        ),
      ),
    );
    stopTimer({ command: name });
    // Job work waits until the requests in hand are acked, so a burst of commands is acked first.
    await (this.options.afterAck ?? nextTurn)();
    try {
      const claimedBy = await this.options.guard.claim(input.triggerId, jobId);
      if (claimedBy !== undefined) {
        // Another replica took this request first (a replay sent to a second bot): it runs there only.
        metrics.commandsTotal.inc({ command: name, outcome: 'duplicate' });
        await reply(ephemeral(alreadyReceived(claimedBy))).catch(() => undefined);
        return;
      }
    } catch (error) {
      await this.failAfterAck(reply, `job ${jobId} could not be started`, error);
      return;
    }
    metrics.commandsTotal.inc({ command: name, outcome: 'accepted' });
    await this.run(command, { jobId, input, needsApproval }).catch((error: unknown) => this.failAfterAck(reply, `job ${jobId} could not be started`, error));
  }

  /** Runs a parsed command that becomes a job (after the ack). */
  async run(command: Command, context: { jobId: string; input: SlashCommandInput; needsApproval: boolean; reason?: string }): Promise<void> {
    const { input, jobId } = context;
    const commandText = `${input.command} ${input.text}`.trim();
    if (command.kind === 'list') {
      await this.listFleet(command.host, command.all, { jobId, commandText, channelId: input.channelId, requestedBy: input.userId });
      return;
    }
    const job = jobOfCommand(command, { userId: input.userId, ...(input.userName ? { userName: input.userName } : {}) });
    if (!job) throw new Error(`/vnet ${command.kind} is not a job`);
    const host = 'host' in command ? command.host : undefined;
    const choice = await this.options.chooser.choose(host, job.network);
    const reason = 'reason' in command ? command.reason : context.reason;
    if (MUTATING_COMMANDS.includes(commandNameOf(command))) {
      await this.options.audit
        .append({
          at: Date.now(),
          actor: input.userId,
          action: 'command',
          command: commandText,
          jobId,
          ...(choice.ok ? { hostId: choice.hostId } : {}),
          ...(networkNamed(command) ? { network: networkNamed(command)! } : {}),
          outcome: choice.ok ? (context.needsApproval ? 'awaiting approval' : 'queued') : 'refused',
          ...(reason ? { detail: reason } : !choice.ok ? { detail: choice.message } : {}),
        })
        .catch((error: unknown) => this.options.log.error({ err: String(error), jobId }, 'could not write the audit log'));
    }
    const common = { jobId, name: job.name, payload: job.payload, commandText, requestedBy: input.userId, channelId: input.channelId };
    if (!choice.ok) {
      // No host: the job message still appears, failed with the reason, so the channel sees the outcome.
      await this.options.tracker.announce({
        ...common,
        hostId: host ?? '?',
        jobName: job.name,
        state: 'failed',
        failure: { code: 'invalid-request', message: choice.message },
        updatedAt: Date.now(),
      });
      return;
    }
    if (context.needsApproval) {
      await this.options.approvals.request({ ...common, hostId: choice.hostId, ...(reason ? { reason } : {}) });
      return;
    }
    await this.options.tracker.run({ ...common, hostId: choice.hostId });
  }

  /** help, hosts, status, audit: answered in the ack. Undefined for everything else. */
  private async answerDirectly(command: Command): Promise<SlackMessageBody | undefined> {
    switch (command.kind) {
      case 'help':
        return this.helpAnswer(command.topic);
      case 'hosts':
        return ephemeral(hostsMessage(await this.options.registry.list(), Date.now()));
      case 'status': {
        const record = await this.options.records.get(command.jobId);
        if (!record) return ephemeral(errorMessage(`No job ${command.jobId} is known (job records are kept 7 days).`));
        return JobTracker.render(record); // the job's own message, as it stands now
      }
      case 'audit':
        return ephemeral(auditMessage(await this.options.audit.latest(command.limit)));
      default:
        return undefined;
    }
  }

  /** Mutes or unmutes a network's alerts, writes the audit log, and says so (ephemeral answer + channel notice). */
  private async muteOrUnmute(command: MuteCommand | UnmuteCommand, input: SlashCommandInput): Promise<{ answer: SlackMessageBody; notice?: SlackMessageBody }> {
    const { mutes, audit, log } = this.options;
    if (!mutes) return { answer: ephemeral(errorMessage('Alerts are off on this bot (no alerts.channel and no alerts.routes), so there is nothing to mute.')) };
    const commandText = `${input.command} ${input.text}`.trim();
    const record = (outcome: string, detail?: string): Promise<void> =>
      audit
        .append({
          at: Date.now(),
          actor: input.userId,
          action: command.kind,
          command: commandText,
          network: command.name,
          ...(command.host ? { hostId: command.host } : {}),
          outcome,
          ...(detail ? { detail } : {}),
        })
        .then(
          () => undefined,
          (error: unknown) => log.error({ err: String(error) }, 'could not write the audit log'),
        );
    if (command.kind === 'mute') {
      const until = Date.now() + command.durationMs;
      await mutes.mute({ network: command.name, ...(command.host ? { host: command.host } : {}), until, by: input.userId });
      await record('muted', `until ${new Date(until).toISOString()}`);
      return {
        answer: ephemeral(ackMessage(`Understood: ${describeCommand(command)}.`, `Alerts about ${command.name} are held back until ${new Date(until).toISOString()} (and counted).`)),
        notice: renderBlockKit(muteNotice(command.name, command.host, until, input.userId)),
      };
    }
    const result = await mutes.unmute(command.name, command.host);
    await record(result.wasMuted ? 'unmuted' : 'was not muted', `${result.suppressed} alerts were held back`);
    if (!result.wasMuted) return { answer: ephemeral(errorMessage(`${command.name} was not muted${command.host ? ` on host ${command.host}` : ''}; nothing changed.`)) };
    return {
      answer: ephemeral(ackMessage(`Understood: ${describeCommand(command)}.`, `${result.suppressed} alerts were held back while it was muted.`)),
      notice: renderBlockKit(unmuteNotice(command.name, command.host, input.userId, result.suppressed)),
    };
  }

  /** The help for a topic, rendered once: it changes only with the grammar. */
  private helpAnswer(topic: CommandName | undefined): SlackMessageBody {
    let answer = this.helpAnswers.get(topic);
    if (!answer) {
      answer = ephemeral(helpMessage(helpText(topic)));
      this.helpAnswers.set(topic, answer);
    }
    return answer;
  }

  /** `/vnet list`: one message for every host asked (the one given, else all), updated when all have answered. */
  private async listFleet(host: string | undefined, includeInactive: boolean, job: { jobId: string; commandText: string; channelId: string; requestedBy: string }): Promise<void> {
    const hosts = await this.options.registry.list();
    const asked = host === undefined ? hosts : hosts.filter((h) => h.hostId === host);
    const poster = this.options.tracker.poster;
    if (host !== undefined && asked.length === 0) {
      await poster.post(job.channelId, renderBlockKit(errorMessage(`There is no host "${host}"; known hosts: ${hosts.map((h) => h.hostId).join(', ') || 'none'}.`)));
      return;
    }
    const placeholder = jobMessage({
      jobId: job.jobId,
      hostId: asked.map((h) => h.hostId).join(', '),
      commandText: job.commandText,
      requestedBy: job.requestedBy,
      state: 'running',
      progress: { step: 'list', message: `asking ${asked.length === 1 ? 'the host' : `${asked.length} hosts`} for their networks`, at: Date.now() },
      updatedAt: Date.now(),
    });
    const message = await poster.post(job.channelId, renderBlockKit(placeholder));
    const answers = await Promise.all(
      asked.map(async (h): Promise<{ hostId: string; networks?: NetworkListEntry[]; failure?: JobFailure }> => {
        if (!h.up) return { hostId: h.hostId, failure: { code: 'host-down', message: `down: no heartbeat for ${Math.round(h.silentForMs / 1000)} s` } };
        try {
          const { jobId } = await this.options.jobs.submit(h.hostId, 'list', { requestedBy: { userId: job.requestedBy } }, { jobId: `${job.jobId}-${h.hostId}` });
          const outcome = await this.options.jobs.waitForOutcome<'list'>(h.hostId, jobId, { timeoutMs: this.options.listTimeoutMs ?? 30_000 });
          if (!outcome.ok) return { hostId: h.hostId, failure: outcome.failure };
          const networks = includeInactive ? outcome.result.networks : outcome.result.networks.filter((n) => n.active);
          return { hostId: h.hostId, networks };
        } catch (error) {
          return { hostId: h.hostId, failure: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
        }
      }),
    );
    this.options.metrics.jobsTotal.inc({ job: 'list', outcome: answers.every((a) => !a.failure) ? 'done' : 'partial' });
    await poster.update(message, renderBlockKit(fleetListMessage(answers, job.commandText, job.requestedBy, job.jobId)));
  }

  private async failAfterAck(reply: Reply, what: string, error: unknown): Promise<void> {
    const detail = error instanceof Error ? error.message : String(error);
    this.options.log.error({ err: detail }, what);
    await reply(ephemeral(errorMessage(`Sorry, ${what}: ${detail}`))).catch(() => undefined);
  }
}

/** The network a command names, if any. */
function networkNamed(command: Command): string | undefined {
  return 'name' in command && typeof command.name === 'string' ? command.name : undefined;
}

/** The next turn of the event loop (after the I/O that is ready now). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a replayed request is told. */
function alreadyReceived(jobId: string): Message {
  return errorMessage(`This request was already received (job ${jobId}); it was not run a second time.`);
}

/** Renders a message for an ephemeral answer. */
function ephemeral(message: Message): SlackMessageBody {
  return renderBlockKit(message);
}
