/**
 * The libvirt client against a real libvirtd in a sandbox host (own network namespace, own state).
 * Nothing here is mocked: what the client does is checked in the namespace with ip/iptables/virsh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LibvirtClient,
  LibvirtConnectionError,
  LibvirtError,
  type NetworkLifecycleEvent,
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  NetworkUpdateSection,
} from '../../src/libvirt/index.js';
import {
  type SandboxHost,
  attachVethGuest,
  detachVethGuest,
  requestDhcpLease,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { dnsmasqPids, interfaceNames, runInSandbox } from './helpers/sandbox-inspect.js';
import { EventCollector, waitUntil } from './helpers/wait.js';

let host: SandboxHost;
let client: LibvirtClient;

const inHost = (file: string, args: string[]): Promise<string> => runInSandbox(host, file, args);

async function addressesOf(device: string): Promise<string[]> {
  const [link] = JSON.parse(await inHost('ip', ['-j', 'addr', 'show', 'dev', device])) as {
    addr_info: { local: string; prefixlen: number }[];
  }[];
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

const bridges = (): Promise<string[]> => interfaceNames(host, 'bridge');

async function natRules(): Promise<string> {
  return inHost('iptables', ['-t', 'nat', '-S']);
}

const dnsmasqRunningFor = (network: string): boolean => dnsmasqPids(host, network).length > 0;

beforeAll(async () => {
  host = await startSandboxHost('lvc1');
  client = await LibvirtClient.connect(host.uri, { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
});

afterAll(async () => {
  await client?.close();
  await stopSandboxHost('lvc1');
});

describe('opening a connection', () => {
  it('opens qemu:///system through the sandbox socket and reads version and host name', async () => {
    expect(await client.getLibVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(await client.getHostname()).toMatch(/\S/);
    expect(await client.listNetworks()).toEqual([]);
  });

  it('opens test:///default through the same daemon (in-memory test driver)', async () => {
    const test = await LibvirtClient.connect(`test:///default?socket=${host.socketPath}`);
    try {
      expect(await test.listNetworks()).toEqual([
        expect.objectContaining({ name: 'default', active: true, persistent: true }),
      ]);
      const [domain] = await test.listDomains();
      expect(domain).toMatchObject({ name: 'test', id: 1 });
      expect(await test.getDomainXml(domain!)).toContain('<name>test</name>');
    } finally {
      await test.close();
    }
  });

  it('fails clearly when nothing listens on the socket', async () => {
    const failure = await LibvirtClient.connect(`qemu:///system?socket=${host.dir}/no-such-sock`).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(failure).toMatchObject({
      reason: 'connect-failed',
      message: expect.stringContaining('no-such-sock') as unknown,
    });
  });
});

describe('the four seed modes, defined and started through the client', () => {
  it('isolated: bridge with the gateway address, dnsmasq, and no NAT rules', async () => {
    const xml = `<network><name>iso1</name><bridge name='vniso1'/><ip address='10.61.1.1' prefix='24'><dhcp><range start='10.61.1.100' end='10.61.1.150'/></dhcp></ip></network>`;
    const net = await client.defineNetwork(xml);
    await client.startNetwork(net);
    expect(await addressesOf('vniso1')).toEqual(['10.61.1.1/24']);
    expect(dnsmasqRunningFor('iso1')).toBe(true);
    expect(await natRules()).not.toContain('10.61.1.0/24');
    await client.destroyNetwork(net);
    await client.undefineNetwork(net);
    expect(await bridges()).not.toContain('vniso1');
    expect(dnsmasqRunningFor('iso1')).toBe(false);
  });

  it('nat: bridge with the gateway address and MASQUERADE rules for the subnet', async () => {
    const xml = `<network><name>nat1</name><forward mode='nat'/><bridge name='vnnat1'/><ip address='10.61.2.1' prefix='24'><dhcp><range start='10.61.2.100' end='10.61.2.150'/></dhcp></ip></network>`;
    const net = await client.defineNetwork(xml);
    await client.startNetwork(net);
    expect(await addressesOf('vnnat1')).toEqual(['10.61.2.1/24']);
    const rules = await natRules();
    expect(rules).toMatch(/-s 10\.61\.2\.0\/24 ! -d 10\.61\.2\.0\/24 .*-j MASQUERADE/);
    await client.destroyNetwork(net);
    await client.undefineNetwork(net);
    expect(await natRules()).not.toContain('10.61.2.0/24');
  });

  it('routed: bridge with the address, forwarding rules, no MASQUERADE', async () => {
    const xml = `<network><name>rt1</name><forward mode='route'/><bridge name='vnrt1'/><ip address='10.61.3.1' prefix='24'/></network>`;
    const net = await client.defineNetwork(xml);
    await client.startNetwork(net);
    expect(await addressesOf('vnrt1')).toEqual(['10.61.3.1/24']);
    expect(await natRules()).not.toContain('10.61.3.0/24');
    const filter = await inHost('iptables', ['-S']);
    expect(filter).toMatch(/-d 10\.61\.3\.0\/24 -o vnrt1 -j ACCEPT/);
    expect(filter).toMatch(/-s 10\.61\.3\.0\/24 -i vnrt1 -j ACCEPT/);
    await client.destroyNetwork(net);
    await client.undefineNetwork(net);
  });

  it('bridged: uses the existing host bridge, creates no bridge of its own and no dnsmasq', async () => {
    await inHost('ip', ['link', 'add', 'vnhostbr0', 'type', 'bridge']);
    await inHost('ip', ['link', 'set', 'vnhostbr0', 'up']);
    try {
      const before = await bridges();
      const net = await client.defineNetwork(
        `<network><name>lan1</name><forward mode='bridge'/><bridge name='vnhostbr0'/></network>`,
      );
      await client.startNetwork(net);
      expect(await client.isActive(net)).toBe(true);
      expect(await bridges()).toEqual(before);
      expect(await client.getNetworkXml(net)).toMatch(/<bridge name='vnhostbr0'\/>/);
      expect(dnsmasqRunningFor('lan1')).toBe(false);
      await client.destroyNetwork(net);
      await client.undefineNetwork(net);
    } finally {
      await inHost('ip', ['link', 'del', 'vnhostbr0']);
    }
  });
});

describe('network API', () => {
  it('lists with state, toggles autostart, and reads live and inactive XML', async () => {
    const persistent = await client.defineNetwork(
      `<network><name>api1</name><bridge name='vnapi1'/><ip address='10.62.1.1' prefix='24'/></network>`,
    );
    const transient = await client.createTransientNetwork(
      `<network><name>api2</name><bridge name='vnapi2'/><ip address='10.62.2.1' prefix='24'/></network>`,
    );
    try {
      expect(await client.listNetworks()).toEqual([
        { ...persistent, active: false, persistent: true, autostart: false },
        { ...transient, active: true, persistent: false, autostart: false },
      ]);
      await client.setAutostart(persistent, true);
      expect(await client.getAutostart('api1')).toBe(true);
      expect(await client.isPersistent(transient)).toBe(false);
      expect(await client.lookupNetworkByUuid(persistent.uuid)).toEqual(persistent);
      expect(await client.getNetworkXml('api1', { inactive: true })).toContain(`<uuid>${persistent.uuid}</uuid>`);
      expect(await client.getDhcpLeases(transient)).toEqual([]);
    } finally {
      await client.destroyNetwork(transient);
      await client.setAutostart(persistent, false);
      await client.undefineNetwork(persistent);
    }
    expect(await client.listNetworks()).toEqual([]);
  });

  it('updates a running network (DHCP host) in both the live and the persistent config', async () => {
    const net = await client.defineNetwork(
      `<network><name>upd1</name><bridge name='vnupd1'/><ip address='10.62.3.1' prefix='24'><dhcp><range start='10.62.3.10' end='10.62.3.20'/></dhcp></ip></network>`,
    );
    await client.startNetwork(net);
    try {
      await client.updateNetwork(net, {
        command: NetworkUpdateCommand.ADD_LAST,
        section: NetworkUpdateSection.IP_DHCP_HOST,
        parentIndex: -1,
        xml: `<host mac='52:54:00:aa:bb:01' name='vm1' ip='10.62.3.50'/>`,
        flags: NetworkUpdateFlags.AFFECT_LIVE | NetworkUpdateFlags.AFFECT_CONFIG,
      });
      const hostEntry = `<host mac='52:54:00:aa:bb:01' name='vm1' ip='10.62.3.50'/>`;
      expect(await client.getNetworkXml(net)).toContain(hostEntry);
      expect(await client.getNetworkXml(net, { inactive: true })).toContain(hostEntry);
      expect(await virsh(host, ['net-dumpxml', 'upd1'])).toContain(hostEntry);
    } finally {
      await client.destroyNetwork(net);
      await client.undefineNetwork(net);
    }
  });

  it('reads the DHCP lease a guest on the bridge obtained', async () => {
    const net = await client.defineNetwork(
      `<network><name>lease1</name><bridge name='vnlease1'/><ip address='10.62.5.1' prefix='24'><dhcp><range start='10.62.5.100' end='10.62.5.120'/></dhcp></ip></network>`,
    );
    await client.startNetwork(net);
    const guest = await attachVethGuest(host, 'vnlease1', 'g1', { mac: '52:54:00:62:05:01' });
    try {
      await requestDhcpLease(guest, { hostname: 'guest-one' });
      // dnsmasq hands the lease to libvirt's leases helper after answering the client: poll for it.
      const leases = await waitUntil('the lease to reach libvirt', async () => {
        const found = await client.getDhcpLeases(net);
        return found.length > 0 ? found : undefined;
      });
      expect(leases).toHaveLength(1);
      const [lease] = leases;
      expect(lease).toMatchObject({
        iface: 'vnlease1',
        type: 'ipv4',
        mac: '52:54:00:62:05:01',
        prefix: 24,
        hostname: 'guest-one',
      });
      expect(lease!.ipAddress).toMatch(/^10\.62\.5\.1[0-2]\d$/);
      expect(lease!.expiryTime).toBeGreaterThan(Date.now() / 1000);
      expect(await client.getDhcpLeases(net, '52:54:00:62:05:01')).toEqual(leases);
      expect(await client.getDhcpLeases(net, '52:54:00:00:00:99')).toEqual([]);
    } finally {
      await detachVethGuest(guest);
      await client.destroyNetwork(net);
      await client.undefineNetwork(net);
    }
  });

  it('reports libvirt errors with their code and predicates, and stays usable', async () => {
    const missing = await client.lookupNetwork('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LibvirtError);
    expect(missing).toMatchObject({
      code: 43,
      domain: 19,
      message: "Network not found: no network with matching name 'nope'",
    });
    expect((missing as LibvirtError).isNotFound()).toBe(true);

    const xml = `<network><name>err1</name><bridge name='vnerr1'/><ip address='10.62.4.1' prefix='24'/></network>`;
    const net = await client.defineNetwork(xml);
    await client.startNetwork(net);
    try {
      const again = (await client.startNetwork(net).catch((e: unknown) => e)) as LibvirtError;
      expect(again.isInvalidOperation()).toBe(true);
      expect(again.message).toBe('Requested operation is not valid: network is already active');
      const clash = (await client
        .defineNetwork(xml.replace("'vnerr1'", "'vnerr2'"))
        .catch((e: unknown) => e)) as LibvirtError;
      expect(clash.isAlreadyExists()).toBe(true);
      const badXml = (await client.defineNetwork('<network><name>x').catch((e: unknown) => e)) as LibvirtError;
      expect(badXml).toBeInstanceOf(LibvirtError);
      expect(badXml.isInvalidXml()).toBe(true);
    } finally {
      await client.destroyNetwork(net);
      await client.undefineNetwork(net);
    }
    expect(await client.listNetworks()).toEqual([]);
  });
});

describe('network lifecycle events', () => {
  it('delivers define/start/stop/undefine done by an outside actor (virsh) as typed events', async () => {
    await client.watchNetworkEvents();
    const events = new EventCollector<NetworkLifecycleEvent>();
    client.on('networkLifecycle', events.push);
    try {
      const xmlFile = `${host.dir}/ev1.xml`;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        xmlFile,
        `<network><name>ev1</name><bridge name='vnev1'/><ip address='10.63.1.1' prefix='24'/></network>`,
      );
      await virsh(host, ['net-define', xmlFile]);
      await virsh(host, ['net-start', 'ev1']);
      await virsh(host, ['net-destroy', 'ev1']);
      await virsh(host, ['net-undefine', 'ev1']);
      const seen = await events.waitFor(4);
      expect(seen.map((e) => [e.kind, e.network.name])).toEqual([
        ['defined', 'ev1'],
        ['started', 'ev1'],
        ['stopped', 'ev1'],
        ['undefined', 'ev1'],
      ]);
      expect(new Set(seen.map((e) => e.network.uuid)).size).toBe(1);
    } finally {
      client.off('networkLifecycle', events.push);
    }
  });

  it('delivers the event of our own call even when it arrives before the call returns', async () => {
    await client.watchNetworkEvents();
    const events = new EventCollector<NetworkLifecycleEvent>();
    client.on('networkLifecycle', events.push);
    try {
      const net = await client.defineNetwork(`<network><name>ev2</name><bridge name='vnev2'/></network>`);
      await client.undefineNetwork(net);
      expect((await events.waitFor(2)).map((e) => e.kind)).toEqual(['defined', 'undefined']);
    } finally {
      client.off('networkLifecycle', events.push);
    }
  });
});
