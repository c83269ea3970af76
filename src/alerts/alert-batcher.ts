/**
 * Gathers alerts per channel into batches: a batch opens with its first item and is flushed
 * `windowMs` later, so a burst becomes one message instead of many. A channel's flushes run one at a
 * time; items arriving while one runs open the next batch, which waits at least until it ends.
 */
export class AlertBatcher<T> {
  private readonly channels = new Map<
    string,
    { items: T[]; openedAt: number; timer?: NodeJS.Timeout; flushing?: Promise<void> }
  >();

  constructor(
    private readonly windowMs: number,
    private readonly flush: (channel: string, items: T[]) => Promise<void>,
    private readonly onError: (error: unknown, channel: string, items: T[]) => void,
  ) {}

  /** Adds an item to the channel's open batch (opening one if needed). */
  add(channel: string, item: T): void {
    let state = this.channels.get(channel);
    if (!state) {
      state = { items: [], openedAt: Date.now() };
      this.channels.set(channel, state);
    }
    if (state.items.length === 0) state.openedAt = Date.now();
    state.items.push(item);
    this.schedule(channel);
  }

  /** Flushes every open batch now and waits for all flushes (shutdown, tests). */
  async drain(): Promise<void> {
    for (;;) {
      const busy = [...this.channels].filter(([, state]) => state.items.length > 0 || state.flushing !== undefined);
      if (busy.length === 0) return;
      await Promise.all(
        busy.map(async ([channel, state]) => {
          if (state.flushing) await state.flushing;
          else {
            if (state.timer) clearTimeout(state.timer);
            state.timer = undefined;
            await this.run(channel);
          }
        }),
      );
    }
  }

  /** Items waiting in open batches, over all channels. */
  get pending(): number {
    return [...this.channels.values()].reduce((sum, state) => sum + state.items.length, 0);
  }

  private schedule(channel: string): void {
    const state = this.channels.get(channel);
    if (!state || state.timer || state.flushing || state.items.length === 0) return;
    const wait = Math.max(0, this.windowMs - (Date.now() - state.openedAt));
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(channel);
    }, wait);
  }

  private run(channel: string): Promise<void> {
    const state = this.channels.get(channel);
    if (!state || state.items.length === 0) return Promise.resolve();
    const items = state.items;
    state.items = [];
    state.flushing = this.flush(channel, items)
      .catch((error: unknown) => this.onError(error, channel, items))
      .finally(() => {
        state.flushing = undefined;
        this.schedule(channel);
      });
    return state.flushing;
  }
}
