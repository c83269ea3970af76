/**
 * `renderNetworkXml`: a network spec as libvirt's network XML (formatnetwork). Built with xmlbuilder2,
 * so markup comes from the builder and values only ever go in as text or attribute values.
 *
 * One quirk of xmlbuilder2 is worked around (seen in 4.0.3; reported upstream since 3.0.2, issues
 * #109, #110, #117): its serializer leaves an "&" unescaped when what follows looks like a reference
 * (`&name;`, `&#123;`), so the text `&amp;` came out as `&amp;` and read back as `&`, and `&#0;` made
 * the document invalid. Every value therefore goes through {@link xmlValue}, and serialization runs
 * with `wellFormed` so anything XML cannot carry throws instead of producing a broken document. The
 * property tests pin this down.
 */
import { create } from 'xmlbuilder2';
import type { DhcpHost, DhcpRange, IpConfig, NetworkMetadata, NetworkMode, NetworkSpec } from './network-spec.js';
import { validateNetworkSpec } from './network-validation.js';
import { VNETOPS_METADATA_ELEMENT, VNETOPS_METADATA_FIELDS, VNETOPS_METADATA_NAMESPACE, VNETOPS_METADATA_PREFIX } from './network-metadata-xml.js';

/** Options of {@link renderNetworkXml}. */
export interface RenderNetworkXmlOptions {
  /** The network's UUID, to redefine an existing network; libvirt picks one when absent. */
  readonly uuid?: string;
}

/** libvirt's `<forward mode>` per mode; isolated networks have no `<forward>` at all. */
const FORWARD_MODES: Readonly<Record<NetworkMode, string | undefined>> = {
  nat: 'nat',
  routed: 'route',
  open: 'open',
  bridged: 'bridge',
  isolated: undefined,
};

/** A node of the document being built. */
type XMLBuilder = ReturnType<typeof create>;

/**
 * A value for xmlbuilder2: "&" pre-escaped as "&amp;", which its serializer then leaves alone (see the
 * module comment), so every "&" reaches the document escaped exactly once.
 */
function xmlValue(value: string): string {
  return value.replaceAll('&', '&amp;');
}

/** Attribute values through {@link xmlValue}. */
function xmlAttributes(attributes: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name, xmlValue(value)]),
  );
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Renders `spec` as libvirt network XML. The spec is validated first (and normalised), so XML is only
 * ever produced for a spec vnetops accepts; throws `NetworkSpecError` otherwise.
 */
export function renderNetworkXml(spec: NetworkSpec, opts: RenderNetworkXmlOptions = {}): string {
  const checked = validateNetworkSpec(spec);
  if (opts.uuid !== undefined && !UUID_TEXT.test(opts.uuid)) {
    throw new TypeError(`renderNetworkXml: uuid ${JSON.stringify(opts.uuid)} is not a UUID such as 3e3fce45-4f53-4fa7-bb32-11f34168b82b`);
  }
  const network = create().ele('network');
  network.ele('name').txt(xmlValue(checked.name));
  if (opts.uuid !== undefined) network.ele('uuid').txt(xmlValue(opts.uuid.toLowerCase()));
  if (checked.metadata !== undefined) addMetadata(network, checked.metadata);
  addForward(network, checked);
  if (checked.mode === 'bridged') {
    network.ele('bridge', xmlAttributes({ name: checked.bridge }));
  } else {
    // libvirt's own defaults, written out so that what we define is what we read back.
    network.ele('bridge', xmlAttributes({ name: checked.bridge, stp: 'on', delay: '0' }));
  }
  if (checked.mtu !== undefined) network.ele('mtu', xmlAttributes({ size: String(checked.mtu) }));
  if (checked.mode !== 'bridged') {
    if (checked.dnsDomain !== undefined) network.ele('domain', xmlAttributes({ name: checked.dnsDomain }));
    addIp(network, checked.ipv4, 'ipv4');
    if (checked.ipv6 !== undefined) addIp(network, checked.ipv6, 'ipv6');
  }
  return network.end({ prettyPrint: true, headless: true, wellFormed: true });
}

function addMetadata(network: XMLBuilder, metadata: NetworkMetadata): void {
  const ours = network.ele('metadata').ele(VNETOPS_METADATA_NAMESPACE, `${VNETOPS_METADATA_PREFIX}:${VNETOPS_METADATA_ELEMENT}`);
  for (const field of VNETOPS_METADATA_FIELDS) {
    const value = metadata[field];
    if (value !== undefined) ours.ele(VNETOPS_METADATA_NAMESPACE, `${VNETOPS_METADATA_PREFIX}:${field}`).txt(xmlValue(value));
  }
}

function addForward(network: XMLBuilder, spec: NetworkSpec): void {
  const mode = FORWARD_MODES[spec.mode];
  if (mode === undefined) return;
  const forwardDev = spec.mode === 'nat' || spec.mode === 'routed' ? spec.forwardDev : undefined;
  const forward = network.ele('forward', xmlAttributes({ mode, dev: forwardDev }));
  if (spec.mode === 'nat' && spec.natPorts !== undefined) {
    forward.ele('nat').ele('port', xmlAttributes({ start: String(spec.natPorts.start), end: String(spec.natPorts.end) }));
  }
}

function addIp(network: XMLBuilder, config: IpConfig, family: 'ipv4' | 'ipv6'): void {
  const [, prefix = ''] = config.subnet.split('/');
  const ip = network.ele('ip', xmlAttributes({ family: family === 'ipv6' ? family : undefined, address: config.gateway, prefix }));
  if (config.dhcp === undefined && config.dhcpHosts === undefined) return;
  const dhcp = ip.ele('dhcp');
  if (config.dhcp !== undefined) dhcp.ele('range', xmlAttributes({ start: config.dhcp.start, end: config.dhcp.end }));
  for (const host of config.dhcpHosts ?? []) {
    dhcp.ele('host', xmlAttributes({ mac: host.mac, name: host.name, ip: host.ip }));
  }
}

/** A `<range start end/>` element, for `virNetworkUpdate` of a network's DHCP range. */
export function renderDhcpRangeXml(range: DhcpRange): string {
  return create().ele('range', xmlAttributes({ start: range.start, end: range.end })).end({ headless: true, wellFormed: true });
}

/** A `<host mac name ip/>` element, for `virNetworkUpdate` of a network's fixed DHCP hosts. */
export function renderDhcpHostXml(host: DhcpHost): string {
  return create().ele('host', xmlAttributes({ mac: host.mac, name: host.name, ip: host.ip })).end({ headless: true, wellFormed: true });
}
