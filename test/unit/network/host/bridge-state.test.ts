/**
 * Bridge state from `ip -j -d` outputs captured on a real sandbox host (test/fixtures/ip-json/, made
 * by capture.sh there): a runner that answers from those files stands in for the host.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BridgeNotFoundError,
  CommandFailedError,
  InvalidInterfaceNameError,
  NotABridgeError,
} from '../../../../src/network/host/host-errors.js';
import { listBridges, parseBridgeState, readBridgeState } from '../../../../src/network/host/bridge-state.js';
import type { CommandRunner } from '../../../../src/network/host/command-runner.js';
import type { PortOwner } from '../../../../src/network/xml/domain-interfaces.js';

const FIXTURES = new URL('../../../fixtures/ip-json/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

/** A runner that answers `ip` argv with captured outputs, and fails like iproute2 for anything else. */
function runnerFor(scenario: string, calls: string[][] = []): CommandRunner {
  return (file, args) => {
    calls.push([file, ...args]);
    const command = [file, ...args].join(' ');
    if (command === 'ip -j -d addr show dev vnbr0') return Promise.resolve(fixture(`${scenario}.addr.json`));
    if (command === 'ip -j -d link show master vnbr0') return Promise.resolve(fixture(`${scenario}.ports.json`));
    if (command === 'ip -j link show type bridge') return Promise.resolve(fixture('bridges.json'));
    // What iproute2 6.1 printed for a missing device (see missing-device.txt).
    if (args.includes('master'))
      return Promise.reject(
        new CommandFailedError(file, args, 255, `Error: argument "${args.at(-1)}" is wrong: Device does not exist\n`),
      );
    return Promise.reject(new CommandFailedError(file, args, 1, `Device "${args.at(-1)}" does not exist.\n`));
  };
}

describe('readBridgeState', () => {
  it('reads a fresh bridge of a started network: addresses, STP on, no ports, and no carrier yet', async () => {
    const state = await readBridgeState('vnbr0', { run: runnerFor('bridge-no-ports') });
    expect(state).toEqual({
      name: 'vnbr0',
      adminUp: true,
      // A bridge has carrier only once a port forwards: UP, but operstate down.
      operstate: 'down',
      carrier: false,
      mtu: 1500,
      mac: '52:54:00:37:3b:3e',
      stp: true,
      addresses: [
        { family: 'ipv4', address: '10.1.2.1', prefix: 24, cidr: '10.1.2.1/24', scope: 'global' },
        { family: 'ipv6', address: 'fd00:1:2:3::1', prefix: 64, cidr: 'fd00:1:2:3::1/64', scope: 'global' },
      ],
      ports: [],
    });
  });

  it('runs exactly two ip commands, argv only', async () => {
    const calls: string[][] = [];
    await readBridgeState('vnbr0', { run: runnerFor('bridge-no-ports', calls) });
    expect(calls).toEqual([
      ['ip', '-j', '-d', 'addr', 'show', 'dev', 'vnbr0'],
      ['ip', '-j', '-d', 'link', 'show', 'master', 'vnbr0'],
    ]);
  });

  it('shows a new port listening while STP holds it back, the bridge still without carrier', async () => {
    const state = await readBridgeState('vnbr0', { run: runnerFor('bridge-port-listening') });
    expect(state).toMatchObject({ operstate: 'down', carrier: false });
    expect(state.ports).toEqual([
      {
        name: 'vg-g1',
        kind: 'veth',
        adminUp: true,
        operstate: 'up',
        carrier: true,
        mtu: 1500,
        mac: 'de:29:e0:ad:91:f9',
        stpState: 'listening',
      },
    ]);
  });

  it('shows every STP port state, port MTUs and kinds, sorted by name', async () => {
    const state = await readBridgeState('vnbr0', { run: runnerFor('bridge-ports-mixed') });
    // The kernel lowers a bridge's MTU to its smallest port's (vg-dn has 1400).
    expect(state).toMatchObject({ adminUp: true, operstate: 'up', carrier: true, mtu: 1400, stp: true });
    expect(state.ports.map((p) => [p.name, p.kind, p.stpState, p.adminUp, p.operstate, p.carrier, p.mtu])).toEqual([
      ['lpa', 'veth', 'forwarding', true, 'up', true, 1500],
      ['lpb', 'veth', 'blocking', true, 'up', true, 1500],
      ['vg-dn', 'veth', 'disabled', false, 'down', false, 1400],
      ['vg-g1', 'veth', 'forwarding', true, 'up', true, 1500],
      ['vg-ln', 'veth', 'learning', true, 'up', true, 1500],
      ['vnet3', 'tun', 'disabled', true, 'down', false, 1500],
    ]);
  });

  it('shows a bridge set down: not admin up, no carrier, every port disabled, IPv6 addresses gone', async () => {
    const state = await readBridgeState('vnbr0', { run: runnerFor('bridge-admin-down') });
    expect(state).toMatchObject({ adminUp: false, operstate: 'down', carrier: false });
    expect(state.addresses.map((a) => a.cidr)).toEqual(['10.1.2.1/24']);
    expect(new Set(state.ports.map((p) => p.stpState))).toEqual(new Set(['disabled']));
  });

  it('reads STP off', () => {
    const state = parseBridgeState('vnbr1', { link: fixture('bridge-stp-off.addr.json'), ports: '[]' });
    expect(state).toMatchObject({ name: 'vnbr1', stp: false, addresses: [{ cidr: '10.1.3.1/24' }], ports: [] });
  });

  it('asks the owner lookup about the ports it found, and attaches what it knows', async () => {
    const asked: string[][] = [];
    const owner: PortOwner = {
      vm: 'web1',
      uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
      mac: '52:54:00:12:34:56',
      network: 'lab1',
    };
    const state = await readBridgeState('vnbr0', {
      run: runnerFor('bridge-ports-mixed'),
      portOwners: (ports) => {
        asked.push(ports);
        return Promise.resolve(new Map([['vnet3', owner]]));
      },
    });
    expect(asked).toEqual([['vg-g1', 'vnet3', 'lpb', 'lpa', 'vg-dn', 'vg-ln']]);
    expect(state.ports.find((p) => p.name === 'vnet3')?.owner).toEqual(owner);
    expect(state.ports.filter((p) => p.owner !== undefined)).toHaveLength(1);
  });

  it('does not call the owner lookup for a bridge without ports', async () => {
    let called = false;
    await readBridgeState('vnbr0', {
      run: runnerFor('bridge-no-ports'),
      portOwners: () => {
        called = true;
        return Promise.resolve(new Map());
      },
    });
    expect(called).toBe(false);
  });

  it('throws BridgeNotFoundError for a bridge that does not exist', async () => {
    const failure = await readBridgeState('vnbr9', { run: runnerFor('bridge-no-ports') }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BridgeNotFoundError);
    expect(failure).toMatchObject({
      code: 'bridge-not-found',
      bridge: 'vnbr9',
      message: 'bridge "vnbr9" does not exist on this host; check the name, or start the network that creates it',
    });
  });

  it('recognises the missing device from a runner that throws plain errors too', async () => {
    const run: CommandRunner = () => Promise.reject(new Error('ip failed (1): Device "vnbr9" does not exist.'));
    await expect(readBridgeState('vnbr9', { run })).rejects.toBeInstanceOf(BridgeNotFoundError);
  });

  it('passes other failures through unchanged', async () => {
    const denied = new CommandFailedError('ip', [], 2, 'RTNETLINK answers: Operation not permitted');
    await expect(readBridgeState('vnbr0', { run: () => Promise.reject(denied) })).rejects.toBe(denied);
  });

  it('throws NotABridgeError for an interface that is not a bridge', () => {
    const ports = JSON.parse(fixture('bridge-ports-mixed.ports.json')) as { ifname: string }[];
    const tap = JSON.stringify(ports.filter((link) => link.ifname === 'vnet3'));
    expect(() => parseBridgeState('vnet3', { link: tap, ports: '[]' })).toThrow(new NotABridgeError('vnet3', 'tun'));
    expect(new NotABridgeError('vnet3', 'tun').message).toBe(
      '"vnet3" is not a bridge but a tun interface; give the name of a bridge',
    );
  });

  it.each([
    ['', 'the bridge name is empty: give a Linux interface name such as "vnbr0"'],
    ['-j', 'bridge name "-j" must start with an ASCII letter or digit'],
    [
      'br0;reboot',
      'bridge name "br0;reboot" contains ";": interface names may use only ASCII letters, digits, "-", "_" and "."',
    ],
    ['a-very-long-bridge', 'bridge name "a-very-long-bridge" is 18 characters; Linux allows at most 15'],
  ])('refuses %j before running anything', async (name, message) => {
    let ran = false;
    const run: CommandRunner = () => {
      ran = true;
      return Promise.resolve('[]');
    };
    const failure = await readBridgeState(name, { run }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInterfaceNameError);
    expect((failure as Error).message).toBe(message);
    expect(ran).toBe(false);
  });

  it('fails loudly when ip prints something unexpected', () => {
    expect(() => parseBridgeState('vnbr0', { link: 'Object "addr" is unknown', ports: '[]' })).toThrow(
      /^`ip -j -d addr show dev` printed something that is not JSON/,
    );
    expect(() => parseBridgeState('vnbr0', { link: '[{"ifname": 3}]', ports: '[]' })).toThrow(
      /^`ip -j -d addr show dev` printed JSON of an unexpected shape/,
    );
  });
});

describe('listBridges', () => {
  it('lists libvirt and hand-made bridges, sorted', async () => {
    expect(await listBridges(runnerFor('bridge-no-ports'))).toEqual(['br0', 'vnbr0', 'vnbr1']);
  });
});
