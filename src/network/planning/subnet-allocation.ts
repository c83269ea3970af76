/**
 * Picking a free subnet from a pool, and the gateway and DHCP range a new network gets by default.
 */
import type { DhcpRange } from '../spec/network-spec.js';
import { type OccupiedSubnet, reservedForCreates } from './occupied-subnet.js';
import { InvalidSubnetError, SubnetPoolExhaustedError } from './planning-errors.js';
import { type IpCidr, bitsOf, cidrsOverlap, formatCidr, formatIpAddress, lastAddressOf } from './ip-address.js';
import { isIgnoredPrefix } from './subnet-overlap.js';
import { parseSubnet, subnetOf, subnetSize } from './subnet-math.js';

/** Options of {@link allocateSubnet}. */
export interface AllocateSubnetOptions {
  /**
   * Blocks to treat as taken although the host does not show them yet, e.g. subnets reserved by
   * create jobs still in flight. Default: none. (Two racing creates are kept apart by the worker, which
   * re-checks under a per-host lock; this only lets it skip what it already promised.)
   */
  readonly exclude?: readonly string[];
}

/**
 * The lowest free /`prefix` block of `pool` (e.g. `10.200.0.0/16`, 24 → `10.200.0.0/24`, then
 * `10.200.1.0/24`, …): free means it overlaps no occupied entry (ignored prefixes aside, see
 * `isIgnoredPrefix`) and nothing in `exclude`. Deterministic: the same inputs give the same block.
 * Throws {@link SubnetPoolExhaustedError} when every block is taken and {@link InvalidSubnetError}
 * for a pool that is not a network CIDR or a prefix that does not fit it.
 */
export function allocateSubnet(
  pool: string,
  prefix: number,
  occupied: Iterable<OccupiedSubnet>,
  options: AllocateSubnetOptions = {},
): string {
  const poolSubnet = parseSubnet(pool, 'subnet pool');
  const family = poolSubnet.network.family;
  const bits = bitsOf(family);
  if (!Number.isInteger(prefix) || prefix < poolSubnet.prefix || prefix > bits) {
    throw new InvalidSubnetError(
      `/${prefix}`,
      `cannot carve /${prefix} subnets out of ${formatCidr(poolSubnet)}: the prefix length must be a whole number from ${poolSubnet.prefix} to ${bits}`,
    );
  }
  const reserved = reservedForCreates(options.exclude ?? []);
  const taken: { start: bigint; end: bigint; kind: OccupiedSubnet['kind'] }[] = [];
  for (const entry of [...occupied, ...reserved]) {
    const subnet = subnetOf(entry.cidr, `occupied ${entry.kind}`);
    if (isIgnoredPrefix(subnet) || !cidrsOverlap(poolSubnet, subnet)) continue;
    taken.push({ start: subnet.network.value, end: lastAddressOf(subnet).value, kind: entry.kind });
  }
  taken.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  const blockSize = 1n << BigInt(bits - prefix);
  const poolEnd = lastAddressOf(poolSubnet).value;
  let candidate = poolSubnet.network.value;
  // Sweep the taken ranges in address order, moving the candidate past each one that it touches:
  // linear in the number of occupants, whatever the pool's size (an IPv6 /32 has 2^32 /64s).
  for (const range of taken) {
    if (candidate + blockSize - 1n > poolEnd) break;
    if (range.end < candidate) continue;
    if (range.start > candidate + blockSize - 1n) break;
    candidate = alignUp(range.end + 1n, blockSize);
  }
  if (candidate + blockSize - 1n > poolEnd) {
    throw new SubnetPoolExhaustedError(
      formatCidr(poolSubnet),
      prefix,
      subnetSize(poolSubnet) / blockSize,
      taken.map((t) => t.kind),
    );
  }
  return formatCidr({ network: { family, value: candidate }, prefix });
}

/**
 * The gateway a new network gets by default: the subnet's first usable address (`10.200.3.1` in
 * `10.200.3.0/24`, `fd00:1:2:3::1` in `fd00:1:2:3::/64`), as libvirt's own default network does.
 */
export function suggestGateway(subnet: string): string {
  const { network } = usableSubnet(subnet);
  return formatIpAddress({ family: network.family, value: network.value + 1n });
}

/**
 * Most addresses one DHCP range may hold. Measured on libvirt 9.0: ::2–::ffff (65534 addresses) is
 * accepted, one more is refused with "range … is too large (> 65535)", for IPv4 and IPv6 alike.
 */
export const MAX_DHCP_RANGE_ADDRESSES = 65534n;

/**
 * The DHCP range a new network gets by default: every address after the gateway, as in libvirt's
 * default network (192.168.122.2–192.168.122.254 in a /24), capped at {@link MAX_DHCP_RANGE_ADDRESSES}.
 * IPv4 stops before the broadcast address; IPv6 has none, so a /64 gets `::2`–`::ffff` and keeps the
 * rest of the subnet for static addressing.
 */
export function suggestDhcpRange(subnet: string): DhcpRange {
  const parsed = usableSubnet(subnet);
  const family = parsed.network.family;
  const start = parsed.network.value + 2n;
  const last = lastAddressOf(parsed).value;
  const lastUsable = family === 'ipv4' ? last - 1n : last;
  const end = minBigint(lastUsable, start + MAX_DHCP_RANGE_ADDRESSES - 1n);
  return { start: formatIpAddress({ family, value: start }), end: formatIpAddress({ family, value: end }) };
}

/** A network CIDR with room for a gateway and at least one guest (IPv4 /30, IPv6 /126 at most). */
function usableSubnet(text: string): IpCidr {
  const subnet = parseSubnet(text);
  const longest = subnet.network.family === 'ipv4' ? 30 : 126;
  if (subnet.prefix > longest) {
    throw new InvalidSubnetError(
      text,
      `subnet ${text} is too small for a network: the gateway and at least one guest need a /${longest} or larger`,
    );
  }
  return subnet;
}

function alignUp(value: bigint, blockSize: bigint): bigint {
  return ((value + blockSize - 1n) / blockSize) * blockSize;
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
