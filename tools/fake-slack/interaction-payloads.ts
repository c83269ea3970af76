import { inputsIn, type ButtonOnScreen, type InputOnScreen } from './block-kit.js';
import type { Directory, FakeChannel, FakeUser } from './directory.js';
import { FakeSlackError } from './fake-slack-error.js';
import type {
  EphemeralMessage,
  SlackViewObject,
  StoredMessage,
  ViewStateValue,
  ViewStateValues,
} from './workspace-state.js';

/**
 * The requests Slack sends an app when a person acts, field for field as Slack documents them:
 * slash commands (form fields), `block_actions` and `view_submission` (JSON in a `payload` field).
 */

/** Who acts, where, and the workspace facts every payload carries. */
export interface Actor {
  directory: Directory;
  user: FakeUser;
  /** The legacy verification token Slack still puts in payloads. */
  verificationToken: string;
}

/** Slack shows DMs as "directmessage" in slash commands and interaction payloads. */
function channelName(channel: FakeChannel): string {
  return channel.isIm ? 'directmessage' : channel.name;
}

/** A slash command's fields, in the order Slack sends them. */
export function slashCommandFields(
  actor: Actor,
  channel: FakeChannel,
  command: { command: string; text: string; responseUrl: string; triggerId: string },
): Record<string, string> {
  const { team, bot } = actor.directory;
  return {
    token: actor.verificationToken,
    team_id: team.id,
    team_domain: team.domain,
    channel_id: channel.id,
    channel_name: channelName(channel),
    user_id: actor.user.id,
    user_name: actor.user.name,
    command: command.command,
    text: command.text,
    api_app_id: bot.appId,
    is_enterprise_install: 'false',
    response_url: command.responseUrl,
    trigger_id: command.triggerId,
  };
}

function userField(actor: Actor): Record<string, string> {
  return { id: actor.user.id, username: actor.user.name, name: actor.user.name, team_id: actor.directory.team.id };
}

/** Slack-style action_ts: seconds with six decimals. */
function actionTs(now: number): string {
  return (now / 1000).toFixed(6);
}

/** A `block_actions` payload for a button clicked on a channel message or an ephemeral message. */
export function blockActionsPayload(
  actor: Actor,
  channel: FakeChannel,
  message: StoredMessage | EphemeralMessage,
  button: ButtonOnScreen,
  interaction: { triggerId: string; responseUrl: string; now: number },
): Record<string, unknown> {
  const { team, bot } = actor.directory;
  const ephemeral = 'is_ephemeral' in message;
  const threadTs = message.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : undefined;
  return {
    type: 'block_actions',
    user: userField(actor),
    api_app_id: bot.appId,
    token: actor.verificationToken,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: ephemeral,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    trigger_id: interaction.triggerId,
    team: { id: team.id, domain: team.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channelName(channel) },
    // Slack leaves the message out for ephemeral messages: the app never saw their final form.
    ...(ephemeral ? {} : { message: structuredClone(message) }),
    state: { values: {} },
    response_url: interaction.responseUrl,
    actions: [
      {
        action_id: button.actionId,
        block_id: button.blockId,
        text: { emoji: true, ...button.text },
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.style !== undefined ? { style: button.style } : {}),
        type: 'button',
        action_ts: actionTs(interaction.now),
      },
    ],
  };
}

/** A `view_submission` payload for the view (its `state.values` already filled in). */
export function viewSubmissionPayload(actor: Actor, view: SlackViewObject, triggerId: string): Record<string, unknown> {
  const { team, bot } = actor.directory;
  return {
    type: 'view_submission',
    team: { id: team.id, domain: team.domain },
    user: userField(actor),
    api_app_id: bot.appId,
    token: actor.verificationToken,
    trigger_id: triggerId,
    view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** What a person entered: block id → action id → text, option value(s), user/channel id(s), date…; a bare value fills the block's only element. */
export type SubmittedValues = Record<string, string | string[] | null | Record<string, string | string[] | null>>;

interface OptionObject {
  text: unknown;
  value: string;
  [field: string]: unknown;
}

function optionsOf(element: Record<string, unknown>): OptionObject[] {
  const direct: unknown[] = Array.isArray(element.options) ? element.options : [];
  const groups = (Array.isArray(element.option_groups) ? element.option_groups : []) as { options?: unknown[] }[];
  return [...direct, ...groups.flatMap((group) => group.options ?? [])] as OptionObject[];
}

function pickOption(input: InputOnScreen, value: string): OptionObject {
  // External selects load options from the app; Slack echoes the chosen one back.
  if (input.element.type.includes('external')) return { text: { type: 'plain_text', text: value, emoji: true }, value };
  const option = optionsOf(input.element).find((candidate) => candidate.value === value);
  if (!option) throw new FakeSlackError(`"${input.label}" offers no option "${value}" (block ${input.blockId})`);
  return structuredClone(option);
}

function asList(input: InputOnScreen, value: string | string[] | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  throw new FakeSlackError(`"${input.label}" takes a list of values (block ${input.blockId})`);
}

function asSingle(input: InputOnScreen, value: string | string[] | null): string | null {
  if (Array.isArray(value))
    throw new FakeSlackError(`"${input.label}" takes one value, not a list (block ${input.blockId})`);
  return value === '' ? null : value;
}

/** The element's value when the person leaves it untouched: its initial value, else empty. */
function initialValue(input: InputOnScreen): string | string[] | null {
  const element = input.element;
  for (const field of [
    'initial_value',
    'initial_date',
    'initial_time',
    'initial_user',
    'initial_conversation',
    'initial_channel',
  ]) {
    if (typeof element[field] === 'string') return element[field];
  }
  if (typeof element.initial_date_time === 'number') return String(element.initial_date_time);
  const option = element.initial_option as OptionObject | undefined;
  if (option) return option.value;
  const options = element.initial_options as OptionObject[] | undefined;
  if (options) return options.map((entry) => entry.value);
  for (const field of ['initial_users', 'initial_conversations', 'initial_channels'])
    if (Array.isArray(element[field])) return element[field] as string[];
  return null;
}

/** One element's state value in Slack's shape for its type. */
function stateValue(input: InputOnScreen, value: string | string[] | null): ViewStateValue {
  const type = input.element.type;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: asSingle(input, value) };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const single = asSingle(input, value);
      return { type, selected_option: single === null ? null : pickOption(input, single) };
    }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: asList(input, value).map((entry) => pickOption(input, entry)) };
    case 'users_select':
      return { type, selected_user: asSingle(input, value) };
    case 'multi_users_select':
      return { type, selected_users: asList(input, value) };
    case 'conversations_select':
      return { type, selected_conversation: asSingle(input, value) };
    case 'multi_conversations_select':
      return { type, selected_conversations: asList(input, value) };
    case 'channels_select':
      return { type, selected_channel: asSingle(input, value) };
    case 'multi_channels_select':
      return { type, selected_channels: asList(input, value) };
    case 'datepicker':
      return { type, selected_date: asSingle(input, value) };
    case 'timepicker':
      return { type, selected_time: asSingle(input, value) };
    case 'datetimepicker': {
      const single = asSingle(input, value);
      return { type, selected_date_time: single === null ? null : Number(single) };
    }
    default:
      throw new FakeSlackError(`the fake cannot fill in a ${type} element (block ${input.blockId})`);
  }
}

function isEmpty(state: ViewStateValue): boolean {
  const [, value] = Object.entries(state).find(([key]) => key !== 'type') ?? [];
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * `view.state.values` for a submission: every input of the view, with what the person entered or
 * left as it was. Throws when a value names a field or option the view does not show, and (with
 * `requireInputs`, as Slack's client refuses to submit) when a required input is empty.
 */
export function viewStateValues(
  view: SlackViewObject,
  submitted: SubmittedValues,
  options: { requireInputs: boolean },
): ViewStateValues {
  const inputs = inputsIn(view.blocks);
  for (const [blockId, entry] of Object.entries(submitted)) {
    const inBlock = inputs.filter((input) => input.blockId === blockId);
    if (inBlock.length === 0) throw new FakeSlackError(`view ${view.id} has no input block "${blockId}"`);
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      for (const actionId of Object.keys(entry)) {
        if (!inBlock.some((input) => input.actionId === actionId))
          throw new FakeSlackError(`input block "${blockId}" of view ${view.id} has no element "${actionId}"`);
      }
    }
  }
  const values: ViewStateValues = {};
  for (const input of inputs) {
    const entry = submitted[input.blockId];
    const given = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry[input.actionId] : entry;
    const state = stateValue(input, given === undefined ? initialValue(input) : given);
    if (options.requireInputs && !input.optional && isEmpty(state))
      throw new FakeSlackError(
        `"${input.label}" is required: Slack would not submit view ${view.id} with it empty (block ${input.blockId})`,
      );
    (values[input.blockId] ??= {})[input.actionId] = state;
  }
  return values;
}
