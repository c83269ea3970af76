/**
 * src/network's host-facing readers against a real libvirtd in a sandbox host: bridge state of a
 * started network with a veth guest coming and going, subnet overlaps with an inactive network and
 * a route, and domain interfaces from libvirt's test driver. The runner is the one a worker would
 * inject, pointed at the sandbox's namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient } from '../../src/libvirt/index.js';
import { BridgeNotFoundError, CommandFailedError } from '../../src/network/host/host-errors.js';
import { listBridges, readBridgeState } from '../../src/network/host/bridge-state.js';
import type { CommandRunner } from '../../src/network/host/command-runner.js';
import { parseDomainInterfaces, portOwnersFromDomains } from '../../src/network/xml/domain-interfaces.js';
import { readHostAddressing } from '../../src/network/host/host-addressing.js';
import { readNetworkAddresses, readNetworkBridge } from '../../src/network/xml/network-xml.js';
import type { OccupiedSubnet } from '../../src/network/planning/occupied-subnet.js';
import { allocateSubnet } from '../../src/network/planning/subnet-allocation.js';
import { SubnetConflictError } from '../../src/network/planning/planning-errors.js';
import {
  assertSubnetFree,
  bridgesCountedByNetworks,
  occupiedByNetworks,
} from '../../src/network/planning/subnet-overlap.js';
import {
  type SandboxHost,
  type VethGuest,
  attachVethGuest,
  detachVethGuest,
  execInSandbox,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { waitUntil } from './helpers/wait.js';

const HOST_NAME = 'nh1';
const BRIDGE = 'vnbr0';

let host: SandboxHost;
let client: LibvirtClient;
const guests: VethGuest[] = [];

/** Runs a command inside the sandbox's namespace, as a worker's runner would on its host. */
const run: CommandRunner = async (file, args) => {
  const result = await execInSandbox(host, file, args);
  if (result.code !== 0) throw new CommandFailedError(file, args, result.code, result.stderr);
  return result.stdout;
};

/** Everything on the host, as a worker gathers it before planning: every network (active or not) plus addresses and routes. */
async function occupiedOnHost(): Promise<OccupiedSubnet[]> {
  const networks = await client.listNetworks();
  const addressing = await Promise.all(
    networks.map(async (network) => {
      const xmls = [await client.getNetworkXml(network, { inactive: true })];
      if (network.active) xmls.push(await client.getNetworkXml(network));
      const subnets = xmls.flatMap((xml) => readNetworkAddresses(xml).map((a) => a.subnet));
      const bridge = readNetworkBridge(xmls[0]!);
      return { name: network.name, active: network.active, subnets, ...(bridge !== undefined && { bridge }) };
    }),
  );
  const hostAddressing = await readHostAddressing(run, { ignoreDevices: bridgesCountedByNetworks(addressing) });
  return [...occupiedByNetworks(addressing), ...hostAddressing];
}

function conflictOf(requested: string, occupied: OccupiedSubnet[]): SubnetConflictError {
  try {
    assertSubnetFree(requested, occupied);
  } catch (error) {
    if (error instanceof SubnetConflictError) return error;
    throw error;
  }
  throw new Error(`expected ${requested} to be refused`);
}

beforeAll(async () => {
  host = await startSandboxHost(HOST_NAME);
  client = await LibvirtClient.connect(host.uri);
});

afterAll(async () => {
  // stopSandboxHost also removes guests, networks, dnsmasq and the namespace; detach first so a
  // failure there names the guest.
  for (const guest of guests) await detachVethGuest(guest).catch(() => undefined);
  await client?.close();
  await stopSandboxHost(HOST_NAME);
});

describe('bridge state of a started network', () => {
  beforeAll(async () => {
    const net = await client.defineNetwork(
      `<network><name>nhlab1</name><bridge name='${BRIDGE}' stp='on'/><ip address='10.61.0.1' prefix='24'/></network>`,
    );
    await client.startNetwork(net);
  });

  it('shows the address, STP on and no ports; no carrier until a port forwards', async () => {
    const state = await readBridgeState(BRIDGE, { run });
    expect(state).toMatchObject({
      name: BRIDGE,
      adminUp: true,
      operstate: 'down',
      carrier: false,
      stp: true,
      mtu: 1500,
      ports: [],
    });
    expect(state.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(state.addresses.map((a) => a.cidr)).toContain('10.61.0.1/24');
    expect(await listBridges(run)).toContain(BRIDGE);
  });

  it('shows a guest port forwarding with its MAC, goes down with the bridge, and goes away with the guest', async () => {
    const asked: string[][] = [];
    const portOwners = (ports: string[]): Promise<Map<string, { vm: string }>> => {
      asked.push(ports);
      return Promise.resolve(new Map([['vg-g1', { vm: 'g1' }]]));
    };
    const guest = await attachVethGuest(host, BRIDGE, 'g1'); // returns once the port forwards
    guests.push(guest);
    const [link] = JSON.parse(await run('ip', ['-j', 'link', 'show', 'dev', guest.hostIfname])) as {
      address: string;
    }[];

    const attached = await readBridgeState(BRIDGE, { run, portOwners });
    expect(attached).toMatchObject({ adminUp: true, operstate: 'up', carrier: true });
    expect(attached.ports).toEqual([
      {
        name: 'vg-g1',
        kind: 'veth',
        adminUp: true,
        operstate: 'up',
        carrier: true,
        mtu: 1500,
        mac: link!.address,
        stpState: 'forwarding',
        owner: { vm: 'g1' },
      },
    ]);
    expect(asked).toEqual([['vg-g1']]);

    await run('ip', ['link', 'set', BRIDGE, 'down']);
    const down = await readBridgeState(BRIDGE, { run });
    expect(down).toMatchObject({ adminUp: false, operstate: 'down', carrier: false });
    expect(down.ports.map((p) => p.stpState)).toEqual(['disabled']);
    await run('ip', ['link', 'set', BRIDGE, 'up']);

    await detachVethGuest(guest);
    guests.splice(guests.indexOf(guest), 1);
    // The kernel tears a deleted namespace's devices down asynchronously: wait for the port to go.
    await waitUntil(
      'the guest port to leave the bridge',
      async () => (await readBridgeState(BRIDGE, { run })).ports.length === 0,
    );
    expect(await readBridgeState(BRIDGE, { run })).toMatchObject({ carrier: false, ports: [] });
  });

  it('says a bridge that is not there does not exist, from the real ip error', async () => {
    const failure = await readBridgeState('vnbr9', { run }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeNotFoundError);
    expect((failure as BridgeNotFoundError).cause).toBeInstanceOf(CommandFailedError);
    expect(((failure as BridgeNotFoundError).cause as CommandFailedError).stderr).toMatch(/does not exist/);
  });
});

describe('subnet overlaps on a real host', () => {
  beforeAll(async () => {
    // Defined, never started: no bridge and no address on the host, only the XML says it is there.
    await client.defineNetwork(
      `<network><name>nhlab2</name><bridge name='vnbr2'/><ip address='10.1.2.1' prefix='24'/></network>`,
    );
  });

  it('refuses a /16 covering an inactive network, naming it', async () => {
    const occupied = await occupiedOnHost();
    expect(occupied).toContainEqual({ kind: 'network', cidr: '10.1.2.0/24', network: 'nhlab2', active: false });
    const conflict = conflictOf('10.1.0.0/16', occupied);
    expect(conflict.message).toBe(
      'subnet 10.1.0.0/16 overlaps network "nhlab2" (10.1.2.0/24, inactive); choose another subnet, or give none to get a free one',
    );
  });

  it('counts a started network once, by name, when its bridge is ignored', async () => {
    const occupied = await occupiedOnHost();
    expect(conflictOf('10.61.0.0/16', occupied).message).toBe(
      'subnet 10.61.0.0/16 overlaps network "nhlab1" (10.61.0.0/24, active); choose another subnet, or give none to get a free one',
    );
    // Without ignoreDevices the same network shows up again as an address on its bridge.
    expect(await readHostAddressing(run)).toContainEqual({ kind: 'address', cidr: '10.61.0.1/24', device: BRIDGE });
  });

  it('keeps the LAN address on the host bridge of a bridged network', async () => {
    await run('ip', ['link', 'add', 'br0', 'type', 'bridge']);
    await run('ip', ['addr', 'add', '192.168.77.10/24', 'dev', 'br0']);
    await client.defineNetwork(`<network><name>nhlan</name><forward mode='bridge'/><bridge name='br0'/></network>`);
    const occupied = await occupiedOnHost();
    expect(conflictOf('192.168.77.0/24', occupied).message).toBe(
      'subnet 192.168.77.0/24 overlaps address 192.168.77.10/24 on br0; choose another subnet, or give none to get a free one',
    );
  });

  it('refuses a subnet inside a route added by hand, naming the route', async () => {
    await run('ip', ['route', 'add', '10.9.0.0/16', 'dev', 'lo']);
    const occupied = await occupiedOnHost();
    expect(conflictOf('10.9.3.0/24', occupied).message).toBe(
      'subnet 10.9.3.0/24 overlaps the route 10.9.0.0/16 dev lo; choose another subnet, or give none to get a free one',
    );
  });

  it('allocates around what is taken', async () => {
    const occupied = await occupiedOnHost();
    expect(allocateSubnet('10.1.2.0/23', 24, occupied)).toBe('10.1.3.0/24');
    expect(allocateSubnet('10.1.0.0/16', 24, occupied, { exclude: ['10.1.0.0/24', '10.1.1.0/24'] })).toBe(
      '10.1.3.0/24',
    );
    expect(allocateSubnet('10.61.0.0/16', 24, occupied)).toBe('10.61.1.0/24');
    expect(() => allocateSubnet('10.9.0.0/16', 24, occupied)).toThrow(
      'no free /24 left in 10.9.0.0/16: all 256 are taken by host routes; give a subnet outside the pool',
    );
  });
});

describe('domain interfaces through the real daemon', () => {
  it('reads the NIC of test:///default’s domain and maps its port to it', async () => {
    const test = await LibvirtClient.connect(`test:///default?socket=${host.socketPath}`);
    try {
      const domains = await test.listDomains();
      const xmls = await Promise.all(domains.map(async (domain) => ({ xml: await test.getDomainXml(domain) })));
      // The test driver's one domain: running, one NIC on network "default", tap "testnet0".
      expect(xmls.flatMap(({ xml }) => parseDomainInterfaces(xml))).toEqual([
        {
          vm: 'test',
          uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
          running: true,
          targetDev: 'testnet0',
          mac: 'aa:bb:cc:dd:ee:ff',
          sourceNetwork: 'default',
        },
      ]);
      expect(portOwnersFromDomains(xmls)).toEqual(
        new Map([
          [
            'testnet0',
            { vm: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', mac: 'aa:bb:cc:dd:ee:ff', network: 'default' },
          ],
        ]),
      );
    } finally {
      await test.close();
    }
  });
});
