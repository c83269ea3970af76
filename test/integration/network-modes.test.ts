/**
 * Every network mode end to end on a real libvirtd in a sandbox host: validate a spec, render it,
 * define and start it through LibvirtClient, then check the host inside the sandbox's namespace
 * (bridge and addresses, MTU, dnsmasq and its DHCP config, iptables per mode), read the live XML back
 * into the spec, and tear it down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient, type NetworkId } from '../../src/libvirt/index.js';
import type { NetworkSpec } from '../../src/network/spec/network-spec.js';
import { validateNetworkSpec } from '../../src/network/spec/network-validation.js';
import { parseNetworkXml, renderNetworkXml } from '../../src/network/xml/network-xml.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost } from '../../tools/sandbox/sandbox-host.js';
import { dnsmasqPids, interfaceNames, runInSandbox } from './helpers/sandbox-inspect.js';

const SANDBOX_HOST = 'nm1';
/** An uplink for nat and routed to forward through: one end of a veth pair inside the sandbox. */
const UPLINK = 'vnnmup0';
/** The host bridge the bridged network joins, made before the network as an operator would. */
const HOST_BRIDGE = 'vnnmhost0';

let host: SandboxHost;
let client: LibvirtClient;

const inHost = (file: string, args: string[]): Promise<string> => runInSandbox(host, file, args);

interface LinkInfo {
  readonly ifname: string;
  readonly mtu: number;
  readonly addr_info: readonly { readonly local: string; readonly prefixlen: number; readonly scope: string }[];
}

async function link(device: string): Promise<LinkInfo> {
  const [info] = JSON.parse(await inHost('ip', ['-j', 'addr', 'show', 'dev', device])) as LinkInfo[];
  if (info === undefined) throw new Error(`no device ${device}`);
  return info;
}

/** The device's global addresses as CIDRs (IPv6 link-local ones left out). */
async function globalAddressesOf(device: string): Promise<string[]> {
  return (await link(device)).addr_info
    .filter((address) => address.scope === 'global')
    .map((address) => `${address.local}/${address.prefixlen}`);
}

const bridges = (): Promise<string[]> => interfaceNames(host, 'bridge');

/** Pid of the dnsmasq libvirt started for the network inside the sandbox. */
const dnsmasqPidFor = (network: string): number | undefined => dnsmasqPids(host, network)[0];

/** A file libvirt wrote for dnsmasq; /var/lib/libvirt inside is `<host dir>/lib` outside. */
function dnsmasqFile(file: string): string {
  return readFileSync(join(host.dir, 'lib', 'dnsmasq', file), 'utf8');
}

/** All firewall rules of the sandbox, IPv4 and IPv6, every table libvirt touches. */
async function allRules(): Promise<string> {
  const tables = ['filter', 'nat', 'mangle'];
  const dumps = await Promise.all(
    ['iptables', 'ip6tables'].flatMap((tool) => tables.map((table) => inHost(tool, ['-t', table, '-S']))),
  );
  return dumps.join('\n');
}

/** Validates, renders, defines, sets autostart as the spec says, and starts. */
async function createNetwork(input: unknown): Promise<{ spec: NetworkSpec; network: NetworkId }> {
  const spec = validateNetworkSpec(input);
  const network = await client.defineNetwork(renderNetworkXml(spec));
  await client.setAutostart(network, spec.autostart);
  await client.startNetwork(network);
  return { spec, network };
}

/** The live XML read back as vnetops sees it. */
async function readBack(network: NetworkId): Promise<NetworkSpec> {
  return parseNetworkXml(await client.getNetworkXml(network), { autostart: await client.getAutostart(network) }).spec;
}

async function removeNetwork(network: NetworkId): Promise<void> {
  if (await client.isActive(network)) await client.destroyNetwork(network);
  await client.undefineNetwork(network);
}

beforeAll(async () => {
  host = await startSandboxHost(SANDBOX_HOST);
  await inHost('ip', ['link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', `${UPLINK}p`]);
  await inHost('ip', ['link', 'set', UPLINK, 'up']);
  await inHost('ip', ['link', 'add', HOST_BRIDGE, 'type', 'bridge']);
  await inHost('ip', ['link', 'set', HOST_BRIDGE, 'up']);
  client = await LibvirtClient.connect(host.uri);
});

afterAll(async () => {
  await client?.close();
  // Destroys and undefines whatever a failed test left, ends dnsmasq, deletes the veths and the namespace.
  await stopSandboxHost(SANDBOX_HOST);
});

describe('nat', () => {
  it('bridge with both gateways and the MTU, DHCP with fixed hosts, MASQUERADE on the NAT ports through the uplink; reads back; tears down', async () => {
    const { spec, network } = await createNetwork({
      name: 'nm-nat',
      mode: 'nat',
      bridge: 'vnnmnat',
      autostart: false,
      mtu: 9000,
      dnsDomain: 'nat.nm.example',
      forwardDev: UPLINK,
      natPorts: { start: 2000, end: 3000 },
      metadata: { description: 'nat <test> & "more"', requestedBy: 'U0NM1', jobId: 'nm-nat-1' },
      ipv4: {
        subnet: '10.91.1.0/24',
        gateway: '10.91.1.1',
        dhcp: { start: '10.91.1.100', end: '10.91.1.150' },
        dhcpHosts: [{ mac: '52:54:00:91:01:10', name: 'web1', ip: '10.91.1.10' }],
      },
      ipv6: {
        subnet: 'fd00:91:1::/64',
        gateway: 'fd00:91:1::1',
        dhcp: { start: 'fd00:91:1::100', end: 'fd00:91:1::1ff' },
      },
    });
    try {
      expect(await globalAddressesOf('vnnmnat')).toEqual(['10.91.1.1/24', 'fd00:91:1::1/64']);
      expect((await link('vnnmnat')).mtu).toBe(9000);
      expect(dnsmasqPidFor('nm-nat')).toBeDefined();
      const conf = dnsmasqFile('nm-nat.conf');
      expect(conf).toContain('\ndhcp-range=10.91.1.100,10.91.1.150,255.255.255.0\n');
      expect(conf).toContain('\ndhcp-range=fd00:91:1::100,fd00:91:1::1ff,64\n');
      expect(conf).toContain('\ndomain=nat.nm.example\n');
      expect(dnsmasqFile('nm-nat.hostsfile')).toBe('52:54:00:91:01:10,10.91.1.10,web1\n');
      const rules = await allRules();
      expect(rules).toContain(
        `-A LIBVIRT_PRT -s 10.91.1.0/24 ! -d 10.91.1.0/24 -o ${UPLINK} -p tcp -j MASQUERADE --to-ports 2000-3000`,
      );
      expect(rules).toContain(
        `-A LIBVIRT_PRT -s 10.91.1.0/24 ! -d 10.91.1.0/24 -o ${UPLINK} -p udp -j MASQUERADE --to-ports 2000-3000`,
      );
      expect(rules).toContain(`-A LIBVIRT_FWO -s 10.91.1.0/24 -i vnnmnat -o ${UPLINK} -j ACCEPT`);
      expect(rules).toContain(
        `-A LIBVIRT_FWI -d 10.91.1.0/24 -i ${UPLINK} -o vnnmnat -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      );
      expect(await readBack(network)).toEqual(spec);
    } finally {
      await removeNetwork(network);
    }
    expect(await bridges()).not.toContain('vnnmnat');
    expect(dnsmasqPidFor('nm-nat')).toBeUndefined();
    expect(await allRules()).not.toContain('10.91.1.0/24');
  });
});

describe('routed', () => {
  it('bridge with the gateway, ACCEPT rules both ways through the uplink and no MASQUERADE; reads back; tears down', async () => {
    const { spec, network } = await createNetwork({
      name: 'nm-routed',
      mode: 'routed',
      bridge: 'vnnmrt',
      autostart: false,
      forwardDev: UPLINK,
      ipv4: { subnet: '10.91.2.0/24', gateway: '10.91.2.1' },
      ipv6: { subnet: 'fd00:91:2::/48', gateway: 'fd00:91:2::1' },
    });
    try {
      expect(await globalAddressesOf('vnnmrt')).toEqual(['10.91.2.1/24', 'fd00:91:2::1/48']);
      // dnsmasq still serves DNS and router advertisements, but no DHCP without a range.
      expect(dnsmasqPidFor('nm-routed')).toBeDefined();
      expect(dnsmasqFile('nm-routed.conf')).not.toMatch(/^dhcp-range=10\./m);
      const rules = await allRules();
      expect(rules).toContain(`-A LIBVIRT_FWO -s 10.91.2.0/24 -i vnnmrt -o ${UPLINK} -j ACCEPT`);
      expect(rules).toContain(`-A LIBVIRT_FWI -d 10.91.2.0/24 -i ${UPLINK} -o vnnmrt -j ACCEPT`);
      expect(rules).toContain(`-A LIBVIRT_FWO -s fd00:91:2::/48 -i vnnmrt -o ${UPLINK} -j ACCEPT`);
      expect(rules).not.toMatch(/-s 10\.91\.2\.0\/24 .*MASQUERADE/);
      expect(await readBack(network)).toEqual(spec);
    } finally {
      await removeNetwork(network);
    }
    expect(await bridges()).not.toContain('vnnmrt');
    expect(await allRules()).not.toContain('vnnmrt');
  });
});

describe('isolated', () => {
  it('bridge with IPv4 and IPv6, DHCP on both with fixed hosts, forwarding rejected, no MASQUERADE; autostart reads back; tears down', async () => {
    const { spec, network } = await createNetwork({
      name: 'nm-isolated',
      mode: 'isolated',
      bridge: 'vnnmiso',
      autostart: true,
      dnsDomain: 'iso.nm.example',
      ipv4: {
        subnet: '10.91.3.0/24',
        gateway: '10.91.3.254',
        dhcp: { start: '10.91.3.10', end: '10.91.3.99' },
        dhcpHosts: [
          { mac: '52:54:00:91:03:01', name: 'db1', ip: '10.91.3.201' },
          { mac: '52:54:00:91:03:02', ip: '10.91.3.202' },
        ],
      },
      ipv6: {
        subnet: 'fd00:91:3::/64',
        gateway: 'fd00:91:3::1',
        dhcp: { start: 'fd00:91:3::100', end: 'fd00:91:3::1ff' },
      },
    });
    try {
      expect(await globalAddressesOf('vnnmiso')).toEqual(['10.91.3.254/24', 'fd00:91:3::1/64']);
      expect(dnsmasqPidFor('nm-isolated')).toBeDefined();
      const conf = dnsmasqFile('nm-isolated.conf');
      expect(conf).toContain('\ndhcp-range=10.91.3.10,10.91.3.99,255.255.255.0\n');
      expect(conf).toContain('\ndhcp-range=fd00:91:3::100,fd00:91:3::1ff,64\n');
      expect(dnsmasqFile('nm-isolated.hostsfile')).toBe(
        '52:54:00:91:03:01,10.91.3.201,db1\n52:54:00:91:03:02,10.91.3.202\n',
      );
      const rules = await allRules();
      expect(rules).toContain('-A LIBVIRT_FWO -i vnnmiso -j REJECT --reject-with icmp-port-unreachable');
      expect(rules).toContain('-A LIBVIRT_FWI -o vnnmiso -j REJECT --reject-with icmp-port-unreachable');
      expect(rules).toContain('-A LIBVIRT_FWX -i vnnmiso -o vnnmiso -j ACCEPT');
      expect(rules).not.toContain('10.91.3.0/24');
      expect(await readBack(network)).toEqual(spec);
      expect(spec.autostart).toBe(true);
    } finally {
      await removeNetwork(network);
    }
    expect(await bridges()).not.toContain('vnnmiso');
    expect(dnsmasqPidFor('nm-isolated')).toBeUndefined();
  });
});

describe('open', () => {
  it('bridge, MTU and DHCP, and not a single libvirt firewall rule for it; reads back; tears down', async () => {
    const { spec, network } = await createNetwork({
      name: 'nm-open',
      mode: 'open',
      bridge: 'vnnmopen',
      autostart: false,
      mtu: 1400,
      ipv4: { subnet: '10.91.4.0/23', gateway: '10.91.4.1', dhcp: { start: '10.91.5.0', end: '10.91.5.200' } },
    });
    try {
      expect(await globalAddressesOf('vnnmopen')).toEqual(['10.91.4.1/23']);
      expect((await link('vnnmopen')).mtu).toBe(1400);
      expect(dnsmasqPidFor('nm-open')).toBeDefined();
      expect(dnsmasqFile('nm-open.conf')).toContain('\ndhcp-range=10.91.5.0,10.91.5.200,255.255.254.0\n');
      const rules = await allRules();
      expect(rules).not.toContain('vnnmopen');
      expect(rules).not.toContain('10.91.4.0/23');
      expect(await readBack(network)).toEqual(spec);
    } finally {
      await removeNetwork(network);
    }
    expect(await bridges()).not.toContain('vnnmopen');
  });
});

describe('bridged', () => {
  it('joins the existing host bridge: no bridge, dnsmasq or rules of its own; reads back; the host bridge outlives it', async () => {
    const before = await bridges();
    const { spec, network } = await createNetwork({
      name: 'nm-bridged',
      mode: 'bridged',
      bridge: HOST_BRIDGE,
      autostart: false,
      metadata: { description: 'guests on the host LAN' },
    });
    try {
      expect(await client.isActive(network)).toBe(true);
      expect(await bridges()).toEqual(before);
      expect(dnsmasqPidFor('nm-bridged')).toBeUndefined();
      expect(await allRules()).not.toContain(HOST_BRIDGE);
      expect(await globalAddressesOf(HOST_BRIDGE)).toEqual([]);
      expect(await readBack(network)).toEqual(spec);
    } finally {
      await removeNetwork(network);
    }
    expect(await bridges()).toContain(HOST_BRIDGE);
    expect(await client.listNetworks()).toEqual([]);
  });
});
