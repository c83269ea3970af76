/**
 * Thrown when the fake is asked to do something a Slack user could not do (click a button that is not
 * on the message, submit a view that is not on screen, leave a required field empty) or when the bot
 * does not answer in time. Distinct from Web API errors, which the fake answers as Slack would.
 */
export class FakeSlackError extends Error {
  override readonly name = 'FakeSlackError';
}
