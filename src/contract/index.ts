/**
 * The bot↔worker contract: job names with their payload schemas and result types, monitor event
 * kinds, the host record, and the names of the queues and keys both sides use. Pure (zod only):
 * importing it loads neither BullMQ nor ioredis.
 */
export * from './job-contract.js';
export * from './monitor-contract.js';
export * from './job-signing.js';
export { type HostRecord, type HostStatus, hostRecordSchema } from './host-record.js';
export { hostQueueName, hostRegistryKey, monitorStateKey, monitorStreamKey, seenJobKey } from './queue-names.js';
