/** The Slack side of the bot: Bolt listeners, job messages kept in place, approvals, posting under rate limits. */
export { createBotMetrics, type BotMetrics } from './bot-metrics.js';
export { startSlackBot, SLACK_IDS, type RunningSlackBot, type SlackBotOptions } from './slack-bot.js';
export { SlackPoster, slackClientOptions, type PostedMessage, type SlackMessageBody } from './slack-poster.js';
