/** The Redis/BullMQ plumbing both sides share: connections, the job client, the host registry, the monitor stream. */
export { createRedisConnection, type RedisLocation, type RedisRole } from './redis-connection.js';
export { HostRegistry } from './host-registry.js';
export {
  DEFAULT_JOB_TTL_MS,
  HostUnavailableError,
  JobClient,
  type JobOutcome,
  type SubmitOptions,
} from './job-client.js';
export {
  MONITOR_STREAM_MAX_LENGTH,
  MonitorEventReader,
  MonitorEventWriter,
  type MonitorStreamEntry,
} from './monitor-stream.js';
export { JobKeyError, type JobKeyFiles, loadJobSigner, loadJobVerifier, writeJobKeyPair } from './job-keys.js';
