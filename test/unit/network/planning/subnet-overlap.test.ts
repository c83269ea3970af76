import { describe, expect, it } from 'vitest';
import type { OccupiedSubnet } from '../../../../src/network/planning/occupied-subnet.js';
import { InvalidSubnetError, SubnetConflictError } from '../../../../src/network/planning/planning-errors.js';
import {
  assertSubnetFree,
  bridgesCountedByNetworks,
  findSubnetConflicts,
  occupiedByNetworks,
} from '../../../../src/network/planning/subnet-overlap.js';
import { parseSubnet } from '../../../../src/network/planning/subnet-math.js';

const lab2: OccupiedSubnet = { kind: 'network', cidr: '10.1.2.0/24', network: 'lab2', active: false };
const routeOnEth1: OccupiedSubnet = { kind: 'route', cidr: '10.1.0.0/20', device: 'eth1' };
const addressOnEth0: OccupiedSubnet = { kind: 'address', cidr: '10.1.5.1/24', device: 'eth0' };

function conflictMessage(requested: string, occupied: OccupiedSubnet[]): string {
  try {
    assertSubnetFree(requested, occupied);
  } catch (error) {
    expect(error).toBeInstanceOf(SubnetConflictError);
    return (error as Error).message;
  }
  throw new Error(`expected ${requested} to conflict`);
}

describe('findSubnetConflicts', () => {
  it('counts a partial overlap both ways: a /16 covering a network, and a /24 inside a route', () => {
    expect(findSubnetConflicts('10.1.0.0/16', [lab2])).toEqual([{ occupied: lab2, relation: 'contains' }]);
    expect(findSubnetConflicts('10.1.2.0/24', [{ kind: 'route', cidr: '10.1.0.0/16', device: 'eth1' }])).toEqual([
      { occupied: { kind: 'route', cidr: '10.1.0.0/16', device: 'eth1' }, relation: 'inside' },
    ]);
    expect(findSubnetConflicts('10.1.2.0/24', [lab2])).toEqual([{ occupied: lab2, relation: 'same' }]);
  });

  it('finds nothing next door: adjacent blocks do not overlap', () => {
    expect(findSubnetConflicts('10.1.3.0/24', [lab2])).toEqual([]);
    expect(findSubnetConflicts('10.1.0.0/23', [lab2])).toEqual([]);
  });

  it('compares an interface address by the subnet it sits in', () => {
    expect(findSubnetConflicts('10.1.5.128/25', [addressOnEth0])).toHaveLength(1);
    expect(findSubnetConflicts('10.1.6.0/24', [addressOnEth0])).toEqual([]);
  });

  it('never lets IPv4 and IPv6 collide, even where the numbers would', () => {
    const v6: OccupiedSubnet = { kind: 'network', cidr: '::a01:0/112', network: 'v6', active: true };
    expect(findSubnetConflicts('10.1.0.0/16', [v6])).toEqual([]);
    expect(findSubnetConflicts('::a01:200/120', [lab2])).toEqual([]);
    expect(findSubnetConflicts('::a01:200/120', [v6])).toHaveLength(1);
  });

  it('overlaps IPv6 networks partially both ways', () => {
    const v6: OccupiedSubnet = { kind: 'network', cidr: 'fd00:1:2:3::/64', network: 'lab6', active: true };
    expect(findSubnetConflicts('fd00:1::/32', [v6])).toEqual([{ occupied: v6, relation: 'contains' }]);
    expect(findSubnetConflicts('fd00:1:2:3:4::/80', [v6])).toEqual([{ occupied: v6, relation: 'inside' }]);
    expect(findSubnetConflicts('fd00:1:2:4::/64', [v6])).toEqual([]);
  });

  it('ignores default routes, loopback, link-local and multicast: they would collide with everything', () => {
    const noise: OccupiedSubnet[] = [
      { kind: 'route', cidr: '0.0.0.0/0', gateway: '192.168.1.1', device: 'eth0' },
      { kind: 'route', cidr: '::/0', gateway: 'fe80::1', device: 'eth0' },
      { kind: 'address', cidr: '127.0.0.1/8', device: 'lo' },
      { kind: 'address', cidr: '::1/128', device: 'lo' },
      { kind: 'address', cidr: '169.254.10.1/16', device: 'eth0' },
      { kind: 'address', cidr: 'fe80::1/64', device: 'eth0' },
      { kind: 'route', cidr: 'ff00::/8', device: 'eth0' },
      { kind: 'route', cidr: '224.0.0.0/4', device: 'eth0' },
    ];
    expect(findSubnetConflicts('0.0.0.0/1', noise)).toEqual([]);
    expect(findSubnetConflicts('::/1', noise)).toEqual([]);
    expect(findSubnetConflicts('fe80::/10', noise)).toEqual([]);
  });

  it('lists networks first, then reservations, addresses and routes, each once', () => {
    const reserved: OccupiedSubnet = { kind: 'reserved', cidr: '10.1.8.0/24', reason: 'a create in progress' };
    const conflicts = findSubnetConflicts('10.1.0.0/16', [routeOnEth1, addressOnEth0, reserved, lab2, lab2]);
    expect(conflicts.map((c) => c.occupied)).toEqual([lab2, reserved, addressOnEth0, routeOnEth1]);
  });

  it('refuses a request that is not a network CIDR', () => {
    expect(() => findSubnetConflicts('10.1.2.3/24', [])).toThrow(
      new InvalidSubnetError('10.1.2.3/24', 'subnet "10.1.2.3/24" has host bits set: did you mean 10.1.2.0/24?'),
    );
  });
});

describe('SubnetConflictError messages', () => {
  it('names the network with its subnet and state', () => {
    expect(conflictMessage('10.1.0.0/16', [lab2])).toBe(
      'subnet 10.1.0.0/16 overlaps network "lab2" (10.1.2.0/24, inactive); choose another subnet, or give none to get a free one',
    );
  });

  it('names a route the way iproute2 prints it', () => {
    expect(conflictMessage('10.1.0.0/16', [routeOnEth1])).toBe(
      'subnet 10.1.0.0/16 overlaps the route 10.1.0.0/20 dev eth1; choose another subnet, or give none to get a free one',
    );
    expect(
      conflictMessage('10.9.1.0/24', [
        { kind: 'route', cidr: '10.9.0.0/16', gateway: '192.168.50.254', device: 'eth1' },
      ]),
    ).toBe(
      'subnet 10.9.1.0/24 overlaps the route 10.9.0.0/16 via 192.168.50.254 dev eth1; choose another subnet, or give none to get a free one',
    );
    expect(conflictMessage('10.66.1.0/24', [{ kind: 'route', cidr: '10.66.0.0/16', routeType: 'blackhole' }])).toBe(
      'subnet 10.66.1.0/24 overlaps the blackhole route 10.66.0.0/16; choose another subnet, or give none to get a free one',
    );
    expect(
      conflictMessage('10.50.1.0/24', [{ kind: 'route', cidr: '10.50.0.0/16', device: 'eth1', table: '100' }]),
    ).toBe(
      'subnet 10.50.1.0/24 overlaps the route 10.50.0.0/16 dev eth1 (table 100); choose another subnet, or give none to get a free one',
    );
  });

  it('names an address with its interface', () => {
    expect(conflictMessage('10.1.0.0/16', [addressOnEth0])).toBe(
      'subnet 10.1.0.0/16 overlaps address 10.1.5.1/24 on eth0; choose another subnet, or give none to get a free one',
    );
  });

  it('lists up to three occupants, then counts the rest', () => {
    const two = conflictMessage('10.1.0.0/16', [lab2, routeOnEth1]);
    expect(two).toBe(
      'subnet 10.1.0.0/16 overlaps network "lab2" (10.1.2.0/24, inactive) and the route 10.1.0.0/20 dev eth1; choose another subnet, or give none to get a free one',
    );
    const extra: OccupiedSubnet[] = [
      { kind: 'network', cidr: '10.1.3.0/24', network: 'lab3', active: true },
      { kind: 'route', cidr: '10.1.9.0/24', routeType: 'unreachable' },
    ];
    expect(conflictMessage('10.1.0.0/16', [lab2, routeOnEth1, addressOnEth0, ...extra])).toBe(
      'subnet 10.1.0.0/16 overlaps network "lab2" (10.1.2.0/24, inactive), network "lab3" (10.1.3.0/24, active), address 10.1.5.1/24 on eth0 and 2 more; choose another subnet, or give none to get a free one',
    );
  });

  it('carries the canonical subnet and every conflict for the caller', () => {
    const error = (() => {
      try {
        assertSubnetFree('FD00:1:2:3::/64', [
          { kind: 'network', cidr: 'fd00:1:2:3::1/64', network: 'lab6', active: true },
        ]);
      } catch (caught) {
        return caught as SubnetConflictError;
      }
      throw new Error('expected a conflict');
    })();
    expect(error).toMatchObject({
      code: 'subnet-conflict',
      subnet: 'fd00:1:2:3::/64',
      conflicts: [{ relation: 'same' }],
    });
  });

  it('returns the canonical subnet when nothing overlaps', () => {
    expect(assertSubnetFree('FD00:0:0:1::/64', [lab2])).toBe('fd00:0:0:1::/64');
  });
});

describe('occupiedByNetworks', () => {
  it('lists each subnet of each network once, canonical, with the network state', () => {
    expect(
      occupiedByNetworks([
        { name: 'lab1', active: true, subnets: ['10.1.2.1/24', '10.1.2.0/24', 'fd00:1:2:3::1/64'] },
        { name: 'lab2', active: false, subnets: ['10.1.3.1/24'] },
        { name: 'br', active: true, subnets: [] },
      ]),
    ).toEqual([
      { kind: 'network', cidr: '10.1.2.0/24', network: 'lab1', active: true },
      { kind: 'network', cidr: 'fd00:1:2:3::/64', network: 'lab1', active: true },
      { kind: 'network', cidr: '10.1.3.0/24', network: 'lab2', active: false },
    ]);
  });
});

describe('bridgesCountedByNetworks', () => {
  it('names the bridges of networks with a subnet, never a bridged network’s host bridge', () => {
    expect(
      bridgesCountedByNetworks([
        { name: 'lab1', active: true, subnets: ['10.1.2.0/24'], bridge: 'vnbr0' },
        { name: 'lab2', active: false, subnets: ['10.1.3.0/24'], bridge: 'vnbr1' },
        { name: 'lan', active: true, subnets: [], bridge: 'br0' },
        { name: 'macvtap', active: true, subnets: [] },
      ]),
    ).toEqual(['vnbr0', 'vnbr1']);
  });
});

describe('parseSubnet', () => {
  it.each([
    [
      '10.1.2/24',
      'subnet "10.1.2/24" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64',
    ],
    ['10.1.2.0', 'subnet "10.1.2.0" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64'],
    [
      '010.1.2.0/24',
      'subnet "010.1.2.0/24" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64',
    ],
    [
      '10.1.2.0/024',
      'subnet "10.1.2.0/024" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64',
    ],
    [
      ' 10.1.2.0/24',
      'subnet " 10.1.2.0/24" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64',
    ],
    [
      'fe80::%eth0/64',
      'subnet "fe80::%eth0/64" is not in CIDR form: write ADDRESS/PREFIX, e.g. 10.200.3.0/24 or fd00:1:2:3::/64',
    ],
    ['10.1.2.0/33', 'subnet "10.1.2.0/33" has prefix length 33: an IPv4 prefix is 0 to 32'],
    ['fd00::/129', 'subnet "fd00::/129" has prefix length 129: an IPv6 prefix is 0 to 128'],
    ['10.1.2.3/24', 'subnet "10.1.2.3/24" has host bits set: did you mean 10.1.2.0/24?'],
    ['fd00::1/64', 'subnet "fd00::1/64" has host bits set: did you mean fd00::/64?'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSubnet(text)).toThrow(new InvalidSubnetError(text, message));
  });
});
