/**
 * What already uses address space on a host, as the subnet planner sees it: libvirt networks (active
 * or not), the host's own interface addresses and routes, and blocks held for creates in progress.
 */

/** A subnet of a libvirt network, from its XML (inactive networks count: starting them later would clash). */
export interface NetworkSubnet {
  readonly kind: 'network';
  /** The network's subnet, e.g. `10.1.2.0/24` (host bits allowed: `10.1.2.1/24` reads the same). */
  readonly cidr: string;
  /** The libvirt network's name. */
  readonly network: string;
  readonly active: boolean;
}

/** An address configured on one of the host's interfaces, with its prefix: `10.1.5.1/24` on `eth0`. */
export interface HostAddressSubnet {
  readonly kind: 'address';
  readonly cidr: string;
  readonly device: string;
}

/**
 * Route types that reserve a destination. Local/broadcast/multicast entries are not routes to subnets,
 * and `throw` only sends the lookup on to the next table.
 */
export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';

/** A route of the host, from any routing table. */
export interface HostRouteSubnet {
  readonly kind: 'route';
  /** The destination, e.g. `10.9.0.0/16`. */
  readonly cidr: string;
  /** Outgoing interface, when the route has one (blackhole routes do not). */
  readonly device?: string;
  /** Next hop, when the route goes through a gateway. */
  readonly gateway?: string;
  /** Default `unicast`. */
  readonly routeType?: RouteType;
  /** Routing table when it is not `main`, e.g. `100`. */
  readonly table?: string;
}

/** A block held for something not yet visible on the host, e.g. a create job still in flight. */
export interface ReservedSubnet {
  readonly kind: 'reserved';
  readonly cidr: string;
  /** Who holds it, for the message: e.g. `a create in progress`. */
  readonly reason: string;
}

/** Anything that takes address space on a host. */
export type OccupiedSubnet = NetworkSubnet | HostAddressSubnet | HostRouteSubnet | ReservedSubnet;

/**
 * Describes an occupant for a person: `network "lab2" (10.1.2.0/24, inactive)`, `address 10.1.5.1/24 on
 * eth0`, `the route 10.9.0.0/16 via 192.168.50.254 dev eth1` (iproute2's own words for a route).
 */
export function describeOccupiedSubnet(occupied: OccupiedSubnet): string {
  switch (occupied.kind) {
    case 'network':
      return `network "${occupied.network}" (${occupied.cidr}, ${occupied.active ? 'active' : 'inactive'})`;
    case 'address':
      return `address ${occupied.cidr} on ${occupied.device}`;
    case 'route': {
      const type = occupied.routeType && occupied.routeType !== 'unicast' ? `${occupied.routeType} ` : '';
      const via = occupied.gateway ? ` via ${occupied.gateway}` : '';
      const dev = occupied.device ? ` dev ${occupied.device}` : '';
      const table = occupied.table ? ` (table ${occupied.table})` : '';
      return `the ${type}route ${occupied.cidr}${via}${dev}${table}`;
    }
    case 'reserved':
      return `${occupied.cidr}, reserved by ${occupied.reason}`;
  }
}

/** Plural noun for a kind of occupant, for "all 256 are taken by networks and host routes". */
export function occupantKindPlural(kind: OccupiedSubnet['kind']): string {
  switch (kind) {
    case 'network':
      return 'networks';
    case 'address':
      return 'host addresses';
    case 'route':
      return 'host routes';
    case 'reserved':
      return 'creates in progress';
  }
}

/** Joins phrases as "a", "a and b", "a, b and c". */
export function joinAnd(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]!}`;
}

/** Occupied entries for subnets promised to create jobs that have not reached the host yet. */
export function reservedForCreates(subnets: readonly string[]): ReservedSubnet[] {
  return subnets.map((cidr) => ({ kind: 'reserved', cidr, reason: 'a create in progress' }));
}
