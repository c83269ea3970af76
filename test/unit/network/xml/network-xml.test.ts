/**
 * renderNetworkXml / parseNetworkXml / readNetworkAddresses against libvirt's real XML: the fixtures in
 * test/fixtures/libvirt-xml were captured from libvirtd 9.0 (test/fixtures/capture-network-xml.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetworkSpecError } from '../../../../src/network/spec/spec-errors.js';
import type { NetworkSpec } from '../../../../src/network/spec/network-spec.js';
import {
  InvalidNetworkXmlError,
  UnsupportedNetworkXmlError,
  parseNetworkXml,
  readNetworkAddresses,
  readNetworkBridge,
  renderDhcpHostXml,
  renderNetworkXml,
} from '../../../../src/network/xml/network-xml.js';
import { FIXTURE_SPECS } from '../../../fixtures/network-fixture-specs.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/libvirt-xml');
const fixture = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');
const UUID = '3e3fce45-4f53-4fa7-bb32-11f34168b82b';

function spec(mode: string): NetworkSpec {
  const found = FIXTURE_SPECS[mode];
  if (found === undefined) throw new Error(`no fixture spec ${mode}`);
  return found;
}

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('renderNetworkXml', () => {
  it('renders a nat spec as libvirt formatnetwork XML, with metadata in the vnetops namespace', () => {
    expect(renderNetworkXml(spec('nat'), { uuid: UUID.toUpperCase() })).toBe(
      [
        '<network>',
        '  <name>fx-nat</name>',
        `  <uuid>${UUID}</uuid>`,
        '  <metadata>',
        '    <vnetops:network xmlns:vnetops="https://vnetops.dev/xmlns/network/1">',
        '      <vnetops:description>NAT lab &lt;&quot;&amp;&apos;&gt; — déjà vu 🙂 ]]&gt;</vnetops:description>',
        '      <vnetops:requestedBy>U024BE7LH</vnetops:requestedBy>',
        '      <vnetops:jobId>create-fx-nat-1</vnetops:jobId>',
        '    </vnetops:network>',
        '  </metadata>',
        '  <forward mode="nat" dev="vnup0">',
        '    <nat>',
        '      <port start="20000" end="30000"/>',
        '    </nat>',
        '  </forward>',
        '  <bridge name="vnfxnat" stp="on" delay="0"/>',
        '  <mtu size="9000"/>',
        '  <domain name="nat.lab.example"/>',
        '  <ip address="10.81.1.1" prefix="24">',
        '    <dhcp>',
        '      <range start="10.81.1.100" end="10.81.1.199"/>',
        '      <host mac="52:54:00:81:01:10" name="web1" ip="10.81.1.10"/>',
        '      <host mac="52:54:00:81:01:11" ip="10.81.1.11"/>',
        '    </dhcp>',
        '  </ip>',
        '</network>',
      ].join('\n'),
    );
  });

  it('maps each mode to its <forward>: route, open, bridge, and none for isolated', () => {
    expect(renderNetworkXml(spec('routed'))).toContain('<forward mode="route" dev="vnup0"/>');
    expect(renderNetworkXml(spec('open'))).toContain('<forward mode="open"/>');
    expect(renderNetworkXml(spec('isolated'))).not.toContain('<forward');
    expect(renderNetworkXml(spec('bridged'))).toContain('<forward mode="bridge"/>\n  <bridge name="vnhostbr0"/>');
  });

  it('renders IPv6 with family, prefix and its DHCP range', () => {
    expect(renderNetworkXml(spec('isolated'))).toContain(
      '<ip family="ipv6" address="fd00:81:3::1" prefix="64">\n    <dhcp>\n      <range start="fd00:81:3::100" end="fd00:81:3::1ff"/>\n    </dhcp>\n  </ip>',
    );
  });

  it('escapes every "&" exactly once, also before text that looks like a reference', () => {
    const description = 'R&D &amp; &#0; &#x1F642; &lt;x&gt; &bogus;';
    const xml = renderNetworkXml({ ...spec('bridged'), metadata: { description } }, { uuid: UUID });
    expect(xml).toContain(
      '<vnetops:description>R&amp;D &amp;amp; &amp;#0; &amp;#x1F642; &amp;lt;x&amp;gt; &amp;bogus;</vnetops:description>',
    );
    expect(parseNetworkXml(xml, { autostart: false }).spec.metadata).toEqual({ description });
  });

  it('escapes attribute values, quotes included (renderDhcpHostXml does not validate, so any text gets here)', () => {
    expect(renderDhcpHostXml({ mac: '52:54:00:00:00:01', name: `a"b'c<d>e&amp;f]]>🙂`, ip: '10.0.0.2' })).toBe(
      '<host mac="52:54:00:00:00:01" name="a&quot;b&apos;c&lt;d&gt;e&amp;amp;f]]&gt;🙂" ip="10.0.0.2"/>',
    );
  });

  it('throws rather than write a value XML would not give back as it was', () => {
    for (const name of [
      'nul\u0000',
      'lone \ud800',
      'not a character \ufffe',
      'tab\tin an attribute',
      'line\nbreak',
      'cr\r',
    ]) {
      expect(() => renderDhcpHostXml({ mac: '52:54:00:00:00:01', name, ip: '10.0.0.2' })).toThrow(
        /^cannot write U\+[0-9A-F]{4} in an XML attribute: /,
      );
    }
  });

  it('validates first: an invalid spec gets no XML', () => {
    const error = caught(() => renderNetworkXml({ ...spec('nat'), bridge: 'br<0>' }));
    expect(error).toBeInstanceOf(NetworkSpecError);
  });

  it('refuses a uuid that is not one', () => {
    expect(() => renderNetworkXml(spec('nat'), { uuid: "x'/><evil/>" })).toThrow(TypeError);
  });
});

describe("parseNetworkXml on libvirt's own XML", () => {
  const modes = Object.keys(FIXTURE_SPECS);

  it.each(
    modes.flatMap((mode) => [
      [mode, 'live'],
      [mode, 'inactive'],
    ]),
  )('%s (%s XML) parses back to the spec that produced it', (mode, state) => {
    const parsed = parseNetworkXml(fixture(`${mode}.${state}.xml`), { autostart: false });
    expect(parsed.spec).toEqual(spec(mode));
    expect(parsed.facts.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    if (mode === 'bridged') expect(parsed.facts.mac).toBeUndefined();
    else expect(parsed.facts.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });

  it.each(modes)("%s: our XML and libvirt's XML parse to the same spec", (mode) => {
    const ours = parseNetworkXml(renderNetworkXml(spec(mode), { uuid: UUID }), { autostart: false });
    const libvirts = parseNetworkXml(fixture(`${mode}.inactive.xml`), { autostart: false });
    expect(ours.spec).toEqual(libvirts.spec);
  });

  it('takes autostart from the caller (libvirt keeps it outside the XML)', () => {
    expect(parseNetworkXml(fixture('nat.live.xml'), { autostart: true }).spec.autostart).toBe(true);
  });
});

const uuid = `<uuid>${UUID}</uuid>`;

describe('parseNetworkXml on XML written by hand', () => {
  it('reads a <forward> without mode as nat, a netmask as a prefix, and ignores live-only attributes', () => {
    const xml = `<network connections='2'><name>n1</name>${uuid}<forward/><bridge name='virbr9'/><ip address='192.168.9.1' netmask='255.255.255.0'/></network>`;
    expect(parseNetworkXml(xml, { autostart: false }).spec).toEqual({
      name: 'n1',
      mode: 'nat',
      bridge: 'virbr9',
      autostart: false,
      ipv4: { subnet: '192.168.9.0/24', gateway: '192.168.9.1' },
    });
  });

  it("reads metadata under any prefix bound to the vnetops namespace and ignores other tools' metadata", () => {
    const xml =
      `<network><name>n1</name>${uuid}<metadata>` +
      `<other:note xmlns:other="https://example.com/x"><other:description>not ours</other:description></other:note>` +
      `<v:network xmlns:v="https://vnetops.dev/xmlns/network/1"><v:description>ours &#x1F642; &lt;b&gt;</v:description><v:futureField>x</v:futureField></v:network>` +
      `</metadata><bridge name='virbr9'/><ip address='192.168.9.1' prefix='24'/></network>`;
    expect(parseNetworkXml(xml, { autostart: false }).spec.metadata).toEqual({ description: 'ours 🙂 <b>' });
  });

  it('names everything in the way of a hand-made network with several subnets', () => {
    const error = caught(() => parseNetworkXml(fixture('hand-multi-ip.inactive.xml'), { autostart: false }));
    expect(error).toBeInstanceOf(UnsupportedNetworkXmlError);
    expect(error).toMatchObject({
      network: 'Hand Made',
      unsupported: [
        'DNS settings (<dns>)',
        'static routes (<route>)',
        'STP turned off (<bridge stp="off">)',
        '2 DHCP ranges in 172.30.0.0/16: vnetops manages one',
        '2 IPv4 addresses (10.82.0.1/8, 172.30.0.1/16): vnetops manages one subnet per family',
      ],
    });
    expect((error as Error).message).toBe(
      [
        'network "Hand Made" uses what vnetops does not manage:',
        '  - DNS settings (<dns>)',
        '  - static routes (<route>)',
        '  - STP turned off (<bridge stp="off">)',
        '  - 2 DHCP ranges in 172.30.0.0/16: vnetops manages one',
        '  - 2 IPv4 addresses (10.82.0.1/8, 172.30.0.1/16): vnetops manages one subnet per family',
        'vnetops lists its subnets but will not change it; manage it with virsh, or recreate it through vnetops',
      ].join('\n'),
    );
  });

  it.each([
    [
      'hand-hostdev',
      'sriov',
      'forward mode "hostdev": vnetops manages only nat, route, open and bridge (and isolated networks, which have no <forward>)',
    ],
    [
      'hand-macvtap',
      'macvtap',
      'forward mode "bridge" without a host bridge (macvtap: guests attach to a host NIC directly)',
    ],
  ])('refuses %s, naming the mode', (file, network, item) => {
    expect(caught(() => parseNetworkXml(fixture(`${file}.inactive.xml`), { autostart: false }))).toMatchObject({
      network,
      unsupported: [item],
    });
  });

  it('turns spec problems of a foreign network into unsupported items', () => {
    const xml = `<network>${'<name>My Net</name>'}${uuid}<bridge name='virbr9'/><ip address='10.74.0.0' prefix='24'/></network>`;
    expect(caught(() => parseNetworkXml(xml, { autostart: false }))).toMatchObject({
      unsupported: [
        'network name "My Net" contains " " (a space), which is not allowed: use only lowercase ASCII letters a-z, digits 0-9, "-", "_" and "."',
        'IPv4 gateway 10.74.0.0 is the network address of 10.74.0.0/24: use an address from 10.74.0.1 to 10.74.0.254',
      ],
    });
  });

  it('refuses an isolated network without IPv4 and a pool of forward interfaces', () => {
    const noIpv4 = `<network><name>v6only</name>${uuid}<bridge name='virbr9'/><ip family='ipv6' address='fd00:9::1' prefix='64'/></network>`;
    expect(caught(() => parseNetworkXml(noIpv4, { autostart: false }))).toMatchObject({
      unsupported: [
        'isolated networks need an IPv4 subnet: add ipv4 with a subnet and a gateway, e.g. subnet 10.0.5.0/24 and gateway 10.0.5.1',
      ],
    });
    const pool = `<network><name>pool</name>${uuid}<forward mode='route' dev='eth0'><interface dev='eth0'/><interface dev='eth1'/></forward><bridge name='virbr9'/><ip address='10.9.0.1' prefix='24'/></network>`;
    expect(caught(() => parseNetworkXml(pool, { autostart: false }))).toMatchObject({
      unsupported: ['a pool of forward interfaces ("eth0", "eth1")'],
    });
  });

  it.each([
    [
      'not XML',
      'not xml',
      "invalid libvirt network XML: not well-formed XML: char 'n' is not expected. (line 1, column 1)",
    ],
    [
      'unclosed',
      '<network><name>x</name>',
      "invalid libvirt network XML: not well-formed XML: Unclosed tag 'network'. (line 1, column 1)",
    ],
    ['two roots', '<network/><network/>', 'invalid libvirt network XML: expected one root element, found 2'],
    [
      'another document',
      '<domain/>',
      'invalid libvirt network XML: the document is a <domain>, not a libvirt <network>',
    ],
    [
      'no uuid',
      '<network><name>x</name></network>',
      'invalid libvirt network XML: the <network> has no <uuid>, which libvirt always writes',
    ],
    [
      'an unknown entity',
      `<network><name>a &bogus; b</name>${uuid}</network>`,
      'invalid libvirt network XML: unknown or invalid reference &bogus;',
    ],
  ])('throws InvalidNetworkXmlError for %s', (_what, xml, message) => {
    const error = caught(() => parseNetworkXml(xml, { autostart: false }));
    expect(error).toBeInstanceOf(InvalidNetworkXmlError);
    expect((error as Error).message).toBe(message);
  });
});

describe('readNetworkAddresses and readNetworkBridge, for any network', () => {
  it('read every <ip> and <route> of a hand-made network, filling in prefixes the way libvirt does', () => {
    const xml = fixture('hand-multi-ip.inactive.xml');
    expect(readNetworkAddresses(xml)).toEqual([
      { subnet: '10.0.0.0/8', family: 'ipv4', source: 'ip', address: '10.82.0.1' },
      { subnet: '172.30.0.0/16', family: 'ipv4', source: 'ip', address: '172.30.0.1' },
      { subnet: 'fd00:82::/64', family: 'ipv6', source: 'ip', address: 'fd00:82::1' },
      { subnet: '192.168.222.0/24', family: 'ipv4', source: 'route' },
    ]);
    expect(readNetworkBridge(xml)).toBe('vnhand0');
  });

  it('read the subnets of vnetops networks', () => {
    expect(readNetworkAddresses(fixture('routed.live.xml'))).toEqual([
      { subnet: '10.81.2.0/24', family: 'ipv4', source: 'ip', address: '10.81.2.1' },
      { subnet: 'fd00:81:2::/48', family: 'ipv6', source: 'ip', address: 'fd00:81:2::1' },
    ]);
  });

  it('find nothing in networks without addresses or bridges', () => {
    expect(readNetworkAddresses(fixture('hand-hostdev.inactive.xml'))).toEqual([]);
    expect(readNetworkBridge(fixture('hand-macvtap.inactive.xml'))).toBeUndefined();
  });

  it('skip <ip> elements they cannot read instead of failing', () => {
    const xml = `<network><name>x</name><ip address='bogus'/><ip address='10.0.0.1' prefix='99'/><ip family='ipv6' address='10.0.0.1'/><ip address='192.168.1.1' prefix='24'/></network>`;
    expect(readNetworkAddresses(xml)).toEqual([
      { subnet: '192.168.1.0/24', family: 'ipv4', source: 'ip', address: '192.168.1.1' },
    ]);
  });
});
