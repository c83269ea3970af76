import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../approvals/index.js';
import type { AuditLog } from '../audit/index.js';
import type { MuteStore } from '../alerts/index.js';
import {
  type Command,
  type CommandName,
  MUTATING_COMMANDS,
  type MuteCommand,
  READ_COMMANDS,
  type UnmuteCommand,
  commandNameOf,
  helpText,
  parseCommand,
} from '../commands/index.js';
import {
  CREATE_MODAL_FIELDS,
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
  mentionChannel,
  unmuteNotice,
  usageErrorMessage,
} from '../notify/index.js';
import type { HostRegistry, JobClient } from '../queue/index.js';
import type { JobFailure, NetworkListEntry } from '../contract/index.js';
import type { ApprovalFlow } from './approval-flow.js';
import type { BotMetrics } from './bot-metrics.js';
import { jobOfCommand } from './command-jobs.js';
import type { HostChooser } from './host-choice.js';
import type { JobRecordStore } from './job-records.js';
import { JobTracker, QUIET_FOR_MS } from './job-tracker.js';
import type { ReplayGuard } from './replay-guard.js';
import type { ChatPorts, PostedMessage, UserGroupLookup } from './chat-ports.js';
import { type CreateDialogValues, dialogCommandText, validateCreateDialog } from './create-dialog.js';

/** Who asked, and where: what RBAC, job messages and the audit log need of every request. */
export interface Requester {
  userId: string;
  userName?: string;
  channelId: string;
}

/** A command a person typed (in Slack, a slash command), as the use cases see it. */
export interface CommandRequest extends Requester {
  /** The command's own name as typed, e.g. "/vnet" (whatever the app registered). */
  command: string;
  text: string;
  /** The platform's id of this request (Slack's `trigger_id`): a replay carries the same one; it also opens dialogs. */
  requestId: string;
}

/** Answers the request at once (Slack: the ack, within 3 s); at most once. Without a message, a silent ack. */
export type Ack = (message?: Message) => Promise<void>;
/** A later answer only the person who asked sees. */
export type Reply = (message: Message) => Promise<void>;

/** Options of {@link CommandHandler}. */
export interface CommandHandlerOptions {
  policy: CompiledPolicy;
  groups: UserGroupLookup;
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
  /** Opens the create dialog (`/vnet create` with no arguments). */
  openCreateDialog: ChatPorts['openCreateDialog'];
  /** Longest wait for a list on one host. Default 30 s. */
  listTimeoutMs?: number;
  /** Muted networks (`/vnet mute`); absent when alerts are off. */
  mutes?: MuteStore;
  /** Resolves when work after an ack may start (the adapter's QuietGate); default: the next turn of the event loop. */
  afterAck?: () => Promise<void>;
}

/** What a create-dialog submission gets back: errors per field (block id → message), or none when accepted. */
export type DialogAnswer = { ok: true } | { ok: false; errors: Record<string, string> };

/** A new job id: short enough to type in `/vnet status`, random enough never to collide. */
export function newJobId(): string {
  // 48 random bits: the first 12 hex digits of a v4 UUID are all random. randomUUID draws from a
  // buffered entropy pool, where randomBytes makes a system call each time: this runs before every ack.
  const uuid = randomUUID();
  return `j${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
}

/**
 * What a person asked for, from any surface: a typed command (parse → RBAC → ack at once with what
 * was understood and the job id → after the ack, choose the host and run the job or put it up for
 * approval) or the create dialog (validate → RBAC → the same acceptance and run). Commands the bot
 * answers itself (help, hosts, status, audit, mute) are answered in the ack.
 */
export class CommandHandler {
  private readonly helpAnswers = new Map<CommandName | undefined, Message>();

  constructor(private readonly options: CommandHandlerOptions) {}

  /**
   * Handles one typed command. `ack` is called once, fast; `reply` sends later answers only the
   * person sees. Resolves after the ack; the job runs on.
   */
  async handle(request: CommandRequest, ack: Ack, reply: Reply): Promise<void> {
    const { policy, metrics } = this.options;
    const stopTimer = metrics.ackSeconds.startTimer();
    /** Acks, then counts the command with its outcome (the ack timer stops at the ack). */
    const answer = async (command: string, outcome: string, message?: Message): Promise<void> => {
      await ack(message);
      stopTimer({ command });
      metrics.commandsTotal.inc({ command, outcome });
    };
    const parsed = parseCommand(request.text);
    if (!parsed.ok) {
      await answer(parsed.error.command ?? 'unknown', 'usage-error', usageErrorMessage(parsed.error));
      return;
    }
    const command = parsed.command;
    const name = commandNameOf(command);
    const decision = await this.authorize(request, name);
    if (!decision.allowed) {
      await answer(name, 'denied', deniedMessage({ command: `/vnet ${name}`, ...decision }));
      return;
    }

    if (command.kind === 'mute' || command.kind === 'unmute') {
      const { message, notice } = await this.muteOrUnmute(command, request);
      await answer(name, 'answered', message);
      if (notice) {
        await this.options.tracker.poster
          .post(request.channelId, notice)
          .catch((error: unknown) =>
            this.options.log.warn({ err: String(error) }, `could not post the ${name} notice`),
          );
      }
      return;
    }
    const immediate = await this.answerDirectly(command);
    if (immediate) {
      await answer(name, 'answered', immediate);
      return;
    }
    if (command.kind === 'create-dialog') {
      await answer(name, 'dialog');
      await this.openCreateDialog(request).catch((error: unknown) =>
        this.failAfterAck(reply, 'could not open the create dialog', error),
      );
      return;
    }

    const jobId = newJobId();
    // Nothing before the ack waits on I/O: a replay is caught here from memory, across replicas after the ack.
    const earlier = this.options.guard.takeLocally(request.requestId, jobId);
    if (earlier !== undefined) {
      await answer(name, 'duplicate', alreadyReceived(earlier));
      return;
    }
    const needsApproval = policy.needsApproval(name);
    // A read is answered once, with its result; the "understood" ack is for work that takes time or approval.
    const quiet = READ_COMMANDS.includes(name) && !needsApproval;
    await ack(quiet ? undefined : this.understood(command, jobId, needsApproval));
    stopTimer({ command: name });
    // Job work waits until the requests in hand are acked, so a burst of commands is acked first.
    await (this.options.afterAck ?? nextTurn)();
    try {
      const claimedBy = await this.options.guard.claim(request.requestId, jobId);
      if (claimedBy !== undefined) {
        // Another replica took this request first (a replay sent to a second bot): it runs there only.
        metrics.commandsTotal.inc({ command: name, outcome: 'duplicate' });
        await reply(alreadyReceived(claimedBy)).catch(() => undefined);
        return;
      }
    } catch (error) {
      await this.failAfterAck(reply, `job ${jobId} could not be started`, error);
      return;
    }
    metrics.commandsTotal.inc({ command: name, outcome: 'accepted' });
    await this.run(command, { jobId, request, needsApproval, quiet }).catch((error: unknown) =>
      this.failAfterAck(reply, `job ${jobId} could not be started`, error),
    );
  }

  /**
   * Handles a submitted create dialog: the same checks and the same acceptance as `/vnet create`
   * typed out. `ack` closes the dialog (no errors) or shows errors on its fields; the "understood"
   * answer follows as a message only the person sees, then the job runs on.
   */
  async submitCreateDialog(
    values: CreateDialogValues,
    requester: Requester,
    ack: (answer: DialogAnswer) => Promise<void>,
  ): Promise<void> {
    const result = validateCreateDialog(values);
    if (!result.ok) {
      await ack(result);
      return;
    }
    const decision = await this.authorize(requester, 'create');
    if (!decision.allowed) {
      // A dialog shows errors on its fields only: the refusal goes on the first one.
      await ack({ ok: false, errors: { [CREATE_MODAL_FIELDS.mode.blockId]: decision.reason } });
      this.options.metrics.commandsTotal.inc({ command: 'create', outcome: 'denied' });
      return;
    }
    await ack({ ok: true });
    const command = result.command;
    const jobId = newJobId();
    const needsApproval = this.options.policy.needsApproval('create');
    const { poster } = this.options.tracker;
    await poster.postEphemeral(requester.channelId, requester.userId, this.understood(command, jobId, needsApproval));
    this.options.metrics.commandsTotal.inc({ command: 'create', outcome: 'accepted' });
    const request: CommandRequest = { ...requester, command: '', text: dialogCommandText(command), requestId: '' };
    await this.run(command, { jobId, request, needsApproval }).catch((error: unknown) =>
      this.failAfterAck(
        (message) => poster.postEphemeral(requester.channelId, requester.userId, message),
        `job ${jobId} could not be started`,
        error,
      ),
    );
  }

  /** Whether `requester` may run `name` here (RBAC with their user groups). */
  private async authorize(requester: Requester, name: CommandName): Promise<ReturnType<CompiledPolicy['authorize']>> {
    const actor = {
      userId: requester.userId,
      channelId: requester.channelId,
      userGroups: await this.options.groups.groupsOf(requester.userId),
    };
    return this.options.policy.authorize(actor, name);
  }

  /** The answer to an accepted command: what was understood, the job id, and where it goes next. */
  private understood(command: Command, jobId: string, needsApproval: boolean): Message {
    const { approvalsChannel } = this.options.policy;
    return ackMessage(
      `Understood: ${describeCommand(command)}.`,
      needsApproval && approvalsChannel
        ? `Job ${jobId} needs approval; the request goes to ${mentionChannel(approvalsChannel)}.`
        : `Job ${jobId} is queued; follow it in this channel or with \`/vnet status ${jobId}\`.`,
    );
  }

  /** Opens the create dialog with the hosts that are up, and a free subnet when only one host can be meant. */
  private async openCreateDialog(request: CommandRequest): Promise<void> {
    const hosts = (await this.options.chooser.hosts()).filter((h) => h.up).map((h) => h.hostId);
    const defaultHost = hosts.length === 1 ? hosts[0] : undefined;
    const suggestedSubnet = defaultHost
      ? await suggestSubnet(this.options.jobs, defaultHost, request.userId)
      : undefined;
    await this.options.openCreateDialog(request.requestId, {
      hosts,
      channelId: request.channelId,
      ...(defaultHost ? { defaultHost } : {}),
      ...(suggestedSubnet ? { suggestedSubnet } : {}),
    });
  }

  /** Runs a parsed command that becomes a job (after the ack). */
  async run(
    command: Command,
    context: { jobId: string; request: CommandRequest; needsApproval: boolean; quiet?: boolean; reason?: string },
  ): Promise<void> {
    const { request: input, jobId } = context;
    const quiet = context.quiet ?? false;
    const commandText = `${input.command} ${input.text}`.trim();
    if (command.kind === 'list') {
      await this.listFleet(command.host, command.all, {
        jobId,
        commandText,
        channelId: input.channelId,
        requestedBy: input.userId,
        quiet,
      });
      return;
    }
    const job = jobOfCommand(command, {
      userId: input.userId,
      ...(input.userName ? { userName: input.userName } : {}),
    });
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
        .catch((error: unknown) =>
          this.options.log.error({ err: String(error), jobId }, 'could not write the audit log'),
        );
    }
    const common = {
      jobId,
      name: job.name,
      payload: job.payload,
      commandText,
      requestedBy: input.userId,
      channelId: input.channelId,
    };
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
    await this.options.tracker.run({ ...common, hostId: choice.hostId, ...(quiet ? { quiet } : {}) });
  }

  /** help, hosts, status, audit: answered in the ack. Undefined for everything else. */
  private async answerDirectly(command: Command): Promise<Message | undefined> {
    switch (command.kind) {
      case 'help':
        return this.helpAnswer(command.topic);
      case 'hosts':
        return hostsMessage(await this.options.registry.list(), Date.now());
      case 'status': {
        const record = await this.options.records.get(command.jobId);
        if (!record) return errorMessage(`No job ${command.jobId} is known (job records are kept 7 days).`);
        return JobTracker.messageOf(record); // the job's own message, as it stands now
      }
      case 'audit':
        return auditMessage(await this.options.audit.latest(command.limit));
      default:
        return undefined;
    }
  }

  /** Mutes or unmutes a network's alerts, writes the audit log, and says so (ephemeral answer + channel notice). */
  private async muteOrUnmute(
    command: MuteCommand | UnmuteCommand,
    input: CommandRequest,
  ): Promise<{ message: Message; notice?: Message }> {
    const { mutes, audit, log } = this.options;
    if (!mutes)
      return {
        message: errorMessage(
          'Alerts are off on this bot (no alerts.channel and no alerts.routes), so there is nothing to mute.',
        ),
      };
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
      await mutes.mute({
        network: command.name,
        ...(command.host ? { host: command.host } : {}),
        until,
        by: input.userId,
      });
      await record('muted', `until ${new Date(until).toISOString()}`);
      return {
        message: ackMessage(
          `Understood: ${describeCommand(command)}.`,
          `Alerts about ${command.name} are held back until ${new Date(until).toISOString()} (and counted).`,
        ),
        notice: muteNotice(command.name, command.host, until, input.userId),
      };
    }
    const result = await mutes.unmute(command.name, command.host);
    await record(result.wasMuted ? 'unmuted' : 'was not muted', `${result.suppressed} alerts were held back`);
    if (!result.wasMuted)
      return {
        message: errorMessage(
          `${command.name} was not muted${command.host ? ` on host ${command.host}` : ''}; nothing changed.`,
        ),
      };
    return {
      message: ackMessage(
        `Understood: ${describeCommand(command)}.`,
        `${result.suppressed} alerts were held back while it was muted.`,
      ),
      notice: unmuteNotice(command.name, command.host, input.userId, result.suppressed),
    };
  }

  /** The help for a topic, rendered once: it changes only with the grammar. */
  private helpAnswer(topic: CommandName | undefined): Message {
    let answer = this.helpAnswers.get(topic);
    if (!answer) {
      answer = helpMessage(helpText(topic));
      this.helpAnswers.set(topic, answer);
    }
    return answer;
  }

  /**
   * `/vnet list`: one message for every host asked (the one given, else all). Quiet, it is posted
   * once when every host has answered, or as a placeholder first if they take longer than 2 s.
   */
  private async listFleet(
    host: string | undefined,
    includeInactive: boolean,
    job: { jobId: string; commandText: string; channelId: string; requestedBy: string; quiet: boolean },
  ): Promise<void> {
    const hosts = await this.options.registry.list();
    const asked = host === undefined ? hosts : hosts.filter((h) => h.hostId === host);
    const poster = this.options.tracker.poster;
    if (host !== undefined && asked.length === 0) {
      await poster.post(
        job.channelId,
        errorMessage(`There is no host "${host}"; known hosts: ${hosts.map((h) => h.hostId).join(', ') || 'none'}.`),
      );
      return;
    }
    // The placeholder's post is awaited only once every host has answered: a failed post is logged
    // then (never left as an unhandled rejection) and the table is posted anew.
    const placeholder = (): Promise<PostedMessage | undefined> =>
      poster
        .post(
          job.channelId,
          jobMessage({
            jobId: job.jobId,
            hostId: asked.map((h) => h.hostId).join(', '),
            commandText: job.commandText,
            requestedBy: job.requestedBy,
            state: 'running',
            progress: {
              step: 'list',
              message: `asking ${asked.length === 1 ? 'the host' : `${asked.length} hosts`} for their networks`,
              at: Date.now(),
            },
            updatedAt: Date.now(),
          }),
        )
        .catch((error: unknown) => {
          this.options.log.warn({ err: String(error), jobId: job.jobId }, 'could not post the list placeholder');
          return undefined;
        });
    let posted: Promise<PostedMessage | undefined> | undefined = job.quiet ? undefined : placeholder();
    const reveal = job.quiet
      ? setTimeout(() => {
          posted ??= placeholder();
        }, QUIET_FOR_MS)
      : undefined;
    const answers = await Promise.all(
      asked.map(async (h): Promise<{ hostId: string; networks?: NetworkListEntry[]; failure?: JobFailure }> => {
        if (!h.up)
          return {
            hostId: h.hostId,
            failure: { code: 'host-down', message: `down: no heartbeat for ${Math.round(h.silentForMs / 1000)} s` },
          };
        try {
          const { jobId } = await this.options.jobs.submit(
            h.hostId,
            'list',
            { requestedBy: { userId: job.requestedBy } },
            { jobId: `${job.jobId}-${h.hostId}` },
          );
          const outcome = await this.options.jobs.waitForOutcome<'list'>(h.hostId, jobId, {
            timeoutMs: this.options.listTimeoutMs ?? 30_000,
          });
          if (!outcome.ok) return { hostId: h.hostId, failure: outcome.failure };
          const networks = includeInactive ? outcome.result.networks : outcome.result.networks.filter((n) => n.active);
          return { hostId: h.hostId, networks };
        } catch (error) {
          return {
            hostId: h.hostId,
            failure: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
          };
        }
      }),
    );
    clearTimeout(reveal);
    this.options.metrics.jobsTotal.inc({ job: 'list', outcome: answers.every((a) => !a.failure) ? 'done' : 'partial' });
    const table = fleetListMessage(answers, job.commandText, job.requestedBy, job.jobId);
    const placeholderMessage = await posted;
    if (placeholderMessage) await poster.update(placeholderMessage, table);
    else await poster.post(job.channelId, table);
  }

  private async failAfterAck(reply: Reply, what: string, error: unknown): Promise<void> {
    const detail = error instanceof Error ? error.message : String(error);
    this.options.log.error({ err: detail }, what);
    await reply(errorMessage(`Sorry, ${what}: ${detail}`)).catch(() => undefined);
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

/** The planner's next free subnet on a host, for the create dialog; undefined if the host is slow to say. */
async function suggestSubnet(jobs: JobClient, hostId: string, userId: string): Promise<string | undefined> {
  try {
    const { jobId } = await jobs.submit(hostId, 'plan', {
      requestedBy: { userId },
      request: { mode: 'isolated', name: 'new-network' },
    });
    // A dialog must open within 3 s of the command (Slack's trigger ids expire): wait at most 1.5 s.
    const outcome = await jobs.waitForOutcome<'plan'>(hostId, jobId, { timeoutMs: 1500 });
    const spec = outcome.ok ? (outcome.result.spec as { ipv4?: { subnet?: string } }) : undefined;
    return spec?.ipv4?.subnet;
  } catch {
    return undefined;
  }
}
