/**
 * Subnets from CIDR text, for the planner: strict parsing with messages for the person who typed the
 * text, and the few set operations planning needs. The address arithmetic itself is ip-address.ts'.
 */
import {
  type IpAddress,
  type IpCidr,
  bitsOf,
  cidrOf,
  cidrsOverlap,
  formatCidr,
  hasHostBits,
  parseIpAddress,
  parsePrefixLength,
} from './ip-address.js';
import { InvalidSubnetError } from './planning-errors.js';

/** An interface address with its prefix (`10.1.5.1/24`): the address and the subnet it sits in. */
export interface InterfaceAddress {
  readonly address: IpAddress;
  readonly subnet: IpCidr;
}

/**
 * Parses `address/prefix` allowing host bits (`10.1.5.1/24`, what interfaces carry). `what` names the
 * value in the error message ("subnet", "subnet pool"). Throws {@link InvalidSubnetError}.
 */
export function parseInterfaceAddress(text: string, what = 'address'): InterfaceAddress {
  const slash = text.indexOf('/');
  const address = slash < 0 ? undefined : parseIpAddress(text.slice(0, slash));
  const prefix = slash < 0 ? undefined : parsePrefixLength(text.slice(slash + 1));
  if (!address || prefix === undefined) {
    throw new InvalidSubnetError(
      text,
      `${what} ${JSON.stringify(text)} is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64`,
    );
  }
  const bits = bitsOf(address.family);
  if (prefix > bits) {
    throw new InvalidSubnetError(
      text,
      `${what} ${JSON.stringify(text)} has prefix length ${prefix}: an ${familyName(address)} prefix is 0 to ${bits}`,
    );
  }
  return { address, subnet: cidrOf(address, prefix) };
}

/**
 * Parses a subnet in CIDR form and insists on a network address: `10.1.2.3/24` is refused with a
 * hint naming `10.1.2.0/24`, since a typo there usually means the person meant another subnet.
 */
export function parseSubnet(text: string, what = 'subnet'): IpCidr {
  const { address, subnet } = parseInterfaceAddress(text, what);
  if (hasHostBits(address, subnet.prefix)) {
    throw new InvalidSubnetError(
      text,
      `${what} ${JSON.stringify(text)} has host bits set: did you mean ${formatCidr(subnet)}?`,
    );
  }
  return subnet;
}

/** Parses a CIDR that may carry host bits and returns the subnet it sits in (`10.1.5.1/24` → 10.1.5.0/24). */
export function subnetOf(text: string, what = 'address'): IpCidr {
  return parseInterfaceAddress(text, what).subnet;
}

/** Number of addresses in the subnet. */
export function subnetSize(subnet: IpCidr): bigint {
  return 1n << BigInt(bitsOf(subnet.network.family) - subnet.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function subnetContains(outer: IpCidr, inner: IpCidr): boolean {
  return outer.prefix <= inner.prefix && cidrsOverlap(outer, inner);
}

function familyName(address: IpAddress): string {
  return address.family === 'ipv4' ? 'IPv4' : 'IPv6';
}
