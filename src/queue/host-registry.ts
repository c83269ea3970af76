import type { Redis } from 'ioredis';
import { type HostRecord, type HostStatus, hostRecordSchema, hostRegistryKey } from '../contract/index.js';

/**
 * The host registry: one Redis hash, a field per host holding its JSON record. Workers write
 * their own record on every heartbeat; the bot reads them all and treats a host whose heartbeat is
 * older than `downAfterMs` as down.
 */
export class HostRegistry {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    /**
     * A host is down when its last heartbeat is older than this, or than 3 of its own heartbeat
     * intervals when it beats more slowly. Default 3 heartbeats of 5 s.
     */
    readonly downAfterMs = 15_000,
  ) {
    this.key = hostRegistryKey(prefix);
  }

  /** Writes (or refreshes) a host's record. */
  async publish(record: HostRecord): Promise<void> {
    await this.redis.hset(this.key, record.hostId, JSON.stringify(record));
  }

  /** Marks a host as gone on purpose (graceful shutdown): its heartbeat is set to 0 so it shows down at once. */
  async markStopped(hostId: string): Promise<void> {
    const current = this.read(hostId, await this.redis.hget(this.key, hostId));
    if (current) await this.publish({ ...current, lastHeartbeat: 0, libvirtConnected: false });
  }

  /** One host, or undefined when it never registered (or its record is not one). */
  async get(hostId: string, now = Date.now()): Promise<HostStatus | undefined> {
    const record = this.read(hostId, await this.redis.hget(this.key, hostId));
    return record ? this.toStatus(record, now) : undefined;
  }

  /** Every registered host with a valid record, sorted by id. */
  async list(now = Date.now()): Promise<HostStatus[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.entries(all)
      .flatMap(([field, raw]) => {
        const record = this.read(field, raw);
        return record ? [this.toStatus(record, now)] : [];
      })
      .sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  /**
   * The record stored under `field`, checked like any input: not JSON, the wrong shape, or a record
   * claiming another host than its field is no record (a host is never shown under a name it did
   * not register with).
   */
  private read(field: string, raw: string | null): HostRecord | undefined {
    if (raw === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const checked = hostRecordSchema.safeParse(parsed);
    return checked.success && checked.data.hostId === field ? checked.data : undefined;
  }

  /** Forgets a host (decommissioned). */
  async remove(hostId: string): Promise<void> {
    await this.redis.hdel(this.key, hostId);
  }

  private toStatus(record: HostRecord, now: number): HostStatus {
    const silentForMs = Math.max(0, now - record.lastHeartbeat);
    // A record from an older worker has no interval (a malformed one was dropped on reading): the default applies.
    const allowedSilenceMs = Math.max(this.downAfterMs, 3 * (record.heartbeatMs ?? 0));
    return { ...record, silentForMs, up: silentForMs <= allowedSilenceMs };
  }
}
