import { describe, expect, it } from 'vitest';
import { compileAlertRouting } from '../../../src/alerts/index.js';
import { ConfigError } from '../../../src/config/index.js';
import type { MonitorEvent } from '../../../src/contract/index.js';

const event = (fields: Partial<MonitorEvent>): MonitorEvent => ({
  id: 'x',
  host: 'kvm1',
  kind: 'network-stopped',
  at: 0,
  source: 'outside',
  network: 'web1',
  ...fields,
});
const alerts = (fields: Partial<Parameters<typeof compileAlertRouting>[0]>) => ({
  coalesceMs: 1500,
  burstNetworks: 5,
  routes: [],
  ...fields,
});

describe('compileAlertRouting', () => {
  it('is off with neither a channel nor routes', () => {
    const routing = compileAlertRouting(alerts({}));
    expect(routing.enabled).toBe(false);
    expect(routing.channelsFor(event({}))).toEqual([]);
  });

  it('sends an event to every matching route, else to the default channel', () => {
    const routing = compileAlertRouting(
      alerts({
        channel: 'CDEFAULT1',
        routes: [
          { channel: 'CLABS0001', networks: ['lab*'] },
          { channel: 'CHEALTH01', hosts: ['kvm2'], kinds: ['health'] },
          { channel: 'CLABS0001', kinds: ['dnsmasq-died'] },
        ],
      }),
    );
    expect(routing.channelsFor(event({ network: 'lab12' }))).toEqual(['CLABS0001']);
    expect(routing.channelsFor(event({ network: 'xlab1' }))).toEqual(['CDEFAULT1']);
    expect(routing.channelsFor(event({ host: 'kvm2', kind: 'dhcp-nearly-full' }))).toEqual(['CHEALTH01']);
    expect(routing.channelsFor(event({ host: 'kvm2', kind: 'dnsmasq-died', network: 'lab1' }))).toEqual([
      'CLABS0001',
      'CHEALTH01',
    ]);
    expect(routing.channelsFor(event({ host: 'kvm1', kind: 'dhcp-nearly-full' }))).toEqual(['CDEFAULT1']);
  });

  it('treats pattern characters other than * literally', () => {
    const routing = compileAlertRouting(alerts({ routes: [{ channel: 'CLABS0001', networks: ['lab.1'] }] }));
    expect(routing.channelsFor(event({ network: 'lab.1' }))).toEqual(['CLABS0001']);
    expect(routing.channelsFor(event({ network: 'labx1' }))).toEqual([]);
  });

  it('refuses an unknown kind, suggesting the one meant', () => {
    const error = (() => {
      try {
        compileAlertRouting(alerts({ routes: [{ channel: 'CLABS0001', kinds: ['helth'] }] }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('did you mean "health"');
  });
});
