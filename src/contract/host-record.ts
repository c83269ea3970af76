/**
 * What a host worker publishes about its host in the host registry (written by the worker, read by
 * the bot), and the bot's reading of it. The bot validates every record it reads: Redis is shared
 * state, not a source of truth.
 */
import { z } from 'zod';

/**
 * A host record as the bot accepts it. Unknown fields (a newer worker's) are dropped; a malformed
 * heartbeat interval is treated as absent, so the default silence allowance applies.
 */
export const hostRecordSchema = z.object({
  hostId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  hostname: z.string().max(255),
  libvirtVersion: z.string().max(64),
  networks: z.number().int().nonnegative(),
  /** Whether the worker currently has a working libvirt connection. */
  libvirtConnected: z.boolean(),
  /** Last heartbeat, ms since epoch. */
  lastHeartbeat: z.number().finite(),
  startedAt: z.number().finite(),
  workerVersion: z.string().max(64),
  /** The worker's heartbeat interval, so readers judge silence by it (records from older workers lack it). */
  heartbeatMs: z.number().positive().finite().optional().catch(undefined),
});

/** What a host worker says about its host, refreshed with every heartbeat. */
export type HostRecord = z.infer<typeof hostRecordSchema>;

/** A registered host and whether its heartbeat is fresh. */
export interface HostStatus extends HostRecord {
  up: boolean;
  /** How long since the last heartbeat, ms. */
  silentForMs: number;
}
