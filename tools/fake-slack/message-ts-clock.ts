/**
 * Slack-style message timestamps, `"<unix seconds>.<6 digits>"`, strictly increasing even when many
 * messages are posted within the same microsecond (Slack's ts is a message's unique id in a channel).
 */
export class MessageTsClock {
  private lastMicros = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  /** The next ts: the current time, or one microsecond after the previous ts if that is later. */
  next(): string {
    const nowMicros = BigInt(Math.floor(this.now())) * 1000n;
    this.lastMicros = nowMicros > this.lastMicros ? nowMicros : this.lastMicros + 1n;
    const seconds = this.lastMicros / 1_000_000n;
    const micros = this.lastMicros % 1_000_000n;
    return `${seconds}.${micros.toString().padStart(6, '0')}`;
  }
}
