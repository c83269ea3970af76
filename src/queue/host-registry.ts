import type { Redis } from 'ioredis';
import { type HostRecord, type HostStatus, hostRegistryKey } from '../contract/index.js';

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
    const current = await this.get(hostId);
    if (current) await this.publish({ ...current, lastHeartbeat: 0, libvirtConnected: false });
  }

  /** One host, or undefined when it never registered. */
  async get(hostId: string, now = Date.now()): Promise<HostStatus | undefined> {
    const raw = await this.redis.hget(this.key, hostId);
    return raw ? this.toStatus(JSON.parse(raw) as HostRecord, now) : undefined;
  }

  /** Every registered host, sorted by id. */
  async list(now = Date.now()): Promise<HostStatus[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.values(all)
      .map((raw) => this.toStatus(JSON.parse(raw) as HostRecord, now))
      .sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  /** Forgets a host (decommissioned). */
  async remove(hostId: string): Promise<void> {
    await this.redis.hdel(this.key, hostId);
  }

  private toStatus(record: HostRecord, now: number): HostStatus {
    const silentForMs = Math.max(0, now - record.lastHeartbeat);
    // A record from an older worker, or a malformed one, has no usable interval: the default applies.
    const interval =
      typeof record.heartbeatMs === 'number' && Number.isFinite(record.heartbeatMs) ? record.heartbeatMs : 0;
    const allowedSilenceMs = Math.max(this.downAfterMs, 3 * interval);
    return { ...record, silentForMs, up: silentForMs <= allowedSilenceMs };
  }
}
