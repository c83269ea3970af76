/**
 * The worker→bot contract of the event monitor: what a host worker reports about its networks and
 * bridges (and what the bot itself sees of whole hosts, on the same stream). Workers append events to one Redis stream ({@link monitorStreamKey}); the bot reads it
 * with a consumer group, so an event written while the bot is down is posted when it comes back.
 * Validated on the bot side, since workers may run another version.
 */
import { z } from 'zod';
import { JOB_REFUSAL_CHECKS } from './job-signing.js';

/** Every kind of monitor event. */
export const MONITOR_EVENT_KINDS = [
  // libvirt network lifecycle
  'network-defined',
  'network-undefined',
  'network-started',
  'network-stopped',
  // a bridge a network uses (or a host bridge a bridged network points at)
  'bridge-down',
  'bridge-up',
  'bridge-missing',
  'bridge-back',
  'bridge-stp-changed',
  'port-attached',
  'port-detached',
  'port-stp-changed',
  'address-added',
  'address-removed',
  // detected by the worker; libvirt reports none of these
  'dnsmasq-died',
  'dnsmasq-back',
  'uplink-carrier-lost',
  'uplink-carrier-back',
  'dhcp-nearly-full',
  'dhcp-ok',
  'libvirt-disconnected',
  'libvirt-back',
  // seen by the bot in the host registry: a worker's heartbeat lapsed, or came back
  'host-unreachable',
  'host-back',
  // security: a job the worker would not run (unsigned, expired, replayed …); see job-signing.ts
  'job-refused',
] as const;

/** A kind of monitor event. */
export type MonitorEventKind = (typeof MONITOR_EVENT_KINDS)[number];

/** The lifecycle kinds (the ones a vnetops job can cause). */
export const NETWORK_LIFECYCLE_KINDS = [
  'network-defined',
  'network-undefined',
  'network-started',
  'network-stopped',
] as const satisfies readonly MonitorEventKind[];

/**
 * Who or what caused an event:
 * - `job`: a vnetops job (see `job`);
 * - `outside`: a lifecycle change no vnetops job made (someone ran virsh by hand, another tool);
 * - `observed`: a bridge, port or health change the worker saw (no cause to attribute);
 * - `reconciled`: found by diffing state after the monitor was blind (libvirt disconnected, worker
 *   down) or by the periodic safety-net snapshot; `blindSince` says from when.
 */
export const MONITOR_SOURCES = ['job', 'outside', 'observed', 'reconciled'] as const;
/** See {@link MONITOR_SOURCES}. */
export type MonitorSource = (typeof MONITOR_SOURCES)[number];

const shortText = z.string().min(1).max(256);

/** The schema of one monitor event. */
export const monitorEventSchema = z.strictObject({
  /** Unique per event (dedup key): `<host>:<worker start ms>:<sequence>`. */
  id: z.string().min(1).max(128),
  host: z.string().min(1).max(32),
  kind: z.enum(MONITOR_EVENT_KINDS),
  /** When the worker saw it (ms since epoch). */
  at: z.number().int().nonnegative(),
  source: z.enum(MONITOR_SOURCES),
  /** The libvirt network concerned, when there is one. */
  network: shortText.optional(),
  uuid: z.string().max(64).optional(),
  bridge: shortText.optional(),
  /** Port (or uplink device) concerned. */
  port: shortText.optional(),
  /** The VM behind the port, when known. */
  vm: shortText.optional(),
  address: shortText.optional(),
  /** A state change's old and new value (e.g. STP port state). */
  from: shortText.optional(),
  to: shortText.optional(),
  /** Extra words for a person, e.g. "43 of 45 addresses leased". */
  detail: z.string().max(500).optional(),
  /** The job behind a `job` event. */
  job: z
    .strictObject({
      id: z.string().max(128),
      name: z.string().max(32),
      userId: z.string().max(64),
      userName: z.string().max(128).optional(),
    })
    .optional(),
  /** For `job-refused`: which check failed (`detail` says it for a person; `job` is what the job claimed). */
  check: z.enum(JOB_REFUSAL_CHECKS).optional(),
  /** For `reconciled` events: since when the monitor could not see (ms since epoch). */
  blindSince: z.number().int().nonnegative().optional(),
});

/** One monitor event. */
export type MonitorEvent = z.infer<typeof monitorEventSchema>;
