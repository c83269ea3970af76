/**
 * Does a requested subnet collide with anything on the host? Overlap is checked both ways (a /16
 * covering a /24 clashes as much as a /24 inside a /16), and only within one IP family.
 */
import type { NetworkSubnet, OccupiedSubnet } from './occupied-subnet.js';
import { type OverlapRelation, type SubnetConflict, SubnetConflictError } from './planning-errors.js';
import { type IpCidr, cidrsOverlap, formatCidr } from './ip-address.js';
import { parseSubnet, subnetContains, subnetOf } from './subnet-math.js';

/**
 * Prefixes that never count as occupied, because they would collide with every request and say
 * nothing about it: default routes (0.0.0.0/0, ::/0), loopback (127.0.0.0/8, ::1), link-local
 * (169.254.0.0/16, fe80::/10: every interface has one, and they never leave the link) and multicast.
 */
const NEVER_OCCUPIED: readonly IpCidr[] = [
  '127.0.0.0/8',
  '169.254.0.0/16',
  '224.0.0.0/4',
  '::1/128',
  'fe80::/10',
  'ff00::/8',
].map((cidr) => parseSubnet(cidr));

/** True for prefixes the planner ignores (see {@link NEVER_OCCUPIED}): default routes, loopback, link-local, multicast. */
export function isIgnoredPrefix(subnet: IpCidr): boolean {
  return subnet.prefix === 0 || NEVER_OCCUPIED.some((special) => subnetContains(special, subnet));
}

/** Networks first: they are what a person recognises; then reservations, then the host's own addressing. */
const KIND_ORDER: Record<OccupiedSubnet['kind'], number> = { network: 0, reserved: 1, address: 2, route: 3 };

/**
 * Everything `requested` (a network CIDR, IPv4 or IPv6) overlaps among `occupied`, networks first.
 * Throws `InvalidSubnetError` when `requested` is not a network CIDR; an occupied entry that is not
 * CIDR is a caller bug and throws too.
 */
export function findSubnetConflicts(requested: string, occupied: Iterable<OccupiedSubnet>): SubnetConflict[] {
  const wanted = parseSubnet(requested);
  const conflicts: SubnetConflict[] = [];
  const seen = new Set<string>();
  for (const entry of occupied) {
    const taken = subnetOf(entry.cidr, `occupied ${entry.kind}`);
    if (isIgnoredPrefix(taken) || !cidrsOverlap(wanted, taken)) continue;
    const key = JSON.stringify(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    conflicts.push({ occupied: entry, relation: relationOf(wanted, taken) });
  }
  return conflicts.sort((a, b) => KIND_ORDER[a.occupied.kind] - KIND_ORDER[b.occupied.kind]);
}

/**
 * Checks that `requested` is free and returns it in canonical form; throws a {@link SubnetConflictError}
 * naming everything it overlaps otherwise.
 */
export function assertSubnetFree(requested: string, occupied: Iterable<OccupiedSubnet>): string {
  const conflicts = findSubnetConflicts(requested, occupied);
  const canonical = formatCidr(parseSubnet(requested));
  if (conflicts.length > 0) throw new SubnetConflictError(canonical, conflicts);
  return canonical;
}

/** A libvirt network's addressing, as the caller read it from the network's XML. */
export interface NetworkAddressing {
  readonly name: string;
  readonly active: boolean;
  /** Every `<ip>` (and `<route>`) subnet of the network as CIDR (`10.1.2.1/24`; host bits allowed). */
  readonly subnets: readonly string[];
  /** `<bridge name>`, when the network has one. */
  readonly bridge?: string;
}

/**
 * The occupied entries of a host's libvirt networks, each subnet once per network in canonical form.
 * Give a network the subnets of both its live and its persistent XML: an edited network that was not
 * restarted holds both.
 */
export function occupiedByNetworks(networks: Iterable<NetworkAddressing>): NetworkSubnet[] {
  const result: NetworkSubnet[] = [];
  for (const network of networks) {
    const subnets = new Set(
      network.subnets.map((cidr) => formatCidr(subnetOf(cidr, `subnet of network "${network.name}"`))),
    );
    for (const cidr of subnets) result.push({ kind: 'network', cidr, network: network.name, active: network.active });
  }
  return result;
}

/**
 * The bridges whose addresses the networks already account for: those of networks with a subnet,
 * which libvirt created and put the gateway address on. Pass them as `ignoreDevices` when reading the
 * host's addressing. A bridged network (`<forward mode='bridge'>`) has no subnet, so its bridge, the
 * host's own with the LAN's addresses on it, stays counted.
 */
export function bridgesCountedByNetworks(networks: Iterable<NetworkAddressing>): string[] {
  const bridges = new Set<string>();
  for (const network of networks)
    if (network.bridge !== undefined && network.subnets.length > 0) bridges.add(network.bridge);
  return [...bridges];
}

function relationOf(wanted: IpCidr, taken: IpCidr): OverlapRelation {
  if (wanted.prefix === taken.prefix) return 'same';
  return wanted.prefix > taken.prefix ? 'inside' : 'contains';
}
