/**
 * The floor under bench:bot's ack figures: not Bolt at all, just Node's own HTTP server checking the
 * Slack signature (Bolt's `verifySlackRequest`, the check every Slack app must make) and answering
 * 200 with an empty body. Nothing any Slack app on Node does per request can cost less, so its ack
 * times under the same sender, in the same run, are what the machine allows. Run as a child process
 * by bench/bot.ts:
 *   BENCH_SIGNING_SECRET=… BENCH_PORT=… node --import tsx bench/plain-node-app.ts
 */
import { createServer } from 'node:http';
import { verifySlackRequest } from '@slack/bolt';

const signingSecret = process.env.BENCH_SIGNING_SECRET;
const port = Number(process.env.BENCH_PORT);
if (!signingSecret || !Number.isInteger(port)) {
  console.error('set BENCH_SIGNING_SECRET and BENCH_PORT');
  process.exit(2);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    try {
      verifySlackRequest({
        signingSecret,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: {
          'x-slack-signature': String(request.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
        },
      });
    } catch {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(200).end();
  });
});
server.listen(port, '127.0.0.1', () => console.log(`plain node app listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
