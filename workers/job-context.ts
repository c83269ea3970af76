import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LibvirtClient } from '../src/libvirt/index.js';
import type { CommandRunner } from '../src/network/index.js';
import type { JobName, JobPayload, JobResult } from '../src/contract/index.js';
import type { NetworkInventory } from './network-inventory.js';

/** What a job processor gets to work with. */
export interface JobContext {
  readonly hostId: string;
  readonly jobId: string;
  /** Which attempt this is (1 for the first run; more after a retry or a stalled worker). */
  readonly attempt: number;
  /** The last step an earlier run of this job reported (after a crash or retry), if any. */
  readonly previousStep?: string;
  readonly libvirt: LibvirtClient;
  /** Redis, for host-wide locks. */
  readonly redis: Redis;
  /** Prefix of this worker's Redis keys. */
  readonly keyPrefix: string;
  readonly subnetPool: string;
  readonly subnetPrefix: number;
  readonly run: CommandRunner;
  /** The host's network listing, shared between jobs and kept current by libvirt events. */
  readonly inventory: NetworkInventory;
  readonly log: Logger;
  /** Reports the step the job is at; the bot shows it in the job's message. */
  progress(step: string, message: string): Promise<void>;
}

/** A processor: one per job name. */
export type JobProcessor<N extends JobName> = (context: JobContext, payload: JobPayload<N>) => Promise<JobResult<N>>;
