import { type BridgeState, type PortOwner, portOwnersFromDomains, readBridgeState } from '../src/network/index.js';
import type { BridgeReport } from '../src/contract/index.js';
import type { JobContext } from './job-context.js';

/** Maps bridge ports to the running VMs behind them, from the running domains' XML (calls pipelined). */
export async function lookUpPortOwners(context: JobContext): Promise<Map<string, PortOwner>> {
  const running = (await context.libvirt.listDomains()).filter((domain) => domain.id !== -1);
  const xmls = await Promise.all(running.map(async (domain) => ({ xml: await context.libvirt.getDomainXml(domain) })));
  return portOwnersFromDomains(xmls);
}

/**
 * Reads a bridge with its ports' owners. Pass `owners` when reading several bridges, so the
 * domains' XML is fetched once rather than once per bridge.
 */
export function readBridgeWithOwners(
  context: JobContext,
  bridge: string,
  owners: () => Promise<Map<string, PortOwner>> = () => lookUpPortOwners(context),
): Promise<BridgeState> {
  return readBridgeState(bridge, { run: context.run, portOwners: owners });
}

/** A port-owner lookup that runs at most once, on first use. */
export function portOwnersOnce(context: JobContext): () => Promise<Map<string, PortOwner>> {
  let owners: Promise<Map<string, PortOwner>> | undefined;
  return () => (owners ??= lookUpPortOwners(context));
}

/** The bridge state as the bot shows it. */
export function toBridgeReport(state: BridgeState, networks: string[]): BridgeReport {
  return {
    name: state.name,
    operstate: state.operstate,
    carrier: state.carrier,
    mtu: state.mtu,
    mac: state.mac,
    stp: state.stp,
    addresses: state.addresses.map((a) => a.cidr),
    ports: state.ports.map((port) => ({
      name: port.name,
      state: port.stpState ?? 'unknown',
      operstate: port.operstate,
      mac: port.mac,
      ...(port.owner ? { vm: port.owner.vm } : {}),
    })),
    networks,
  };
}

/** "vnet3 (VM web1), vg-g1 (no VM known)". */
export function describePorts(state: BridgeState): string {
  return state.ports.map((port) => `${port.name} (${port.owner ? `VM ${port.owner.vm}` : 'no VM known'})`).join(', ');
}
