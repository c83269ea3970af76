/**
 * What changed on the bridges and uplinks the monitor watches between two looks at the host's links,
 * as monitor events waiting for their stamp. Pure: the monitor reads, this compares.
 */
import type { BridgePort, BridgeState, HostLinks, LinkState } from '../../src/network/index.js';
import type { MonitorEventKind } from '../../src/queue/index.js';

/** An event before it gets its id, host, time and source. */
export interface EventDraft {
  readonly kind: MonitorEventKind;
  readonly network?: string;
  readonly bridge?: string;
  readonly port?: string;
  readonly vm?: string;
  readonly address?: string;
  readonly from?: string;
  readonly to?: string;
  readonly detail?: string;
}

/** The links worth watching, each with the networks that use it. */
export interface WatchedLinks {
  /** Bridges libvirt made for active networks. */
  readonly bridges: ReadonlyMap<string, readonly string[]>;
  /** Existing host bridges that active bridged networks point at. */
  readonly hostBridges: ReadonlyMap<string, readonly string[]>;
  /** Forward devices of active NAT and routed networks. */
  readonly uplinks: ReadonlyMap<string, readonly string[]>;
}

/** STP port states that mean a port does not pass traffic for a reason worth telling. */
const TROUBLE_STATES: ReadonlySet<string> = new Set(['blocking', 'disabled']);

/**
 * The events between two looks. A libvirt bridge coming or going is not news (it comes with the
 * network's start or stop, which libvirt reports); a host bridge vanishing is. A fresh port's
 * listening → learning → forwarding is normal convergence; only moves into or out of blocking or
 * disabled are reported.
 */
export function diffHostLinks(before: HostLinks, after: HostLinks, watch: WatchedLinks): EventDraft[] {
  const drafts: EventDraft[] = [];
  for (const [name, networks] of watch.bridges) {
    const old = before.bridges.get(name);
    const now = after.bridges.get(name);
    if (old && now) drafts.push(...perNetwork(networks, bridgeChanges(old, now)));
  }
  for (const [name, networks] of watch.hostBridges) {
    const old = before.bridges.get(name);
    const now = after.bridges.get(name);
    if (old && now) drafts.push(...perNetwork(networks, bridgeChanges(old, now)));
    else if (old && !now) drafts.push(...perNetwork(networks, [{ kind: 'bridge-missing', bridge: name, detail: `host bridge ${name} is gone: guests of these networks are cut off` }]));
    else if (!old && now) drafts.push(...perNetwork(networks, [{ kind: 'bridge-back', bridge: name, detail: `host bridge ${name} is back` }]));
  }
  for (const [name, networks] of watch.uplinks) {
    const had = hasCarrier(before.links.get(name));
    const has = hasCarrier(after.links.get(name));
    if (had && !has) {
      const why = after.links.get(name) ? 'lost carrier' : 'is gone';
      drafts.push(...perNetwork(networks, [{ kind: 'uplink-carrier-lost', port: name, detail: `uplink ${name} ${why}: guests cannot reach the outside` }]));
    } else if (!had && has && before.links.has(name)) {
      drafts.push(...perNetwork(networks, [{ kind: 'uplink-carrier-back', port: name, detail: `uplink ${name} has carrier again` }]));
    }
  }
  return drafts;
}

function bridgeChanges(old: BridgeState, now: BridgeState): EventDraft[] {
  const bridge = now.name;
  const drafts: EventDraft[] = [];
  if (old.adminUp && !now.adminUp) drafts.push({ kind: 'bridge-down', bridge, detail: `bridge ${bridge} was set down` });
  if (!old.adminUp && now.adminUp) drafts.push({ kind: 'bridge-up', bridge, detail: `bridge ${bridge} was set up` });
  if (old.stp !== now.stp) drafts.push({ kind: 'bridge-stp-changed', bridge, from: onOff(old.stp), to: onOff(now.stp), detail: `STP turned ${onOff(now.stp)} on ${bridge}` });
  const oldPorts = new Map(old.ports.map((p) => [p.name, p]));
  const newPorts = new Map(now.ports.map((p) => [p.name, p]));
  for (const [name, port] of newPorts) {
    const was = oldPorts.get(name);
    if (!was) {
      drafts.push({ kind: 'port-attached', bridge, port: name, ...vmOf(port), detail: `${describePort(port)} joined ${bridge}` });
      continue;
    }
    const from = was.stpState;
    const to = port.stpState;
    if (from !== to && from !== undefined && to !== undefined && (TROUBLE_STATES.has(to) || (TROUBLE_STATES.has(from) && to === 'forwarding'))) {
      drafts.push({ kind: 'port-stp-changed', bridge, port: name, ...vmOf(port), from, to, detail: `${describePort(port)} on ${bridge}: STP ${from} → ${to}` });
    }
  }
  for (const [name, port] of oldPorts) {
    if (!newPorts.has(name)) drafts.push({ kind: 'port-detached', bridge, port: name, ...vmOf(port), detail: `${describePort(port)} left ${bridge}` });
  }
  const oldAddresses = new Set(old.addresses.map((a) => a.cidr));
  const newAddresses = new Set(now.addresses.map((a) => a.cidr));
  for (const cidr of newAddresses) if (!oldAddresses.has(cidr)) drafts.push({ kind: 'address-added', bridge, address: cidr, detail: `${cidr} added to ${bridge}` });
  for (const cidr of oldAddresses) if (!newAddresses.has(cidr)) drafts.push({ kind: 'address-removed', bridge, address: cidr, detail: `${cidr} removed from ${bridge}` });
  return drafts;
}

/** One copy per network that uses the link (an event reaches each network's thread). */
function perNetwork(networks: readonly string[], drafts: EventDraft[]): EventDraft[] {
  if (networks.length === 0) return drafts;
  return networks.flatMap((network) => drafts.map((draft) => ({ ...draft, network })));
}

function hasCarrier(link: LinkState | undefined): boolean {
  return link !== undefined && link.adminUp && link.carrier;
}

function vmOf(port: BridgePort): { vm?: string } {
  return port.owner ? { vm: port.owner.vm } : {};
}

function describePort(port: BridgePort): string {
  return port.owner ? `${port.name} (VM ${port.owner.vm})` : port.name;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}
