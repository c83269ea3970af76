/**
 * The local console: a web page that plays Slack for the bot (messages rendered from Block Kit,
 * threads, ephemerals, modals, a composer and a user switcher), served on a {@link FakeSlack}.
 */
export { LocalConsole, splitSlashCommand, type LocalConsoleOptions } from './console-server.js';
