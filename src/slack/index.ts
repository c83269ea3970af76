/** The Bolt adapter: Slack payloads in, the bot's use cases called, Block Kit answers out, posting under rate limits. */
export { startSlackBot, type RunningSlackBot, type SlackBotOptions } from './slack-bot.js';
export { SlackPoster, slackClientOptions } from './slack-poster.js';
