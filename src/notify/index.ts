/**
 * The Slack presentation layer: the message model, the builders that make messages from bot state,
 * the Block Kit renderer, the bot's modals and the action and view ids its listeners match on. The
 * model's block structure names no platform, but its texts are Slack mrkdwn (mentions, channel
 * links, dates): a second chat platform would start by moving that markup into its renderer.
 */
export type { Message, MessageBlock, MessageButton } from './message.js';
export { type BlockKitMessage, renderBlockKit } from './block-kit.js';
export { SLACK_LIMITS } from './slack-limits.js';
export {
  type BotText,
  TRUNCATION_NOTE,
  escapeMrkdwn,
  inlineCode,
  mentionChannel,
  mentionUser,
  plainText,
  slackDate,
} from './mrkdwn-text.js';
export { type JobState, type JobView, jobAnswerMessage, jobMessage } from './job-message.js';
export { jobResultBlocks } from './job-result-blocks.js';
export { XML_EXCERPT_LINES } from './xml-excerpt.js';
export { type FleetListAnswer, fleetListMessage } from './fleet-list-message.js';
export {
  type ApprovalRefusalCode,
  type ApprovalView,
  approvalOutcomeNotice,
  approvalRefusal,
  approvalRequestMessage,
} from './approval-message.js';
export { ackMessage, deniedMessage, errorMessage, helpMessage, usageErrorMessage } from './reply-messages.js';
export { describeCommand } from './describe-command.js';
export { hostsMessage } from './hosts-message.js';
export { type AuditEntryView, auditMessage } from './audit-message.js';
export { type CreateNetworkModalOptions, createNetworkModal, rejectReasonModal } from './modal-views.js';
export {
  APPROVE_ACTION_ID,
  CREATE_MODAL_CALLBACK_ID,
  CREATE_MODAL_FIELDS,
  DHCP_CHOICES,
  REJECT_ACTION_ID,
  REJECT_REASON_CALLBACK_ID,
  REJECT_REASON_FIELD,
} from './action-ids.js';
export {
  DIGEST_EVENTS_PER_MESSAGE,
  WHOLE_HOST,
  alertBatchMessage,
  alertDigestMessages,
  alertThreadParent,
  describeChange,
  muteNotice,
  redisOutageNotice,
  unmuteNotice,
} from './alert-messages.js';
