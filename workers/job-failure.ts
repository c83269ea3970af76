import { LibvirtConnectionError, LibvirtError } from '../src/libvirt/index.js';
import {
  BridgeNotFoundError,
  InvalidInterfaceNameError,
  NetworkSpecError,
  SubnetPlanningError,
  UnsupportedNetworkXmlError,
} from '../src/network/index.js';
import type { JobFailure, JobFailureCode } from '../src/contract/index.js';

/**
 * A job failure worth telling the user, with a stable code. Thrown by processors; `toBullmqError`
 * (bullmq-failure.ts) turns it into what BullMQ needs: retried only when the cause may pass (libvirt
 * restarting).
 */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
  constructor(
    readonly code: JobFailureCode,
    message: string,
    readonly step?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toFailure(): JobFailure {
    return this.step
      ? { code: this.code, message: this.message, step: this.step }
      : { code: this.code, message: this.message };
  }
}

/** Maps anything a processor threw to a user-facing failure. */
export function describeFailure(error: unknown, step?: string): JobFailure {
  if (error instanceof JobFailedError) return error.toFailure();
  const at = step ? { step } : {};
  if (
    error instanceof NetworkSpecError ||
    error instanceof InvalidInterfaceNameError ||
    error instanceof UnsupportedNetworkXmlError
  ) {
    return { code: 'invalid-request', message: error.message, ...at };
  }
  if (error instanceof SubnetPlanningError) {
    return { code: error.code === 'invalid-subnet' ? 'invalid-request' : 'conflict', message: error.message, ...at };
  }
  if (error instanceof BridgeNotFoundError) return { code: 'not-found', message: error.message, ...at };
  if (error instanceof LibvirtConnectionError) {
    return {
      code: 'libvirt-unavailable',
      message: `libvirt is not reachable on this host right now (${error.message})`,
      ...at,
    };
  }
  if (error instanceof LibvirtError) {
    if (error.isNotFound()) return { code: 'not-found', message: error.message, ...at };
    if (error.isAlreadyExists()) return { code: 'conflict', message: error.message, ...at };
    return { code: 'libvirt-error', message: `libvirt refused: ${error.message}`, ...at };
  }
  return {
    code: 'internal',
    message: `internal error: ${error instanceof Error ? error.message : String(error)}`,
    ...at,
  };
}
