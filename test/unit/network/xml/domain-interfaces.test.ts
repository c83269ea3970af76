import { describe, expect, it } from 'vitest';
import { parseDomainInterfaces, portOwnersFromDomains } from '../../../../src/network/xml/domain-interfaces.js';

/** Live XML of a running QEMU guest, as libvirt 9 writes it: a network NIC names its bridge and port too. */
const runningVm = `<domain type='kvm' id='7'>
  <name>web1</name>
  <uuid>0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0</uuid>
  <devices>
    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/web1.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'>
      <mac address='52:54:00:AB:CD:01'/>
      <source network='lab1' portid='5f0a8e2c-1d3b-4c5e-9f7a-2b3c4d5e6f70' bridge='vnbr0'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
      <alias name='net0'/>
    </interface>
  </devices>
</domain>`;

/** Inactive config of a defined VM that is not running: no id, no target device. */
const stoppedVm = `<domain type='kvm'>
  <name>db1</name>
  <uuid>1b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0</uuid>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:ab:cd:02'/>
      <source network='lab1'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>`;

/** A running VM with two bridge-able NICs (network and bridge) and two that never sit on a Linux bridge. */
const twoNicVm = `<domain type='kvm' id='9'>
  <name>router &amp; fw</name>
  <uuid>2b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0</uuid>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:ab:cd:03'/>
      <source network='lab1' bridge='vnbr0'/>
      <target dev='vnet4'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:ab:cd:04'/>
      <source bridge='br0'/>
      <target dev='vnet5'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:ab:cd:05'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:ab:cd:06'/>
      <source dev='eth0' mode='bridge'/>
      <target dev='macvtap0'/>
    </interface>
  </devices>
</domain>`;

/** A stopped VM whose config fixes its tap's name: that name is no port while the VM is off. */
const stoppedWithFixedTarget = `<domain type='kvm' id='-1'>
  <name>lab-tap</name>
  <devices>
    <interface type='bridge'><mac address='52:54:00:ab:cd:07'/><source bridge='br0'/><target dev='tap-lab'/></interface>
  </devices>
</domain>`;

describe('parseDomainInterfaces', () => {
  it('reads a running VM’s NIC: target device, MAC (lowercased), network and bridge', () => {
    expect(parseDomainInterfaces(runningVm)).toEqual([
      {
        vm: 'web1',
        uuid: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
        running: true,
        targetDev: 'vnet3',
        mac: '52:54:00:ab:cd:01',
        sourceNetwork: 'lab1',
        sourceBridge: 'vnbr0',
      },
    ]);
  });

  it('reads a defined, not running VM: no target device', () => {
    expect(parseDomainInterfaces(stoppedVm)).toEqual([
      {
        vm: 'db1',
        uuid: '1b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
        running: false,
        mac: '52:54:00:ab:cd:02',
        sourceNetwork: 'lab1',
      },
    ]);
  });

  it('reads every network and bridge NIC of a VM and skips user and direct ones', () => {
    expect(parseDomainInterfaces(twoNicVm)).toEqual([
      expect.objectContaining({ vm: 'router & fw', targetDev: 'vnet4', sourceNetwork: 'lab1', sourceBridge: 'vnbr0' }),
      expect.objectContaining({ vm: 'router & fw', targetDev: 'vnet5', sourceBridge: 'br0', mac: '52:54:00:ab:cd:04' }),
    ]);
  });

  it('reads the domain of libvirt’s test:///default driver (captured through a sandbox host)', () => {
    const testDefault = `<domain type='test' id='1'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <devices>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default'/>
      <target dev='testnet0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
    </interface>
  </devices>
</domain>`;
    expect(parseDomainInterfaces(testDefault)).toEqual([
      {
        vm: 'test',
        uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
        running: true,
        targetDev: 'testnet0',
        mac: 'aa:bb:cc:dd:ee:ff',
        sourceNetwork: 'default',
      },
    ]);
  });

  it('gives no NICs for a domain without devices', () => {
    expect(parseDomainInterfaces("<domain type='kvm'><name>empty</name></domain>")).toEqual([]);
  });

  it('refuses text that is not domain XML', () => {
    expect(() => parseDomainInterfaces('<network><name>lab1</name></network>')).toThrow(
      'not libvirt domain XML: there is no <domain> element',
    );
    expect(() => parseDomainInterfaces("<domain type='kvm'><name>web1</domain>")).toThrow(
      "not well-formed domain XML: Expected closing tag 'name' (opened in line 1, col 20) instead of closing tag 'domain'. (line 1)",
    );
    expect(() => parseDomainInterfaces('not xml')).toThrow(
      "not well-formed domain XML: char 'n' is not expected. (line 1)",
    );
    expect(() => parseDomainInterfaces("<domain type='kvm'><uuid>x</uuid></domain>")).toThrow(
      'not libvirt domain XML: <domain> has no <name>',
    );
  });
});

describe('portOwnersFromDomains', () => {
  it('maps the port names of running VMs to their owners, skipping stopped VMs', () => {
    const owners = portOwnersFromDomains(
      [runningVm, stoppedVm, twoNicVm, stoppedWithFixedTarget].map((xml) => ({ xml })),
    );
    expect([...owners.keys()].sort()).toEqual(['vnet3', 'vnet4', 'vnet5']);
    expect(owners.get('vnet3')).toEqual({
      vm: 'web1',
      uuid: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      mac: '52:54:00:ab:cd:01',
      network: 'lab1',
    });
    expect(owners.get('vnet5')).toEqual({
      vm: 'router & fw',
      uuid: '2b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      mac: '52:54:00:ab:cd:04',
    });
  });
});
