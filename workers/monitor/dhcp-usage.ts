/**
 * How full a network's DHCP range is, from its leases: libvirt reports nothing when a range runs
 * out, and guests then silently get no address. Pure.
 */
import ipaddr from 'ipaddr.js';

/** How much of a DHCP range is leased. */
export interface DhcpUsage {
  /** Addresses in the range. */
  readonly size: number;
  /** Addresses in the range with a lease that has not expired. */
  readonly used: number;
  /** used / size (0 for an empty range). */
  readonly ratio: number;
}

/** A lease as the usage count needs it. */
export interface LeaseSeen {
  readonly ip: string;
  /** Expiry in ms since epoch; 0 = never (libvirt reports infinite leases as 0). */
  readonly expiresAt: number;
}

/**
 * The share of an IPv4 DHCP range in use at `now` (ms since epoch). Leases outside the range (fixed
 * hosts, another family) and expired ones (`expiresAt <= now`) do not count; an address leased twice
 * counts once. A range that is not two IPv4 addresses in order has size 0.
 */
export function dhcpUsage(
  range: { readonly start: string; readonly end: string },
  leases: readonly LeaseSeen[],
  now: number,
): DhcpUsage {
  const start = ipv4Number(range.start);
  const end = ipv4Number(range.end);
  if (start === undefined || end === undefined || end < start) return { size: 0, used: 0, ratio: 0 };
  const size = end - start + 1;
  const inUse = new Set<number>();
  for (const lease of leases) {
    if (lease.expiresAt !== 0 && lease.expiresAt <= now) continue;
    const address = ipv4Number(lease.ip);
    if (address !== undefined && address >= start && address <= end) inUse.add(address);
  }
  return { size, used: inUse.size, ratio: inUse.size / size };
}

/** True when at least `threshold` (0–1, default 0.9) of the range is leased; never for an empty range. */
export function isNearlyFull(usage: DhcpUsage, threshold = 0.9): boolean {
  return usage.size > 0 && usage.ratio >= threshold;
}

function ipv4Number(text: string): number | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text)
    .toByteArray()
    .reduce((sum, byte) => sum * 256 + byte, 0);
}
