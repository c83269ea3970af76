/**
 * Every link of a host and every bridge with its ports, from ONE `ip -j -d addr show`: the monitor
 * reads this on each link event, so one process spawn per look matters more than per-bridge detail.
 */
import type { CommandRunner } from './command-runner.js';
import { type BridgeState, type LinkState, bridgeStateFromLinks, linkState } from './bridge-state.js';
import type { PortOwner } from './domain-interfaces.js';
import { IpLinkSchema, parseIpJson } from './ip-json.js';

/** A host's links at one moment. */
export interface HostLinks {
  /** Every link by name (bridges, ports, uplinks, …). */
  readonly links: ReadonlyMap<string, LinkState>;
  /** Every bridge by name, with its ports (and their VMs where the lookup knew them). */
  readonly bridges: ReadonlyMap<string, BridgeState>;
}

const COMMAND = ['-j', '-d', 'addr', 'show'];

/**
 * Reads the host's links with `ip -j -d addr show`. `portOwners` maps bridge port names to the VMs
 * behind them; it is called only when some bridge has ports.
 */
export async function readHostLinks(run: CommandRunner, portOwners?: (ports: string[]) => Promise<ReadonlyMap<string, PortOwner>>): Promise<HostLinks> {
  const text = await run('ip', COMMAND);
  const parsed = parseIpJson(IpLinkSchema, text, 'ip -j -d addr show');
  const bridgeNames = new Set(parsed.filter((link) => link.linkinfo?.info_kind === 'bridge').map((link) => link.ifname));
  const portNames = parsed.filter((link) => link.master !== undefined && bridgeNames.has(link.master)).map((link) => link.ifname);
  const owners = portNames.length > 0 && portOwners ? await portOwners(portNames) : new Map<string, PortOwner>();
  return parseHostLinks(text, owners);
}

/** The pure half of {@link readHostLinks}: a snapshot from captured `ip -j -d addr show` output. */
export function parseHostLinks(text: string, owners: ReadonlyMap<string, PortOwner> = new Map()): HostLinks {
  const parsed = parseIpJson(IpLinkSchema, text, 'ip -j -d addr show');
  const links = new Map<string, LinkState>();
  const bridges = new Map<string, BridgeState>();
  for (const link of parsed) {
    links.set(link.ifname, linkState(link));
    if (link.linkinfo?.info_kind === 'bridge') bridges.set(link.ifname, bridgeStateFromLinks(link, parsed, owners));
  }
  return { links, bridges };
}
