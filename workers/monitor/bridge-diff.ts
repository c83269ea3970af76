/**
 * What changed on the bridges and uplinks the monitor watches between two looks at the host's links,
 * as monitor events waiting for their stamp. Pure: the monitor reads, this compares.
 */
import type { BridgeAddress, BridgePort, BridgeState, HostLinks, LinkState } from '../../src/network/index.js';
import type { MonitorEventKind } from '../../src/contract/index.js';

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
  /** A line for a person, e.g. "vnet3 (VM web1) joined virbr12". */
  readonly detail?: string;
}

/** The links worth watching, each with the names of the networks that use it. */
export interface WatchedLinks {
  /** Bridges libvirt made for active networks. */
  readonly bridges: ReadonlyMap<string, readonly string[]>;
  /** Existing host bridges that active bridged networks point at. */
  readonly hostBridges: ReadonlyMap<string, readonly string[]>;
  /** Forward devices of active NAT and routed networks. */
  readonly uplinks: ReadonlyMap<string, readonly string[]>;
}

/** STP port states in which a port passes no traffic for a reason worth telling. */
const TROUBLE_STATES: ReadonlySet<string> = new Set(['blocking', 'disabled']);

/**
 * The events between two looks, one per network using the link concerned:
 * - a watched bridge set down or up, STP turned on or off, ports joining or leaving, addresses
 *   added or removed, a port's STP state moving into blocking/disabled or from there back to
 *   forwarding (a fresh port's listening → learning → forwarding is normal convergence);
 * - a host bridge vanishing or coming back (a libvirt bridge coming or going is not news: it comes
 *   with the network's start or stop, which libvirt reports);
 * - an uplink losing carrier, set down or gone, and working again.
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
    else if (old && !now)
      drafts.push(
        ...perNetwork(networks, [
          { kind: 'bridge-missing', bridge: name, detail: `host bridge ${name} is gone: guests on it are cut off` },
        ]),
      );
    else if (!old && now)
      drafts.push(
        ...perNetwork(networks, [{ kind: 'bridge-back', bridge: name, detail: `host bridge ${name} is back` }]),
      );
  }
  for (const [name, networks] of watch.uplinks) {
    drafts.push(...perNetwork(networks, uplinkChanges(name, before.links.get(name), after.links.get(name))));
  }
  return drafts;
}

function bridgeChanges(old: BridgeState, now: BridgeState): EventDraft[] {
  const bridge = now.name;
  const drafts: EventDraft[] = [];
  if (old.adminUp && !now.adminUp)
    drafts.push({ kind: 'bridge-down', bridge, detail: `bridge ${bridge} was set down` });
  if (!old.adminUp && now.adminUp) drafts.push({ kind: 'bridge-up', bridge, detail: `bridge ${bridge} was set up` });
  if (old.stp !== now.stp)
    drafts.push({
      kind: 'bridge-stp-changed',
      bridge,
      from: onOff(old.stp),
      to: onOff(now.stp),
      detail: `STP turned ${onOff(now.stp)} on ${bridge}`,
    });
  const oldPorts = new Map(old.ports.map((p) => [p.name, p]));
  const newPorts = new Map(now.ports.map((p) => [p.name, p]));
  // A bridge that is down disables all its ports: that is said by bridge-down/up, not once per port.
  const bridgeWasUp = old.adminUp && now.adminUp;
  for (const [name, port] of newPorts) {
    const was = oldPorts.get(name);
    if (!was)
      drafts.push({
        kind: 'port-attached',
        bridge,
        port: name,
        ...vmOf(port),
        detail: `${describePort(port)} joined ${bridge}`,
      });
    else if (bridgeWasUp && isStpNews(was.stpState, port.stpState)) {
      drafts.push({
        kind: 'port-stp-changed',
        bridge,
        port: name,
        ...vmOf(port),
        from: was.stpState,
        to: port.stpState,
        detail: `${describePort(port)} on ${bridge}: STP ${was.stpState} → ${port.stpState}`,
      });
    }
  }
  for (const [name, port] of oldPorts) {
    if (!newPorts.has(name))
      drafts.push({
        kind: 'port-detached',
        bridge,
        port: name,
        ...vmOf(port),
        detail: `${describePort(port)} left ${bridge}`,
      });
  }
  const oldAddresses = new Set(old.addresses.filter(isConfigured).map((a) => a.cidr));
  const newAddresses = new Set(now.addresses.filter(isConfigured).map((a) => a.cidr));
  for (const cidr of newAddresses)
    if (!oldAddresses.has(cidr))
      drafts.push({ kind: 'address-added', bridge, address: cidr, detail: `${cidr} added to ${bridge}` });
  for (const cidr of oldAddresses)
    if (!newAddresses.has(cidr))
      drafts.push({ kind: 'address-removed', bridge, address: cidr, detail: `${cidr} removed from ${bridge}` });
  return drafts;
}

/** Into blocking or disabled, or out of them back to forwarding. */
function isStpNews(from: string | undefined, to: string | undefined): to is string {
  if (from === undefined || to === undefined || from === to) return false;
  return TROUBLE_STATES.has(to) || (TROUBLE_STATES.has(from) && to === 'forwarding');
}

/**
 * IPv6 link-local addresses come and go with the link's carrier by themselves (the kernel makes
 * them); only addresses someone configured are news.
 */
function isConfigured(address: BridgeAddress): boolean {
  return address.scope !== 'link';
}

/** How an uplink is doing: passing traffic (admin up with carrier) or not, and why not. */
type UplinkCondition = 'working' | 'no-carrier' | 'set-down' | 'gone';

function uplinkCondition(link: LinkState | undefined): UplinkCondition {
  if (!link) return 'gone';
  if (!link.adminUp) return 'set-down';
  return link.carrier ? 'working' : 'no-carrier';
}

const UPLINK_LOSS: Record<Exclude<UplinkCondition, 'working'>, string> = {
  'no-carrier': 'lost carrier',
  'set-down': 'was set down',
  gone: 'is gone',
};

/**
 * Carrier lost (or the device set down or removed) and back. Setting the device down is reported as
 * a loss too: guests are cut off just the same, and the later "back" then always has its "lost".
 */
function uplinkChanges(name: string, old: LinkState | undefined, now: LinkState | undefined): EventDraft[] {
  const was = uplinkCondition(old);
  const is = uplinkCondition(now);
  if (was === 'working' && is !== 'working') {
    return [
      {
        kind: 'uplink-carrier-lost',
        port: name,
        detail: `uplink ${name} ${UPLINK_LOSS[is]}: guests cannot reach the outside`,
      },
    ];
  }
  if (was !== 'working' && is === 'working') {
    return [
      {
        kind: 'uplink-carrier-back',
        port: name,
        detail: was === 'gone' ? `uplink ${name} is back with carrier` : `uplink ${name} has carrier again`,
      },
    ];
  }
  return [];
}

/** One copy per network that uses the link (an event reaches each network's thread). */
function perNetwork(networks: readonly string[], drafts: EventDraft[]): EventDraft[] {
  if (networks.length === 0) return drafts;
  return networks.flatMap((network) => drafts.map((draft) => ({ ...draft, network })));
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
