import { LibvirtError, type NetworkSummary } from '../src/libvirt/index.js';
import {
  type NetworkAddress,
  type OccupiedSubnet,
  bridgesCountedByNetworks,
  occupiedByNetworks,
  readHostAddressing,
  readNetworkAddresses,
  readNetworkBridge,
} from '../src/network/index.js';
import type { JobContext } from './job-context.js';

/** One libvirt network as the survey saw it. */
export interface SurveyedNetwork {
  readonly summary: NetworkSummary;
  /** Persistent config (or the live XML of a transient network). */
  readonly configXml: string;
  /** Live XML when active. */
  readonly liveXml?: string;
  readonly bridge?: string;
  /** Subnets of both the config and the live XML (an edited, not restarted network holds both). */
  readonly addresses: readonly NetworkAddress[];
}

/** Everything on a host a new network could collide with. */
export interface HostSurvey {
  readonly networks: readonly SurveyedNetwork[];
  /** Subnets of every network (active or not), host addresses and routes. */
  readonly occupied: readonly OccupiedSubnet[];
  /** Interface names in use (every host interface, and every network's bridge even when inactive). */
  readonly interfaceNames: ReadonlySet<string>;
}

/** Reads every network's XML (calls pipelined) and, unless `networksOnly`, the host's addresses and routes. */
export async function surveyHost(
  context: Pick<JobContext, 'libvirt' | 'run'>,
  options: { networksOnly?: boolean } = {},
): Promise<HostSurvey> {
  const summaries = await context.libvirt.listNetworks();
  const surveyed = await Promise.all(
    summaries.map(async (summary): Promise<SurveyedNetwork | undefined> => {
      try {
        const [configXml, liveXml] = await Promise.all([
          context.libvirt.getNetworkXml(summary, { inactive: summary.persistent }),
          summary.active && summary.persistent ? context.libvirt.getNetworkXml(summary) : Promise.resolve(undefined),
        ]);
        const addresses = dedupe([
          ...readNetworkAddresses(configXml),
          ...(liveXml ? readNetworkAddresses(liveXml) : []),
        ]);
        return { summary, configXml, liveXml, bridge: readNetworkBridge(liveXml ?? configXml), addresses };
      } catch (error) {
        // Deleted between the list and this read (another job, or someone by hand): it is gone, skip it.
        if (error instanceof LibvirtError && error.isNotFound()) return undefined;
        throw error;
      }
    }),
  );
  const networks = surveyed.filter((n): n is SurveyedNetwork => n !== undefined);
  const bridges = networks.flatMap((n) => (n.bridge ? [n.bridge] : []));
  const addressing = networks.map((n) => ({
    name: n.summary.name,
    active: n.summary.active,
    bridge: n.bridge,
    subnets: n.addresses.map((a) => a.subnet),
  }));
  const fromNetworks = occupiedByNetworks(addressing);
  if (options.networksOnly) return { networks, occupied: fromNetworks, interfaceNames: new Set(bridges) };
  const [hostOccupied, links] = await Promise.all([
    // Bridges libvirt made for networks with a subnet are counted above by network name; a
    // bridged network's host bridge carries the LAN's addresses and stays counted.
    readHostAddressing(context.run, { ignoreDevices: bridgesCountedByNetworks(addressing) }),
    context.run('ip', ['-j', 'link', 'show']),
  ]);
  const hostInterfaces = (JSON.parse(links) as { ifname: string }[]).map((link) => link.ifname);
  return {
    networks,
    occupied: [...fromNetworks, ...hostOccupied],
    interfaceNames: new Set([...bridges, ...hostInterfaces]),
  };
}

function dedupe(addresses: NetworkAddress[]): NetworkAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = `${a.source} ${a.subnet}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
