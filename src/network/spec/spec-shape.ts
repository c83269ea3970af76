/**
 * The shape of a network spec as it arrives (JSON from a command or a job): which options exist and
 * their types. zod checks the types; the messages are ours. Each option is read on its own, so one
 * malformed option does not hide the problems of the others.
 */
import { z } from 'zod';
import { NETWORK_MODES, type NetworkMetadata } from './network-spec.js';
import type { ReportProblem } from './spec-errors.js';
import type { IpConfigInput } from './ip-rules.js';
import { showValue } from './value-display.js';

/** Top-level options; the nested objects are read field by field below, so each has its own messages. */
const SPEC_FIELDS = {
  name: z.string(),
  mode: z.string(),
  bridge: z.string(),
  autostart: z.boolean(),
  mtu: z.number().optional(),
  metadata: z.unknown().optional(),
  ipv4: z.unknown().optional(),
  ipv6: z.unknown().optional(),
  dnsDomain: z.string().optional(),
  forwardDev: z.string().optional(),
  natPorts: z.unknown().optional(),
};

const IP_CONFIG_FIELDS = {
  subnet: z.string(),
  gateway: z.string(),
  dhcp: z.unknown().optional(),
  dhcpHosts: z.array(z.unknown()).optional(),
};

const ADDRESS_RANGE_FIELDS = { start: z.string(), end: z.string() };
const DHCP_HOST_FIELDS = { mac: z.string(), name: z.string().optional(), ip: z.string() };
const PORT_RANGE_FIELDS = { start: z.number(), end: z.number() };

const METADATA_FIELDS = {
  description: z.string().optional(),
  requestedBy: z.string().optional(),
  jobId: z.string().optional(),
};

/** The top-level option names, in the order messages list them. */
export type SpecOption = keyof typeof SPEC_FIELDS;

/** A spec's options that have the right type; malformed ones are reported and left out. */
export interface SpecInput {
  readonly name?: string;
  readonly mode?: string;
  readonly bridge?: string;
  readonly autostart?: boolean;
  readonly mtu?: number;
  readonly metadata?: NetworkMetadata;
  readonly ipv4?: IpConfigInput;
  readonly ipv6?: IpConfigInput;
  readonly dnsDomain?: string;
  readonly forwardDev?: string;
  /** Each end present only when well-formed (a missing or malformed one is reported). */
  readonly natPorts?: { readonly start?: number; readonly end?: number };
  /** Options given at all, well-formed or not: a mode can refuse an option whatever its value. */
  readonly given: ReadonlySet<SpecOption>;
}

/** What to say when a required option is left out, keyed by path with list indexes as `[]`. */
const MISSING_HINTS: Readonly<Record<string, string>> = {
  name: 'give the network a name such as "lab1"',
  mode: `choose one of ${NETWORK_MODES.join(', ')}`,
  bridge: 'give the Linux bridge name, e.g. "vnbr0"',
  autostart: 'say true or false (should the network start when the host boots?)',
  'ipv4.subnet': 'give the subnet as a CIDR, e.g. 10.0.5.0/24',
  'ipv4.gateway': "give the bridge's own address in the subnet, e.g. 10.0.5.1",
  'ipv6.subnet': 'give the subnet as a CIDR, e.g. fd00:5::/64',
  'ipv6.gateway': "give the bridge's own address in the subnet, e.g. fd00:5::1",
  'dhcp.start': 'give the first address DHCP hands out',
  'dhcp.end': 'give the last address DHCP hands out',
  'dhcpHosts[].mac': "give the guest's MAC address, e.g. 52:54:00:12:34:56",
  'dhcpHosts[].ip': 'give the address the guest always gets',
  'natPorts.start': 'give the first source port NAT may use, e.g. 1024',
  'natPorts.end': 'give the last source port NAT may use, e.g. 65535',
};

const EXPECTED_TEXT: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** Reads the spec's options, reporting every unknown option and every value of the wrong type. */
export function readSpecShape(input: unknown, report: ReportProblem): SpecInput {
  const given = new Set<SpecOption>();
  const fields = readFields(input, SPEC_FIELDS, '', report);
  if (fields === undefined) return { given };
  for (const key of Object.keys(SPEC_FIELDS) as SpecOption[]) {
    if ((input as Record<string, unknown>)[key] !== undefined) given.add(key);
  }
  const { metadata, ipv4, ipv6, natPorts, ...plain } = fields;
  const readMetadata = metadata === undefined ? undefined : readFields(metadata, METADATA_FIELDS, 'metadata', report);
  const readIpv4 = ipv4 === undefined ? undefined : readIpConfig(ipv4, 'ipv4', report);
  const readIpv6 = ipv6 === undefined ? undefined : readIpConfig(ipv6, 'ipv6', report);
  const readNatPorts = natPorts === undefined ? undefined : readFields(natPorts, PORT_RANGE_FIELDS, 'natPorts', report);
  return {
    ...plain,
    ...(readMetadata === undefined ? {} : { metadata: readMetadata }),
    ...(readIpv4 === undefined ? {} : { ipv4: readIpv4 }),
    ...(readIpv6 === undefined ? {} : { ipv6: readIpv6 }),
    ...(readNatPorts === undefined ? {} : { natPorts: readNatPorts }),
    given,
  };
}

function readIpConfig(input: unknown, where: 'ipv4' | 'ipv6', report: ReportProblem): IpConfigInput | undefined {
  const fields = readFields(input, IP_CONFIG_FIELDS, where, report);
  if (fields === undefined) return undefined;
  const { dhcp, dhcpHosts, ...plain } = fields;
  const readDhcp = dhcp === undefined ? undefined : readFields(dhcp, ADDRESS_RANGE_FIELDS, `${where}.dhcp`, report);
  // A host that is not an object stays in the list as undefined, so later hosts keep their numbers.
  const readHosts = dhcpHosts?.map((host, index) =>
    readFields(host, DHCP_HOST_FIELDS, `${where}.dhcpHosts[${index}]`, report),
  );
  return {
    ...plain,
    // A malformed dhcp still counts as given: fixed hosts then do not also report a missing range.
    ...(dhcp === undefined ? {} : { dhcp: readDhcp ?? {} }),
    ...(readHosts === undefined ? {} : { dhcpHosts: readHosts }),
  };
}

type Shapes = Record<string, z.ZodType>;
type ReadFields<S extends Shapes> = { -readonly [K in keyof S]?: Exclude<z.output<S[K]>, undefined> };

/** Reads the fields of one object; undefined when the value is not an object at all. */
function readFields<S extends Shapes>(
  input: unknown,
  shapes: S,
  where: string,
  report: ReportProblem,
): ReadFields<S> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    report(
      where,
      `${where === '' ? 'a network spec' : where} must be an object with ${describeFields(shapes)}, not ${describeValue(input)}`,
    );
    return undefined;
  }
  const record = input as Record<string, unknown>;
  const known = Object.keys(shapes);
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(shapes, key)) report(joinPath(where, key), unknownOptionMessage(key, where, known));
  }
  const read: ReadFields<S> = {};
  for (const key of known as (keyof S & string)[]) {
    const shape = shapes[key];
    if (shape === undefined) continue;
    const result = shape.safeParse(record[key]);
    if (result.success) {
      if (result.data !== undefined) read[key] = result.data as Exclude<z.output<S[typeof key]>, undefined>;
      continue;
    }
    for (const issue of result.error.issues) {
      const path = joinPath(where, key, ...issue.path.map((part) => (typeof part === 'number' ? part : String(part))));
      reportIssue(issue, path, valueAt(record[key], issue.path), report);
    }
  }
  return read;
}

function reportIssue(issue: z.core.$ZodIssue, path: string, value: unknown, report: ReportProblem): void {
  if (issue.code === 'invalid_type') {
    if (value === undefined) {
      const hint =
        MISSING_HINTS[path.replace(/\[\d+\]/g, '[]')] ??
        MISSING_HINTS[path.replace(/^ipv[46]\./, '').replace(/\[\d+\]/g, '[]')];
      report(path, hint === undefined ? `${path} is missing` : `${path} is missing: ${hint}`);
    } else {
      report(path, `${path} must be ${EXPECTED_TEXT[issue.expected] ?? issue.expected}, not ${describeValue(value)}`);
    }
    return;
  }
  report(path, `${path}: ${issue.message}`);
}

function describeFields(shapes: Shapes): string {
  const keys = Object.keys(shapes);
  const required = keys.filter((key) => shapes[key]?.safeParse(undefined).success === false);
  const optional = keys.filter((key) => !required.includes(key));
  if (required.length === 0) return `${optional.join(', ')} (all optional)`;
  if (optional.length === 0) return required.join(', ');
  return `${required.join(', ')} (optional: ${optional.join(', ')})`;
}

function unknownOptionMessage(key: string, where: string, known: readonly string[]): string {
  const suggestion =
    known.find((name) => name.toLowerCase() === key.toLowerCase()) ??
    known.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
  const place = where === '' ? 'a network option' : `an option of ${where}`;
  const fix = suggestion === undefined ? `the options are ${known.join(', ')}` : `did you mean ${suggestion}?`;
  return `${showValue(key)} is not ${place}: ${fix}`;
}

/** Levenshtein distance, for "did you mean" on short option names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A value as messages describe it: `the text "x"`, `the number 5`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${showValue(value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : String(value);
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function joinPath(where: string, ...parts: (string | number)[]): string {
  return parts.reduce<string>(
    (path, part) => (typeof part === 'number' ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`),
    where,
  );
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}
