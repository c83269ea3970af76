/**
 * Fake Slack: a local stand-in for Slack's Web API, response_urls, file uploads and Socket Mode, that
 * also plays the people who use the bot. See {@link FakeSlack}.
 */
export {
  FakeSlack,
  type BotAnswer,
  type ExtraRoutes,
  type FakeSlackOptions,
  type InteractionResult,
  type ViewSubmissionOutcome,
  type ViewSubmissionResult,
} from './fake-slack.js';
export { FakeSlackError } from './fake-slack-error.js';
export {
  DEFAULT_DIRECTORY,
  FAKE_IDS,
  buildDirectory,
  type Directory,
  type FakeBot,
  type FakeChannel,
  type FakeTeam,
  type FakeUser,
} from './directory.js';
export type { SubmittedValues } from './interaction-payloads.js';
export type { RateLimit, RateLimitConfig } from './rate-limiter.js';
export { slackSignatureHeaders } from './request-signing.js';
export { MAX_TEXT_LENGTH, WEB_API_METHODS } from './web-api.js';
export {
  MAX_VIEW_STACK,
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  TRIGGER_LIFETIME_MS,
  WorkspaceStore,
  slackView,
  type MessageChange,
  type ViewChange,
  type WorkspaceEvents,
} from './workspace-store.js';
export type {
  EphemeralMessage,
  RecordedCall,
  ResponseUrlRecord,
  SharedFile,
  SlackViewObject,
  StoredFile,
  StoredMessage,
  StoredView,
  TriggerRecord,
  ViewStateValue,
  ViewStateValues,
  WorkspaceState,
} from './workspace-state.js';
