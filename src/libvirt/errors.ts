/**
 * Error types of the libvirt client. Three kinds, kept apart because callers react differently:
 * - {@link LibvirtError}: the daemon answered a call with an error (the connection is still fine);
 * - {@link LibvirtConnectionError}: the connection could not be made, was lost, or a call timed out;
 * - {@link LibvirtProtocolError}: bytes on the wire that do not follow the protocol (the connection is dropped).
 */

/** Numeric error codes from libvirt's `virterror.h` that callers commonly test for. */
export const LibvirtErrorCode = {
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  OPERATION_DENIED: 29,
  XML_DETAIL: 35,
  INVALID_NETWORK: 36,
  NETWORK_EXIST: 37,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  NO_NETWORK: 43,
  AUTH_FAILED: 45,
  OPERATION_INVALID: 55,
} as const;

/** Error domains (`virErrorDomain`) used by the predicates below. */
export const LibvirtErrorDomain = {
  RPC: 7,
  NETWORK: 19,
} as const;

/** The fields of libvirt's `remote_error` that carry meaning for a client. */
export interface RemoteErrorFields {
  code: number;
  domain: number;
  message: string | null;
  level: number;
  str1: string | null;
  str2: string | null;
  str3: string | null;
  int1: number;
  int2: number;
}

/** The daemon refused or failed a call. Carries libvirt's own code, domain and message. */
export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  readonly code: number;
  readonly domain: number;
  readonly level: number;
  /** Name of the procedure that failed, e.g. `NETWORK_CREATE`. */
  readonly procedure: string;
  readonly details: Readonly<RemoteErrorFields>;

  constructor(procedure: string, fields: RemoteErrorFields) {
    super(fields.message ?? `libvirt error ${fields.code} (domain ${fields.domain})`);
    this.procedure = procedure;
    this.code = fields.code;
    this.domain = fields.domain;
    this.level = fields.level;
    this.details = Object.freeze({ ...fields });
  }

  /** The network (or domain) asked for does not exist. */
  isNotFound(): boolean {
    return this.code === LibvirtErrorCode.NO_NETWORK || this.code === LibvirtErrorCode.NO_DOMAIN;
  }

  /** An object with that name or UUID already exists. */
  isAlreadyExists(): boolean {
    // libvirt reports a clashing name with the generic OPERATION_FAILED code ("network 'x' already
    // exists with uuid …"), so the message is the only distinguishing mark there.
    return (
      this.code === LibvirtErrorCode.NETWORK_EXIST ||
      (this.code === LibvirtErrorCode.OPERATION_FAILED && /already exists/.test(this.message))
    );
  }

  /** The call is not valid in the object's current state (e.g. start an active network). */
  isInvalidOperation(): boolean {
    return this.code === LibvirtErrorCode.OPERATION_INVALID;
  }

  /** The daemon does not know the procedure (an older libvirt). */
  isUnsupported(): boolean {
    return (
      this.code === LibvirtErrorCode.NO_SUPPORT ||
      (this.code === LibvirtErrorCode.RPC && this.domain === LibvirtErrorDomain.RPC)
    );
  }

  /** The XML handed over was refused. */
  isInvalidXml(): boolean {
    return this.code === LibvirtErrorCode.XML_ERROR || this.code === LibvirtErrorCode.XML_DETAIL;
  }
}

/** Why a connection-level failure happened; stable strings for callers to branch on. */
export type ConnectionFailure =
  'connect-failed' | 'closed' | 'keepalive-timeout' | 'call-timeout' | 'not-connected' | 'auth-failed' | 'protocol';

/** The connection to libvirtd failed, was lost, or a call got no answer in time. */
export class LibvirtConnectionError extends Error {
  override readonly name = 'LibvirtConnectionError';
  readonly reason: ConnectionFailure;

  constructor(reason: ConnectionFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Bytes that break the protocol: a bad length word, a truncated field, an unknown program. */
export class LibvirtProtocolError extends Error {
  override readonly name = 'LibvirtProtocolError';
}
