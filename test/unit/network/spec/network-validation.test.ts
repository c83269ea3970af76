/**
 * validateNetworkSpec: every rule refuses with one exact message that says what is wrong and how to
 * fix it; good specs come back normalised; all problems are reported at once.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../../../src/network/spec/network-spec.js';
import { NetworkSpecError, type NetworkSpecProblem } from '../../../../src/network/spec/spec-errors.js';
import { validateNetworkSpec } from '../../../../src/network/spec/network-validation.js';

type Input = Record<string, unknown>;

const natSpec = (overrides: Input = {}): Input => ({
  name: 'lab1',
  mode: 'nat',
  bridge: 'vnbr0',
  autostart: false,
  ipv4: { subnet: '10.0.0.0/24', gateway: '10.0.0.1' },
  ...overrides,
});
const withIpv4 = (overrides: Input): Input =>
  natSpec({ ipv4: { subnet: '10.0.0.0/24', gateway: '10.0.0.1', ...overrides } });
const withIpv6 = (overrides: Input): Input =>
  natSpec({ ipv6: { subnet: 'fd00:5::/64', gateway: 'fd00:5::1', ...overrides } });
const withDhcpHosts = (hosts: unknown[]): Input =>
  withIpv4({ dhcp: { start: '10.0.0.100', end: '10.0.0.200' }, dhcpHosts: hosts });
const bridgedSpec = (overrides: Input = {}): Input => ({
  name: 'lan1',
  mode: 'bridged',
  bridge: 'br0',
  autostart: true,
  ...overrides,
});

function problemsOf(input: unknown): NetworkSpecProblem[] {
  try {
    validateNetworkSpec(input);
  } catch (error) {
    if (error instanceof NetworkSpecError) return [...error.problems];
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

/** [what, input, field, the exact message] */
type RefusalCase = [string, unknown, string, string];

const LETTERS = 'use only lowercase ASCII letters a-z, digits 0-9, "-", "_" and "."';
const IFNAME_CHARS = 'interface names may use only ASCII letters, digits, "-", "_" and "."';

function refusals(title: string, cases: RefusalCase[]): void {
  describe(title, () => {
    it.each(cases)('%s', (_what, input, field, message) => {
      expect(problemsOf(input)).toEqual([{ field, message }]);
    });
  });
}

describe('validateNetworkSpec accepts and normalises', () => {
  it('returns a full nat spec with MACs, host names, DNS domain and IPv6 text normalised', () => {
    const spec = validateNetworkSpec(
      natSpec({
        mtu: 9000,
        dnsDomain: 'Lab.Example.',
        forwardDev: 'eth0',
        natPorts: { start: 1024, end: 65535 },
        metadata: { description: 'NAT for <lab> & "friends" — déjà vu 🙂', requestedBy: 'U024BE7LH', jobId: '42' },
        ipv4: {
          subnet: '10.0.0.0/24',
          gateway: '10.0.0.1',
          dhcp: { start: '10.0.0.100', end: '10.0.0.200' },
          dhcpHosts: [{ mac: '52-54-00-AA-BB-CC', name: 'Web1', ip: '10.0.0.10' }],
        },
        ipv6: {
          subnet: 'FD00:0005:0000::/64',
          gateway: 'fd00:5:0:0:0:0:0:1',
          dhcp: { start: 'FD00:5::100', end: 'fd00:5::01ff' },
        },
      }),
    );
    expect(spec).toEqual({
      name: 'lab1',
      mode: 'nat',
      bridge: 'vnbr0',
      autostart: false,
      mtu: 9000,
      dnsDomain: 'lab.example',
      forwardDev: 'eth0',
      natPorts: { start: 1024, end: 65535 },
      metadata: { description: 'NAT for <lab> & "friends" — déjà vu 🙂', requestedBy: 'U024BE7LH', jobId: '42' },
      ipv4: {
        subnet: '10.0.0.0/24',
        gateway: '10.0.0.1',
        dhcp: { start: '10.0.0.100', end: '10.0.0.200' },
        dhcpHosts: [{ mac: '52:54:00:aa:bb:cc', name: 'web1', ip: '10.0.0.10' }],
      },
      ipv6: { subnet: 'fd00:5::/64', gateway: 'fd00:5::1', dhcp: { start: 'fd00:5::100', end: 'fd00:5::1ff' } },
    } satisfies NetworkSpec);
  });

  it('makes two spellings of the same network compare equal', () => {
    const a = validateNetworkSpec(withIpv6({ subnet: 'fd00:5:0::/64', gateway: 'FD00:5::1' }));
    const b = validateNetworkSpec(withIpv6({ subnet: 'fd00:5::/64', gateway: 'fd00:5:0:0::1' }));
    expect(a).toEqual(b);
  });

  it.each([
    ['routed', { mode: 'routed', forwardDev: 'eth0' }],
    ['isolated', { mode: 'isolated' }],
    ['open', { mode: 'open', mtu: 1500 }],
  ])('accepts a minimal %s spec', (_mode, overrides) => {
    expect(validateNetworkSpec(natSpec(overrides))).toEqual(natSpec(overrides));
  });

  it('accepts a bridged spec with only the common options', () => {
    expect(validateNetworkSpec(bridgedSpec({ metadata: { description: 'host LAN' } }))).toEqual(
      bridgedSpec({ metadata: { description: 'host LAN' } }),
    );
  });

  it('accepts the limits: 50-character names, 15-character bridges, /8 and /30, MTU 68 and 65535, 200-character descriptions', () => {
    expect(() => validateNetworkSpec(natSpec({ name: 'a'.repeat(50), bridge: 'b'.repeat(15), mtu: 68 }))).not.toThrow();
    expect(() => validateNetworkSpec(withIpv4({ subnet: '10.0.0.0/8' }))).not.toThrow();
    expect(() => validateNetworkSpec(withIpv4({ subnet: '10.0.0.0/30', gateway: '10.0.0.2' }))).not.toThrow();
    expect(() =>
      validateNetworkSpec(natSpec({ mtu: 65535, metadata: { description: '🙂'.repeat(200) } })),
    ).not.toThrow();
    expect(() =>
      validateNetworkSpec(natSpec({ mtu: 1280, ipv6: { subnet: 'fd00:5::/48', gateway: 'fd00:5::1' } })),
    ).not.toThrow();
  });

  it('drops an empty metadata object', () => {
    expect(validateNetworkSpec(natSpec({ metadata: {} }))).toEqual(natSpec());
  });
});

refusals('network names', [
  ['empty', natSpec({ name: '' }), 'name', 'the network name is empty: give the network a name such as "lab1"'],
  [
    '51 characters',
    natSpec({ name: 'a'.repeat(51) }),
    'name',
    `network name "${'a'.repeat(40)}…" is 51 characters; at most 50 are allowed`,
  ],
  [
    '"."',
    natSpec({ name: '.' }),
    'name',
    `network name "." is not allowed: "." and ".." mean folders in file paths; ${LETTERS}`,
  ],
  [
    '".."',
    natSpec({ name: '..' }),
    'name',
    `network name ".." is not allowed: "." and ".." mean folders in file paths; ${LETTERS}`,
  ],
  [
    'a Cyrillic look-alike',
    natSpec({ name: 'lаb1' }),
    'name',
    `network name "lаb1" contains "а" (U+0430, not an ASCII character): ${LETTERS}`,
  ],
  [
    'uppercase',
    natSpec({ name: 'Lab1' }),
    'name',
    'network name "Lab1" has uppercase letters: use lowercase, e.g. "lab1"',
  ],
  [
    'a space',
    natSpec({ name: 'lab 1' }),
    'name',
    `network name "lab 1" contains " " (a space), which is not allowed: ${LETTERS}`,
  ],
  [
    'XML metacharacters',
    natSpec({ name: `<lab>&"'` }),
    'name',
    `network name "<lab>&\\"'" contains "<", which is not allowed: ${LETTERS}`,
  ],
  [
    'a leading dash',
    natSpec({ name: '-lab' }),
    'name',
    'network name "-lab" must start with a lowercase letter or a digit',
  ],
  [
    'a leading underscore',
    natSpec({ name: '_lab' }),
    'name',
    'network name "_lab" must start with a lowercase letter or a digit',
  ],
  [
    'a control character',
    natSpec({ name: 'lab\u0007' }),
    'name',
    `network name "lab\\u0007" contains U+0007 (a control character): ${LETTERS}`,
  ],
  [
    'a zero-width space',
    natSpec({ name: 'lab\u200b1' }),
    'name',
    `network name "lab\\u200b1" contains U+200B (an invisible character): ${LETTERS}`,
  ],
  [
    'an emoji',
    natSpec({ name: 'lab🙂' }),
    'name',
    `network name "lab🙂" contains "🙂" (U+1F642, not an ASCII character): ${LETTERS}`,
  ],
]);

refusals('bridge names', [
  [
    '16 characters',
    natSpec({ bridge: 'virbr-toolongna1' }),
    'bridge',
    'bridge name "virbr-toolongna1" is 16 characters; Linux allows at most 15',
  ],
  [
    '18 characters',
    natSpec({ bridge: 'virbr-toolongname1' }),
    'bridge',
    'bridge name "virbr-toolongname1" is 18 characters; Linux allows at most 15',
  ],
  ['empty', natSpec({ bridge: '' }), 'bridge', 'the bridge name is empty: give a Linux interface name such as "vnbr0"'],
  [
    'lo',
    natSpec({ bridge: 'lo' }),
    'bridge',
    'bridge name "lo" is the loopback device: choose another name, e.g. "vnbr0"',
  ],
  [
    'all',
    natSpec({ bridge: 'all' }),
    'bridge',
    'bridge name "all" is reserved by Linux (it names the settings of all interfaces in /proc/sys/net): choose another name, e.g. "vnbr0"',
  ],
  [
    'default',
    natSpec({ bridge: 'default' }),
    'bridge',
    'bridge name "default" is reserved by Linux (it names the defaults for new interfaces in /proc/sys/net): choose another name, e.g. "vnbr0"',
  ],
  [
    '"."',
    natSpec({ bridge: '.' }),
    'bridge',
    'bridge name "." is not allowed: Linux refuses "." and ".." as interface names',
  ],
  [
    '".."',
    natSpec({ bridge: '..' }),
    'bridge',
    'bridge name ".." is not allowed: Linux refuses "." and ".." as interface names',
  ],
  ['a slash', natSpec({ bridge: 'br/0' }), 'bridge', `bridge name "br/0" contains "/": ${IFNAME_CHARS}`],
  ['a colon', natSpec({ bridge: 'br:0' }), 'bridge', `bridge name "br:0" contains ":": ${IFNAME_CHARS}`],
  ['a space', natSpec({ bridge: 'br 0' }), 'bridge', `bridge name "br 0" contains " " (a space): ${IFNAME_CHARS}`],
  ['a tab', natSpec({ bridge: 'br\t0' }), 'bridge', `bridge name "br\\t0" contains U+0009 (a tab): ${IFNAME_CHARS}`],
  ['XML metacharacters', natSpec({ bridge: 'br<0>' }), 'bridge', `bridge name "br<0>" contains "<": ${IFNAME_CHARS}`],
  [
    'a Cyrillic look-alike',
    natSpec({ bridge: 'vnbr0а' }),
    'bridge',
    `bridge name "vnbr0а" contains "а" (U+0430, not an ASCII character): ${IFNAME_CHARS}`,
  ],
  [
    'a leading dash',
    natSpec({ bridge: '-br0' }),
    'bridge',
    'bridge name "-br0" must start with an ASCII letter or digit',
  ],
]);

refusals('IPv4 subnets', [
  [
    'host bits set',
    withIpv4({ subnet: '10.1.2.3/24' }),
    'ipv4.subnet',
    'IPv4 subnet 10.1.2.3/24 has host bits set: did you mean 10.1.2.0/24?',
  ],
  [
    '/31',
    withIpv4({ subnet: '10.0.0.0/31' }),
    'ipv4.subnet',
    'IPv4 subnet 10.0.0.0/31 is too small: a /31 holds only 2 addresses, no room for a gateway plus guests; use a prefix between /8 and /30, e.g. /24',
  ],
  [
    '/32',
    withIpv4({ subnet: '10.0.0.1/32' }),
    'ipv4.subnet',
    'IPv4 subnet 10.0.0.1/32 is too small: a /32 holds only 1 address, no room for a gateway plus guests; use a prefix between /8 and /30, e.g. /24',
  ],
  [
    '/0',
    withIpv4({ subnet: '0.0.0.0/0' }),
    'ipv4.subnet',
    'IPv4 subnet 0.0.0.0/0 is too large: a /0 is every IPv4 address and would swallow the whole internet; use a prefix between /8 and /30, e.g. /24',
  ],
  [
    '/7',
    withIpv4({ subnet: '10.0.0.0/7' }),
    'ipv4.subnet',
    'IPv4 subnet 10.0.0.0/7 is too large: a /7 holds 33554432 addresses, a large part of the internet; use a prefix between /8 and /30, e.g. /24',
  ],
  [
    '/33',
    withIpv4({ subnet: '10.0.0.0/33' }),
    'ipv4.subnet',
    'IPv4 subnet "10.0.0.0/33" has the prefix length "33", but IPv4 prefixes are whole numbers from 0 to 32: use a prefix between /8 and /30, e.g. /24',
  ],
  [
    'a prefix with a leading zero',
    withIpv4({ subnet: '10.0.0.0/024' }),
    'ipv4.subnet',
    'IPv4 subnet "10.0.0.0/024" has the prefix length "024", but IPv4 prefixes are whole numbers from 0 to 32: use a prefix between /8 and /30, e.g. /24',
  ],
  [
    'no prefix',
    withIpv4({ subnet: '10.0.0.0' }),
    'ipv4.subnet',
    'IPv4 subnet "10.0.0.0" has no prefix length: write it as a CIDR such as 10.0.0.0/24',
  ],
  [
    'an octal-looking octet',
    withIpv4({ subnet: '010.0.0.0/24' }),
    'ipv4.subnet',
    'IPv4 subnet "010.0.0.0/24" is not a valid IPv4 CIDR: write it as an address and a prefix length, e.g. 10.0.5.0/24',
  ],
  [
    'an octet over 255',
    withIpv4({ subnet: '300.0.0.0/24' }),
    'ipv4.subnet',
    'IPv4 subnet "300.0.0.0/24" is not a valid IPv4 CIDR: write it as an address and a prefix length, e.g. 10.0.5.0/24',
  ],
  [
    'an IPv6 subnet',
    withIpv4({ subnet: 'fd00::/64' }),
    'ipv4.subnet',
    'IPv4 subnet "fd00::/64" is an IPv6 subnet: give an IPv4 subnet such as 10.0.5.0/24, and put IPv6 settings under ipv6',
  ],
  [
    'loopback',
    withIpv4({ subnet: '127.0.0.0/8', gateway: '127.0.0.1' }),
    'ipv4.subnet',
    'IPv4 subnet 127.0.0.0/8 overlaps 127.0.0.0/8 (loopback addresses), which a virtual network cannot use: choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
  ],
  [
    'multicast',
    withIpv4({ subnet: '224.1.0.0/16' }),
    'ipv4.subnet',
    'IPv4 subnet 224.1.0.0/16 overlaps 224.0.0.0/4 (multicast addresses), which a virtual network cannot use: choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
  ],
  [
    'link-local',
    withIpv4({ subnet: '169.254.0.0/16' }),
    'ipv4.subnet',
    'IPv4 subnet 169.254.0.0/16 overlaps 169.254.0.0/16 (link-local addresses), which a virtual network cannot use: choose a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
  ],
]);

refusals('IPv6 subnets', [
  [
    'no prefix',
    withIpv6({ subnet: 'fd00:5::' }),
    'ipv6.subnet',
    'IPv6 subnet "fd00:5::" has no prefix length: write it as a CIDR such as fd00:5::/64',
  ],
  [
    '/40',
    withIpv6({ subnet: 'fd00::/40' }),
    'ipv6.subnet',
    'IPv6 subnet fd00::/40 is too large: a /40 is more than a whole site (/48); use a prefix between /48 and /64, e.g. /64',
  ],
  [
    '/80',
    withIpv6({ subnet: 'fd00:5::/80' }),
    'ipv6.subnet',
    'IPv6 subnet fd00:5::/80 is too small: IPv6 guests configure their own address (SLAAC) only on a /64; use a prefix between /48 and /64, e.g. /64',
  ],
  [
    'host bits set',
    withIpv6({ subnet: 'fd00:5::1/64' }),
    'ipv6.subnet',
    'IPv6 subnet fd00:5::1/64 has host bits set: did you mean fd00:5::/64?',
  ],
  [
    'link-local',
    withIpv6({ subnet: 'fe80::/64', gateway: 'fe80::1' }),
    'ipv6.subnet',
    'IPv6 subnet fe80::/64 overlaps fe80::/10 (link-local addresses), which a virtual network cannot use: choose a unique local range in fd00::/8, e.g. fd00:5::/64',
  ],
  [
    'multicast',
    withIpv6({ subnet: 'ff05::/48' }),
    'ipv6.subnet',
    'IPv6 subnet ff05::/48 overlaps ff00::/8 (multicast addresses), which a virtual network cannot use: choose a unique local range in fd00::/8, e.g. fd00:5::/64',
  ],
  [
    'an IPv4 subnet',
    withIpv6({ subnet: '10.0.0.0/24' }),
    'ipv6.subnet',
    'IPv6 subnet "10.0.0.0/24" is an IPv4 subnet: give an IPv6 subnet such as fd00:5::/64, and put IPv4 settings under ipv4',
  ],
  [
    'a zone index',
    withIpv6({ subnet: 'fe80::%eth0/64' }),
    'ipv6.subnet',
    'IPv6 subnet "fe80::%eth0/64" has a zone index (the part after "%"), which only link-local addresses use: write it as a CIDR such as fd00:5::/64',
  ],
]);

refusals('gateways', [
  [
    'with a prefix length',
    withIpv4({ gateway: '10.0.0.1/24' }),
    'ipv4.gateway',
    'IPv4 gateway "10.0.0.1/24" is a single address: drop "/24" (the prefix length belongs to the subnet)',
  ],
  [
    'outside the subnet',
    withIpv4({ gateway: '10.0.1.1' }),
    'ipv4.gateway',
    'IPv4 gateway 10.0.1.1 is outside the subnet 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'the network address',
    withIpv4({ gateway: '10.0.0.0' }),
    'ipv4.gateway',
    'IPv4 gateway 10.0.0.0 is the network address of 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'the broadcast address',
    withIpv4({ gateway: '10.0.0.255' }),
    'ipv4.gateway',
    'IPv4 gateway 10.0.0.255 is the broadcast address of 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'an IPv6 address',
    withIpv4({ gateway: 'fd00::1' }),
    'ipv4.gateway',
    'IPv4 gateway fd00::1 is an IPv6 address: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'not an address',
    withIpv4({ gateway: 'router' }),
    'ipv4.gateway',
    'IPv4 gateway "router" is not a valid IPv4 address: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'missing',
    natSpec({ ipv4: { subnet: '10.0.0.0/24' } }),
    'ipv4.gateway',
    "ipv4.gateway is missing: give the bridge's own address in the subnet, e.g. 10.0.5.1",
  ],
  [
    'IPv6 with a prefix length',
    withIpv6({ gateway: 'fd00:5::1/64' }),
    'ipv6.gateway',
    'IPv6 gateway "fd00:5::1/64" is a single address: drop "/64" (the prefix length belongs to the subnet)',
  ],
  [
    'the IPv6 subnet-router anycast address',
    withIpv6({ gateway: 'fd00:5::' }),
    'ipv6.gateway',
    'IPv6 gateway fd00:5:: is the subnet-router anycast address (all host bits zero) of fd00:5::/64: use an address from fd00:5::1 to fd00:5::ffff:ffff:ffff:ffff',
  ],
]);

refusals('DHCP ranges', [
  [
    'reversed',
    withIpv4({ dhcp: { start: '10.0.0.200', end: '10.0.0.100' } }),
    'ipv4.dhcp',
    'the DHCP range 10.0.0.200-10.0.0.100 is reversed: the start must come first, as in 10.0.0.100-10.0.0.200',
  ],
  [
    'starting at the gateway',
    withIpv4({ dhcp: { start: '10.0.0.1', end: '10.0.0.100' } }),
    'ipv4.dhcp',
    "the DHCP range 10.0.0.1-10.0.0.100 contains the gateway 10.0.0.1, so DHCP could hand the gateway's address to a guest: use e.g. 10.0.0.2-10.0.0.100, or move the gateway",
  ],
  [
    'around the gateway',
    withIpv4({ gateway: '10.0.0.50', dhcp: { start: '10.0.0.10', end: '10.0.0.100' } }),
    'ipv4.dhcp',
    "the DHCP range 10.0.0.10-10.0.0.100 contains the gateway 10.0.0.50, so DHCP could hand the gateway's address to a guest: use e.g. 10.0.0.51-10.0.0.100, or move the gateway",
  ],
  [
    'only the gateway',
    withIpv4({ gateway: '10.0.0.5', dhcp: { start: '10.0.0.5', end: '10.0.0.5' } }),
    'ipv4.dhcp',
    "the DHCP range 10.0.0.5-10.0.0.5 contains the gateway 10.0.0.5, so DHCP could hand the gateway's address to a guest: use a range that leaves the gateway out",
  ],
  [
    'from the network address',
    withIpv4({ dhcp: { start: '10.0.0.0', end: '10.0.0.100' } }),
    'ipv4.dhcp.start',
    'DHCP range start 10.0.0.0 is the network address of 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'to the broadcast address',
    withIpv4({ dhcp: { start: '10.0.0.100', end: '10.0.0.255' } }),
    'ipv4.dhcp.end',
    'DHCP range end 10.0.0.255 is the broadcast address of 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'IPv6 DHCP on a /48',
    natSpec({
      ipv6: { subnet: 'fd00:5::/48', gateway: 'fd00:5::1', dhcp: { start: 'fd00:5::100', end: 'fd00:5::1ff' } },
    }),
    'ipv6.dhcp',
    'DHCPv6 needs a /64 subnet, and fd00:5::/48 is a /48: libvirt\'s dnsmasq refuses DHCPv6 ranges on prefixes shorter than /64 ("prefix length must be at least 64"); use a /64 subnet or leave out the IPv6 DHCP range (guests still configure themselves by SLAAC on a /64)',
  ],
]);

describe('DHCP ranges outside the subnet', () => {
  it('reports both ends', () => {
    expect(problemsOf(withIpv4({ dhcp: { start: '10.0.1.100', end: '10.0.1.200' } }))).toEqual([
      {
        field: 'ipv4.dhcp.start',
        message:
          'DHCP range start 10.0.1.100 is outside the subnet 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
      },
      {
        field: 'ipv4.dhcp.end',
        message:
          'DHCP range end 10.0.1.200 is outside the subnet 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
      },
    ]);
  });
});

refusals('fixed DHCP hosts', [
  [
    'without a DHCP range',
    withIpv4({ dhcpHosts: [{ mac: '52:54:00:00:00:01', ip: '10.0.0.10' }] }),
    'ipv4.dhcpHosts',
    "fixed DHCP hosts need a DHCP range, which is what turns the network's DHCP server on: add ipv4.dhcp (a start and an end address) or remove ipv4.dhcpHosts",
  ],
  [
    'on IPv6',
    withIpv6({
      dhcp: { start: 'fd00:5::100', end: 'fd00:5::1ff' },
      dhcpHosts: [{ mac: '52:54:00:00:00:01', ip: 'fd00:5::10' }],
    }),
    'ipv6.dhcpHosts',
    'fixed DHCP hosts are IPv4 only: libvirt refuses MAC addresses in IPv6 host entries ("Invalid to specify MAC address ... in IPv6 static host definition"); remove ipv6.dhcpHosts and give the hosts fixed addresses under ipv4.dhcpHosts',
  ],
  [
    'a malformed MAC',
    withDhcpHosts([{ mac: '52:54:00:zz:00:01', ip: '10.0.0.10' }]),
    'ipv4.dhcpHosts[0].mac',
    'the MAC address "52:54:00:zz:00:01" of fixed DHCP host #1 is not valid: write six pairs of hex digits separated by colons, e.g. 52:54:00:12:34:56',
  ],
  [
    'a multicast MAC',
    withDhcpHosts([{ mac: '01:00:5E:00:00:01', ip: '10.0.0.10' }]),
    'ipv4.dhcpHosts[0].mac',
    'the MAC address 01:00:5e:00:00:01 of fixed DHCP host #1 is a multicast address (lowest bit of the first byte set), which no network card has: use a unicast MAC such as 52:54:00:12:34:56',
  ],
  [
    'an all-zero MAC',
    withDhcpHosts([{ mac: '00:00:00:00:00:00', ip: '10.0.0.10' }]),
    'ipv4.dhcpHosts[0].mac',
    'the MAC address 00:00:00:00:00:00 of fixed DHCP host #1 is all zeros, which no network card has: use a MAC such as 52:54:00:12:34:56',
  ],
  [
    'the gateway address',
    withDhcpHosts([{ mac: '52:54:00:00:00:01', ip: '10.0.0.1' }]),
    'ipv4.dhcpHosts[0].ip',
    "the IP 10.0.0.1 of fixed DHCP host #1 is the gateway's address: give the host another address",
  ],
  [
    'an address outside the subnet',
    withDhcpHosts([{ mac: '52:54:00:00:00:01', ip: '10.9.0.1' }]),
    'ipv4.dhcpHosts[0].ip',
    'the IP 10.9.0.1 of fixed DHCP host #1 is outside the subnet 10.0.0.0/24: use an address from 10.0.0.1 to 10.0.0.254',
  ],
  [
    'a bad host name',
    withDhcpHosts([{ mac: '52:54:00:00:00:01', name: 'web_1', ip: '10.0.0.10' }]),
    'ipv4.dhcpHosts[0].name',
    'DHCP host name "web_1" contains "_": DNS names may use only ASCII letters, digits, "-" and dots between labels',
  ],
]);

describe('fixed DHCP hosts that clash', () => {
  it('reports the same MAC (in any spelling), IP and name once each', () => {
    const hosts = [
      { mac: '52:54:00:00:00:01', name: 'a', ip: '10.0.0.10' },
      { mac: '52:54:00:00:00:02', name: 'A', ip: '10.0.0.10' },
      { mac: '52-54-00-00-00-01', ip: '10.0.0.11' },
    ];
    expect(problemsOf(withDhcpHosts(hosts))).toEqual([
      {
        field: 'ipv4.dhcpHosts',
        message:
          'fixed DHCP hosts #1 and #3 have the same MAC address 52:54:00:00:00:01: each MAC can have only one fixed address',
      },
      {
        field: 'ipv4.dhcpHosts',
        message: 'fixed DHCP hosts #1 and #2 both have the IP 10.0.0.10: give each host its own address',
      },
      {
        field: 'ipv4.dhcpHosts',
        message: 'fixed DHCP hosts #1 and #2 are both named "a": give each host its own name',
      },
    ]);
  });
});

refusals('MTU, NAT ports, forward device and DNS domain', [
  [
    'MTU 67',
    natSpec({ mtu: 67 }),
    'mtu',
    'MTU 67 is out of range: Linux accepts 68 to 65535 bytes (1500 is usual, 9000 for jumbo frames)',
  ],
  [
    'MTU 65536',
    natSpec({ mtu: 65536 }),
    'mtu',
    'MTU 65536 is out of range: Linux accepts 68 to 65535 bytes (1500 is usual, 9000 for jumbo frames)',
  ],
  [
    'a fractional MTU',
    natSpec({ mtu: 1500.5 }),
    'mtu',
    'MTU 1500.5 is not a whole number of bytes: use e.g. 1500, or 9000 for jumbo frames',
  ],
  [
    'MTU 1279 with IPv6',
    natSpec({ mtu: 1279, ipv6: { subnet: 'fd00:5::/64', gateway: 'fd00:5::1' } }),
    'mtu',
    'MTU 1279 is too small for IPv6, which needs at least 1280 bytes: raise the MTU or leave out ipv6',
  ],
  [
    'NAT port 0',
    natSpec({ natPorts: { start: 0, end: 100 } }),
    'natPorts.start',
    "NAT port range start 0 is not a port: ports are whole numbers from 1 to 65535 (libvirt's default range is 1024-65535)",
  ],
  [
    'NAT port 65536',
    natSpec({ natPorts: { start: 100, end: 65536 } }),
    'natPorts.end',
    "NAT port range end 65536 is not a port: ports are whole numbers from 1 to 65535 (libvirt's default range is 1024-65535)",
  ],
  [
    'a fractional NAT port',
    natSpec({ natPorts: { start: 1.5, end: 100 } }),
    'natPorts.start',
    "NAT port range start 1.5 is not a port: ports are whole numbers from 1 to 65535 (libvirt's default range is 1024-65535)",
  ],
  [
    'a reversed NAT port range',
    natSpec({ natPorts: { start: 3000, end: 2000 } }),
    'natPorts',
    'the NAT port range 3000-2000 is reversed: the start must come first, as in 2000-3000',
  ],
  [
    'a forward device with a space',
    natSpec({ forwardDev: 'eth 0' }),
    'forwardDev',
    `forward device "eth 0" contains " " (a space): ${IFNAME_CHARS}`,
  ],
  [
    'a 17-character forward device',
    natSpec({ forwardDev: 'enp0s31f6verylong' }),
    'forwardDev',
    'forward device "enp0s31f6verylong" is 17 characters; Linux allows at most 15',
  ],
  [
    'a DNS domain with an empty label',
    natSpec({ dnsDomain: 'lab..example' }),
    'dnsDomain',
    'DNS domain "lab..example" has an empty label: separate labels with single dots, e.g. "lab.example"',
  ],
  [
    'a DNS domain with "_"',
    natSpec({ dnsDomain: 'lab_1.example' }),
    'dnsDomain',
    'DNS domain "lab_1.example" contains "_": DNS names may use only ASCII letters, digits, "-" and dots between labels',
  ],
  [
    'a DNS label starting with "-"',
    natSpec({ dnsDomain: '-lab.example' }),
    'dnsDomain',
    'DNS domain "-lab.example" has the label "-lab", which starts or ends with "-": DNS labels must begin and end with a letter or digit',
  ],
  [
    'a 64-character DNS label',
    natSpec({ dnsDomain: `${'a'.repeat(64)}.example` }),
    'dnsDomain',
    `DNS domain "${'a'.repeat(40)}…" has a label of 64 characters; DNS allows at most 63 between dots`,
  ],
  [
    'a 306-character DNS domain',
    natSpec({ dnsDomain: `${`${'a'.repeat(60)}.`.repeat(5)}x` }),
    'dnsDomain',
    `DNS domain "${'a'.repeat(40)}…" is 306 characters; DNS allows at most 253`,
  ],
  [
    'a non-ASCII DNS domain',
    natSpec({ dnsDomain: 'bücher.example' }),
    'dnsDomain',
    'DNS domain "bücher.example" contains "ü" (U+00FC, not an ASCII character): DNS names may use only ASCII letters, digits, "-" and dots between labels',
  ],
  [
    'an empty DNS domain',
    natSpec({ dnsDomain: '' }),
    'dnsDomain',
    'the DNS domain is empty: give a name such as "lab.example", or leave it out',
  ],
]);

refusals('modes and the options each mode refuses', [
  [
    'libvirt\'s name "route"',
    natSpec({ mode: 'route' }),
    'mode',
    'mode "route" is not a network mode: did you mean routed? (choose one of nat, routed, isolated, open, bridged)',
  ],
  [
    'uppercase',
    natSpec({ mode: 'NAT' }),
    'mode',
    'mode "NAT" is not a network mode: did you mean nat? (choose one of nat, routed, isolated, open, bridged)',
  ],
  [
    'an unknown mode',
    natSpec({ mode: 'foo' }),
    'mode',
    'mode "foo" is not a network mode: choose one of nat, routed, isolated, open, bridged',
  ],
  [
    'no mode',
    natSpec({ mode: undefined }),
    'mode',
    'mode is missing: choose one of nat, routed, isolated, open, bridged',
  ],
  [
    'nat without IPv4',
    natSpec({ ipv4: undefined }),
    'ipv4',
    'nat networks need an IPv4 subnet: add ipv4 with a subnet and a gateway, e.g. subnet 10.0.5.0/24 and gateway 10.0.5.1',
  ],
  [
    'DHCP on bridged',
    bridgedSpec({
      ipv4: { subnet: '10.0.0.0/24', gateway: '10.0.0.1', dhcp: { start: '10.0.0.100', end: '10.0.0.200' } },
    }),
    'ipv4',
    'bridged networks join an existing host bridge and libvirt runs no DHCP server on them: remove ipv4 and its DHCP settings; guests get their addresses from the LAN behind the bridge',
  ],
  [
    'IPv4 on bridged',
    bridgedSpec({ ipv4: { subnet: '10.0.0.0/24', gateway: '10.0.0.1' } }),
    'ipv4',
    'bridged networks join an existing host bridge and libvirt puts no address on it: remove ipv4 (configure addresses on the host bridge itself)',
  ],
  [
    'IPv6 on bridged',
    bridgedSpec({ ipv6: { subnet: 'fd00:5::/64', gateway: 'fd00:5::1' } }),
    'ipv6',
    'bridged networks join an existing host bridge and libvirt puts no address on it: remove ipv6 (configure addresses on the host bridge itself)',
  ],
  [
    'a DNS domain on bridged',
    bridgedSpec({ dnsDomain: 'lab.example' }),
    'dnsDomain',
    'bridged networks get no DNS server from libvirt, so a DNS domain does nothing: remove dnsDomain',
  ],
  [
    'an MTU on bridged',
    bridgedSpec({ mtu: 9000 }),
    'mtu',
    'libvirt refuses an MTU on bridged networks (the host bridge keeps its own MTU): remove mtu, or set the MTU on the host bridge',
  ],
  [
    'a forward device on bridged',
    bridgedSpec({ forwardDev: 'eth0' }),
    'forwardDev',
    'bridged networks forward through the host bridge itself, not through a forward device: remove forwardDev',
  ],
  [
    'NAT ports on bridged',
    bridgedSpec({ natPorts: { start: 1, end: 2 } }),
    'natPorts',
    'NAT ports only apply to nat networks, and this one is bridged: remove natPorts, or choose mode nat',
  ],
  [
    'NAT ports on routed',
    natSpec({ mode: 'routed', natPorts: { start: 1024, end: 65535 } }),
    'natPorts',
    'NAT ports only apply to nat networks, and this one is routed: remove natPorts, or choose mode nat',
  ],
  [
    'a forward device on isolated',
    natSpec({ mode: 'isolated', forwardDev: 'eth0' }),
    'forwardDev',
    'isolated networks forward nothing out of the host, so a forward device does nothing: remove forwardDev, or choose mode nat or routed',
  ],
  [
    'a forward device on open',
    natSpec({ mode: 'open', forwardDev: 'eth0' }),
    'forwardDev',
    'open networks leave forwarding to your own firewall rules, so they take no forward device: remove forwardDev, or choose mode nat or routed',
  ],
]);

refusals('metadata', [
  [
    'a 201-character description',
    natSpec({ metadata: { description: 'x'.repeat(201) } }),
    'metadata.description',
    'the description is 201 characters; at most 200 are allowed',
  ],
  [
    'a line break',
    natSpec({ metadata: { description: 'line1\nline2' } }),
    'metadata.description',
    'the description "line1\\nline2" contains U+000A (a line break) at character 6: keep it on one line',
  ],
  [
    'a bell',
    natSpec({ metadata: { description: 'ding\u0007' } }),
    'metadata.description',
    'the description "ding\\u0007" contains U+0007 (a control character) at character 5: remove it, or paste the text again as plain text',
  ],
  [
    'a C1 control',
    natSpec({ metadata: { description: 'a\u0085b' } }),
    'metadata.description',
    'the description "a\\u0085b" contains U+0085 (a control character) at character 2: remove it, or paste the text again as plain text',
  ],
  [
    'half a surrogate pair',
    natSpec({ metadata: { description: 'broken \ud800 pair' } }),
    'metadata.description',
    'the description "broken \\ud800 pair" contains U+D800 (half of a broken character pair) at character 8: remove it, or paste the text again as plain text',
  ],
  [
    'U+FFFF',
    natSpec({ metadata: { description: 'x\uffff' } }),
    'metadata.description',
    'the description "x\\uffff" contains U+FFFF (not a character) at character 2: remove it, or paste the text again as plain text',
  ],
  [
    'an empty description',
    natSpec({ metadata: { description: '' } }),
    'metadata.description',
    'the description is empty: leave it out or write something',
  ],
  [
    'a 129-character requester',
    natSpec({ metadata: { requestedBy: 'U'.repeat(129) } }),
    'metadata.requestedBy',
    'the requester (metadata.requestedBy) is 129 characters; at most 128 are allowed',
  ],
  [
    'a tab in the job id',
    natSpec({ metadata: { jobId: 'a\tb' } }),
    'metadata.jobId',
    'the job id (metadata.jobId) "a\\tb" contains U+0009 (a tab) at character 2: remove it, or paste the text again as plain text',
  ],
]);

const SPEC_OBJECT =
  'a network spec must be an object with name, mode, bridge, autostart (optional: mtu, metadata, ipv4, ipv6, dnsDomain, forwardDev, natPorts)';

refusals('shape', [
  ['text instead of a spec', 'hello', '', `${SPEC_OBJECT}, not the text "hello"`],
  ['null', null, '', `${SPEC_OBJECT}, not null`],
  ['a list', [], '', `${SPEC_OBJECT}, not a list`],
  [
    'an option in the wrong case',
    natSpec({ dnsdomain: 'x' }),
    'dnsdomain',
    '"dnsdomain" is not a network option: did you mean dnsDomain?',
  ],
  [
    'an unknown option',
    natSpec({ colour: 'x' }),
    'colour',
    '"colour" is not a network option: the options are name, mode, bridge, autostart, mtu, metadata, ipv4, ipv6, dnsDomain, forwardDev, natPorts',
  ],
  [
    'an unknown DHCP option',
    withIpv4({ dhcp: { start: '10.0.0.100', end: '10.0.0.200', lease: 1 } }),
    'ipv4.dhcp.lease',
    '"lease" is not an option of ipv4.dhcp: the options are start, end',
  ],
  [
    'a DHCP range without an end',
    withIpv4({ dhcp: { start: '10.0.0.100' } }),
    'ipv4.dhcp.end',
    'ipv4.dhcp.end is missing: give the last address DHCP hands out',
  ],
  [
    'fixed hosts that are not a list',
    withIpv4({ dhcp: { start: '10.0.0.100', end: '10.0.0.200' }, dhcpHosts: { mac: 'x' } }),
    'ipv4.dhcpHosts',
    'ipv4.dhcpHosts must be a list, not an object',
  ],
  [
    'a fixed host without a MAC',
    withDhcpHosts([{ ip: '10.0.0.10' }]),
    'ipv4.dhcpHosts[0].mac',
    "ipv4.dhcpHosts[0].mac is missing: give the guest's MAC address, e.g. 52:54:00:12:34:56",
  ],
  [
    'metadata that is text',
    natSpec({ metadata: 'x' }),
    'metadata',
    'metadata must be an object with description, requestedBy, jobId (all optional), not the text "x"',
  ],
  [
    'an unknown metadata field',
    natSpec({ metadata: { owner: 'x' } }),
    'metadata.owner',
    '"owner" is not an option of metadata: the options are description, requestedBy, jobId',
  ],
  ['an MTU that is NaN', natSpec({ mtu: Number.NaN }), 'mtu', 'mtu must be a number, not NaN'],
]);

describe('reporting', () => {
  it('reports every problem of a spec at once, wrong types included', () => {
    expect(problemsOf(natSpec({ name: 5, autostart: 'yes', mtu: '1500', ipv4: 'x' }))).toEqual([
      { field: 'name', message: 'name must be text, not the number 5' },
      { field: 'autostart', message: 'autostart must be true or false, not the text "yes"' },
      { field: 'mtu', message: 'mtu must be a number, not the text "1500"' },
      {
        field: 'ipv4',
        message: 'ipv4 must be an object with subnet, gateway (optional: dhcp, dhcpHosts), not the text "x"',
      },
    ]);
  });

  it('checks the gateway and DHCP range even when the subnet itself is wrong', () => {
    expect(
      problemsOf(
        withIpv4({ subnet: '10.0.0.0/33', gateway: '10.0.0.1/24', dhcp: { start: '10.0.0.200', end: '10.0.0.100' } }),
      ).map((p) => p.field),
    ).toEqual(['ipv4.subnet', 'ipv4.gateway', 'ipv4.dhcp']);
  });

  it('lists the problems in a message for Slack, one per line', () => {
    const error = (() => {
      try {
        validateNetworkSpec(
          natSpec({ name: 'lаb1', bridge: 'virbr-toolongname1', ipv4: { subnet: '10.1.2.3/24', gateway: '10.1.2.1' } }),
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NetworkSpecError);
    expect((error as NetworkSpecError).name).toBe('NetworkSpecError');
    expect((error as NetworkSpecError).message).toBe(
      [
        'invalid network spec (3 problems):',
        `  - network name "lаb1" contains "а" (U+0430, not an ASCII character): ${LETTERS}`,
        '  - bridge name "virbr-toolongname1" is 18 characters; Linux allows at most 15',
        '  - IPv4 subnet 10.1.2.3/24 has host bits set: did you mean 10.1.2.0/24?',
      ].join('\n'),
    );
    expect(Object.isFrozen((error as NetworkSpecError).problems)).toBe(true);
  });

  it('reports what a spec with nothing in it is missing', () => {
    expect(problemsOf({})).toEqual([
      { field: 'name', message: 'name is missing: give the network a name such as "lab1"' },
      { field: 'mode', message: 'mode is missing: choose one of nat, routed, isolated, open, bridged' },
      { field: 'bridge', message: 'bridge is missing: give the Linux bridge name, e.g. "vnbr0"' },
      {
        field: 'autostart',
        message: 'autostart is missing: say true or false (should the network start when the host boots?)',
      },
    ]);
  });
});
