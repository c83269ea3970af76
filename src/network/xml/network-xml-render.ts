/**
 * `renderNetworkXml`: a network spec as libvirt's network XML (formatnetwork). Built with
 * fast-xml-parser's `XMLBuilder`, the library that also reads the XML (xml-tree.ts), because one XML
 * library is enough: its builder escapes every value correctly on its own, where xmlbuilder2 needed a
 * workaround, and renders in less time (bench/xml.ts). (Its typings mark `XMLBuilder` deprecated in
 * favour of the fast-xml-builder package, which is the same code; fast-xml-parser re-exports it.)
 *
 * Markup comes from the builder and values only ever go in as text or attribute values, escaped by the
 * builder with its default `processEntities` (`&`, `<`, `>`, `"` and `'` as the five predefined
 * entities, text and attributes alike). It does not check that a value is made of characters XML can
 * carry, so {@link xmlValue} does: anything else throws instead of producing a broken document, as do
 * the characters an XML parser would normalise away (a carriage return anywhere, a tab or line break
 * in an attribute). The property tests pin this down.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { DhcpHost, DhcpRange, IpConfig, NetworkMetadata, NetworkMode, NetworkSpec } from '../spec/network-spec.js';
import { validateNetworkSpec } from '../spec/network-validation.js';
import {
  VNETOPS_METADATA_ELEMENT,
  VNETOPS_METADATA_FIELDS,
  VNETOPS_METADATA_NAMESPACE,
  VNETOPS_METADATA_PREFIX,
} from './network-metadata-xml.js';

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

const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';

/**
 * An element in the builder's ordered form: `{ name: children, ':@': attributes }`, or a text node
 * `{ '#text': value }`. The ordered form keeps elements and attributes in the order written here.
 */
type XmlNode = Record<string, XmlNode[] | Record<string, string> | string>;

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: TEXT_KEY,
  format: true,
  indentBy: '  ',
  // `<port .../>` rather than `<port ...></port>`, as libvirt writes it.
  suppressEmptyNode: true,
  // Otherwise an attribute whose value is `true` would be written without a value.
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** The document for `nodes`, without the newline the builder's `format` puts before the root element. */
function build(nodes: XmlNode[]): string {
  return builder.build(nodes).replace(/^\n/, '');
}

/**
 * Characters that do not come back from XML as written, per place: those outside XML 1.0's Char
 * production (lone surrogates included), a carriage return (read back as a line feed), and in
 * attributes also tab and line feed (read back as spaces).
 */
const NOT_KEPT: Readonly<Record<'text' | 'attribute', RegExp>> = {
  text: /[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u,
  attribute: /[^\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u,
};

/** A value as it goes to the builder, which escapes it: throws if XML would not give it back exactly. */
function xmlValue(value: string, place: 'text' | 'attribute'): string {
  const bad = NOT_KEPT[place].exec(value);
  if (bad !== null) {
    const codePoint = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`cannot write U+${codePoint} in an XML ${place}: ${JSON.stringify(value)}`);
  }
  return value;
}

/** An element with the attributes that have a value, and `children` (elements or text) in order. */
function element(
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: XmlNode[] = [],
): XmlNode {
  const node: XmlNode = { [name]: children };
  const present = Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (present.length > 0)
    node[ATTRIBUTES_KEY] = Object.fromEntries(present.map(([key, value]) => [key, xmlValue(value, 'attribute')]));
  return node;
}

/** An element holding only `text`. */
function textElement(name: string, text: string): XmlNode {
  return element(name, {}, [{ [TEXT_KEY]: xmlValue(text, 'text') }]);
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Renders `spec` as libvirt network XML. The spec is validated first (and normalised), so XML is only
 * ever produced for a spec vnetops accepts; throws `NetworkSpecError` otherwise.
 */
export function renderNetworkXml(spec: NetworkSpec, opts: RenderNetworkXmlOptions = {}): string {
  const checked = validateNetworkSpec(spec);
  if (opts.uuid !== undefined && !UUID_TEXT.test(opts.uuid)) {
    throw new TypeError(
      `renderNetworkXml: uuid ${JSON.stringify(opts.uuid)} is not a UUID such as 3e3fce45-4f53-4fa7-bb32-11f34168b82b`,
    );
  }
  const network: XmlNode[] = [textElement('name', checked.name)];
  if (opts.uuid !== undefined) network.push(textElement('uuid', opts.uuid.toLowerCase()));
  if (checked.metadata !== undefined) network.push(metadataElement(checked.metadata));
  const forward = forwardElement(checked);
  if (forward !== undefined) network.push(forward);
  if (checked.mode === 'bridged') {
    network.push(element('bridge', { name: checked.bridge }));
  } else {
    // libvirt's own defaults, written out so that what we define is what we read back.
    network.push(element('bridge', { name: checked.bridge, stp: 'on', delay: '0' }));
  }
  if (checked.mtu !== undefined) network.push(element('mtu', { size: String(checked.mtu) }));
  if (checked.mode !== 'bridged') {
    if (checked.dnsDomain !== undefined) network.push(element('domain', { name: checked.dnsDomain }));
    network.push(ipElement(checked.ipv4, 'ipv4'));
    if (checked.ipv6 !== undefined) network.push(ipElement(checked.ipv6, 'ipv6'));
  }
  return build([element('network', {}, network)]);
}

function metadataElement(metadata: NetworkMetadata): XmlNode {
  const fields: XmlNode[] = [];
  for (const field of VNETOPS_METADATA_FIELDS) {
    const value = metadata[field];
    if (value !== undefined) fields.push(textElement(`${VNETOPS_METADATA_PREFIX}:${field}`, value));
  }
  const ours = element(
    `${VNETOPS_METADATA_PREFIX}:${VNETOPS_METADATA_ELEMENT}`,
    { [`xmlns:${VNETOPS_METADATA_PREFIX}`]: VNETOPS_METADATA_NAMESPACE },
    fields,
  );
  return element('metadata', {}, [ours]);
}

function forwardElement(spec: NetworkSpec): XmlNode | undefined {
  const mode = FORWARD_MODES[spec.mode];
  if (mode === undefined) return undefined;
  const forwardDev = spec.mode === 'nat' || spec.mode === 'routed' ? spec.forwardDev : undefined;
  const nat =
    spec.mode === 'nat' && spec.natPorts !== undefined
      ? [element('nat', {}, [element('port', { start: String(spec.natPorts.start), end: String(spec.natPorts.end) })])]
      : [];
  return element('forward', { mode, dev: forwardDev }, nat);
}

function ipElement(config: IpConfig, family: 'ipv4' | 'ipv6'): XmlNode {
  const [, prefix = ''] = config.subnet.split('/');
  const attributes = { family: family === 'ipv6' ? family : undefined, address: config.gateway, prefix };
  if (config.dhcp === undefined && config.dhcpHosts === undefined) return element('ip', attributes);
  const dhcp: XmlNode[] = [];
  if (config.dhcp !== undefined) dhcp.push(rangeElement(config.dhcp));
  for (const host of config.dhcpHosts ?? []) dhcp.push(hostElement(host));
  return element('ip', attributes, [element('dhcp', {}, dhcp)]);
}

function rangeElement(range: DhcpRange): XmlNode {
  return element('range', { start: range.start, end: range.end });
}

function hostElement(host: DhcpHost): XmlNode {
  return element('host', { mac: host.mac, name: host.name, ip: host.ip });
}

/** A `<range start end/>` element, for `virNetworkUpdate` of a network's DHCP range. */
export function renderDhcpRangeXml(range: DhcpRange): string {
  return build([rangeElement(range)]);
}

/** A `<host mac name ip/>` element, for `virNetworkUpdate` of a network's fixed DHCP hosts. */
export function renderDhcpHostXml(host: DhcpHost): string {
  return build([hostElement(host)]);
}
