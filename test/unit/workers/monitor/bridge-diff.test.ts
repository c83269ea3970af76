/**
 * The monitor's link diff, on whole-host snapshots captured on a real sandbox host
 * (test/fixtures/ip-json/capture-host-links.sh) and on single changes made to them.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BridgePort,
  type BridgeState,
  type HostLinks,
  type LinkState,
  type StpPortState,
  parseHostLinks,
} from '../../../../src/network/index.js';
import { type EventDraft, type WatchedLinks, diffHostLinks } from '../../../../workers/monitor/bridge-diff.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/ip-json/${name}`, import.meta.url), 'utf8');
// Before: vnbr0 (libvirt's, STP on, 10.1.2.1/24, port vg-g1), br0 (hand-made, no ports), uplink up0 with carrier.
// After: vnbr0 down, STP off, 10.9.9.1/24 added, vg-g1 moved to br0 (+192.168.50.2/24), vg-g2 joined vnbr0, up0 without carrier.
const before = parseHostLinks(fixture('host-links-before.json'));
const after = parseHostLinks(fixture('host-links-after.json'));

const NOTHING: WatchedLinks = { bridges: new Map(), hostBridges: new Map(), uplinks: new Map() };
const watchBridge = (networks = ['lab1']): WatchedLinks => ({ ...NOTHING, bridges: new Map([['vnbr0', networks]]) });
const watchHostBridge = (networks = ['lan1']): WatchedLinks => ({
  ...NOTHING,
  hostBridges: new Map([['br0', networks]]),
});
const watchUplink = (networks = ['lab1']): WatchedLinks => ({ ...NOTHING, uplinks: new Map([['up0', networks]]) });

const vnbr0 = before.bridges.get('vnbr0') as BridgeState;
const guestPort = vnbr0.ports[0] as BridgePort;
const up0 = before.links.get('up0') as LinkState;

/** `links` with vnbr0 replaced by `bridge`. */
function withBridge(bridge: BridgeState, links: HostLinks = before): HostLinks {
  return { links: links.links, bridges: new Map([...links.bridges, [bridge.name, bridge]]) };
}

/** vnbr0 with its guest port in STP state `stpState`, owned by VM web1. */
function withPortState(stpState: StpPortState, bridge: Partial<BridgeState> = {}): HostLinks {
  return withBridge({
    ...vnbr0,
    ...bridge,
    ports: [{ ...guestPort, stpState, owner: { vm: 'web1', mac: '52:54:00:00:00:01' } }],
  });
}

/** The host with uplink up0 as `link` (undefined: gone). */
function withUplink(link: LinkState | undefined): HostLinks {
  const links = new Map(before.links);
  if (link) links.set('up0', link);
  else links.delete('up0');
  return { links, bridges: before.bridges };
}

const brief = (drafts: EventDraft[]): string[] =>
  drafts
    .map((d) => [d.network, d.kind, d.bridge ?? d.port, d.port ?? d.address ?? d.to].filter(Boolean).join(' '))
    .sort();

describe('diffHostLinks between two real captures', () => {
  const watch: WatchedLinks = {
    bridges: new Map([['vnbr0', ['lab1']]]),
    hostBridges: new Map([['br0', ['lan1']]]),
    uplinks: new Map([['up0', ['lab1']]]),
  };

  it('reports everything done between them, for the network using each link', () => {
    expect(brief(diffHostLinks(before, after, watch))).toEqual(
      [
        'lab1 bridge-down vnbr0',
        'lab1 bridge-stp-changed vnbr0 off',
        'lab1 port-attached vnbr0 vg-g2',
        'lab1 port-detached vnbr0 vg-g1',
        'lab1 address-added vnbr0 10.9.9.1/24',
        'lan1 port-attached br0 vg-g1',
        'lan1 address-added br0 192.168.50.2/24',
        'lab1 uplink-carrier-lost up0 up0',
      ].sort(),
    );
  });

  it('reports the way back too', () => {
    expect(brief(diffHostLinks(after, before, watch))).toEqual(
      [
        'lab1 bridge-up vnbr0',
        'lab1 bridge-stp-changed vnbr0 on',
        'lab1 port-attached vnbr0 vg-g1',
        'lab1 port-detached vnbr0 vg-g2',
        'lab1 address-removed vnbr0 10.9.9.1/24',
        'lan1 port-detached br0 vg-g1',
        'lan1 address-removed br0 192.168.50.2/24',
        'lab1 uplink-carrier-back up0 up0',
      ].sort(),
    );
  });

  it('ignores links nobody watches', () => {
    expect(diffHostLinks(before, after, NOTHING)).toEqual([]);
  });
});

describe('diffHostLinks on a watched bridge', () => {
  it('reports the bridge set down and up', () => {
    const down = withBridge({ ...vnbr0, adminUp: false });
    expect(diffHostLinks(before, down, watchBridge())).toEqual([
      { kind: 'bridge-down', network: 'lab1', bridge: 'vnbr0', detail: 'bridge vnbr0 was set down' },
    ]);
    expect(diffHostLinks(down, before, watchBridge())).toEqual([
      { kind: 'bridge-up', network: 'lab1', bridge: 'vnbr0', detail: 'bridge vnbr0 was set up' },
    ]);
  });

  it('reports STP turned off and on, with from and to', () => {
    const off = withBridge({ ...vnbr0, stp: false });
    expect(diffHostLinks(before, off, watchBridge())).toEqual([
      {
        kind: 'bridge-stp-changed',
        network: 'lab1',
        bridge: 'vnbr0',
        from: 'on',
        to: 'off',
        detail: 'STP turned off on vnbr0',
      },
    ]);
    expect(diffHostLinks(off, before, watchBridge())).toMatchObject([
      { kind: 'bridge-stp-changed', from: 'off', to: 'on' },
    ]);
  });

  it('names the VM of a port that joins or leaves', () => {
    const empty = withBridge({ ...vnbr0, ports: [] });
    const owned = withPortState('forwarding');
    expect(diffHostLinks(empty, owned, watchBridge())).toEqual([
      {
        kind: 'port-attached',
        network: 'lab1',
        bridge: 'vnbr0',
        port: 'vg-g1',
        vm: 'web1',
        detail: 'vg-g1 (VM web1) joined vnbr0',
      },
    ]);
    expect(diffHostLinks(owned, empty, watchBridge())).toEqual([
      {
        kind: 'port-detached',
        network: 'lab1',
        bridge: 'vnbr0',
        port: 'vg-g1',
        vm: 'web1',
        detail: 'vg-g1 (VM web1) left vnbr0',
      },
    ]);
    // Without a known owner, the port alone.
    expect(diffHostLinks(empty, before, watchBridge())).toEqual([
      { kind: 'port-attached', network: 'lab1', bridge: 'vnbr0', port: 'vg-g1', detail: 'vg-g1 joined vnbr0' },
    ]);
  });

  it('stays quiet through a fresh port converging: listening → learning → forwarding', () => {
    expect(diffHostLinks(withPortState('listening'), withPortState('learning'), watchBridge())).toEqual([]);
    expect(diffHostLinks(withPortState('learning'), withPortState('forwarding'), watchBridge())).toEqual([]);
    expect(diffHostLinks(withPortState('disabled'), withPortState('listening'), watchBridge())).toEqual([]);
  });

  it('reports a port going into blocking or disabled, and back to forwarding', () => {
    expect(diffHostLinks(withPortState('forwarding'), withPortState('blocking'), watchBridge())).toEqual([
      {
        kind: 'port-stp-changed',
        network: 'lab1',
        bridge: 'vnbr0',
        port: 'vg-g1',
        vm: 'web1',
        from: 'forwarding',
        to: 'blocking',
        detail: 'vg-g1 (VM web1) on vnbr0: STP forwarding → blocking',
      },
    ]);
    expect(diffHostLinks(withPortState('learning'), withPortState('disabled'), watchBridge())).toMatchObject([
      { kind: 'port-stp-changed', from: 'learning', to: 'disabled' },
    ]);
    expect(diffHostLinks(withPortState('blocking'), withPortState('forwarding'), watchBridge())).toMatchObject([
      { kind: 'port-stp-changed', from: 'blocking', to: 'forwarding' },
    ]);
    expect(diffHostLinks(withPortState('disabled'), withPortState('forwarding'), watchBridge())).toMatchObject([
      { kind: 'port-stp-changed', from: 'disabled', to: 'forwarding' },
    ]);
  });

  it('leaves the ports a bridge disables by going down to the bridge-down event', () => {
    const kinds = diffHostLinks(
      withPortState('forwarding'),
      withPortState('disabled', { adminUp: false }),
      watchBridge(),
    ).map((d) => d.kind);
    expect(kinds).toEqual(['bridge-down']);
    expect(
      diffHostLinks(withPortState('disabled', { adminUp: false }), withPortState('forwarding'), watchBridge()).map(
        (d) => d.kind,
      ),
    ).toEqual(['bridge-up']);
  });

  it('reports addresses added and removed, not the link-local ones the kernel makes', () => {
    const address = { family: 'ipv4', address: '10.9.9.1', prefix: 24, cidr: '10.9.9.1/24', scope: 'global' } as const;
    const linkLocal = { family: 'ipv6', address: 'fe80::1', prefix: 64, cidr: 'fe80::1/64', scope: 'link' } as const;
    const more = withBridge({ ...vnbr0, addresses: [...vnbr0.addresses, address, linkLocal] });
    expect(diffHostLinks(before, more, watchBridge())).toEqual([
      {
        kind: 'address-added',
        network: 'lab1',
        bridge: 'vnbr0',
        address: '10.9.9.1/24',
        detail: '10.9.9.1/24 added to vnbr0',
      },
    ]);
    expect(diffHostLinks(more, before, watchBridge())).toEqual([
      {
        kind: 'address-removed',
        network: 'lab1',
        bridge: 'vnbr0',
        address: '10.9.9.1/24',
        detail: '10.9.9.1/24 removed from vnbr0',
      },
    ]);
  });

  it('gives every network on the bridge its own copy', () => {
    const down = withBridge({ ...vnbr0, adminUp: false });
    expect(diffHostLinks(before, down, watchBridge(['lab1', 'lab2'])).map((d) => [d.kind, d.network])).toEqual([
      ['bridge-down', 'lab1'],
      ['bridge-down', 'lab2'],
    ]);
  });

  it('says nothing when a libvirt bridge appears or vanishes: its network start or stop says it', () => {
    const gone: HostLinks = { links: before.links, bridges: new Map() };
    expect(diffHostLinks(before, gone, watchBridge())).toEqual([]);
    expect(diffHostLinks(gone, before, watchBridge())).toEqual([]);
  });
});

describe('diffHostLinks on a host bridge', () => {
  it('reports it vanishing and coming back, once per bridged network', () => {
    const gone: HostLinks = { links: before.links, bridges: new Map([['vnbr0', vnbr0]]) };
    expect(diffHostLinks(before, gone, watchHostBridge(['lan1', 'lan2']))).toEqual([
      {
        kind: 'bridge-missing',
        network: 'lan1',
        bridge: 'br0',
        detail: 'host bridge br0 is gone: guests on it are cut off',
      },
      {
        kind: 'bridge-missing',
        network: 'lan2',
        bridge: 'br0',
        detail: 'host bridge br0 is gone: guests on it are cut off',
      },
    ]);
    expect(diffHostLinks(gone, before, watchHostBridge(['lan1', 'lan2'])).map((d) => [d.kind, d.network])).toEqual([
      ['bridge-back', 'lan1'],
      ['bridge-back', 'lan2'],
    ]);
  });

  it('watches its ports like a libvirt bridge', () => {
    expect(
      diffHostLinks(before, after, watchHostBridge())
        .map((d) => d.kind)
        .sort(),
    ).toEqual(['address-added', 'port-attached']);
  });
});

describe('diffHostLinks on an uplink', () => {
  it('reports carrier lost while the device stays up, and back', () => {
    const noCarrier = withUplink({ ...up0, carrier: false, operstate: 'lowerlayerdown' });
    expect(diffHostLinks(before, noCarrier, watchUplink())).toEqual([
      {
        kind: 'uplink-carrier-lost',
        network: 'lab1',
        port: 'up0',
        detail: 'uplink up0 lost carrier: guests cannot reach the outside',
      },
    ]);
    expect(diffHostLinks(noCarrier, before, watchUplink())).toEqual([
      { kind: 'uplink-carrier-back', network: 'lab1', port: 'up0', detail: 'uplink up0 has carrier again' },
    ]);
  });

  it('reports the device gone, and back', () => {
    expect(diffHostLinks(before, withUplink(undefined), watchUplink())).toMatchObject([
      { kind: 'uplink-carrier-lost', detail: 'uplink up0 is gone: guests cannot reach the outside' },
    ]);
    expect(diffHostLinks(withUplink(undefined), before, watchUplink())).toMatchObject([
      { kind: 'uplink-carrier-back', detail: 'uplink up0 is back with carrier' },
    ]);
  });

  it('reports the device set down as a loss too, so its way back is paired', () => {
    const setDown = withUplink({ ...up0, adminUp: false, carrier: false, operstate: 'down' });
    expect(diffHostLinks(before, setDown, watchUplink())).toMatchObject([
      { kind: 'uplink-carrier-lost', detail: 'uplink up0 was set down: guests cannot reach the outside' },
    ]);
    expect(diffHostLinks(setDown, before, watchUplink()).map((d) => d.kind)).toEqual(['uplink-carrier-back']);
  });

  it('says nothing while it stays without carrier, or for other changes of the device', () => {
    const noCarrier = withUplink({ ...up0, carrier: false });
    expect(diffHostLinks(noCarrier, withUplink(undefined), watchUplink())).toEqual([]);
    expect(diffHostLinks(before, withUplink({ ...up0, mtu: 9000 }), watchUplink())).toEqual([]);
  });
});

describe('diffHostLinks properties', () => {
  const names = fc.constantFrom('br0', 'vnbr0', 'vnbr1', 'up0', 'vnet0', 'vnet1', 'vg-g1');
  const link = (name: string): fc.Arbitrary<LinkState> =>
    fc.record({
      name: fc.constant(name),
      adminUp: fc.boolean(),
      operstate: fc.constantFrom('up', 'down', 'unknown', 'lowerlayerdown'),
      carrier: fc.boolean(),
      mtu: fc.constantFrom(1500, 9000),
      mac: fc.constant('52:54:00:00:00:01'),
    });
  const port: fc.Arbitrary<BridgePort> = names.chain((name) =>
    fc
      .tuple(
        link(name),
        fc.option(fc.constantFrom<StpPortState>('disabled', 'listening', 'learning', 'forwarding', 'blocking'), {
          nil: undefined,
        }),
        fc.option(fc.constantFrom('web1', 'db1'), { nil: undefined }),
      )
      .map(([state, stpState, vm]) => ({ ...state, ...(stpState && { stpState }), ...(vm && { owner: { vm } }) })),
  );
  const address = fc.record({
    family: fc.constant('ipv4' as const),
    address: fc.constantFrom('10.0.0.1', '10.0.1.1'),
    prefix: fc.constant(24),
    cidr: fc.constantFrom('10.0.0.1/24', '10.0.1.1/24', 'fe80::1/64'),
    scope: fc.constantFrom('global', 'link'),
  });
  const bridge = (name: string): fc.Arbitrary<BridgeState> =>
    fc
      .tuple(
        link(name),
        fc.boolean(),
        fc.uniqueArray(address, { selector: (a) => a.cidr, maxLength: 3 }),
        fc.uniqueArray(port, { selector: (p) => p.name, maxLength: 3 }),
      )
      .map(([state, stp, addresses, ports]) => ({ ...state, stp, addresses, ports }));
  const snapshot: fc.Arbitrary<HostLinks> = fc
    .tuple(fc.uniqueArray(names, { maxLength: 5 }), fc.uniqueArray(names, { maxLength: 4 }))
    .chain(([linkNames, bridgeNames]) =>
      fc.tuple(fc.tuple(...linkNames.map(link)), fc.tuple(...bridgeNames.map(bridge))).map(([links, bridges]) => ({
        links: new Map(links.map((l) => [l.name, l])),
        bridges: new Map(bridges.map((b) => [b.name, b])),
      })),
    );
  const users = fc.dictionary(
    names,
    fc.uniqueArray(fc.constantFrom('lab1', 'lab2', 'lan1'), { minLength: 1, maxLength: 2 }),
    { maxKeys: 3 },
  );
  const watched: fc.Arbitrary<WatchedLinks> = fc.tuple(users, users, users).map(([bridges, hostBridges, uplinks]) => ({
    bridges: new Map(Object.entries(bridges)),
    hostBridges: new Map(Object.entries(hostBridges)),
    uplinks: new Map(Object.entries(uplinks)),
  }));

  it('finds nothing between a snapshot and itself', () => {
    fc.assert(
      fc.property(fc.oneof(snapshot, fc.constantFrom(before, after)), watched, (links, watch) => {
        expect(diffHostLinks(links, links, watch)).toEqual([]);
      }),
    );
  });

  it('only speaks of watched links, for the networks using them', () => {
    fc.assert(
      fc.property(snapshot, snapshot, watched, (a, b, watch) => {
        for (const draft of diffHostLinks(a, b, watch)) {
          const link = draft.bridge ?? draft.port ?? '';
          const users = [
            ...(watch.bridges.get(link) ?? []),
            ...(watch.hostBridges.get(link) ?? []),
            ...(watch.uplinks.get(link) ?? []),
          ];
          expect(users).toContain(draft.network);
          expect(draft.detail).toBeTruthy();
        }
      }),
    );
  });

  it('reports in one direction what the other direction undoes', () => {
    const opposite: Partial<Record<string, string>> = {
      'bridge-down': 'bridge-up',
      'bridge-up': 'bridge-down',
      'bridge-missing': 'bridge-back',
      'bridge-back': 'bridge-missing',
      'port-attached': 'port-detached',
      'port-detached': 'port-attached',
      'address-added': 'address-removed',
      'address-removed': 'address-added',
      'uplink-carrier-lost': 'uplink-carrier-back',
      'uplink-carrier-back': 'uplink-carrier-lost',
    };
    const key = (d: EventDraft): string => `${d.network} ${d.bridge ?? ''} ${d.port ?? ''} ${d.address ?? ''}`;
    fc.assert(
      fc.property(snapshot, snapshot, watched, (a, b, watch) => {
        const forth = diffHostLinks(a, b, watch)
          .filter((d) => opposite[d.kind] !== undefined)
          .map((d) => `${opposite[d.kind]} ${key(d)}`);
        const back = diffHostLinks(b, a, watch)
          .filter((d) => opposite[d.kind] !== undefined)
          .map((d) => `${d.kind} ${key(d)}`);
        expect(back.sort()).toEqual(forth.sort());
      }),
    );
  });
});
