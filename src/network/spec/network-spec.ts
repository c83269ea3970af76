/**
 * What a virtual network is in vnetops: one spec type per libvirt forward mode, plus the common
 * options. Specs are plain data (JSON-safe) so they travel in job payloads and approval requests.
 * A value of these types is only trusted after `validateNetworkSpec` has accepted it.
 */

/** The forward modes vnetops manages. `routed` is libvirt's `route`, `bridged` is `bridge`. */
export type NetworkMode = 'nat' | 'routed' | 'isolated' | 'bridged' | 'open';

/** Every mode, in the order help text lists them. */
export const NETWORK_MODES: readonly NetworkMode[] = ['nat', 'routed', 'isolated', 'open', 'bridged'];

/** A DHCP address range, both ends inclusive. */
export interface DhcpRange {
  readonly start: string;
  readonly end: string;
}

/** A fixed DHCP assignment: this MAC (and/or name) always gets this address. */
export interface DhcpHost {
  readonly mac: string;
  readonly name?: string;
  readonly ip: string;
}

/** One IP family on the network's bridge: the subnet (canonical CIDR) and the host's address in it. */
export interface IpConfig {
  /** Canonical network CIDR, e.g. `10.200.3.0/24` or `fd00:1:2:3::/64`. */
  readonly subnet: string;
  /** The bridge's own address in the subnet (the guests' gateway). */
  readonly gateway: string;
  /** Addresses DHCP hands out; absent = no DHCP. */
  readonly dhcp?: DhcpRange;
  /** Fixed DHCP assignments (need `dhcp`). */
  readonly dhcpHosts?: readonly DhcpHost[];
}

/**
 * Who asked for the network and why; stored in the network's `<metadata>` so the bot can tell later,
 * and the job id makes a retried create recognise its own network.
 */
export interface NetworkMetadata {
  readonly description?: string;
  readonly requestedBy?: string;
  readonly jobId?: string;
}

/** Options every mode has. */
export interface CommonSpec {
  readonly name: string;
  /** Linux bridge name; the planner picks a free `vnbrN` when a request leaves it out. */
  readonly bridge: string;
  readonly autostart: boolean;
  readonly mtu?: number;
  readonly metadata?: NetworkMetadata;
}

/** Options of the modes that put an IP subnet on a bridge libvirt creates. */
export interface RoutedLikeSpec extends CommonSpec {
  readonly ipv4: IpConfig;
  readonly ipv6?: IpConfig;
  /** DNS domain served by the network's dnsmasq. */
  readonly dnsDomain?: string;
}

/** NAT to the outside through the host (libvirt's default kind of network). */
export interface NatSpec extends RoutedLikeSpec {
  readonly mode: 'nat';
  /** Only NAT out of this host interface; absent = any. */
  readonly forwardDev?: string;
  /** Source port range for NAT (libvirt's `<nat><port start end/>`). */
  readonly natPorts?: { readonly start: number; readonly end: number };
}

/** Routed to the outside without NAT (the upstream must route the subnet back). */
export interface RoutedSpec extends RoutedLikeSpec {
  readonly mode: 'routed';
  readonly forwardDev?: string;
}

/** Guests talk to each other and the host only. */
export interface IsolatedSpec extends RoutedLikeSpec {
  readonly mode: 'isolated';
}

/** Like routed, but libvirt adds no firewall rules at all (the operator manages them). */
export interface OpenSpec extends RoutedLikeSpec {
  readonly mode: 'open';
}

/** Guests join an existing host bridge (`bridge`); libvirt adds no IP, DHCP or firewall. */
export interface BridgedSpec extends CommonSpec {
  readonly mode: 'bridged';
}

/** A network as vnetops defines it. */
export type NetworkSpec = NatSpec | RoutedSpec | IsolatedSpec | OpenSpec | BridgedSpec;

/** The specs that carry IP configuration. */
export type IpNetworkSpec = NatSpec | RoutedSpec | IsolatedSpec | OpenSpec;

/** True for every mode except bridged. */
export function hasIpConfig(spec: NetworkSpec): spec is IpNetworkSpec {
  return spec.mode !== 'bridged';
}

/** What libvirt adds to a defined network: identity and the facts it chose. */
export interface NetworkFacts {
  readonly uuid: string;
  /** MAC address of the bridge libvirt created (absent for bridged). */
  readonly mac?: string;
}

/** A network read back from libvirt's XML: the spec it matches plus libvirt's own facts. */
export interface ParsedNetwork {
  readonly spec: NetworkSpec;
  readonly facts: NetworkFacts;
}
