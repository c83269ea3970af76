/**
 * Platform-free messages (job status, approvals, replies, hosts, audit), the builders that make
 * them from bot state, the Slack Block Kit renderer and the bot's modals.
 */
export type { Message, MessageBlock, MessageButton } from './message.js';
export { type BlockKitMessage, renderBlockKit } from './block-kit.js';
export { SLACK_LIMITS } from './slack-limits.js';
export { TRUNCATION_NOTE, escapeMrkdwn, inlineCode, mentionChannel, mentionUser, slackDate } from './mrkdwn-text.js';
export { type JobState, type JobView, jobMessage } from './job-message.js';
export { jobResultBlocks } from './job-result-blocks.js';
export { XML_EXCERPT_LINES } from './xml-excerpt.js';
export { type FleetListAnswer, fleetListMessage } from './fleet-list-message.js';
export { type ApprovalView, approvalOutcomeNotice, approvalRequestMessage } from './approval-message.js';
export { ackMessage, deniedMessage, errorMessage, helpMessage, usageErrorMessage } from './reply-messages.js';
export { describeCommand } from './describe-command.js';
export { hostsMessage } from './hosts-message.js';
export { type AuditEntryView, auditMessage } from './audit-message.js';
export { createNetworkModal, rejectReasonModal } from './modal-views.js';
export {
  APPROVE_ACTION_ID,
  CREATE_MODAL_CALLBACK_ID,
  CREATE_MODAL_FIELDS,
  DHCP_CHOICES,
  REJECT_ACTION_ID,
  REJECT_REASON_CALLBACK_ID,
  REJECT_REASON_FIELD,
} from './action-ids.js';
export { DIGEST_EVENTS_PER_MESSAGE, alertBatchMessage, alertDigestMessages, alertThreadParent, describeChange, muteNotice, unmuteNotice } from './alert-messages.js';
