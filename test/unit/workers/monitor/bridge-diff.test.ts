import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BridgeState, type HostLinks, parseHostLinks } from '../../../../src/network/index.js';
import { type WatchedLinks, diffHostLinks } from '../../../../workers/monitor/bridge-diff.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/ip-json/${name}`, import.meta.url), 'utf8');
// Captured on a sandbox host by test/fixtures/ip-json/capture-host-links.sh.
const before = parseHostLinks(fixture('host-links-before.json'));
const after = parseHostLinks(fixture('host-links-after.json'));
const watch: WatchedLinks = { bridges: new Map([['vnbr0', ['lab1']]]), hostBridges: new Map(), uplinks: new Map([['up0', ['lab1']]]) };

describe('parseHostLinks on a real capture', () => {
  it('finds every link, and the bridge with its port and STP state', () => {
    expect([...before.links.keys()].sort()).toEqual(['lo', 'up0', 'up0p', 'vg-g1', 'vg-g2', 'vnbr0']);
    const bridge = before.bridges.get('vnbr0');
    expect(bridge).toMatchObject({ adminUp: true, stp: true, addresses: [{ cidr: '10.1.2.1/24' }] });
    expect(bridge?.ports.map((p) => [p.name, p.stpState])).toEqual([['vg-g1', 'listening']]);
    expect([...before.bridges.keys()]).toEqual(['vnbr0']);
  });
});

describe('diffHostLinks', () => {
  it('reports what was done between the two captures, once per network', () => {
    const kinds = diffHostLinks(before, after, watch).map((d) => `${d.kind} ${d.port ?? d.address ?? d.to ?? ''}`.trim());
    expect(kinds.sort()).toEqual(['address-added 10.9.9.1/24', 'bridge-down', 'bridge-stp-changed off', 'port-attached vg-g2', 'port-detached vg-g1', 'uplink-carrier-lost up0'].sort());
    expect(diffHostLinks(before, after, watch).every((d) => d.network === 'lab1')).toBe(true);
  });

  it('reports the way back too', () => {
    const kinds = diffHostLinks(after, before, watch).map((d) => d.kind);
    expect(kinds.sort()).toEqual(['address-removed', 'bridge-stp-changed', 'bridge-up', 'port-attached', 'port-detached', 'uplink-carrier-back'].sort());
  });

  it('ignores links nobody watches, and a libvirt bridge appearing or vanishing', () => {
    expect(diffHostLinks(before, after, { bridges: new Map(), hostBridges: new Map(), uplinks: new Map() })).toEqual([]);
    const empty: HostLinks = { links: new Map(), bridges: new Map() };
    expect(diffHostLinks(empty, after, { ...watch, uplinks: new Map() })).toEqual([]);
    expect(diffHostLinks(before, empty, { ...watch, uplinks: new Map() })).toEqual([]);
  });

  it('reports a host bridge of a bridged network vanishing and coming back', () => {
    const hostWatch: WatchedLinks = { bridges: new Map(), hostBridges: new Map([['vnbr0', ['lan1', 'lan2']]]), uplinks: new Map() };
    const gone: HostLinks = { links: new Map(), bridges: new Map() };
    expect(diffHostLinks(before, gone, hostWatch).map((d) => [d.kind, d.network])).toEqual([
      ['bridge-missing', 'lan1'],
      ['bridge-missing', 'lan2'],
    ]);
    expect(diffHostLinks(gone, before, hostWatch).map((d) => d.kind)).toEqual(['bridge-back', 'bridge-back']);
  });

  it('reports STP trouble on a port, not the normal listening → learning → forwarding', () => {
    const withPort = (stpState: 'listening' | 'learning' | 'forwarding' | 'blocking'): HostLinks => {
      const bridge = before.bridges.get('vnbr0') as BridgeState;
      const port = { ...(bridge.ports[0] as BridgeState['ports'][number]), stpState, owner: { vm: 'web1', mac: '52:54:00:00:00:01' } };
      return { links: before.links, bridges: new Map([['vnbr0', { ...bridge, ports: [port] }]]) };
    };
    expect(diffHostLinks(withPort('listening'), withPort('learning'), watch)).toEqual([]);
    expect(diffHostLinks(withPort('learning'), withPort('forwarding'), watch)).toEqual([]);
    const blocked = diffHostLinks(withPort('forwarding'), withPort('blocking'), watch);
    expect(blocked).toMatchObject([{ kind: 'port-stp-changed', port: 'vg-g1', vm: 'web1', from: 'forwarding', to: 'blocking' }]);
    expect(diffHostLinks(withPort('blocking'), withPort('forwarding'), watch).map((d) => d.kind)).toEqual(['port-stp-changed']);
  });

  it('finds nothing between a snapshot and itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(before, after), fc.boolean(), (links, hostBridge) => {
        const w: WatchedLinks = hostBridge ? { bridges: new Map(), hostBridges: watch.bridges, uplinks: watch.uplinks } : watch;
        expect(diffHostLinks(links, links, w)).toEqual([]);
      }),
    );
  });
});
