import type { MonitorEventKind } from '../../src/contract/index.js';

/** What the monitor remembers of one libvirt network between looks. */
export interface NetworkState {
  readonly name: string;
  readonly uuid: string;
  readonly active: boolean;
  readonly persistent: boolean;
}

/** A lifecycle change found by comparing two looks at the host. */
export interface LifecycleChange {
  readonly kind: MonitorEventKind;
  readonly network: string;
  readonly uuid: string;
}

/**
 * The lifecycle events that would turn `before` into `after`, in the order libvirt would have sent
 * them (a deleted active network: stopped, then undefined). A name whose uuid changed was deleted and
 * made again. Networks named in `skip` are left out (their events are on the way).
 */
export function diffNetworkStates(
  before: ReadonlyMap<string, NetworkState>,
  after: ReadonlyMap<string, NetworkState>,
  skip: ReadonlySet<string> = new Set(),
): LifecycleChange[] {
  const changes: LifecycleChange[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const name of names) {
    if (skip.has(name)) continue;
    const old = before.get(name);
    const now = after.get(name);
    if (old && now && old.uuid === now.uuid) {
      if (!old.persistent && now.persistent) changes.push(change('network-defined', now));
      if (old.active !== now.active) changes.push(change(now.active ? 'network-started' : 'network-stopped', now));
      if (old.persistent && !now.persistent) changes.push(change('network-undefined', now));
      continue;
    }
    if (old) {
      if (old.active) changes.push(change('network-stopped', old));
      if (old.persistent) changes.push(change('network-undefined', old));
    }
    if (now) {
      if (now.persistent) changes.push(change('network-defined', now));
      if (now.active) changes.push(change('network-started', now));
    }
  }
  return changes;
}

/** The state a lifecycle event leaves a network in (undefined: it is gone). */
export function applyLifecycle(
  state: NetworkState | undefined,
  kind: MonitorEventKind,
  name: string,
  uuid: string,
): NetworkState | undefined {
  const base: NetworkState = state && state.uuid === uuid ? state : { name, uuid, active: false, persistent: false };
  switch (kind) {
    case 'network-defined':
      return { ...base, persistent: true };
    case 'network-started':
      return { ...base, active: true };
    case 'network-stopped':
      // A transient network is gone once stopped.
      return base.persistent ? { ...base, active: false } : undefined;
    case 'network-undefined':
      // Undefining an active network leaves it running, transient, until it stops.
      return base.active ? { ...base, persistent: false } : undefined;
    default:
      return state;
  }
}

function change(kind: MonitorEventKind, state: NetworkState): LifecycleChange {
  return { kind, network: state.name, uuid: state.uuid };
}
