/**
 * Errors of reading a bridge's state, written for the person who asked about the bridge.
 */

/** The bridge does not exist on the host (never created, or removed with its network). */
export class BridgeNotFoundError extends Error {
  override readonly name = 'BridgeNotFoundError';
  readonly code = 'bridge-not-found';
  readonly bridge: string;

  constructor(bridge: string, options?: { cause?: unknown }) {
    super(`bridge "${bridge}" does not exist on this host; check the name, or start the network that creates it`, options);
    this.bridge = bridge;
  }
}

/** The interface exists but is not a Linux bridge. */
export class NotABridgeError extends Error {
  override readonly name = 'NotABridgeError';
  readonly code = 'not-a-bridge';
  readonly device: string;
  /** What it is instead (`veth`, `tun`, …), when the kernel says. */
  readonly kind: string | undefined;

  constructor(device: string, kind: string | undefined) {
    super(`"${device}" is not a bridge but ${kind ? `a ${kind} interface` : 'a plain interface'}; give the name of a bridge`);
    this.device = device;
    this.kind = kind;
  }
}
