import { describe, expect, it } from 'vitest';
import { dhcpUsage, isNearlyFull } from '../../../../workers/monitor/dhcp-usage.js';

const NOW = 1_000_000;

describe('dhcpUsage', () => {
  it('counts live leases inside the range once each', () => {
    const usage = dhcpUsage({ start: '10.0.0.100', end: '10.0.0.109' }, [
      { ip: '10.0.0.100', expiresAt: NOW + 1 },
      { ip: '10.0.0.100', expiresAt: NOW + 1 },
      { ip: '10.0.0.105', expiresAt: 0 },
      { ip: '10.0.0.50', expiresAt: NOW + 1 },
      { ip: '10.0.0.101', expiresAt: NOW - 1 },
      { ip: 'fd00::5', expiresAt: NOW + 1 },
    ], NOW);
    expect(usage).toEqual({ size: 10, used: 2, ratio: 0.2 });
  });

  it('says nearly full from the threshold on, never for an empty or reversed range', () => {
    const two = { start: '10.0.0.1', end: '10.0.0.2' };
    expect(isNearlyFull(dhcpUsage(two, [{ ip: '10.0.0.1', expiresAt: 0 }], NOW), 0.9)).toBe(false);
    expect(isNearlyFull(dhcpUsage(two, [{ ip: '10.0.0.1', expiresAt: 0 }, { ip: '10.0.0.2', expiresAt: 0 }], NOW), 0.9)).toBe(true);
    expect(isNearlyFull(dhcpUsage({ start: '10.0.0.9', end: '10.0.0.1' }, [], NOW), 0)).toBe(false);
  });
});
