import type { NetworkListEntry } from '../src/contract/index.js';

/** Options of {@link NetworkInventory}. */
export interface NetworkInventoryOptions {
  /**
   * The longest a listing is served from memory. Lifecycle events and this worker's own changes
   * drop it at once; this bound is for changes libvirt sends no event for (autostart or an XML edit
   * of an inactive network made by hand). 0 turns the cache off. Default 2000.
   */
  readonly maxAgeMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/**
 * The host's network listing, read from libvirt once and shared: every `list` job that arrives while
 * a read is under way waits for that read, and later ones are served from memory until something
 * changes. The owner calls {@link invalidate} on every libvirt lifecycle event, on disconnect and
 * reconnect, and after every job that changes a network — a listing taken before a change is never
 * handed to a job that started after it.
 */
export class NetworkInventory {
  private current?: { readonly listing: Promise<readonly NetworkListEntry[]>; readonly startedAt: number };
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly load: () => Promise<readonly NetworkListEntry[]>,
    options: NetworkInventoryOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** The listing: shared with a read under way, from memory when still fresh, else read anew. */
  networks(): Promise<readonly NetworkListEntry[]> {
    const current = this.current;
    if (current && this.now() - current.startedAt <= this.maxAgeMs) return current.listing;
    const listing = this.load();
    const entry = { listing, startedAt: this.now() };
    this.current = entry;
    // A failed read is not kept: the next job tries again.
    listing.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    return listing;
  }

  /** Forgets the listing: the next {@link networks} call reads libvirt again. */
  invalidate(): void {
    this.current = undefined;
  }
}
