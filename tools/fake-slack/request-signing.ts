import { createHmac } from 'node:crypto';

/**
 * The headers Slack signs every request to an app with: `x-slack-signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>">` keyed with the app's signing secret, and the timestamp (Unix seconds)
 * itself. Header names are lower case (HTTP does not care), so a test can override one by spreading.
 */
export function slackSignatureHeaders(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}
