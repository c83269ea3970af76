/** Errors of the host side: a bridge missing or not a bridge, an unusable interface name, a failed command. */

/** The bridge does not exist on the host (never created, or removed with its network). */
export class BridgeNotFoundError extends Error {
  override readonly name = 'BridgeNotFoundError';
  readonly code = 'bridge-not-found';
  readonly bridge: string;

  constructor(bridge: string, options?: { cause?: unknown }) {
    super(
      `bridge "${bridge}" does not exist on this host; check the name, or start the network that creates it`,
      options,
    );
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
    super(
      `"${device}" is not a bridge but ${kind ? `a ${kind} interface` : 'a plain interface'}; give the name of a bridge`,
    );
    this.device = device;
    this.kind = kind;
  }
}

/** An interface name that is not acceptable; the message (from the spec's rules) says why and what would be. */
export class InvalidInterfaceNameError extends Error {
  override readonly name = 'InvalidInterfaceNameError';
  readonly code = 'invalid-interface-name';
  readonly value: string;

  constructor(value: string, message: string) {
    super(message);
    this.value = value;
  }
}

/** A command that ran and exited with a non-zero code. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  readonly file: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;

  constructor(file: string, args: readonly string[], exitCode: number, stderr: string) {
    super(
      `${[file, ...args].join(' ')} failed with exit code ${exitCode}: ${stderr.trim() || '(no output on stderr)'}`,
    );
    this.file = file;
    this.args = Object.freeze([...args]);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
