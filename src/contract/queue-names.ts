/** Names of the Redis-backed queues, streams and keys; one place so bot and workers agree. */

/** The BullMQ queue of one host's jobs. */
export function hostQueueName(hostId: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(hostId)) throw new RangeError(`invalid host id ${JSON.stringify(hostId)}`);
  return `host.${hostId}`;
}

/** Redis key of the host registry hash (one field per host). */
export function hostRegistryKey(prefix: string): string {
  return `${prefix}:hosts`;
}

/** Redis stream all workers append monitor events to. */
export function monitorStreamKey(prefix: string): string {
  return `${prefix}:monitor:events`;
}

/** Redis key of a host's last known state (the reconcile baseline). */
export function monitorStateKey(prefix: string, hostId: string): string {
  return `${prefix}:monitor:state:${hostId}`;
}

/**
 * Redis key a host's workers record one job id under once they let it run (the replay guard), so a
 * copy of the job is refused even after the original left the queue or the worker restarted.
 */
export function seenJobKey(prefix: string, hostId: string, jobId: string): string {
  return `${prefix}:worker:${hostId}:seen-job:${jobId}`;
}
