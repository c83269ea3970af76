/**
 * `parseNetworkXml`: libvirt's network XML back into a {@link NetworkSpec} plus the facts libvirt
 * chose (uuid, bridge MAC). Strict on purpose: a network parses only when its spec, rendered again,
 * means the same network. Everything else (hand-made networks with several subnets, DNS records,
 * modes such as hostdev) throws {@link UnsupportedNetworkXmlError} naming each thing in the way.
 * libvirt's own additions (uuid, mac, stp='on' delay='0', the `<interface>` it copies from
 * `<forward dev>`, live `connections` counts) are understood and dropped.
 */
import { cidrOf, formatCidr, formatIpAddress } from '../planning/ip-address.js';
import { InvalidNetworkXmlError, UnsupportedNetworkXmlError } from './xml-errors.js';
import { readIpElement, parseNetworkDocument } from './network-addresses.js';
import {
  VNETOPS_METADATA_ELEMENT,
  VNETOPS_METADATA_FIELDS,
  VNETOPS_METADATA_NAMESPACE,
} from './network-metadata-xml.js';
import type { NetworkFacts, NetworkMode, NetworkSpec, ParsedNetwork } from '../spec/network-spec.js';
import { NetworkSpecError } from '../spec/spec-errors.js';
import { validateNetworkSpec } from '../spec/network-validation.js';
import { type XmlElement, childNamed, childrenNamed } from './xml-tree.js';

/** Options of {@link parseNetworkXml}. */
export interface ParseNetworkXmlOptions {
  /** Whether libvirt starts the network at boot: not part of the XML, so the caller asks libvirt. */
  readonly autostart: boolean;
}

/** libvirt's forward modes that vnetops models, and what it calls them. */
const MODES_BY_FORWARD: Readonly<Record<string, NetworkMode>> = {
  nat: 'nat',
  route: 'routed',
  open: 'open',
  bridge: 'bridged',
};

/** What people call the libvirt elements vnetops does not model, for the "not supported" list. */
const FEATURE_NAMES: Readonly<Record<string, string>> = {
  dns: 'DNS settings',
  route: 'static routes',
  portgroup: 'port groups',
  bandwidth: 'bandwidth limits',
  vlan: 'VLAN tags',
  virtualport: 'virtual port profiles (Open vSwitch, 802.1Qbh)',
  port: 'port isolation',
  tftp: 'TFTP boot',
  bootp: 'PXE boot',
  lease: 'custom DHCP lease times',
  address: 'NAT address ranges',
  pf: 'SR-IOV physical functions',
  driver: 'device driver settings',
  'dnsmasq:options': 'raw dnsmasq options',
};

/** Attributes libvirt adds to live XML that carry no configuration. */
const LIVE_ONLY_ATTRIBUTES = ['connections'];

/**
 * Reads libvirt network XML (as `virNetworkGetXMLDesc` returns it) as a validated, normalised spec
 * plus libvirt's facts. Throws {@link UnsupportedNetworkXmlError} for networks vnetops cannot model
 * and {@link InvalidNetworkXmlError} for text that is not a libvirt network's XML.
 */
export function parseNetworkXml(xml: string, opts: ParseNetworkXmlOptions): ParsedNetwork {
  const network = parseNetworkDocument(xml);
  const name = requiredText(network, 'name');
  const uuid = requiredText(network, 'uuid');
  const unsupported: string[] = [];
  noteUnmodelled(
    network,
    ['name', 'uuid', 'metadata', 'forward', 'bridge', 'mtu', 'mac', 'domain', 'ip'],
    [],
    unsupported,
  );

  const forward = readForward(network, unsupported);
  const input: Record<string, unknown> = { name, mode: forward.mode, autostart: opts.autostart };
  const bridge = readBridge(network, forward.mode, unsupported);
  if (bridge !== undefined) input.bridge = bridge;
  if (forward.dev !== undefined) input.forwardDev = forward.dev;
  if (forward.natPorts !== undefined) input.natPorts = forward.natPorts;
  const mtu = childNamed(network, 'mtu');
  if (mtu !== undefined) {
    noteUnmodelled(mtu, [], ['size'], unsupported);
    input.mtu = numberOrText(mtu.attributes.size);
  }
  const domain = childNamed(network, 'domain');
  if (domain !== undefined) {
    noteUnmodelled(domain, [], ['name'], unsupported);
    input.dnsDomain = domain.attributes.name;
  }
  Object.assign(input, readIpConfigs(network, unsupported));
  const metadata = readVnetopsMetadata(network);
  if (metadata !== undefined) input.metadata = metadata;

  if (unsupported.length > 0) throw new UnsupportedNetworkXmlError(name, unsupported);
  return { spec: validateAsSpec(name, input), facts: readFacts(network, uuid) };
}

function validateAsSpec(name: string, input: Record<string, unknown>): NetworkSpec {
  try {
    return validateNetworkSpec(input);
  } catch (error) {
    if (error instanceof NetworkSpecError) {
      throw new UnsupportedNetworkXmlError(
        name,
        error.problems.map((problem) => problem.message),
      );
    }
    throw error;
  }
}

function readFacts(network: XmlElement, uuid: string): NetworkFacts {
  const mac = childNamed(network, 'mac')?.attributes.address;
  return { uuid: uuid.toLowerCase(), ...(mac === undefined ? {} : { mac: mac.toLowerCase() }) };
}

function requiredText(network: XmlElement, element: string): string {
  const text = childNamed(network, element)?.text;
  if (text === undefined || text === '')
    throw new InvalidNetworkXmlError(`the <network> has no <${element}>, which libvirt always writes`);
  return text;
}

interface ForwardReading {
  readonly mode?: NetworkMode;
  readonly dev?: string;
  readonly natPorts?: { readonly start: unknown; readonly end: unknown };
}

function readForward(network: XmlElement, unsupported: string[]): ForwardReading {
  const forward = childNamed(network, 'forward');
  if (forward === undefined) return { mode: 'isolated' };
  // A <forward> without a mode is NAT, libvirt's default.
  const libvirtMode = forward.attributes.mode ?? 'nat';
  const mode = MODES_BY_FORWARD[libvirtMode];
  if (mode === undefined) {
    unsupported.push(
      `forward mode ${JSON.stringify(libvirtMode)}: vnetops manages only nat, route, open and bridge (and isolated networks, which have no <forward>)`,
    );
    return {};
  }
  const dev = forward.attributes.dev;
  noteUnmodelled(forward, ['nat', 'interface'], ['mode', 'dev'], unsupported);
  const interfaces = childrenNamed(forward, 'interface');
  // libvirt writes <interface dev> for the forward device itself; anything else is a pool of devices.
  if (interfaces.length > 1 || interfaces.some((entry) => entry.attributes.dev !== dev)) {
    unsupported.push(
      `a pool of forward interfaces (${interfaces.map((entry) => JSON.stringify(entry.attributes.dev ?? '')).join(', ')})`,
    );
  }
  for (const entry of interfaces) noteUnmodelled(entry, [], ['dev', ...LIVE_ONLY_ATTRIBUTES], unsupported);
  const nat = childNamed(forward, 'nat');
  let natPorts: ForwardReading['natPorts'];
  if (nat !== undefined) {
    noteUnmodelled(nat, ['port'], [], unsupported);
    const port = childNamed(nat, 'port');
    if (port !== undefined) {
      noteUnmodelled(port, [], ['start', 'end'], unsupported);
      natPorts = { start: numberOrText(port.attributes.start), end: numberOrText(port.attributes.end) };
    }
  }
  return { mode, ...(dev === undefined ? {} : { dev }), ...(natPorts === undefined ? {} : { natPorts }) };
}

function readBridge(network: XmlElement, mode: NetworkMode | undefined, unsupported: string[]): string | undefined {
  const bridge = childNamed(network, 'bridge');
  const name = bridge?.attributes.name;
  if (bridge === undefined || name === undefined) {
    if (mode === 'bridged')
      unsupported.push('forward mode "bridge" without a host bridge (macvtap: guests attach to a host NIC directly)');
    else if (mode !== undefined) unsupported.push('no bridge name (<bridge name>)');
    return undefined;
  }
  noteUnmodelled(bridge, [], ['name', 'stp', 'delay'], unsupported);
  const { stp, delay } = bridge.attributes;
  if (stp !== undefined && stp !== 'on') unsupported.push(`STP turned off (<bridge stp=${JSON.stringify(stp)}>)`);
  if (delay !== undefined && delay !== '0')
    unsupported.push(`a bridge forward delay of ${delay} s (<bridge delay=${JSON.stringify(delay)}>)`);
  return name;
}

/** Reads the `<ip>` elements as `ipv4`/`ipv6` spec input; one of each at most. */
function readIpConfigs(network: XmlElement, unsupported: string[]): Record<string, unknown> {
  const configs: Record<string, unknown> = {};
  const seen: Record<string, string[]> = { ipv4: [], ipv6: [] };
  for (const ip of childrenNamed(network, 'ip')) {
    const reading = readIpElement(ip);
    if (reading === undefined) {
      unsupported.push(`an <ip> element that cannot be read (${JSON.stringify(ip.attributes)})`);
      continue;
    }
    const family = reading.address.family;
    const subnet = formatCidr(cidrOf(reading.address, reading.prefix));
    seen[family]?.push(`${formatIpAddress(reading.address)}/${reading.prefix}`);
    noteUnmodelled(ip, ['dhcp'], ['address', 'prefix', 'netmask', 'family'], unsupported);
    configs[family] = { subnet, gateway: formatIpAddress(reading.address), ...readDhcp(ip, subnet, unsupported) };
  }
  for (const [family, addresses] of Object.entries(seen)) {
    if (addresses.length > 1) {
      unsupported.push(
        `${addresses.length} ${family === 'ipv4' ? 'IPv4' : 'IPv6'} addresses (${addresses.join(', ')}): vnetops manages one subnet per family`,
      );
    }
  }
  return configs;
}

function readDhcp(ip: XmlElement, subnet: string, unsupported: string[]): Record<string, unknown> {
  const dhcp = childNamed(ip, 'dhcp');
  if (dhcp === undefined) return {};
  noteUnmodelled(dhcp, ['range', 'host'], [], unsupported);
  const read: Record<string, unknown> = {};
  const ranges = childrenNamed(dhcp, 'range');
  if (ranges.length > 1) unsupported.push(`${ranges.length} DHCP ranges in ${subnet}: vnetops manages one`);
  const [range] = ranges;
  if (range !== undefined) {
    noteUnmodelled(range, [], ['start', 'end'], unsupported);
    read.dhcp = { start: range.attributes.start, end: range.attributes.end };
  }
  const hosts = childrenNamed(dhcp, 'host');
  if (hosts.length > 0) {
    read.dhcpHosts = hosts.map((host) => {
      noteUnmodelled(host, [], ['mac', 'name', 'ip'], unsupported);
      if (host.attributes.mac === undefined)
        unsupported.push(`a fixed DHCP host without a MAC address in ${subnet} (${JSON.stringify(host.attributes)})`);
      const { mac, name, ip: address } = host.attributes;
      return { mac, ...(name === undefined ? {} : { name }), ip: address };
    });
  }
  return read;
}

/** vnetops' element inside `<metadata>` (any prefix bound to our namespace); other tools' elements are left alone. */
function readVnetopsMetadata(network: XmlElement): Record<string, string> | undefined {
  const metadata = childNamed(network, 'metadata');
  if (metadata === undefined) return undefined;
  for (const element of metadata.children) {
    const [prefix, local] = splitQualifiedName(element.name);
    const namespace = element.attributes[prefix === undefined ? 'xmlns' : `xmlns:${prefix}`];
    if (namespace !== VNETOPS_METADATA_NAMESPACE || local !== VNETOPS_METADATA_ELEMENT) continue;
    const fields: Record<string, string> = {};
    for (const child of element.children) {
      const [childPrefix, childLocal] = splitQualifiedName(child.name);
      const field = VNETOPS_METADATA_FIELDS.find((name) => name === childLocal);
      // Unknown fields are skipped: a newer vnetops may have written them.
      if (childPrefix === prefix && field !== undefined) fields[field] = child.text;
    }
    return fields;
  }
  return undefined;
}

function splitQualifiedName(name: string): [string | undefined, string] {
  const colon = name.indexOf(':');
  return colon < 0 ? [undefined, name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Lists child elements and attributes of `element` that are not in the given lists. */
function noteUnmodelled(
  element: XmlElement,
  children: readonly string[],
  attributes: readonly string[],
  unsupported: string[],
): void {
  for (const [attribute, value] of Object.entries(element.attributes)) {
    if (
      attributes.includes(attribute) ||
      LIVE_ONLY_ATTRIBUTES.includes(attribute) ||
      attribute === 'xmlns' ||
      attribute.startsWith('xmlns:')
    )
      continue;
    unsupported.push(`<${element.name} ${attribute}=${JSON.stringify(value)}>`);
  }
  for (const child of element.children) {
    if (children.includes(child.name)) continue;
    const feature = FEATURE_NAMES[child.name];
    unsupported.push(feature === undefined ? `<${child.name}> in <${element.name}>` : `${feature} (<${child.name}>)`);
  }
}

/** Attribute text as a number when it is one, so the spec's number checks apply; else the text, which they refuse. */
function numberOrText(text: string | undefined): unknown {
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : text;
}
