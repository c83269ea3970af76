import { z } from 'zod';
import type { DeepReadonly } from './deep-freeze.js';
import { omittableSection, whenValid } from './config-sections.js';
import type { EnvVarTable } from './env-var-table.js';
import { sharedConfigSchema, sharedEnvVars } from './shared-config.js';

/** libvirt drivers a worker may connect to (`network` is the modular virtnetworkd daemon). */
export const LIBVIRT_DRIVERS = ['qemu', 'test', 'network'] as const;
/** Transports our libvirt RPC client implements; no `+transport` means the local unix socket. */
export const LIBVIRT_TRANSPORTS = ['unix', 'tls', 'ssh'] as const;

const HOST_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Jobs that may be made to need approval (the contract's mutating jobs; config cannot import the
 * contract, and test/unit/config checks the two lists agree).
 */
export const APPROVABLE_JOBS = ['create', 'delete', 'start', 'stop', 'autostart', 'update'] as const;

function isSupportedLibvirtUri(text: string): boolean {
  let scheme: string;
  try {
    scheme = new URL(text).protocol.slice(0, -1);
  } catch {
    return false;
  }
  const [driver, transport, ...rest] = scheme.split('+');
  return (
    rest.length === 0 &&
    (LIBVIRT_DRIVERS as readonly (string | undefined)[]).includes(driver) &&
    (transport === undefined || (LIBVIRT_TRANSPORTS as readonly string[]).includes(transport))
  );
}

function either(words: readonly string[]): string {
  return new Intl.ListFormat('en', { type: 'disjunction' }).format(words);
}

function parseIpv4(text: string): number {
  return text.split('.').reduce((address, octet) => address * 256 + Number(octet), 0);
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** Prefix length of an `a.b.c.d/n` block (already format-checked). */
function prefixLengthOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

const subnetPool = z
  // abort: the host-bits check below only makes sense on well-formed CIDR text.
  .cidrv4({ error: 'must be an IPv4 block in CIDR notation, e.g. 10.200.0.0/16', abort: true })
  .superRefine((cidr, context) => {
    const [address = '', length = ''] = cidr.split('/');
    const blockSize = 2 ** (32 - Number(length));
    const start = Math.floor(parseIpv4(address) / blockSize) * blockSize;
    if (start !== parseIpv4(address)) {
      context.addIssue({ code: 'custom', message: `has host bits set — did you mean ${formatIpv4(start)}/${length}?` });
    }
  });

const workerSection = z
  .strictObject({
    hostId: z
      .string()
      .regex(HOST_ID, "must be 1-32 lowercase letters, digits or '-', starting with a letter or digit (e.g. kvm1)")
      .meta({
        description:
          "Name of this libvirt host in Slack commands (1-32 lowercase letters, digits or '-'); also names its job queue. Unique per host.",
      }),
    libvirtUri: z
      .string()
      .refine(
        isSupportedLibvirtUri,
        `must be a libvirt URI with driver ${either(LIBVIRT_DRIVERS)} and optional transport ` +
          `${either(LIBVIRT_TRANSPORTS.map((transport) => `+${transport}`))}, e.g. qemu:///system or qemu+ssh://root@kvm1/system`,
      )
      .default('qemu:///system')
      .meta({
        description:
          'libvirt connection URI of the host this worker manages, e.g. qemu:///system, qemu+tls://kvm1/system or qemu+ssh://root@kvm1/system.',
      }),
    concurrency: z.int().min(1).max(64).default(4).meta({ description: 'Jobs this worker runs at once.' }),
    subnetPool: subnetPool
      .default('10.200.0.0/16')
      .meta({ description: 'IPv4 block new networks get their subnets from when none is given.' }),
    subnetPrefix: z.int().min(8).max(30).default(24).meta({
      description: "Prefix length of each subnet carved from subnetPool; at least the pool's own prefix length.",
    }),
    heartbeatMs: z
      .int()
      .min(100)
      .max(60_000)
      .default(5000)
      .meta({ description: 'Milliseconds between the heartbeats that mark this host alive in Redis.' }),
    monitor: z.enum(['on', 'off']).default('on').meta({
      description:
        'Event monitor: report network lifecycle, bridge and health changes of this host to the alert channel.',
    }),
    monitorSnapshotMs: z.int().min(1000).max(3_600_000).default(60_000).meta({
      description: "Milliseconds between the monitor's full comparisons with libvirt, the safety net for lost events.",
    }),
    monitorHealthMs: z
      .int()
      .min(200)
      .max(600_000)
      .default(5000)
      .meta({ description: "Milliseconds between the monitor's dnsmasq and DHCP usage checks." }),
    libvirtGraceMs: z.int().min(0).max(600_000).default(5000).meta({
      description:
        'Milliseconds the libvirt connection may be down before the monitor raises a libvirt-disconnected alert (a quick reconnect stays quiet).',
    }),
    dhcpAlertPercent: z
      .int()
      .min(1)
      .max(100)
      .default(90)
      .meta({ description: "Alert when this share (percent) of a network's DHCP range is leased." }),
    jobPublicKeys: z.string().optional().meta({
      description:
        "The bot's job-signing public key(s), PEM or base64 DER (SPKI); two separated by a comma while keys are rotated. This or jobPublicKeyFiles is required.",
    }),
    jobPublicKeyFiles: z.string().optional().meta({
      description:
        "Files holding the bot's job-signing public key(s) (from npm run keys); two paths separated by a comma while keys are rotated.",
    }),
    approvalRequiredFor: z
      .string()
      .refine(
        (text) =>
          text === 'none' ||
          text.split(',').every((word) => (APPROVABLE_JOBS as readonly string[]).includes(word.trim())),
        `must be none or a comma-separated list of ${either(APPROVABLE_JOBS)}, e.g. create,delete`,
      )
      .default('create,delete')
      .transform((text) => (text === 'none' ? [] : [...new Set(text.split(',').map((word) => word.trim()))]))
      .meta({
        description:
          "Jobs this worker runs only with an approval signed into them (comma-separated, or none): its own copy of the bot's policy, which must agree with it.",
      }),
    shutdownGraceMs: z.int().min(0).max(600_000).default(10_000).meta({
      description: 'Milliseconds active jobs may run on after SIGTERM before the rest are handed back to the queue.',
    }),
  })
  .superRefine(
    (worker, context) => {
      const poolLength = prefixLengthOf(worker.subnetPool);
      if (worker.subnetPrefix < poolLength) {
        context.addIssue({
          code: 'custom',
          path: ['subnetPrefix'],
          message: `must be at least ${poolLength}, the prefix length of worker.subnetPool, since subnets are carved from the pool`,
        });
      }
    },
    whenValid('subnetPool', 'subnetPrefix'),
  )
  .apply(omittableSection)
  .meta({ description: 'Host worker: the libvirt host it manages and how it runs jobs.' });

/** Everything a host worker process is configured with. */
export const workerConfigSchema = sharedConfigSchema.extend({ worker: workerSection });

/** Validated, deeply frozen host worker configuration. */
export type WorkerConfig = DeepReadonly<z.output<typeof workerConfigSchema>>;

/** Environment variables a host worker reads, shared ones included. */
export const workerEnvVars = {
  ...sharedEnvVars,
  'worker.hostId': 'VNETOPS_HOST_ID',
  'worker.libvirtUri': 'VNETOPS_LIBVIRT_URI',
  'worker.concurrency': 'VNETOPS_WORKER_CONCURRENCY',
  'worker.subnetPool': 'VNETOPS_SUBNET_POOL',
  'worker.subnetPrefix': 'VNETOPS_SUBNET_PREFIX',
  'worker.heartbeatMs': 'VNETOPS_HEARTBEAT_MS',
  'worker.monitor': 'VNETOPS_MONITOR',
  'worker.monitorSnapshotMs': 'VNETOPS_MONITOR_SNAPSHOT_MS',
  'worker.monitorHealthMs': 'VNETOPS_MONITOR_HEALTH_MS',
  'worker.libvirtGraceMs': 'VNETOPS_LIBVIRT_GRACE_MS',
  'worker.dhcpAlertPercent': 'VNETOPS_DHCP_ALERT_PERCENT',
  'worker.jobPublicKeys': 'VNETOPS_JOB_PUBLIC_KEYS',
  'worker.jobPublicKeyFiles': 'VNETOPS_JOB_PUBLIC_KEY_FILES',
  'worker.approvalRequiredFor': 'VNETOPS_APPROVAL_REQUIRED_FOR',
  'worker.shutdownGraceMs': 'VNETOPS_SHUTDOWN_GRACE_MS',
} as const satisfies EnvVarTable<z.input<typeof workerConfigSchema>>;
