/** The bot↔worker contract and the Redis plumbing both sides share. */
export * from './job-contract.js';
export { hostQueueName, hostRegistryKey } from './queue-names.js';
export { createRedisConnection, type RedisLocation, type RedisRole } from './redis-connection.js';
export { HostRegistry, type HostRecord, type HostStatus } from './host-registry.js';
export { HostUnavailableError, JobClient, type JobOutcome, type SubmitOptions } from './job-client.js';
export * from './monitor-contract.js';
export { MONITOR_STREAM_MAX_LENGTH, MonitorEventReader, MonitorEventWriter, type MonitorStreamEntry } from './monitor-stream.js';
