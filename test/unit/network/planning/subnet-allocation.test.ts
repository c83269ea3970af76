import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrsOverlap, formatCidr } from '../../../../src/network/planning/ip-address.js';
import type { OccupiedSubnet } from '../../../../src/network/planning/occupied-subnet.js';
import {
  MAX_DHCP_RANGE_ADDRESSES,
  allocateSubnet,
  suggestDhcpRange,
  suggestGateway,
} from '../../../../src/network/planning/subnet-allocation.js';
import {
  InvalidSubnetError,
  SubnetConflictError,
  SubnetPoolExhaustedError,
} from '../../../../src/network/planning/planning-errors.js';
import { isIgnoredPrefix } from '../../../../src/network/planning/subnet-overlap.js';
import { planSubnet } from '../../../../src/network/planning/subnet-planner.js';
import { parseSubnet, subnetContains, subnetOf } from '../../../../src/network/planning/subnet-math.js';

const network = (cidr: string, name = 'n'): OccupiedSubnet => ({ kind: 'network', cidr, network: name, active: true });
const route = (cidr: string): OccupiedSubnet => ({ kind: 'route', cidr, device: 'eth1' });

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('allocateSubnet', () => {
  it('gives the lowest free block, in address order', () => {
    expect(allocateSubnet('10.200.0.0/16', 24, [])).toBe('10.200.0.0/24');
    expect(allocateSubnet('10.200.0.0/16', 24, [network('10.200.0.0/24'), network('10.200.2.0/24')])).toBe(
      '10.200.1.0/24',
    );
  });

  it('gives the last block when it is the only one left', () => {
    expect(allocateSubnet('10.200.0.0/22', 24, [route('10.200.0.0/23'), network('10.200.2.0/24')])).toBe(
      '10.200.3.0/24',
    );
    expect(allocateSubnet('10.200.0.0/24', 24, [])).toBe('10.200.0.0/24');
  });

  it('is deterministic: the order of the occupied list does not matter', () => {
    const occupied = [network('10.200.1.0/24'), route('10.200.0.0/24'), network('10.200.3.0/24')];
    expect(allocateSubnet('10.200.0.0/16', 24, occupied)).toBe('10.200.2.0/24');
    expect(allocateSubnet('10.200.0.0/16', 24, [...occupied].reverse())).toBe('10.200.2.0/24');
  });

  it('skips every block a larger occupant covers, and a block a smaller occupant sits in', () => {
    expect(allocateSubnet('10.200.0.0/16', 24, [route('10.200.0.0/22')])).toBe('10.200.4.0/24');
    expect(allocateSubnet('10.200.0.0/16', 24, [{ kind: 'address', cidr: '10.200.0.77/32', device: 'lo' }])).toBe(
      '10.200.1.0/24',
    );
    expect(allocateSubnet('10.200.0.0/16', 24, [{ kind: 'address', cidr: '10.200.0.1/24', device: 'eth0' }])).toBe(
      '10.200.1.0/24',
    );
  });

  it('treats a single address at either edge of a block as taking the block', () => {
    const host = (cidr: string): OccupiedSubnet => ({ kind: 'address', cidr, device: 'lo' });
    expect(allocateSubnet('10.200.0.0/16', 24, [host('10.200.0.0/32')])).toBe('10.200.1.0/24');
    expect(allocateSubnet('10.200.0.0/16', 24, [host('10.200.0.255/32')])).toBe('10.200.1.0/24');
    expect(allocateSubnet('10.200.0.0/16', 24, [host('10.200.0.255/32'), host('10.200.1.0/32')])).toBe('10.200.2.0/24');
  });

  it('skips blocks in the exclude list (reserved by creates in flight)', () => {
    expect(
      allocateSubnet('10.200.0.0/16', 24, [network('10.200.0.0/24')], { exclude: ['10.200.1.0/24', '10.200.2.0/24'] }),
    ).toBe('10.200.3.0/24');
  });

  it('ignores occupants outside the pool, of the other family, and default routes', () => {
    const occupied = [network('10.1.0.0/16'), network('fd00::/8'), route('0.0.0.0/0')];
    expect(allocateSubnet('10.200.0.0/16', 24, occupied)).toBe('10.200.0.0/24');
  });

  it('carves IPv6 pools too, even ones with 2^32 blocks', () => {
    expect(allocateSubnet('fd00:1::/32', 64, [network('fd00:1::/64'), network('fd00:1:0:1::/64')])).toBe(
      'fd00:1:0:2::/64',
    );
    expect(allocateSubnet('fd00:1::/32', 64, [route('fd00:1::/33')])).toBe('fd00:1:8000::/64');
  });

  it('says what filled the pool when it is exhausted', () => {
    const error = thrown(() =>
      allocateSubnet('10.200.0.0/16', 24, [network('10.200.0.0/17'), route('10.200.128.0/17')]),
    );
    expect(error).toBeInstanceOf(SubnetPoolExhaustedError);
    expect(error.message).toBe(
      'no free /24 left in 10.200.0.0/16: all 256 are taken by networks and host routes; delete networks no longer needed, or give a subnet outside the pool',
    );
    expect(thrown(() => allocateSubnet('10.200.0.0/24', 24, [], { exclude: ['10.200.0.0/24'] })).message).toBe(
      'no free /24 left in 10.200.0.0/24: the only one is taken by creates in progress; give a subnet outside the pool',
    );
    expect(thrown(() => allocateSubnet('fd00::/32', 64, [route('fd00::/32')])).message).toBe(
      'no free /64 left in fd00::/32: all 2^32 are taken by host routes; give a subnet outside the pool',
    );
  });

  it('refuses a pool with host bits and a prefix that does not fit the pool', () => {
    expect(thrown(() => allocateSubnet('10.200.0.1/16', 24, []))).toEqual(
      new InvalidSubnetError(
        '10.200.0.1/16',
        'subnet pool "10.200.0.1/16" has host bits set: did you mean 10.200.0.0/16?',
      ),
    );
    expect(thrown(() => allocateSubnet('10.200.0.0/16', 8, [])).message).toBe(
      'cannot carve /8 subnets out of 10.200.0.0/16: the prefix length must be a whole number from 16 to 32',
    );
    expect(thrown(() => allocateSubnet('10.200.0.0/16', 33, [])).message).toBe(
      'cannot carve /33 subnets out of 10.200.0.0/16: the prefix length must be a whole number from 16 to 32',
    );
  });
});

describe('allocateSubnet, property', () => {
  const POOL = '10.200.0.0/20';
  const BLOCK = 24;
  const pool = parseSubnet(POOL);
  /** Occupants in and around the pool: mostly small ones, sometimes one that swallows the pool, and noise the planner ignores. */
  const ipv4Occupant = fc
    .record({
      kind: fc.constantFrom('network', 'address', 'route'),
      third: fc.integer({ min: 0, max: 31 }),
      // Block edges are where off-by-one mistakes hide.
      fourth: fc.oneof(fc.constantFrom(0, 255), fc.integer({ min: 0, max: 255 })),
      prefix: fc.oneof(
        { weight: 1, arbitrary: fc.integer({ min: 8, max: 19 }) },
        { weight: 4, arbitrary: fc.integer({ min: 20, max: 32 }) },
        { weight: 4, arbitrary: fc.constantFrom(24, 25, 31, 32) },
      ),
    })
    .map(({ kind, third, fourth, prefix }): OccupiedSubnet => {
      const cidr = `10.200.${third}.${fourth}/${prefix}`;
      if (kind === 'network') return { kind, cidr: subnetText(cidr), network: 'n', active: true };
      return kind === 'route' ? { kind, cidr: subnetText(cidr), device: 'eth1' } : { kind, cidr, device: 'eth0' };
    });
  const ignoredOccupant = fc.constantFrom<OccupiedSubnet>(route('0.0.0.0/0'), network('fd00::/8'), {
    kind: 'address',
    cidr: '127.0.0.1/8',
    device: 'lo',
  });
  const occupants = fc.array(
    fc.oneof({ weight: 9, arbitrary: ipv4Occupant }, { weight: 1, arbitrary: ignoredOccupant }),
    { maxLength: 24 },
  );

  it('returns the lowest block of the pool that overlaps nothing, or throws only when the pool is really full', () => {
    const outcomes = { allocated: 0, exhausted: 0 };
    const blockTaken = (taken: ReturnType<typeof subnetOf>[], third: number): boolean =>
      taken.some((t) => cidrsOverlap(t, parseSubnet(`10.200.${third}.0/24`)));
    fc.assert(
      fc.property(
        occupants,
        fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 16 }),
        (occupied, excludedBlocks) => {
          const exclude = excludedBlocks.map((index) => `10.200.${index}.0/24`);
          const taken = [...occupied.map((o) => subnetOf(o.cidr)), ...exclude.map((cidr) => parseSubnet(cidr))].filter(
            (s) => !isIgnoredPrefix(s),
          );
          let result: string;
          try {
            result = allocateSubnet(POOL, BLOCK, occupied, { exclude });
          } catch (error) {
            expect(error).toBeInstanceOf(SubnetPoolExhaustedError);
            for (let third = 0; third < 16; third++) expect(blockTaken(taken, third)).toBe(true);
            outcomes.exhausted++;
            return;
          }
          const block = parseSubnet(result);
          expect(block.prefix).toBe(BLOCK);
          expect(subnetContains(pool, block)).toBe(true);
          expect(taken.filter((t) => cidrsOverlap(t, block))).toEqual([]);
          const third = Number((block.network.value >> 8n) & 0xffn);
          for (let lower = 0; lower < third; lower++) expect(blockTaken(taken, lower)).toBe(true);
          outcomes.allocated++;
        },
      ),
      { numRuns: 1000 },
    );
    // Both branches were really exercised.
    expect(outcomes.allocated).toBeGreaterThan(100);
    expect(outcomes.exhausted).toBeGreaterThan(20);
  });
});

/** `10.200.3.7/24` → `10.200.3.0/24`: networks and routes are network CIDRs. */
function subnetText(cidr: string): string {
  return formatCidr(subnetOf(cidr));
}

describe('suggestGateway and suggestDhcpRange', () => {
  it('give the first address as gateway and the rest before broadcast to DHCP, like libvirt’s default network', () => {
    expect(suggestGateway('10.200.3.0/24')).toBe('10.200.3.1');
    expect(suggestDhcpRange('10.200.3.0/24')).toEqual({ start: '10.200.3.2', end: '10.200.3.254' });
    expect(suggestDhcpRange('10.200.3.0/30')).toEqual({ start: '10.200.3.2', end: '10.200.3.2' });
  });

  it('cap a range at the 65534 addresses libvirt accepts', () => {
    expect(MAX_DHCP_RANGE_ADDRESSES).toBe(65534n);
    expect(suggestDhcpRange('10.0.0.0/16')).toEqual({ start: '10.0.0.2', end: '10.0.255.254' });
    expect(suggestDhcpRange('10.0.0.0/8')).toEqual({ start: '10.0.0.2', end: '10.0.255.255' });
    expect(suggestDhcpRange('fd00:1:2:3::/64')).toEqual({ start: 'fd00:1:2:3::2', end: 'fd00:1:2:3::ffff' });
  });

  it('use the last IPv6 address too (no broadcast in IPv6)', () => {
    expect(suggestGateway('fd00:1:2:3::/64')).toBe('fd00:1:2:3::1');
    expect(suggestDhcpRange('fd00::/120')).toEqual({ start: 'fd00::2', end: 'fd00::ff' });
  });

  it('refuse subnets with no room for a gateway and a guest', () => {
    expect(thrown(() => suggestGateway('10.0.0.0/31')).message).toBe(
      'subnet 10.0.0.0/31 is too small for a network: the gateway and at least one guest need a /30 or larger',
    );
    expect(thrown(() => suggestDhcpRange('fd00::/127')).message).toBe(
      'subnet fd00::/127 is too small for a network: the gateway and at least one guest need a /126 or larger',
    );
  });
});

describe('planSubnet', () => {
  const occupied = [network('10.200.0.0/24', 'lab1')];

  it('takes the lowest free block of the pool when no subnet is asked for', () => {
    expect(planSubnet({ pool: '10.200.0.0/16', prefix: 24, occupied, exclude: ['10.200.1.0/24'] })).toEqual({
      subnet: '10.200.2.0/24',
      gateway: '10.200.2.1',
      dhcp: { start: '10.200.2.2', end: '10.200.2.254' },
      allocated: true,
    });
  });

  it('checks an asked-for subnet against the host and the reservations', () => {
    expect(planSubnet({ subnet: '192.168.7.0/24', pool: '10.200.0.0/16', prefix: 24, occupied })).toMatchObject({
      subnet: '192.168.7.0/24',
      allocated: false,
    });
    expect(
      thrown(() => planSubnet({ subnet: '10.200.0.0/23', pool: '10.200.0.0/16', prefix: 24, occupied })).message,
    ).toBe(
      'subnet 10.200.0.0/23 overlaps network "lab1" (10.200.0.0/24, active); choose another subnet, or give none to get a free one',
    );
    const reserved = thrown(() =>
      planSubnet({ subnet: '10.200.1.0/24', pool: '10.200.0.0/16', prefix: 24, occupied, exclude: ['10.200.1.0/24'] }),
    );
    expect(reserved).toBeInstanceOf(SubnetConflictError);
    expect(reserved.message).toBe(
      'subnet 10.200.1.0/24 overlaps 10.200.1.0/24, reserved by a create in progress; choose another subnet, or give none to get a free one',
    );
  });
});
