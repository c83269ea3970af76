/**
 * What a host worker publishes about its host in the host registry (written by the worker, read by
 * the bot), and the bot's reading of it.
 */

/** What a host worker says about its host, refreshed with every heartbeat. */
export interface HostRecord {
  hostId: string;
  hostname: string;
  libvirtVersion: string;
  networks: number;
  /** Whether the worker currently has a working libvirt connection. */
  libvirtConnected: boolean;
  /** Last heartbeat, ms since epoch. */
  lastHeartbeat: number;
  startedAt: number;
  workerVersion: string;
  /** The worker's heartbeat interval, so readers judge silence by it (records from older workers lack it). */
  heartbeatMs?: number;
}

/** A registered host and whether its heartbeat is fresh. */
export interface HostStatus extends HostRecord {
  up: boolean;
  /** How long since the last heartbeat, ms. */
  silentForMs: number;
}
