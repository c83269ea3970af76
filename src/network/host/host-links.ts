/**
 * Every link of a host and every bridge with its ports, from ONE `ip -j -d addr show`: the monitor
 * reads this on each link event, so one process spawn per look matters more than per-bridge detail.
 */
import type { CommandRunner } from './command-runner.js';
import { type BridgeState, type LinkState, bridgeStateFromLinks, linkState } from './bridge-state.js';
import type { PortOwner } from '../xml/domain-interfaces.js';
import { type IpLink, IpLinkSchema, parseIpJson } from './ip-json.js';

/** A host's links at one moment. */
export interface HostLinks {
  /** Every link by name (bridges, ports, uplinks, …). */
  readonly links: ReadonlyMap<string, LinkState>;
  /** Every bridge by name, with its ports (and their VMs where the lookup knew them). */
  readonly bridges: ReadonlyMap<string, BridgeState>;
}

/** Maps bridge port names to the VMs behind them (e.g. `portOwnersFromDomains` over the running domains). */
export type PortOwnerLookup = (ports: string[]) => Promise<ReadonlyMap<string, PortOwner>>;

const ARGS = ['-j', '-d', 'addr', 'show'];
const COMMAND = `ip ${ARGS.join(' ')}`;

/**
 * Reads the host's links with one `ip -j -d addr show`. `portOwners` is called once, with the names
 * of all bridge ports, and only when some bridge has ports.
 */
export async function readHostLinks(run: CommandRunner, portOwners?: PortOwnerLookup): Promise<HostLinks> {
  const parsed = parseIpJson(IpLinkSchema, await run('ip', [...ARGS]), COMMAND);
  const ports = bridgePortNames(parsed);
  const owners = ports.length > 0 && portOwners ? await portOwners(ports) : new Map<string, PortOwner>();
  return hostLinksFrom(parsed, owners);
}

/**
 * The pure half of {@link readHostLinks}: a snapshot from captured `ip -j -d addr show` output.
 * Throws when the text is not that command's JSON.
 */
export function parseHostLinks(text: string, owners: ReadonlyMap<string, PortOwner> = new Map()): HostLinks {
  return hostLinksFrom(parseIpJson(IpLinkSchema, text, COMMAND), owners);
}

function hostLinksFrom(parsed: readonly IpLink[], owners: ReadonlyMap<string, PortOwner>): HostLinks {
  const links = new Map<string, LinkState>();
  const bridges = new Map<string, BridgeState>();
  for (const link of parsed) {
    links.set(link.ifname, linkState(link));
    if (isBridge(link)) bridges.set(link.ifname, bridgeStateFromLinks(link, parsed, owners));
  }
  return { links, bridges };
}

/** Links enslaved to a bridge (a bond's or a VRF's members are not bridge ports). */
function bridgePortNames(parsed: readonly IpLink[]): string[] {
  const bridges = new Set(parsed.filter(isBridge).map((link) => link.ifname));
  return parsed.filter((link) => link.master !== undefined && bridges.has(link.master)).map((link) => link.ifname);
}

function isBridge(link: IpLink): boolean {
  return link.linkinfo?.info_kind === 'bridge';
}
