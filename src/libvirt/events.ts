import type { NetworkRef } from './protocol/remote-types.js';
import { formatUuid } from './protocol/remote-types.js';

/** What happened to a network (`virNetworkEventLifecycleType`). */
export type NetworkLifecycleKind = 'defined' | 'undefined' | 'started' | 'stopped' | 'unknown';

const KINDS: readonly NetworkLifecycleKind[] = ['defined', 'undefined', 'started', 'stopped'];

/** A network lifecycle event as the daemon reported it. */
export interface NetworkLifecycleEvent {
  readonly kind: NetworkLifecycleKind;
  /** libvirt's raw event number, kept for kinds newer than this client. */
  readonly eventCode: number;
  readonly detail: number;
  readonly network: { readonly name: string; readonly uuid: string };
  /** When this client received it (ms since epoch). */
  readonly receivedAt: number;
}

/** Turns a decoded `remote_network_event_lifecycle_msg` into the typed event. */
export function toLifecycleEvent(
  message: { net: NetworkRef; event: number; detail: number },
  receivedAt = Date.now(),
): NetworkLifecycleEvent {
  return Object.freeze({
    kind: KINDS[message.event] ?? 'unknown',
    eventCode: message.event,
    detail: message.detail,
    network: Object.freeze({ name: message.net.name, uuid: formatUuid(message.net.uuid) }),
    receivedAt,
  });
}

/** `virNetworkEventID`: which event stream to register for. */
export const NetworkEventId = { LIFECYCLE: 0 } as const;
