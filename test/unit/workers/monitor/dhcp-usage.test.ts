import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dhcpUsage, isNearlyFull } from '../../../../workers/monitor/dhcp-usage.js';

const NOW = 1_000_000;

describe('dhcpUsage', () => {
  it('counts live leases inside the range once each', () => {
    const usage = dhcpUsage(
      { start: '10.0.0.100', end: '10.0.0.109' },
      [
        { ip: '10.0.0.100', expiresAt: NOW + 1 },
        { ip: '10.0.0.100', expiresAt: NOW + 1 },
        { ip: '10.0.0.105', expiresAt: 0 },
        { ip: '10.0.0.50', expiresAt: NOW + 1 },
        { ip: '10.0.0.101', expiresAt: NOW - 1 },
        { ip: 'fd00::5', expiresAt: NOW + 1 },
      ],
      NOW,
    );
    expect(usage).toEqual({ size: 10, used: 2, ratio: 0.2 });
  });

  it('counts a lease expiring right now as expired, and both ends of the range as inside', () => {
    const range = { start: '192.168.1.254', end: '192.168.2.1' };
    const usage = dhcpUsage(
      range,
      [
        { ip: '192.168.1.254', expiresAt: NOW + 1 },
        { ip: '192.168.2.1', expiresAt: NOW + 1 },
        { ip: '192.168.2.0', expiresAt: NOW },
        { ip: '192.168.1.253', expiresAt: NOW + 1 },
        { ip: '192.168.2.2', expiresAt: NOW + 1 },
      ],
      NOW,
    );
    expect(usage).toEqual({ size: 4, used: 2, ratio: 0.5 });
  });

  it('gives size 0 for a reversed range or one that is not IPv4', () => {
    expect(dhcpUsage({ start: '10.0.0.9', end: '10.0.0.1' }, [{ ip: '10.0.0.5', expiresAt: 0 }], NOW)).toEqual({
      size: 0,
      used: 0,
      ratio: 0,
    });
    expect(dhcpUsage({ start: 'fd00::10', end: 'fd00::20' }, [{ ip: 'fd00::15', expiresAt: 0 }], NOW)).toEqual({
      size: 0,
      used: 0,
      ratio: 0,
    });
  });

  it('never counts more than the range holds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ last: fc.integer({ min: 0, max: 255 }), expiresAt: fc.integer({ min: 0, max: 2 * NOW }) }),
        ),
        (leases) => {
          const usage = dhcpUsage(
            { start: '10.0.0.10', end: '10.0.0.29' },
            leases.map((l) => ({ ip: `10.0.0.${l.last}`, expiresAt: l.expiresAt })),
            NOW,
          );
          expect(usage.size).toBe(20);
          expect(usage.used).toBeLessThanOrEqual(20);
          expect(usage.ratio).toBe(usage.used / 20);
        },
      ),
    );
  });
});

describe('isNearlyFull', () => {
  const tenWith = (used: number) =>
    dhcpUsage(
      { start: '10.0.0.1', end: '10.0.0.10' },
      Array.from({ length: used }, (_, i) => ({ ip: `10.0.0.${i + 1}`, expiresAt: 0 })),
      NOW,
    );

  it('says nearly full from 90 % on by default', () => {
    expect(isNearlyFull(tenWith(8))).toBe(false);
    expect(isNearlyFull(tenWith(9))).toBe(true);
    expect(isNearlyFull(tenWith(10))).toBe(true);
  });

  it('takes another threshold', () => {
    expect(isNearlyFull(tenWith(5), 0.5)).toBe(true);
    expect(isNearlyFull(tenWith(9), 0.95)).toBe(false);
  });

  it('never says it of an empty range', () => {
    expect(isNearlyFull(dhcpUsage({ start: '10.0.0.9', end: '10.0.0.1' }, [], NOW), 0)).toBe(false);
  });
});
