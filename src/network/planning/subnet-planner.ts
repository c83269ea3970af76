/**
 * Planning a new network's IPv4 or IPv6 addressing on one host: the subnet a person asked for,
 * checked against everything on the host, or the lowest free block of the pool; plus the default
 * gateway and DHCP range for it.
 */
import type { IpConfig } from '../spec/network-spec.js';
import { type OccupiedSubnet, reservedForCreates } from './occupied-subnet.js';
import { allocateSubnet, suggestDhcpRange, suggestGateway } from './subnet-allocation.js';
import { assertSubnetFree } from './subnet-overlap.js';

/** What {@link planSubnet} needs. */
export interface SubnetPlanRequest {
  /** The subnet the person asked for; absent = take the lowest free block of `pool`. */
  readonly subnet?: string;
  /** Where subnets come from when none is asked for, e.g. `10.200.0.0/16`. */
  readonly pool: string;
  /** Prefix length of a block carved from the pool, e.g. 24. */
  readonly prefix: number;
  /** Everything on the host: all its networks (active or not), its addresses and routes. */
  readonly occupied: readonly OccupiedSubnet[];
  /** Subnets promised to creates still in flight on this host; default none. */
  readonly exclude?: readonly string[];
}

/** A planned subnet with its default gateway and DHCP range; `allocated` tells whether the pool supplied it. */
export interface SubnetPlan extends Required<Pick<IpConfig, 'subnet' | 'gateway' | 'dhcp'>> {
  readonly allocated: boolean;
}

/**
 * Plans the addressing of a new network. Throws `SubnetConflictError` when the asked-for subnet
 * overlaps something (its message names what), `SubnetPoolExhaustedError` when the pool is full, and
 * `InvalidSubnetError` for text that is not a network CIDR.
 */
export function planSubnet(request: SubnetPlanRequest): SubnetPlan {
  const exclude = request.exclude ?? [];
  let subnet: string;
  if (request.subnet === undefined) {
    subnet = allocateSubnet(request.pool, request.prefix, request.occupied, { exclude });
  } else {
    subnet = assertSubnetFree(request.subnet, [...request.occupied, ...reservedForCreates(exclude)]);
  }
  return {
    subnet,
    gateway: suggestGateway(subnet),
    dhcp: suggestDhcpRange(subnet),
    allocated: request.subnet === undefined,
  };
}
