/** Wire constants of libvirt's RPC protocol (virnetprotocol.x, remote_protocol.x, virkeepaliveprotocol.x). */

/** The remote (hypervisor API) program and its version. */
export const REMOTE_PROGRAM = 0x20008086;
export const REMOTE_PROTOCOL_VERSION = 1;

/** The keepalive program ("keep") and its procedures. */
export const KEEPALIVE_PROGRAM = 0x6b656570;
export const KEEPALIVE_PROTOCOL_VERSION = 1;
export const KeepaliveProcedure = { PING: 1, PONG: 2 } as const;

/** `virNetMessageType`. */
export const MessageType = { CALL: 0, REPLY: 1, MESSAGE: 2, STREAM: 3, CALL_WITH_FDS: 4, REPLY_WITH_FDS: 5 } as const;

/** `virNetMessageStatus`. */
export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;

/** Length word (4) + header (6 × 4). */
export const LENGTH_WORD_SIZE = 4;
export const HEADER_SIZE = 24;

/**
 * Largest whole message we accept: libvirt ≥ 6.x allows 32 MiB (older: 16 MiB). A length word
 * above this is refused before anything is allocated.
 */
export const MESSAGE_MAX = 32 * 1024 * 1024;

/** `REMOTE_STRING_MAX` in current libvirt (4 MiB); XML documents travel as such strings. */
export const STRING_MAX = 4 * 1024 * 1024;
export const NETWORK_LIST_MAX = 16384;
export const DOMAIN_LIST_MAX = 16384;
export const DHCP_LEASES_MAX = 65536;
export const AUTH_TYPE_LIST_MAX = 20;
export const UUID_SIZE = 16;

/** `remote_auth_type`. */
export const AuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const;

/** `virDrvFeature` values we ask about. */
export const DriverFeature = {
  PROGRAM_KEEPALIVE: 10,
  REMOTE_EVENT_CALLBACK: 14,
  NETWORK_UPDATE_HAS_CORRECT_ORDER: 16,
} as const;
