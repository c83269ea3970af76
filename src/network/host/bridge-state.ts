/**
 * A Linux bridge as `brctl show` and `bridge link` would show it, and more: link state, carrier,
 * MTU, MAC, addresses, STP, and per port its state, STP port state and (given a lookup) the VM on it.
 * Read with two `ip -j -d` calls through an injected runner; the parsing half is pure.
 *
 * Ports come from `ip -d link show master BRIDGE` rather than `bridge link`: it carries the same STP
 * port state plus MTU, MAC, kind and operstate in one call, and `bridge -j link` (iproute2 6.1) names a
 * veth's peer by looking its ifindex up in the wrong namespace (a guest port showed `"link": "vnbr0"`).
 */
import { type CommandRunner, failureText } from './command-runner.js';
import { BridgeNotFoundError, NotABridgeError } from './host-errors.js';
import type { PortOwner } from '../xml/domain-interfaces.js';
import { assertInterfaceName } from './interface-name.js';
import { type IpLink, IpLinkSchema, bridgePortStpState, bridgeStpEnabled, parseIpJson } from './ip-json.js';
import { type IpFamily, parseIpAddress } from '../planning/ip-address.js';

/** RFC 2863 operational state as the kernel reports it, lowercase. */
export type OperState = 'up' | 'down' | 'unknown' | 'dormant' | 'lowerlayerdown' | 'notpresent' | 'testing';

/** STP state of a bridge port (802.1D). With STP off, ports go straight to `forwarding` (or `disabled` while down). */
export type StpPortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';

/** Link-level facts shared by a bridge and its ports. */
export interface LinkState {
  readonly name: string;
  /** Set up by an administrator (`ip link set … up`): the `UP` flag. */
  readonly adminUp: boolean;
  readonly operstate: OperState;
  /**
   * The `LOWER_UP` flag. A bridge has carrier only while at least one port forwards: a fresh bridge
   * with no ports, or with ports still listening, is UP but has no carrier and operstate `down`.
   */
  readonly carrier: boolean;
  readonly mtu: number;
  /** MAC address, lowercase. */
  readonly mac: string;
}

/** An address on the bridge. */
export interface BridgeAddress {
  readonly family: IpFamily;
  readonly address: string;
  readonly prefix: number;
  /** `address/prefix`, e.g. `10.1.2.1/24`. */
  readonly cidr: string;
  /** `global`, `link`, … as `ip` says. */
  readonly scope?: string;
}

/** One port of a bridge. */
export interface BridgePort extends LinkState {
  /** Device kind: `tun` for a VM's tap, `veth`, … (absent for plain devices). */
  readonly kind?: string;
  /** Absent when the kernel reports none (it always does for bridge ports in iproute2 6.x). */
  readonly stpState?: StpPortState;
  /** The VM behind the port, when the caller's lookup knew it. */
  readonly owner?: PortOwner;
}

/** A bridge and its ports (sorted by name). */
export interface BridgeState extends LinkState {
  /** Whether the bridge runs (kernel or user-space) STP. */
  readonly stp: boolean;
  readonly addresses: readonly BridgeAddress[];
  readonly ports: readonly BridgePort[];
}

/** What {@link readBridgeState} needs from the outside. */
export interface BridgeStateDeps {
  readonly run: CommandRunner;
  /** Maps port names to the VMs behind them (e.g. `portOwnersFromDomains` over the host's domains); called only when there are ports. */
  readonly portOwners?: (ports: string[]) => Promise<Map<string, PortOwner>>;
}

/**
 * Reads a bridge's state with `ip -j -d addr show dev BRIDGE` and `ip -j -d link show master BRIDGE`.
 * Throws `InvalidInterfaceNameError` for a name that is not safe to pass to `ip`, {@link BridgeNotFoundError}
 * when there is no such interface, and {@link NotABridgeError} when it is not a bridge.
 */
export async function readBridgeState(bridge: string, deps: BridgeStateDeps): Promise<BridgeState> {
  assertInterfaceName(bridge, 'bridge name');
  const [linkJson, portsJson] = await Promise.all([
    deps.run('ip', ['-j', '-d', 'addr', 'show', 'dev', bridge]),
    deps.run('ip', ['-j', '-d', 'link', 'show', 'master', bridge]),
  ]).catch((error: unknown) => {
    throw isNoSuchDevice(error) ? new BridgeNotFoundError(bridge, { cause: error }) : error;
  });
  const portNames = parseIpJson(IpLinkSchema, portsJson, 'ip -j -d link show master').map((link) => link.ifname);
  const owners =
    portNames.length > 0 && deps.portOwners ? await deps.portOwners(portNames) : new Map<string, PortOwner>();
  return parseBridgeState(bridge, { link: linkJson, ports: portsJson }, owners);
}

/** The two outputs {@link parseBridgeState} reads. */
export interface BridgeStateOutputs {
  /** `ip -j -d addr show dev BRIDGE`. */
  readonly link: string;
  /** `ip -j -d link show master BRIDGE`. */
  readonly ports: string;
}

/** The pure half of {@link readBridgeState}: a bridge's state from captured `ip` outputs. */
export function parseBridgeState(
  bridge: string,
  outputs: BridgeStateOutputs,
  owners: ReadonlyMap<string, PortOwner> = new Map(),
): BridgeState {
  const link = parseIpJson(IpLinkSchema, outputs.link, 'ip -j -d addr show dev').find((l) => l.ifname === bridge);
  if (!link) throw new BridgeNotFoundError(bridge);
  if (link.linkinfo?.info_kind !== 'bridge') throw new NotABridgeError(bridge, link.linkinfo?.info_kind);
  return bridgeStateFromLinks(link, parseIpJson(IpLinkSchema, outputs.ports, 'ip -j -d link show master'), owners);
}

/**
 * A bridge's state from its own parsed link (with addresses) and any set of parsed links, of which
 * those enslaved to it become its ports.
 */
export function bridgeStateFromLinks(
  link: IpLink,
  links: readonly IpLink[],
  owners: ReadonlyMap<string, PortOwner> = new Map(),
): BridgeState {
  const bridge = link.ifname;
  const ports = links
    .filter((port) => port.master === bridge)
    .map((port): BridgePort => {
      const owner = owners.get(port.ifname);
      const stpState = toStpPortState(bridgePortStpState(port));
      return {
        ...linkState(port),
        ...(port.linkinfo?.info_kind !== undefined && { kind: port.linkinfo.info_kind }),
        ...(stpState !== undefined && { stpState }),
        ...(owner !== undefined && { owner }),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ...linkState(link), stp: bridgeStpEnabled(link) ?? false, addresses: addressesOf(link), ports };
}

/**
 * Names of the host's bridges (`ip -j link show type bridge`), sorted. Libvirt's, vnetops' and
 * hand-made ones alike.
 */
export async function listBridges(run: CommandRunner): Promise<string[]> {
  const links = parseIpJson(
    IpLinkSchema,
    await run('ip', ['-j', 'link', 'show', 'type', 'bridge']),
    'ip -j link show type bridge',
  );
  return links.map((link) => link.ifname).sort();
}

const OPER_STATES: ReadonlySet<string> = new Set<OperState>([
  'up',
  'down',
  'unknown',
  'dormant',
  'lowerlayerdown',
  'notpresent',
  'testing',
]);
const STP_PORT_STATES: ReadonlySet<string> = new Set<StpPortState>([
  'disabled',
  'listening',
  'learning',
  'forwarding',
  'blocking',
]);

/** The link-level facts of a parsed link. */
export function linkState(link: IpLink): LinkState {
  const operstate = link.operstate?.toLowerCase() ?? 'unknown';
  return {
    name: link.ifname,
    adminUp: link.flags.includes('UP'),
    operstate: OPER_STATES.has(operstate) ? (operstate as OperState) : 'unknown',
    carrier: link.flags.includes('LOWER_UP'),
    mtu: link.mtu ?? 0,
    mac: (link.address ?? '').toLowerCase(),
  };
}

function toStpPortState(state: string | undefined): StpPortState | undefined {
  return state !== undefined && STP_PORT_STATES.has(state) ? (state as StpPortState) : undefined;
}

function addressesOf(link: IpLink): BridgeAddress[] {
  return (link.addr_info ?? []).flatMap((info): BridgeAddress[] => {
    if (info.local === undefined || info.prefixlen === undefined) return [];
    const parsed = parseIpAddress(info.local);
    if (!parsed) return [];
    const address = {
      family: parsed.family,
      address: info.local,
      prefix: info.prefixlen,
      cidr: `${info.local}/${info.prefixlen}`,
    };
    return [info.scope === undefined ? address : { ...address, scope: info.scope }];
  });
}

/** iproute2 says `Device "x" does not exist.` (addr/link show dev) or `… Device does not exist` (master x). */
function isNoSuchDevice(error: unknown): boolean {
  return /does not exist|cannot find device/i.test(failureText(error));
}
