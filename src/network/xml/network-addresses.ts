/**
 * What the subnet planner needs from ANY libvirt network, including ones vnetops did not create and
 * cannot model: its subnets and its bridge. Tolerant: elements that cannot be read are skipped, and
 * a missing prefix is filled in the way libvirt fills it.
 */
import {
  type IpAddress,
  type IpFamily,
  cidrOf,
  formatCidr,
  formatIpAddress,
  parseIpAddress,
  parsePrefixLength,
  prefixOfNetmask,
} from '../planning/ip-address.js';
import { InvalidNetworkXmlError } from './xml-errors.js';
import { type XmlElement, childNamed, parseXmlDocument } from './xml-tree.js';

/** A subnet a network occupies. */
export interface NetworkAddress {
  /** Canonical CIDR, e.g. `10.0.5.0/24`. */
  readonly subnet: string;
  readonly family: IpFamily;
  /** `ip`: the network's own subnet (on its bridge); `route`: a subnet libvirt routes into the network. */
  readonly source: 'ip' | 'route';
  /** The bridge's address in the subnet (only for `ip`). */
  readonly address?: string;
}

/** An `<ip>` or `<route>` element read as address + prefix. */
export interface IpElementReading {
  readonly address: IpAddress;
  readonly prefix: number;
}

/** Every `<ip>` and `<route>` subnet of a network's XML. Throws only when the text is not a network's XML. */
export function readNetworkAddresses(xml: string): NetworkAddress[] {
  const network = parseNetworkDocument(xml);
  return network.children.flatMap((child): NetworkAddress[] => {
    if (child.name !== 'ip' && child.name !== 'route') return [];
    const reading = readIpElement(child);
    if (reading === undefined) return [];
    const subnet = formatCidr(cidrOf(reading.address, reading.prefix));
    return child.name === 'ip'
      ? [{ subnet, family: reading.address.family, source: 'ip', address: formatIpAddress(reading.address) }]
      : [{ subnet, family: reading.address.family, source: 'route' }];
  });
}

/** The network's bridge name (`<bridge name>`), if it has one (macvtap and hostdev networks do not). */
export function readNetworkBridge(xml: string): string | undefined {
  const name = childNamed(parseNetworkDocument(xml), 'bridge')?.attributes.name;
  return name === undefined || name === '' ? undefined : name;
}

/** Parses a document and checks that it is a `<network>`. */
export function parseNetworkDocument(xml: string): XmlElement {
  const root = parseXmlDocument(xml);
  if (root.name !== 'network')
    throw new InvalidNetworkXmlError(`the document is a <${root.name}>, not a libvirt <network>`);
  return root;
}

/**
 * Reads `address` with `prefix` or `netmask` (and `family`) of an `<ip>` or `<route>` element;
 * undefined when they cannot be read or disagree.
 */
export function readIpElement(element: XmlElement): IpElementReading | undefined {
  const { address: addressText, prefix: prefixText, netmask: netmaskText, family } = element.attributes;
  const address = addressText === undefined ? undefined : parseIpAddress(addressText);
  if (address === undefined) return undefined;
  if (family !== undefined && family !== address.family) return undefined;
  const prefix =
    prefixText !== undefined
      ? parsePrefixLength(prefixText)
      : netmaskText !== undefined
        ? netmaskPrefix(netmaskText)
        : defaultPrefix(address);
  if (prefix === undefined || prefix > (address.family === 'ipv4' ? 32 : 128)) return undefined;
  return { address, prefix };
}

function netmaskPrefix(text: string): number | undefined {
  const netmask = parseIpAddress(text);
  return netmask === undefined ? undefined : prefixOfNetmask(netmask);
}

/**
 * The prefix libvirt assumes when an element gives none (virSocketAddrGetIPPrefix): the classful
 * prefix for IPv4 (A /8, B /16, C /24), /64 for IPv6, /0 for the unspecified address.
 */
function defaultPrefix(address: IpAddress): number | undefined {
  if (address.value === 0n) return 0;
  if (address.family === 'ipv6') return 64;
  const firstOctet = Number(address.value >> 24n);
  if ((firstOctet & 0x80) === 0) return 8;
  if ((firstOctet & 0xc0) === 0x80) return 16;
  if ((firstOctet & 0xe0) === 0xc0) return 24;
  return undefined;
}

/** The `<forward>` of any network's XML, tolerantly: libvirt's mode word (none = isolated) and its `dev`. */
export function readNetworkForward(xml: string): { readonly mode?: string; readonly dev?: string } {
  const forward = childNamed(parseNetworkDocument(xml), 'forward');
  if (forward === undefined) return {};
  const { mode, dev } = forward.attributes;
  // libvirt's default forward mode is nat.
  return { mode: mode ?? 'nat', ...(dev ? { dev } : {}) };
}

/** The IPv4 DHCP ranges of any network's XML (`<ip><dhcp><range start end/>`), tolerantly. */
export function readNetworkDhcpRanges(xml: string): { readonly start: string; readonly end: string }[] {
  return parseNetworkDocument(xml).children.flatMap((ip) => {
    if (ip.name !== 'ip' || (ip.attributes.family ?? 'ipv4') !== 'ipv4') return [];
    const dhcp = childNamed(ip, 'dhcp');
    if (dhcp === undefined) return [];
    return dhcp.children.flatMap((range) => {
      const { start, end } = range.attributes;
      return range.name === 'range' && start && end ? [{ start, end }] : [];
    });
  });
}
