/** Sample bot state for the notify tests: fixed times, realistic results of every job. */
import type { BridgeReport, JobResults, NetworkListEntry } from '../../../src/contract/index.js';
import type { JobView } from '../../../src/notify/index.js';

/** 2024-05-01 12:00:00 UTC. */
export const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

export function network(name: string, overrides: Partial<NetworkListEntry> = {}): NetworkListEntry {
  return {
    name,
    uuid: `6f1c2a9e-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
    active: true,
    persistent: true,
    autostart: false,
    mode: 'isolated',
    bridge: 'vnbr0',
    subnets: ['10.0.5.0/24'],
    ...overrides,
  };
}

export const NETWORKS: NetworkListEntry[] = [
  network('default', { mode: 'nat', bridge: 'virbr0', subnets: ['192.168.122.0/24'], autostart: true }),
  network('lab1', { bridge: 'vnbr1', subnets: ['10.0.5.0/24', 'fd00:5::/64'] }),
  network('lan', { mode: 'bridged', bridge: 'br0', subnets: [], active: false }),
];

export const BRIDGE: BridgeReport = {
  name: 'vnbr1',
  operstate: 'up',
  carrier: true,
  mtu: 1500,
  mac: '52:54:00:aa:bb:cc',
  stp: false,
  addresses: ['10.0.5.1/24'],
  ports: [
    { name: 'vnet0', state: 'forwarding', operstate: 'up', vm: 'web1' },
    { name: 'vnet3', state: 'forwarding', operstate: 'up', vm: 'db1' },
  ],
  networks: ['lab1'],
};

export const XML = [
  '<network>',
  '  <name>lab1</name>',
  '  <uuid>6f1c2a9e-0000-4000-8000-000000000lab1</uuid>',
  "  <bridge name='vnbr1' stp='off' delay='0'/>",
  "  <ip address='10.0.5.1' prefix='24'>",
  '  </ip>',
  '</network>',
].join('\n');

export const SPEC = {
  mode: 'isolated',
  name: 'lab1',
  bridge: 'vnbr1',
  autostart: false,
  ipv4: { subnet: '10.0.5.0/24', gateway: '10.0.5.1', dhcp: { start: '10.0.5.100', end: '10.0.5.200' } },
};

export const PLAN: JobResults['plan'] = {
  hostId: 'kvm1',
  spec: SPEC,
  xml: XML,
  subnetChosen: true,
  bridgeChosen: true,
};

/** Every job's result, as a worker on kvm1 would return it. */
export const RESULTS: { [N in keyof JobResults]: JobResults[N] } = {
  list: { hostId: 'kvm1', networks: NETWORKS },
  info: { hostId: 'kvm1', network: NETWORKS[1]!, spec: SPEC, xml: XML, bridge: BRIDGE },
  plan: PLAN,
  create: {
    hostId: 'kvm1',
    name: 'lab1',
    uuid: '6f1c2a9e-0000-4000-8000-000000000001',
    bridge: 'vnbr1',
    subnet: '10.0.5.0/24',
    alreadyDone: false,
  },
  delete: { hostId: 'kvm1', name: 'lab1', uuid: '6f1c2a9e-0000-4000-8000-000000000001', wasActive: true },
  start: { hostId: 'kvm1', name: 'lab1', alreadyDone: false },
  stop: { hostId: 'kvm1', name: 'lab1', alreadyDone: true },
  autostart: { hostId: 'kvm1', name: 'lab1', enabled: true },
  leases: {
    hostId: 'kvm1',
    name: 'lab1',
    leases: [
      {
        ip: '10.0.5.101',
        prefix: 24,
        mac: '52:54:00:12:34:56',
        hostname: 'web1',
        expiresAt: NOW + 3_600_000,
        type: 'ipv4',
      },
      {
        ip: '10.0.5.102',
        prefix: 24,
        mac: '52:54:00:12:34:57',
        hostname: null,
        expiresAt: NOW + 1_800_000,
        type: 'ipv4',
      },
    ],
  },
  bridges: {
    hostId: 'kvm1',
    bridges: [
      BRIDGE,
      {
        name: 'virbr0',
        operstate: 'down',
        carrier: false,
        mtu: 1500,
        stp: true,
        addresses: ['192.168.122.1/24'],
        ports: [],
        networks: ['default'],
      },
    ],
  },
  update: { hostId: 'kvm1', name: 'lab1', applied: 'DHCP range is now 10.0.5.50-10.0.5.99' },
  'host-info': {
    hostId: 'kvm1',
    hostname: 'kvm1.lab.example',
    libvirtVersion: '10.0.0',
    networks: 3,
    activeNetworks: 2,
    workerVersion: '0.1.0',
  },
};

/** A job view on kvm1 requested by U123, in the given state. */
export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    jobId: 'j-7f3a',
    hostId: 'kvm1',
    commandText: '/vnet create isolated lab1',
    requestedBy: 'U123ABC',
    state: 'queued',
    updatedAt: NOW,
    ...overrides,
  };
}
