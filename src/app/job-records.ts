import type { Redis } from 'ioredis';
import type { JobState } from '../notify/index.js';
import type { JobFailure, JobName, JobProgress } from '../contract/index.js';
import type { PostedMessage } from './chat-ports.js';

/** What the bot remembers of one job: where its message is and how far it got. */
export interface JobRecord {
  jobId: string;
  hostId: string;
  jobName: JobName;
  /** The command as typed, e.g. "/vnet create isolated lab1". */
  commandText: string;
  requestedBy: string;
  channelId: string;
  /** The job's message in the channel, once posted. */
  message?: PostedMessage;
  state: JobState;
  progress?: JobProgress;
  outcome?: { name: JobName; result: unknown };
  failure?: JobFailure;
  approval?: { approvalId: string; approverId?: string; reason?: string; expiresAt: number; channelId?: string };
  /** A quick read answered once, with its result (no live card); false once a slow one shows its card. */
  quiet?: boolean;
  updatedAt: number;
}

/** How long job records are kept for `/vnet status`: as long as BullMQ keeps mutating jobs. */
const RECORD_TTL_SECONDS = 7 * 24 * 3600;

/** Job records in Redis (one JSON string per job), so `/vnet status` works from any bot replica and after a restart. */
export class JobRecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Writes the record (whole), refreshing its time to live. */
  async save(record: JobRecord): Promise<void> {
    await this.redis.set(this.key(record.jobId), JSON.stringify(record), 'EX', RECORD_TTL_SECONDS);
  }

  /** The record of a job, if the bot has one. */
  async get(jobId: string): Promise<JobRecord | undefined> {
    const text = await this.redis.get(this.key(jobId));
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as JobRecord;
    } catch {
      return undefined; // written by something else: treat as unknown rather than crash the command
    }
  }

  private key(jobId: string): string {
    return `${this.prefix}:bot:job:${jobId}`;
  }
}
