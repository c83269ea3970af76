/**
 * Rules for one IP family of a network: the subnet, the gateway (the bridge's own address), the DHCP
 * range and the fixed DHCP hosts. Values come back normalised (canonical address text, lowercase MACs)
 * so that validated specs compare equal.
 */
import type { DhcpHost, DhcpRange, IpConfig } from './network-spec.js';
import type { ReportProblem } from './spec-errors.js';
import {
  type IpAddress,
  type IpCidr,
  type IpFamily,
  bitsOf,
  cidrContains,
  cidrOf,
  cidrsOverlap,
  compareAddresses,
  formatCidr,
  formatIpAddress,
  hasHostBits,
  lastAddressOf,
  offsetAddress,
  parseIpAddress,
  parsePrefixLength,
  sameAddress,
} from '../planning/ip-address.js';
import { readMacAddress } from './mac-address.js';
import { checkDnsName } from './name-rules.js';
import { showValue } from './value-display.js';

/** An IP family's options as they arrive, each already of the right type (or absent). */
export interface IpConfigInput {
  readonly subnet?: string;
  readonly gateway?: string;
  /** Present when given at all; each end only when well-formed. */
  readonly dhcp?: AddressRangeInput;
  /** `undefined` entries are hosts that were not even objects (already reported). */
  readonly dhcpHosts?: readonly (DhcpHostInput | undefined)[];
}

/** A DHCP range as it arrives; missing ends were reported by the shape check. */
export interface AddressRangeInput {
  readonly start?: string;
  readonly end?: string;
}

/** A fixed DHCP host as it arrives; missing fields were reported by the shape check. */
export interface DhcpHostInput {
  readonly mac?: string;
  readonly name?: string;
  readonly ip?: string;
}

/** Allowed prefix lengths per family. */
export const PREFIX_LIMITS: Readonly<Record<IpFamily, { readonly min: number; readonly max: number }>> = {
  ipv4: { min: 8, max: 30 },
  // Shorter than /48 is more than a site; longer than /64 breaks SLAAC for guests.
  ipv6: { min: 48, max: 64 },
};

/**
 * libvirt 9.0 defines an IPv6 DHCP range on any prefix, but its dnsmasq refuses to start with
 * "prefix length must be at least 64": with the /48-/64 window above, DHCPv6 needs exactly /64.
 */
const DHCPV6_PREFIX = 64;

const LABEL: Readonly<Record<IpFamily, string>> = { ipv4: 'IPv4', ipv6: 'IPv6' };
const OTHER_FAMILY: Readonly<Record<IpFamily, IpFamily>> = { ipv4: 'ipv6', ipv6: 'ipv4' };
const EXAMPLE_SUBNET: Readonly<Record<IpFamily, string>> = { ipv4: '10.0.5.0/24', ipv6: 'fd00:5::/64' };
const EXAMPLE_HOST: Readonly<Record<IpFamily, string>> = { ipv4: '10.0.5.1', ipv6: 'fd00:5::1' };
const TYPICAL_PREFIX: Readonly<Record<IpFamily, number>> = { ipv4: 24, ipv6: 64 };

/** Address blocks a virtual network must not use, with what they are for. */
const UNUSABLE_BLOCKS: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: '0.0.0.0/8', what: '"this network" addresses' },
  { cidr: '127.0.0.0/8', what: 'loopback addresses' },
  { cidr: '169.254.0.0/16', what: 'link-local addresses' },
  { cidr: '224.0.0.0/4', what: 'multicast addresses' },
  { cidr: '240.0.0.0/4', what: 'reserved addresses' },
  { cidr: '::/8', what: 'reserved addresses: loopback, unspecified, IPv4-mapped' },
  { cidr: 'fe80::/10', what: 'link-local addresses' },
  { cidr: 'ff00::/8', what: 'multicast addresses' },
];

const UNUSABLE_BLOCK_RANGES = UNUSABLE_BLOCKS.map((entry) => ({ ...entry, range: parseCidrConstant(entry.cidr) }));

const PRIVATE_RANGES_HINT: Readonly<Record<IpFamily, string>> = {
  ipv4: 'choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
  ipv6: 'choose a unique local range in fd00::/8, e.g. fd00:5::/64',
};

/** Checks one family's options; returns the normalised config when every rule holds. */
export function checkIpConfig(family: IpFamily, input: IpConfigInput, report: ReportProblem): IpConfig | undefined {
  let problems = 0;
  const counting: ReportProblem = (field, message) => {
    problems += 1;
    report(field, message);
  };
  // Without a usable subnet the addresses are still checked on their own, so every problem shows at once.
  const subnet =
    input.subnet === undefined ? undefined : checkSubnet(family, input.subnet, `${family}.subnet`, counting);
  const gateway =
    input.gateway === undefined
      ? undefined
      : checkHostAddress(
          (shown) => `${LABEL[family]} gateway ${shown}`,
          input.gateway,
          family,
          subnet,
          `${family}.gateway`,
          counting,
        );
  const dhcp = input.dhcp === undefined ? undefined : checkDhcpRange(family, input.dhcp, subnet, gateway, counting);
  const dhcpHosts =
    input.dhcpHosts === undefined
      ? undefined
      : checkDhcpHosts(family, input.dhcpHosts, subnet, gateway, input.dhcp !== undefined, counting);
  if (problems > 0 || subnet === undefined || gateway === undefined) return undefined;
  return {
    subnet: formatCidr(subnet),
    gateway: formatIpAddress(gateway),
    ...(dhcp === undefined ? {} : { dhcp }),
    ...(dhcpHosts === undefined ? {} : { dhcpHosts }),
  };
}

/** Reads the subnet as a canonical CIDR of the family, within the allowed prefixes and address blocks. */
function checkSubnet(family: IpFamily, text: string, field: string, report: ReportProblem): IpCidr | undefined {
  const what = `${LABEL[family]} subnet`;
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === undefined) {
    if (addressText.includes('%')) {
      report(
        field,
        `${what} ${showValue(text)} has a zone index (the part after "%"), which only link-local addresses use: write it as a CIDR such as ${EXAMPLE_SUBNET[family]}`,
      );
    } else {
      report(
        field,
        `${what} ${showValue(text)} is not a valid ${LABEL[family]} CIDR: write it as an address and a prefix length, e.g. ${EXAMPLE_SUBNET[family]}`,
      );
    }
    return undefined;
  }
  if (address.family !== family) {
    const other = OTHER_FAMILY[family];
    report(
      field,
      `${what} ${showValue(text)} is an ${LABEL[other]} ${slash < 0 ? 'address' : 'subnet'}: give an ${LABEL[family]} subnet such as ${EXAMPLE_SUBNET[family]}, and put ${LABEL[other]} settings under ${other}`,
    );
    return undefined;
  }
  if (slash < 0) {
    report(
      field,
      `${what} ${showValue(text)} has no prefix length: write it as a CIDR such as ${formatIpAddress(address)}/${TYPICAL_PREFIX[family]}`,
    );
    return undefined;
  }
  const prefixText = text.slice(slash + 1);
  const prefix = parsePrefixLength(prefixText);
  const limits = PREFIX_LIMITS[family];
  const allowed = `use a prefix between /${limits.min} and /${limits.max}`;
  if (prefix === undefined || prefix > bitsOf(family)) {
    report(
      field,
      `${what} ${showValue(text)} has the prefix length ${showValue(prefixText)}, but ${LABEL[family]} prefixes are whole numbers from 0 to ${bitsOf(family)}: ${allowed}, e.g. /${TYPICAL_PREFIX[family]}`,
    );
    return undefined;
  }
  const shown = `${formatIpAddress(address)}/${prefix}`;
  if (prefix < limits.min) {
    report(
      field,
      `${what} ${shown} is too large: ${tooLargeReason(family, prefix)}; ${allowed}, e.g. /${TYPICAL_PREFIX[family]}`,
    );
    return undefined;
  }
  if (prefix > limits.max) {
    report(
      field,
      `${what} ${shown} is too small: ${tooSmallReason(family, prefix)}; ${allowed}, e.g. /${TYPICAL_PREFIX[family]}`,
    );
    return undefined;
  }
  const cidr = cidrOf(address, prefix);
  if (hasHostBits(address, prefix)) {
    report(field, `${what} ${shown} has host bits set: did you mean ${formatCidr(cidr)}?`);
    return undefined;
  }
  const block = UNUSABLE_BLOCK_RANGES.find((entry) => cidrsOverlap(entry.range, cidr));
  if (block !== undefined) {
    report(
      field,
      `${what} ${shown} overlaps ${block.cidr} (${block.what}), which a virtual network cannot use: ${PRIVATE_RANGES_HINT[family]}`,
    );
    return undefined;
  }
  return cidr;
}

function tooLargeReason(family: IpFamily, prefix: number): string {
  if (family === 'ipv6') return `a /${prefix} is more than a whole site (/48)`;
  if (prefix === 0) return 'a /0 is every IPv4 address and would swallow the whole internet';
  return `a /${prefix} holds ${2 ** (32 - prefix)} addresses, a large part of the internet`;
}

function tooSmallReason(family: IpFamily, prefix: number): string {
  if (family === 'ipv6') return 'IPv6 guests configure their own address (SLAAC) only on a /64';
  const size = 2 ** (32 - prefix);
  return `a /${prefix} holds only ${size} address${size === 1 ? '' : 'es'}, no room for a gateway plus guests`;
}

function parseCidrConstant(text: string): IpCidr {
  const [address, prefix] = text.split('/');
  const parsed = parseIpAddress(address ?? '');
  if (parsed === undefined) throw new Error(`bad constant CIDR ${text}`);
  return cidrOf(parsed, Number(prefix));
}

/** The usable host addresses of the subnet as "from A to B" text. */
function hostRangeText(subnet: IpCidr): string {
  const first = offsetAddress(subnet.network, 1n);
  const last = subnet.network.family === 'ipv4' ? offsetAddress(lastAddressOf(subnet), -1n) : lastAddressOf(subnet);
  return `from ${formatIpAddress(first)} to ${formatIpAddress(last)}`;
}

/** Names an address in messages around its shown value, e.g. `IPv4 gateway 10.0.0.1`. */
type AddressLabel = (shown: string) => string;

/**
 * Reads a single address of the family. With a subnet, it must lie inside it and be neither the
 * network address nor (IPv4) the broadcast address.
 */
function checkHostAddress(
  label: AddressLabel,
  text: string,
  family: IpFamily,
  subnet: IpCidr | undefined,
  field: string,
  report: ReportProblem,
): IpAddress | undefined {
  const useInstead =
    subnet === undefined
      ? `use an ${LABEL[family]} address such as ${EXAMPLE_HOST[family]}`
      : `use an address ${hostRangeText(subnet)}`;
  const slash = text.indexOf('/');
  if (slash >= 0 && parseIpAddress(text.slice(0, slash)) !== undefined) {
    report(
      field,
      `${label(showValue(text))} is a single address: drop ${showValue(text.slice(slash))} (the prefix length belongs to the subnet)`,
    );
    return undefined;
  }
  const address = parseIpAddress(text);
  if (address === undefined) {
    report(field, `${label(showValue(text))} is not a valid ${LABEL[family]} address: ${useInstead}`);
    return undefined;
  }
  const shown = label(formatIpAddress(address));
  if (address.family !== family) {
    report(field, `${shown} is an ${LABEL[address.family]} address: ${useInstead}`);
    return undefined;
  }
  if (subnet === undefined) return address;
  const subnetText = formatCidr(subnet);
  if (!cidrContains(subnet, address)) {
    report(field, `${shown} is outside the subnet ${subnetText}: ${useInstead}`);
    return undefined;
  }
  if (sameAddress(address, subnet.network)) {
    const role = family === 'ipv4' ? 'the network address' : 'the subnet-router anycast address (all host bits zero)';
    report(field, `${shown} is ${role} of ${subnetText}: ${useInstead}`);
    return undefined;
  }
  if (family === 'ipv4' && sameAddress(address, lastAddressOf(subnet))) {
    report(field, `${shown} is the broadcast address of ${subnetText}: ${useInstead}`);
    return undefined;
  }
  return address;
}

function checkDhcpRange(
  family: IpFamily,
  range: AddressRangeInput,
  subnet: IpCidr | undefined,
  gateway: IpAddress | undefined,
  report: ReportProblem,
): DhcpRange | undefined {
  if (family === 'ipv6' && subnet !== undefined && subnet.prefix !== DHCPV6_PREFIX) {
    report(
      `${family}.dhcp`,
      `DHCPv6 needs a /64 subnet, and ${formatCidr(subnet)} is a /${subnet.prefix}: libvirt's dnsmasq refuses DHCPv6 ranges on prefixes shorter than /64 ` +
        '("prefix length must be at least 64"); use a /64 subnet or leave out the IPv6 DHCP range (guests still configure themselves by SLAAC on a /64)',
    );
    return undefined;
  }
  const start =
    range.start === undefined
      ? undefined
      : checkHostAddress(
          (shown) => `DHCP range start ${shown}`,
          range.start,
          family,
          subnet,
          `${family}.dhcp.start`,
          report,
        );
  const end =
    range.end === undefined
      ? undefined
      : checkHostAddress((shown) => `DHCP range end ${shown}`, range.end, family, subnet, `${family}.dhcp.end`, report);
  if (start === undefined || end === undefined) return undefined;
  const startText = formatIpAddress(start);
  const endText = formatIpAddress(end);
  if (compareAddresses(start, end) > 0) {
    report(
      `${family}.dhcp`,
      `the DHCP range ${startText}-${endText} is reversed: the start must come first, as in ${endText}-${startText}`,
    );
    return undefined;
  }
  if (gateway !== undefined && compareAddresses(start, gateway) <= 0 && compareAddresses(gateway, end) <= 0) {
    report(
      `${family}.dhcp`,
      `the DHCP range ${startText}-${endText} contains the gateway ${formatIpAddress(gateway)}, so DHCP could hand the gateway's address to a guest: ${rangeWithoutGateway(start, end, gateway)}`,
    );
    return undefined;
  }
  return { start: startText, end: endText };
}

/** Suggests the larger part of the range on either side of the gateway. */
function rangeWithoutGateway(start: IpAddress, end: IpAddress, gateway: IpAddress): string {
  const below = gateway.value - start.value;
  const above = end.value - gateway.value;
  if (below === 0n && above === 0n) return 'use a range that leaves the gateway out';
  const [from, to] = above >= below ? [offsetAddress(gateway, 1n), end] : [start, offsetAddress(gateway, -1n)];
  return `use e.g. ${formatIpAddress(from)}-${formatIpAddress(to)}, or move the gateway`;
}

function checkDhcpHosts(
  family: IpFamily,
  hosts: readonly (DhcpHostInput | undefined)[],
  subnet: IpCidr | undefined,
  gateway: IpAddress | undefined,
  hasRange: boolean,
  report: ReportProblem,
): DhcpHost[] | undefined {
  const field = `${family}.dhcpHosts`;
  if (family === 'ipv6') {
    report(
      field,
      'fixed DHCP hosts are IPv4 only: libvirt refuses MAC addresses in IPv6 host entries ' +
        '("Invalid to specify MAC address ... in IPv6 static host definition"); remove ipv6.dhcpHosts and give the hosts fixed addresses under ipv4.dhcpHosts',
    );
    return undefined;
  }
  if (!hasRange) {
    report(
      field,
      `fixed DHCP hosts need a DHCP range, which is what turns the network's DHCP server on: add ${family}.dhcp (a start and an end address) or remove ${field}`,
    );
    return undefined;
  }
  let problems = 0;
  const counting: ReportProblem = (where, message) => {
    problems += 1;
    report(where, message);
  };
  const checked = hosts.map((host, index) =>
    host === undefined ? undefined : checkDhcpHost(host, index, subnet, gateway, counting),
  );
  const incomplete = checked.some((host) => host === undefined);
  reportDuplicates(
    checked,
    (host) => host?.mac,
    (first, second, mac) =>
      `fixed DHCP hosts #${first} and #${second} have the same MAC address ${mac}: each MAC can have only one fixed address`,
    field,
    counting,
  );
  reportDuplicates(
    checked,
    (host) => host?.ip,
    (first, second, ip) =>
      `fixed DHCP hosts #${first} and #${second} both have the IP ${ip}: give each host its own address`,
    field,
    counting,
  );
  reportDuplicates(
    checked,
    (host) => host?.name,
    (first, second, name) =>
      `fixed DHCP hosts #${first} and #${second} are both named ${showValue(name)}: give each host its own name`,
    field,
    counting,
  );
  if (problems > 0 || incomplete) return undefined;
  return checked.filter((host): host is DhcpHost => host !== undefined);
}

function checkDhcpHost(
  host: DhcpHostInput,
  index: number,
  subnet: IpCidr | undefined,
  gateway: IpAddress | undefined,
  report: ReportProblem,
): DhcpHost | undefined {
  const field = `ipv4.dhcpHosts[${index}]`;
  const label = `fixed DHCP host #${index + 1}`;
  const mac = host.mac === undefined ? undefined : checkMac(host.mac, label, `${field}.mac`, report);
  let ip =
    host.ip === undefined
      ? undefined
      : checkHostAddress((shown) => `the IP ${shown} of ${label}`, host.ip, 'ipv4', subnet, `${field}.ip`, report);
  if (ip !== undefined && gateway !== undefined && sameAddress(ip, gateway)) {
    report(
      `${field}.ip`,
      `the IP ${formatIpAddress(ip)} of ${label} is the gateway's address: give the host another address`,
    );
    ip = undefined;
  }
  const name = host.name === undefined ? undefined : checkDnsName(host.name, 'DHCP host name', `${field}.name`, report);
  if (mac === undefined || ip === undefined || (host.name !== undefined && name === undefined)) return undefined;
  return { mac, ...(name === undefined ? {} : { name }), ip: formatIpAddress(ip) };
}

function checkMac(text: string, label: string, field: string, report: ReportProblem): string | undefined {
  const reading = readMacAddress(text);
  switch (reading.problem) {
    case undefined:
      return reading.mac;
    case 'format':
      report(
        field,
        `the MAC address ${showValue(text)} of ${label} is not valid: write six pairs of hex digits separated by colons, e.g. 52:54:00:12:34:56`,
      );
      return undefined;
    case 'multicast':
      report(
        field,
        `the MAC address ${reading.mac} of ${label} is a multicast address (lowest bit of the first byte set), which no network card has: use a unicast MAC such as 52:54:00:12:34:56`,
      );
      return undefined;
    case 'zero':
      report(
        field,
        `the MAC address ${reading.mac} of ${label} is all zeros, which no network card has: use a MAC such as 52:54:00:12:34:56`,
      );
      return undefined;
  }
}

function reportDuplicates<T>(
  items: readonly (T | undefined)[],
  keyOf: (item: T | undefined) => string | undefined,
  message: (first: number, second: number, key: string) => string,
  field: string,
  report: ReportProblem,
): void {
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const earlier = firstIndex.get(key);
    if (earlier === undefined) firstIndex.set(key, index);
    else report(field, message(earlier + 1, index + 1, key));
  });
}
