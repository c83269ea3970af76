/**
 * The bot↔worker contract: every job name with its payload schema (validated on the worker, which
 * may run another version than the bot) and its result type. One source of truth for both sides.
 */
import { z } from 'zod';

const networkName = z.string().min(1).max(64);
const requester = z.strictObject({
  /** Slack user id (or a console user) that asked. */
  userId: z.string().min(1).max(64),
  userName: z.string().max(128).optional(),
});

const dhcpRange = z.strictObject({ start: z.string().max(64), end: z.string().max(64) });
const dhcpHost = z.strictObject({
  mac: z.string().max(32),
  name: z.string().max(64).optional(),
  ip: z.string().max(64),
});

/**
 * A create request as a person typed it: everything but mode and name is optional; the worker's
 * planner fills in subnet, gateway, DHCP range and bridge, then validates the whole spec.
 */
export const createRequestSchema = z.strictObject({
  mode: z.enum(['nat', 'routed', 'isolated', 'open', 'bridged']),
  name: networkName,
  subnet: z.string().max(64).optional(),
  gateway: z.string().max(64).optional(),
  /** A range, or `false` for no DHCP; absent = a default range. */
  dhcp: z.union([dhcpRange, z.literal(false)]).optional(),
  dhcpHosts: z.array(dhcpHost).max(256).optional(),
  ipv6: z.strictObject({ subnet: z.string().max(64), gateway: z.string().max(64).optional() }).optional(),
  bridge: z.string().max(32).optional(),
  forwardDev: z.string().max(32).optional(),
  natPorts: z.strictObject({ start: z.number().int(), end: z.number().int() }).optional(),
  mtu: z.number().int().optional(),
  dnsDomain: z.string().max(253).optional(),
  autostart: z.boolean().optional(),
  description: z.string().max(500).optional(),
});
/** A create request as typed by a person. */
export type CreateRequest = z.infer<typeof createRequestSchema>;

/** Payload schemas by job name. */
export const jobPayloadSchemas = {
  /** Every network of the host with its state. */
  list: z.strictObject({ requestedBy: requester }),
  /** One network: spec, state, XML, bridge state. */
  info: z.strictObject({ requestedBy: requester, name: networkName, includeXml: z.boolean().optional() }),
  /** Dry run of create: the completed spec, chosen subnet and bridge, conflicts, XML. Changes nothing. */
  plan: z.strictObject({ requestedBy: requester, request: createRequestSchema }),
  create: z.strictObject({ requestedBy: requester, request: createRequestSchema }),
  delete: z.strictObject({ requestedBy: requester, name: networkName, force: z.boolean().optional() }),
  start: z.strictObject({ requestedBy: requester, name: networkName }),
  stop: z.strictObject({ requestedBy: requester, name: networkName }),
  autostart: z.strictObject({ requestedBy: requester, name: networkName, enabled: z.boolean() }),
  leases: z.strictObject({ requestedBy: requester, name: networkName }),
  /** Bridge state of one network's bridge, or of every bridge libvirt networks use. */
  bridges: z.strictObject({ requestedBy: requester, name: networkName.optional() }),
  update: z.strictObject({
    requestedBy: requester,
    name: networkName,
    change: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('dhcp-range'), range: dhcpRange }),
      z.strictObject({ kind: z.literal('dhcp-host-add'), host: dhcpHost }),
      z.strictObject({ kind: z.literal('dhcp-host-remove'), mac: z.string().max(32) }),
    ]),
  }),
  'host-info': z.strictObject({ requestedBy: requester }),
} as const;

/** Every job name. */
export type JobName = keyof typeof jobPayloadSchemas;
/** All job names, for iteration and validation. */
export const JOB_NAMES = Object.keys(jobPayloadSchemas) as JobName[];
/** The payload of a job. */
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloadSchemas)[N]>;
/** Jobs that change a host (go through approval policy and the audit log). */
export const MUTATING_JOBS: readonly JobName[] = ['create', 'delete', 'start', 'stop', 'autostart', 'update'];

/** A network as `list` reports it. */
export interface NetworkListEntry {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  mode?: string;
  bridge?: string;
  subnets: string[];
}

/** One bridge port as reported to the bot. */
export interface BridgePortReport {
  name: string;
  state: string;
  operstate: string;
  mac?: string;
  vm?: string;
}

/** A bridge as reported to the bot. */
export interface BridgeReport {
  name: string;
  operstate: string;
  carrier: boolean;
  mtu: number;
  mac?: string;
  stp: boolean;
  addresses: string[];
  ports: BridgePortReport[];
  /** Networks using this bridge. */
  networks: string[];
}

/** Result types by job name. */
export interface JobResults {
  list: { hostId: string; networks: NetworkListEntry[] };
  info: {
    hostId: string;
    network: NetworkListEntry;
    /** The network as vnetops models it (absent when its XML uses something we don't model). */
    spec?: unknown;
    unsupported?: string;
    xml?: string;
    bridge?: BridgeReport;
  };
  plan: { hostId: string; spec: unknown; xml: string; subnetChosen: boolean; bridgeChosen: boolean };
  create: { hostId: string; name: string; uuid: string; bridge: string; subnet?: string; alreadyDone: boolean };
  delete: { hostId: string; name: string; uuid: string; wasActive: boolean };
  start: { hostId: string; name: string; alreadyDone: boolean };
  stop: { hostId: string; name: string; alreadyDone: boolean };
  autostart: { hostId: string; name: string; enabled: boolean };
  leases: {
    hostId: string;
    name: string;
    leases: {
      ip: string;
      prefix: number;
      mac: string | null;
      hostname: string | null;
      expiresAt: number;
      type: string;
    }[];
  };
  bridges: { hostId: string; bridges: BridgeReport[] };
  update: { hostId: string; name: string; applied: string };
  'host-info': {
    hostId: string;
    hostname: string;
    libvirtVersion: string;
    networks: number;
    activeNetworks: number;
    workerVersion: string;
  };
}
/** The result of a job. */
export type JobResult<N extends JobName> = JobResults[N];

/** A progress report while a job runs: which step and what it means for a person. */
export interface JobProgress {
  step: string;
  message: string;
  /** When the step began (ms since epoch). */
  at: number;
}

/**
 * Why a job failed, in words for a person plus a stable code. Sent as the failure reason (JSON in
 * BullMQ's `failedReason`), so the bot can show the message and branch on the code.
 */
export interface JobFailure {
  code: JobFailureCode;
  message: string;
  /** The step that failed (create: validate, plan, define, start, autostart). */
  step?: string;
}

/** Stable failure codes. */
export type JobFailureCode =
  | 'invalid-request'
  | 'not-found'
  | 'conflict'
  | 'in-use'
  | 'libvirt-error'
  | 'libvirt-unavailable'
  | 'host-down'
  | 'expired'
  | 'interrupted'
  | 'refused'
  | 'internal';

/** Encodes a failure for BullMQ's failedReason. */
export function encodeJobFailure(failure: JobFailure): string {
  return JSON.stringify(failure);
}

/** Decodes a failedReason; reasons that are not ours (e.g. "job stalled more than allowable limit") become `internal`. */
export function decodeJobFailure(reason: string | undefined): JobFailure {
  if (reason) {
    try {
      const parsed = JSON.parse(reason) as Partial<JobFailure>;
      if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return parsed as JobFailure;
    } catch {
      // not JSON: a BullMQ-internal reason
    }
    if (/stalled more than allowable limit/.test(reason)) {
      return {
        code: 'interrupted',
        message:
          'the host worker stopped (crashed or was killed) every time it ran this job, so it was given up; check the worker, then retry',
      };
    }
  }
  return { code: 'internal', message: reason ?? 'the job failed without a reason' };
}
