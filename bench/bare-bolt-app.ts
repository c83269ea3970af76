/**
 * The peer of bench:bot's ack figures: a Bolt app with nothing in it but the HTTP receiver the bot
 * uses and a `/vnet` listener that acks at once: no parsing, no policy, no Redis, no job. Its ack
 * times under the same sender, in the same run, are the floor any bot built on Bolt's HTTP receiver
 * can reach on the machine. Run as a child process by bench/bot.ts:
 *   BENCH_SIGNING_SECRET=… BENCH_BOT_TOKEN=… BENCH_SLACK_API_URL=… BENCH_PORT=… node --import tsx bench/bare-bolt-app.ts
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const { BENCH_SIGNING_SECRET: signingSecret, BENCH_BOT_TOKEN: token, BENCH_SLACK_API_URL: slackApiUrl } = process.env;
const port = Number(process.env.BENCH_PORT);
// The Web API URL is required: Bolt asks auth.test once, and that must go to the bench's fake Slack, never out.
if (!signingSecret || !token || !slackApiUrl || !Number.isInteger(port)) {
  console.error('set BENCH_SIGNING_SECRET, BENCH_BOT_TOKEN, BENCH_SLACK_API_URL and BENCH_PORT');
  process.exit(2);
}
const receiver = new HTTPReceiver({
  signingSecret,
  endpoints: '/slack/events',
  processBeforeResponse: false,
  logLevel: LogLevel.ERROR,
});
// As the bot does: auth.test at init (against the fake), no conversation store.
const app = new App({
  receiver,
  token,
  clientOptions: { slackApiUrl },
  deferInitialization: true,
  logLevel: LogLevel.ERROR,
  convoStore: false,
});
await app.init();
app.command('/vnet', async ({ ack }) => {
  await ack();
});
await app.start(port);
console.log(`bare bolt app listening on ${port}`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
