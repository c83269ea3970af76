/**
 * Whole-host link snapshots from `ip -j -d addr show` outputs captured on a real sandbox host
 * (test/fixtures/ip-json/host-links-{before,after}.json, made by capture-host-links.sh there).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../../src/network/host/command-runner.js';
import type { PortOwner } from '../../../../src/network/xml/domain-interfaces.js';
import { parseHostLinks, readHostLinks } from '../../../../src/network/host/host-links.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/ip-json/${name}`, import.meta.url), 'utf8');
const BEFORE = fixture('host-links-before.json');
const AFTER = fixture('host-links-after.json');

/** A runner that prints `output` for `ip -j -d addr show` and records every call. */
function runnerPrinting(output: string, calls: string[][]): CommandRunner {
  return (file, args) => {
    calls.push([file, ...args]);
    return Promise.resolve(output);
  };
}

describe('parseHostLinks on real captures', () => {
  it('keeps every link with its flags: admin state, carrier, operstate, MTU, MAC', () => {
    const before = parseHostLinks(BEFORE);
    expect([...before.links.keys()].sort()).toEqual(['br0', 'lo', 'up0', 'up0p', 'vg-g1', 'vg-g2', 'vnbr0']);
    expect(before.links.get('up0')).toEqual({
      name: 'up0',
      adminUp: true,
      operstate: 'up',
      carrier: true,
      mtu: 1500,
      mac: '6e:82:6f:dc:86:60',
    });
    // A veth created but never set up.
    expect(before.links.get('vg-g2')).toMatchObject({ adminUp: false, carrier: false, operstate: 'down' });
    expect(before.links.get('lo')).toMatchObject({ adminUp: true, operstate: 'unknown', mtu: 65536 });
  });

  it('shows an uplink whose peer went down as up without carrier', () => {
    expect(parseHostLinks(AFTER).links.get('up0')).toEqual({
      name: 'up0',
      adminUp: true,
      operstate: 'lowerlayerdown',
      carrier: false,
      mtu: 1500,
      mac: '6e:82:6f:dc:86:60',
    });
  });

  it('finds every bridge and nothing else: the libvirt one and the hand-made host bridge', () => {
    expect([...parseHostLinks(BEFORE).bridges.keys()].sort()).toEqual(['br0', 'vnbr0']);
    expect([...parseHostLinks(AFTER).bridges.keys()].sort()).toEqual(['br0', 'vnbr0']);
  });

  it('reads a bridge with STP on, its address and its port still listening', () => {
    expect(parseHostLinks(BEFORE).bridges.get('vnbr0')).toEqual({
      name: 'vnbr0',
      adminUp: true,
      // No port forwards yet: no carrier.
      operstate: 'down',
      carrier: false,
      mtu: 1500,
      mac: '52:54:00:88:c4:f2',
      stp: true,
      addresses: [{ family: 'ipv4', address: '10.1.2.1', prefix: 24, cidr: '10.1.2.1/24', scope: 'global' }],
      ports: [
        {
          name: 'vg-g1',
          adminUp: true,
          operstate: 'up',
          carrier: true,
          mtu: 1500,
          mac: '3e:ff:99:62:ac:3d',
          kind: 'veth',
          stpState: 'listening',
        },
      ],
    });
    expect(parseHostLinks(BEFORE).bridges.get('br0')).toMatchObject({ stp: false, ports: [] });
  });

  it('gives each bridge only its own ports after a port moved between bridges', () => {
    const after = parseHostLinks(AFTER);
    expect(after.bridges.get('br0')?.ports.map((p) => [p.name, p.stpState])).toEqual([['vg-g1', 'forwarding']]);
    // vnbr0 is administratively down: its new port is disabled.
    expect(after.bridges.get('vnbr0')?.ports.map((p) => [p.name, p.stpState])).toEqual([['vg-g2', 'disabled']]);
  });

  it('reads a bridge set down with STP turned off and a second address', () => {
    const bridge = parseHostLinks(AFTER).bridges.get('vnbr0');
    expect(bridge).toMatchObject({ adminUp: false, carrier: false, stp: false });
    expect(bridge?.addresses.map((a) => a.cidr)).toEqual(['10.1.2.1/24', '10.9.9.1/24']);
    expect(
      parseHostLinks(AFTER)
        .bridges.get('br0')
        ?.addresses.map((a) => [a.cidr, a.scope]),
    ).toEqual([
      ['192.168.50.2/24', 'global'],
      ['fe80::dc7c:b4ff:fec5:d984/64', 'link'],
    ]);
  });

  it('names the VM behind a port when the owners know it', () => {
    const owner: PortOwner = { vm: 'web1', mac: '52:54:00:00:00:01', network: 'lab1' };
    const links = parseHostLinks(AFTER, new Map([['vg-g2', owner]]));
    expect(links.bridges.get('vnbr0')?.ports[0]?.owner).toEqual(owner);
    expect(links.bridges.get('br0')?.ports[0]?.owner).toBeUndefined();
  });

  it('fails naming the command on output that is not its JSON', () => {
    expect(() => parseHostLinks('Error: something')).toThrow(/ip -j -d addr show.*not JSON/);
    expect(() => parseHostLinks('[{"flags":[]}]')).toThrow(/ip -j -d addr show.*unexpected shape/);
  });
});

describe('readHostLinks', () => {
  it('spawns one ip command, argv only, and asks for all port owners at once', async () => {
    const calls: string[][] = [];
    const asked: string[][] = [];
    const links = await readHostLinks(runnerPrinting(AFTER, calls), (ports) => {
      asked.push(ports);
      return Promise.resolve(new Map([['vg-g1', { vm: 'db1' }]]));
    });
    expect(calls).toEqual([['ip', '-j', '-d', 'addr', 'show']]);
    expect(asked.map((ports) => [...ports].sort())).toEqual([['vg-g1', 'vg-g2']]);
    expect(links.bridges.get('br0')?.ports[0]?.owner).toEqual({ vm: 'db1' });
    expect(links).toEqual(parseHostLinks(AFTER, new Map([['vg-g1', { vm: 'db1' }]])));
  });

  it('does not look owners up when no bridge has a port', async () => {
    const withoutPorts = JSON.stringify(
      (JSON.parse(BEFORE) as { master?: string }[]).filter((link) => link.master === undefined),
    );
    let asked = 0;
    const links = await readHostLinks(runnerPrinting(withoutPorts, []), () => {
      asked += 1;
      return Promise.resolve(new Map());
    });
    expect(asked).toBe(0);
    expect(links.bridges.get('vnbr0')?.ports).toEqual([]);
  });

  it('works without an owner lookup', async () => {
    const links = await readHostLinks(runnerPrinting(BEFORE, []));
    expect(links.bridges.get('vnbr0')?.ports.map((p) => p.owner)).toEqual([undefined]);
  });

  it('passes a failing command on', async () => {
    const failing: CommandRunner = () => Promise.reject(new Error('ip: not found'));
    await expect(readHostLinks(failing)).rejects.toThrow('ip: not found');
  });
});
