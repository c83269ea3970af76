/**
 * The BullMQ side of a job failure: the error a processor's failure is thrown out of the worker as.
 * Kept apart from job-failure.ts so job processors never load BullMQ.
 */
import { UnrecoverableError } from 'bullmq';
import { type JobFailure, type JobFailureCode, encodeJobFailure } from '../src/contract/index.js';

/** Codes whose cause may pass by itself: BullMQ retries those with backoff. */
const RETRYABLE: readonly JobFailureCode[] = ['libvirt-unavailable'];

/** Whether BullMQ retries a failure with this code (if the job has attempts left). */
export function isRetryable(code: JobFailureCode): boolean {
  return RETRYABLE.includes(code);
}

/**
 * The error to throw out of a BullMQ processor: a plain Error (retried per the job's attempts) for
 * passing causes, an UnrecoverableError (failed at once) for everything else. The message is the
 * JSON-encoded failure the bot decodes.
 */
export function toBullmqError(failure: JobFailure): Error {
  const reason = encodeJobFailure(failure);
  return isRetryable(failure.code) ? new Error(reason) : new UnrecoverableError(reason);
}
