/**
 * The bot's application layer: what happens when a person asks for something (a command, the
 * create dialog, an approval button), job tracking, approvals and the alert feed. It speaks to the
 * chat platform only through the ports in chat-ports.ts; `src/slack` is the Bolt adapter.
 */
export { type BotApp, type BotAppOptions, createBotApp } from './bot-app.js';
export { type BotMetrics, createBotMetrics } from './bot-metrics.js';
export type { ChatPorts, MessagePoster, PostedMessage, UserGroupLookup } from './chat-ports.js';
export type { Ack, CommandRequest, DialogAnswer, Reply, Requester } from './command-handler.js';
export type { DecisionAnswer } from './approval-flow.js';
export type { CreateDialogValues } from './create-dialog.js';
