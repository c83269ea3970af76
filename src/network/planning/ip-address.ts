/**
 * IP addresses and CIDRs as numbers: strict parsing (no octal-looking IPv4, no IPv6 zone index),
 * canonical text (dotted decimal; RFC 5952 for IPv6, which is also what libvirt prints) and the
 * arithmetic the rules need.
 */
import ipaddr from 'ipaddr.js';

/** An IP family, named as the spec's keys name them. */
export type IpFamily = 'ipv4' | 'ipv6';

/** An address as a number, so ranges compare and subnets mask with plain bigint arithmetic. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A subnet: its network address (host bits zero) and prefix length. */
export interface IpCidr {
  readonly network: IpAddress;
  readonly prefix: number;
}

/** Four decimal octets 0-255 without leading zeros (which some tools read as octal). */
const IPV4_TEXT = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** A prefix length: digits without a leading zero. */
const PREFIX_TEXT = /^(?:0|[1-9]\d{0,2})$/;

/** Address width in bits. */
export function bitsOf(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

/** Parses an address in either family; undefined when the text is not one (zone indexes included). */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (IPV4_TEXT.test(text)) {
    const value = text.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);
    return { family: 'ipv4', value };
  }
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    const value = ipaddr.IPv6.parse(text).parts.reduce((sum, part) => (sum << 16n) | BigInt(part), 0n);
    return { family: 'ipv6', value };
  }
  return undefined;
}

/** Parses a prefix length in decimal; undefined for anything else. */
export function parsePrefixLength(text: string): number | undefined {
  return PREFIX_TEXT.test(text) ? Number(text) : undefined;
}

/** Canonical text: dotted decimal, or RFC 5952 (lowercase, longest zero run compressed). */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const parts = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((address.value >> shift) & 0xffffn));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/** `10.0.0.0/24`. */
export function formatCidr(cidr: IpCidr): string {
  return `${formatIpAddress(cidr.network)}/${cidr.prefix}`;
}

function hostMask(family: IpFamily, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

/** The subnet of `prefix` bits that holds `address`. */
export function cidrOf(address: IpAddress, prefix: number): IpCidr {
  return { network: { family: address.family, value: address.value & ~hostMask(address.family, prefix) }, prefix };
}

/** True when the address has host bits set under `prefix`. */
export function hasHostBits(address: IpAddress, prefix: number): boolean {
  return (address.value & hostMask(address.family, prefix)) !== 0n;
}

/** The highest address of the subnet (the broadcast address in IPv4). */
export function lastAddressOf(cidr: IpCidr): IpAddress {
  return { family: cidr.network.family, value: cidr.network.value | hostMask(cidr.network.family, cidr.prefix) };
}

/** The address `delta` away from `address` (callers stay inside the family's range). */
export function offsetAddress(address: IpAddress, delta: bigint): IpAddress {
  return { family: address.family, value: address.value + delta };
}

/** True when `address` is inside `cidr` (same family). */
export function cidrContains(cidr: IpCidr, address: IpAddress): boolean {
  return address.family === cidr.network.family && cidrOf(address, cidr.prefix).network.value === cidr.network.value;
}

/** True when the two subnets share an address. */
export function cidrsOverlap(a: IpCidr, b: IpCidr): boolean {
  if (a.network.family !== b.network.family) return false;
  const shorter = Math.min(a.prefix, b.prefix);
  return cidrOf(a.network, shorter).network.value === cidrOf(b.network, shorter).network.value;
}

/** Prefix length of a dotted-decimal netmask such as 255.255.255.0; undefined when not contiguous. */
export function prefixOfNetmask(netmask: IpAddress): number | undefined {
  if (netmask.family !== 'ipv4') return undefined;
  for (let prefix = 0; prefix <= 32; prefix += 1) {
    if (netmask.value === (0xffffffffn & ~hostMask('ipv4', prefix))) return prefix;
  }
  return undefined;
}

/** Two addresses compared as numbers: negative, zero or positive. */
export function compareAddresses(a: IpAddress, b: IpAddress): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Two addresses are the same address. */
export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}
