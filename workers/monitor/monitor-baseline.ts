import type { Redis } from 'ioredis';
import { z } from 'zod';
import { monitorStateKey } from '../../src/contract/index.js';
import type { NetworkState } from './network-states.js';

/**
 * What the monitor last knew of its host, kept in Redis so a restarted worker can tell what changed
 * while it was down.
 */
export interface MonitorBaseline {
  /** When it was written (ms since epoch): the start of any blind spell that follows. */
  readonly savedAt: number;
  readonly networks: readonly NetworkState[];
}

const baselineSchema = z.object({
  savedAt: z.number(),
  networks: z.array(z.object({ name: z.string(), uuid: z.string(), active: z.boolean(), persistent: z.boolean() })),
});

/** Reads and writes one host's {@link MonitorBaseline}. */
export class BaselineStore {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    hostId: string,
  ) {
    this.key = monitorStateKey(prefix, hostId);
  }

  /** The stored baseline; undefined when there is none (first start) or it is unreadable. */
  async load(): Promise<MonitorBaseline | undefined> {
    const text = await this.redis.get(this.key);
    if (text === null) return undefined;
    try {
      const parsed = baselineSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async save(networks: Iterable<NetworkState>, savedAt = Date.now()): Promise<void> {
    const baseline: MonitorBaseline = { savedAt, networks: [...networks] };
    await this.redis.set(this.key, JSON.stringify(baseline));
  }
}
