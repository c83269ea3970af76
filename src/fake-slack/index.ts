/** A local stand-in for Slack (Web API + the client side), for tests, benchmarks and the local console. */
export { FakeSlack, type BotAnswer, type FakeSlackOptions } from './fake-slack.js';
export type { RateLimit } from './rate-limiter.js';
export { slackSignatureHeaders } from './request-signing.js';
export type { EphemeralMessage, FakeChannel, FakeUser, RecordedCall, StoredMessage, StoredView } from './workspace-state.js';
