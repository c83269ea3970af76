/**
 * The host's own side of the address space: its interface addresses and its routes (all tables),
 * read with `ip -j` through an injected runner and turned into occupied entries for the planner.
 */
import type { CommandRunner } from './command-runner.js';
import { type IpLink, IpLinkSchema, type IpRoute, IpRouteSchema, parseIpJson } from './ip-json.js';
import type { HostAddressSubnet, HostRouteSubnet, OccupiedSubnet, RouteType } from '../planning/occupied-subnet.js';
import { isIgnoredPrefix } from '../planning/subnet-overlap.js';
import { type IpCidr, formatCidr, parseIpAddress } from '../planning/ip-address.js';
import { subnetOf } from '../planning/subnet-math.js';

/** Options of {@link readHostAddressing}. */
export interface HostAddressingOptions {
  /**
   * Interfaces whose addresses and routes to leave out: the bridges libvirt made for networks that are
   * counted from their XML already (see `bridgesCountedByNetworks`), whose addresses would only repeat
   * them under a less helpful description. Never a bridged network's bridge: that one is the host's
   * own and carries the LAN's addresses. Default none.
   */
  readonly ignoreDevices?: Iterable<string>;
}

/** The `ip` invocations {@link readHostAddressing} makes, in order. */
export const HOST_ADDRESSING_COMMANDS: readonly (readonly string[])[] = [
  ['-j', 'addr', 'show'],
  ['-4', '-j', 'route', 'show', 'table', 'all'],
  ['-6', '-j', 'route', 'show', 'table', 'all'],
];

/**
 * Reads the host's addresses and routes (`ip -j addr show`, `ip -4/-6 -j route show table all`) and
 * returns what they occupy. Loopback, link-local, multicast and default routes are left out (see
 * `isIgnoredPrefix`), as are local/broadcast table entries and the prefix routes the kernel adds for
 * an address (the address is listed already).
 */
export async function readHostAddressing(
  run: CommandRunner,
  options: HostAddressingOptions = {},
): Promise<OccupiedSubnet[]> {
  const [addresses, routes4, routes6] = await Promise.all(HOST_ADDRESSING_COMMANDS.map((args) => run('ip', [...args])));
  return parseHostAddressing({ addresses: addresses!, routes: [routes4!, routes6!] }, options);
}

/** The outputs {@link parseHostAddressing} reads: `ip -j addr show` and any number of `ip -j route show` dumps. */
export interface HostAddressingOutputs {
  readonly addresses: string;
  readonly routes: readonly string[];
}

/** The pure half of {@link readHostAddressing}: the same result from already captured outputs. */
export function parseHostAddressing(
  outputs: HostAddressingOutputs,
  options: HostAddressingOptions = {},
): OccupiedSubnet[] {
  const ignored = new Set(options.ignoreDevices ?? []);
  const addresses = addressesOf(parseIpJson(IpLinkSchema, outputs.addresses, 'ip -j addr show')).filter(
    (a) => !ignored.has(a.entry.device),
  );
  const addressPrefixes = new Set(addresses.map((a) => `${a.entry.device} ${formatCidr(a.subnet)}`));
  const routes = outputs.routes
    .flatMap((text) => parseIpJson(IpRouteSchema, text, 'ip -j route show table all'))
    .flatMap((route) => routeEntry(route, ignored, addressPrefixes));
  return [...addresses.map((a) => a.entry), ...routes];
}

function addressesOf(links: IpLink[]): { entry: HostAddressSubnet; subnet: IpCidr }[] {
  const result: { entry: HostAddressSubnet; subnet: IpCidr }[] = [];
  for (const link of links) {
    for (const info of link.addr_info ?? []) {
      if (
        (info.family !== 'inet' && info.family !== 'inet6') ||
        info.local === undefined ||
        info.prefixlen === undefined
      )
        continue;
      const cidr = `${info.local}/${info.prefixlen}`;
      const subnet = subnetOf(cidr, `address of ${link.ifname}`);
      if (!isIgnoredPrefix(subnet)) result.push({ entry: { kind: 'address', cidr, device: link.ifname }, subnet });
    }
  }
  return result;
}

const RESERVING_ROUTE_TYPES: ReadonlySet<string> = new Set<RouteType>([
  'unicast',
  'blackhole',
  'unreachable',
  'prohibit',
]);

/** The occupied entry of one route, or none for routes that say nothing about free subnets. */
function routeEntry(
  route: IpRoute,
  ignored: ReadonlySet<string>,
  addressPrefixes: ReadonlySet<string>,
): HostRouteSubnet[] {
  const routeType = route.type ?? 'unicast';
  if (!RESERVING_ROUTE_TYPES.has(routeType) || route.table === 'local' || route.dst === 'default') return [];
  const devices =
    route.dev !== undefined
      ? [route.dev]
      : (route.nexthops ?? []).flatMap((hop) => (hop.dev === undefined ? [] : [hop.dev]));
  if (devices.length > 0 && devices.every((device) => ignored.has(device))) return [];
  const subnet = subnetOf(route.dst.includes('/') ? route.dst : hostPrefix(route.dst), 'route destination');
  if (isIgnoredPrefix(subnet)) return [];
  // The kernel adds a prefix route for each address; the address already stands for it.
  if (
    route.protocol === 'kernel' &&
    route.dev !== undefined &&
    addressPrefixes.has(`${route.dev} ${formatCidr(subnet)}`)
  )
    return [];
  const firstHop = route.nexthops?.[0];
  const device = route.dev ?? firstHop?.dev;
  const gateway = route.gateway ?? firstHop?.gateway;
  return [
    {
      kind: 'route',
      cidr: formatCidr(subnet),
      ...(device !== undefined && { device }),
      ...(gateway !== undefined && { gateway }),
      ...(routeType !== 'unicast' && { routeType: routeType as RouteType }),
      ...(route.table !== undefined && route.table !== 'main' && { table: route.table }),
    },
  ];
}

/** `ip` prints a host route's destination without a prefix: `10.1.2.5` is `10.1.2.5/32`. */
function hostPrefix(address: string): string {
  return `${address}/${parseIpAddress(address)?.family === 'ipv6' ? 128 : 32}`;
}
