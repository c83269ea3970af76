import { parseNetworkXml } from '../../src/network/index.js';
import type { NetworkListEntry } from '../../src/contract/index.js';
import { type SurveyedNetwork, surveyHost } from '../host-survey.js';
import type { JobContext, JobProcessor } from '../job-context.js';

/** Every network of the host with its state, mode, bridge and subnets (`virsh net-list --all`, and more). */
export const listJob: JobProcessor<'list'> = async (context) => ({
  hostId: context.hostId,
  networks: [...(await context.inventory.networks())],
});

/** Reads the listing from libvirt (what {@link NetworkInventory} keeps). */
export async function readNetworkList(context: Pick<JobContext, 'libvirt' | 'run'>): Promise<NetworkListEntry[]> {
  const survey = await surveyHost(context, { networksOnly: true });
  return survey.networks.map(toListEntry);
}

/** A surveyed network as list and info report it. */
export function toListEntry(network: SurveyedNetwork): NetworkListEntry {
  const { summary } = network;
  let mode: string | undefined;
  try {
    mode = parseNetworkXml(network.configXml, { autostart: summary.autostart }).spec.mode;
  } catch {
    mode = undefined; // a kind of network vnetops does not model (hostdev, macvtap…)
  }
  return {
    name: summary.name,
    uuid: summary.uuid,
    active: summary.active,
    persistent: summary.persistent,
    autostart: summary.autostart,
    ...(mode ? { mode } : {}),
    ...(network.bridge ? { bridge: network.bridge } : {}),
    subnets: network.addresses.filter((a) => a.source === 'ip').map((a) => a.subnet),
  };
}
