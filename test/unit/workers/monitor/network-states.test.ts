import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NetworkState, applyLifecycle, diffNetworkStates } from '../../../../workers/monitor/network-states.js';

const net = (name: string, active: boolean, persistent = true, uuid = `uuid-${name}`): NetworkState => ({
  name,
  uuid,
  active,
  persistent,
});
const map = (...states: NetworkState[]): Map<string, NetworkState> => new Map(states.map((s) => [s.name, s]));
const kinds = (before: Map<string, NetworkState>, after: Map<string, NetworkState>, skip?: Set<string>): string[] =>
  diffNetworkStates(before, after, skip).map((c) => `${c.network} ${c.kind}`);

describe('diffNetworkStates', () => {
  it('reports a network stopped, started, defined and deleted while nobody watched', () => {
    const before = map(net('a', true), net('b', false), net('gone', true));
    const after = map(net('a', false), net('b', true), net('new', false));
    expect(kinds(before, after)).toEqual([
      'a network-stopped',
      'b network-started',
      'gone network-stopped',
      'gone network-undefined',
      'new network-defined',
    ]);
  });

  it('sees a name reused by a new network as the old one deleted and a new one defined', () => {
    expect(kinds(map(net('a', false, true, 'u1')), map(net('a', true, true, 'u2')))).toEqual([
      'a network-undefined',
      'a network-defined',
      'a network-started',
    ]);
  });

  it('reports a transient network appearing as started only, and an undefine that left it running', () => {
    expect(kinds(map(), map(net('t', true, false)))).toEqual(['t network-started']);
    expect(kinds(map(net('p', true)), map(net('p', true, false)))).toEqual(['p network-undefined']);
  });

  it('leaves out networks whose events are on their way', () => {
    expect(kinds(map(net('a', true), net('b', true)), map(net('a', false), net('b', false)), new Set(['a']))).toEqual([
      'b network-stopped',
    ]);
  });

  it('finds nothing between two equal looks, and replaying its changes reaches the second look', () => {
    const state = fc.record({ active: fc.boolean(), persistent: fc.boolean(), uuid: fc.constantFrom('u1', 'u2') });
    const host = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), state);
    // A network that is neither active nor persistent does not exist.
    const toMap = (
      d: Record<string, { active: boolean; persistent: boolean; uuid: string }>,
    ): Map<string, NetworkState> =>
      new Map(
        Object.entries(d)
          .filter(([, s]) => s.active || s.persistent)
          .map(([name, s]) => [name, { name, ...s }]),
      );
    fc.assert(
      fc.property(host, host, (a, b) => {
        const before = toMap(a);
        const after = toMap(b);
        expect(diffNetworkStates(before, before)).toEqual([]);
        const replayed = new Map(before);
        for (const change of diffNetworkStates(before, after)) {
          const next = applyLifecycle(replayed.get(change.network), change.kind, change.network, change.uuid);
          if (next) replayed.set(change.network, next);
          else replayed.delete(change.network);
        }
        expect(replayed).toEqual(after);
      }),
    );
  });
});

describe('applyLifecycle', () => {
  it('keeps a stopped persistent network, forgets a stopped transient one', () => {
    expect(applyLifecycle(net('a', true), 'network-stopped', 'a', 'uuid-a')).toEqual(net('a', false));
    expect(applyLifecycle(net('t', true, false), 'network-stopped', 't', 'uuid-t')).toBeUndefined();
  });
});
