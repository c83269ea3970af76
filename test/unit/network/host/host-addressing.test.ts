/**
 * The host's addresses and routes from `ip -j` outputs captured on a real sandbox host
 * (test/fixtures/ip-json/host-*.json, made by capture.sh there).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CommandRunner } from '../../../../src/network/host/command-runner.js';
import {
  HOST_ADDRESSING_COMMANDS,
  parseHostAddressing,
  readHostAddressing,
} from '../../../../src/network/host/host-addressing.js';
import { assertSubnetFree } from '../../../../src/network/planning/subnet-overlap.js';

const FIXTURES = new URL('../../../fixtures/ip-json/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const outputs = {
  addresses: fixture('host-addr.json'),
  routes: [fixture('host-route4.json'), fixture('host-route6.json')],
};

/** The captured host: vnbr0/vnbr1 belong to libvirt networks lab1/lab2; eth1 is an uplink. */
const uplinkEntries = [
  { kind: 'address', cidr: '192.168.50.1/24', device: 'eth1' },
  { kind: 'address', cidr: 'fd50::1/64', device: 'eth1' },
  { kind: 'route', cidr: '10.50.0.0/16', device: 'eth1', table: '100' },
  { kind: 'route', cidr: '10.8.0.0/16', device: 'lo' },
  { kind: 'route', cidr: '10.9.0.0/16', device: 'eth1', gateway: '192.168.50.254' },
  { kind: 'route', cidr: '10.66.0.0/16', routeType: 'blackhole' },
  { kind: 'route', cidr: '10.67.0.0/16', routeType: 'unreachable' },
  { kind: 'route', cidr: '172.16.0.0/12', device: 'eth1' },
  { kind: 'route', cidr: 'fd60::/48', device: 'eth1', gateway: 'fd50::fe' },
];

describe('parseHostAddressing', () => {
  it('lists addresses and routes of every table, without loopback, link-local, multicast, default, local and broadcast entries', () => {
    expect(parseHostAddressing(outputs)).toEqual([
      { kind: 'address', cidr: '10.1.2.1/24', device: 'vnbr0' },
      { kind: 'address', cidr: '10.1.3.1/24', device: 'vnbr1' },
      ...uplinkEntries,
    ]);
  });

  it('drops the prefix route the kernel adds for each address (192.168.50.0/24 proto kernel on eth1)', () => {
    const routes = parseHostAddressing(outputs).filter((entry) => entry.kind === 'route');
    expect(routes.map((r) => r.cidr)).not.toContain('192.168.50.0/24');
    expect(routes.map((r) => r.cidr)).not.toContain('fd50::/64');
  });

  it('leaves out the devices it is told to (bridges of known networks)', () => {
    expect(parseHostAddressing(outputs, { ignoreDevices: ['vnbr0', 'vnbr1'] })).toEqual(uplinkEntries);
  });

  it('feeds the overlap check: a request hitting a route through a gateway is refused naming it', () => {
    const occupied = parseHostAddressing(outputs, { ignoreDevices: ['vnbr0', 'vnbr1'] });
    expect(() => assertSubnetFree('10.9.4.0/24', occupied)).toThrow(
      'subnet 10.9.4.0/24 overlaps the route 10.9.0.0/16 via 192.168.50.254 dev eth1; choose another subnet, or give none to get a free one',
    );
    expect(() => assertSubnetFree('192.168.0.0/16', occupied)).toThrow('overlaps address 192.168.50.1/24 on eth1;');
    expect(assertSubnetFree('10.1.4.0/24', occupied)).toBe('10.1.4.0/24');
  });

  it('reads host routes printed without a prefix and multipath routes', () => {
    const routes = JSON.stringify([
      { dst: '10.4.4.4', dev: 'eth1', flags: [] },
      { dst: 'fd70::5', dev: 'eth1', flags: [] },
      {
        dst: '10.5.0.0/16',
        nexthops: [
          { gateway: '192.168.50.1', dev: 'eth1' },
          { gateway: '192.168.60.1', dev: 'eth2' },
        ],
        flags: [],
      },
    ]);
    expect(parseHostAddressing({ addresses: '[]', routes: [routes] })).toEqual([
      { kind: 'route', cidr: '10.4.4.4/32', device: 'eth1' },
      { kind: 'route', cidr: 'fd70::5/128', device: 'eth1' },
      { kind: 'route', cidr: '10.5.0.0/16', device: 'eth1', gateway: '192.168.50.1' },
    ]);
  });

  it('fails loudly on output it does not understand', () => {
    expect(() => parseHostAddressing({ addresses: '[{"addr_info": []}]', routes: [] })).toThrow(
      /^`ip -j addr show` printed JSON of an unexpected shape/,
    );
  });
});

describe('readHostAddressing', () => {
  it('runs ip -j addr show and the IPv4 and IPv6 route dumps of all tables, argv only', async () => {
    const calls: string[][] = [];
    const answers = [outputs.addresses, ...outputs.routes];
    const run: CommandRunner = (file, args) => {
      calls.push([file, ...args]);
      const index = HOST_ADDRESSING_COMMANDS.findIndex((expected) => expected.join(' ') === args.join(' '));
      return Promise.resolve(answers[index] ?? '[]');
    };
    expect(await readHostAddressing(run, { ignoreDevices: ['vnbr0', 'vnbr1'] })).toEqual(uplinkEntries);
    expect(calls).toEqual([
      ['ip', '-j', 'addr', 'show'],
      ['ip', '-4', '-j', 'route', 'show', 'table', 'all'],
      ['ip', '-6', '-j', 'route', 'show', 'table', 'all'],
    ]);
  });
});
