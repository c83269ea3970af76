/**
 * The trigger ids this bot process has taken, each with the job id it gave, remembered for a while in
 * memory. It lets the ack say "already received" for a replayed request without waiting on Redis: the
 * ack path does no I/O at all. Entries all live equally long, so the oldest are always first in the
 * map's insertion order and expire from the front; `maxEntries` bounds memory under a flood.
 */
export class SeenTriggers {
  private readonly entries = new Map<string, { jobId: string; at: number }>();

  constructor(
    /** How long a trigger id is remembered; longer than Bolt's 5-minute signature window. */
    private readonly rememberMs = 600_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records `triggerId` as taken by `jobId` when it is new and returns undefined; for a trigger id
   * seen within `rememberMs`, returns the job id it got then and records nothing.
   */
  take(triggerId: string, jobId: string): string | undefined {
    const now = this.now();
    this.expire(now);
    const earlier = this.entries.get(triggerId);
    if (earlier) return earlier.jobId;
    this.entries.set(triggerId, { jobId, at: now });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return undefined;
  }

  /** How many trigger ids are remembered now. */
  get size(): number {
    this.expire(this.now());
    return this.entries.size;
  }

  private expire(now: number): void {
    for (const [triggerId, entry] of this.entries) {
      if (now - entry.at < this.rememberMs) return;
      this.entries.delete(triggerId);
    }
  }
}
