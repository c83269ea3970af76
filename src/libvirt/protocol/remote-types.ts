import { type Codec, xdrFixedOpaque, xdrInt, xdrOptional, xdrString, xdrStruct } from '../xdr/codec.js';
import { STRING_MAX, UUID_SIZE } from './constants.js';

/** `remote_nonnull_string`. */
export const remoteString = xdrString(STRING_MAX);
/** `remote_string`: a string that may be NULL. */
export const remoteOptionalString = xdrOptional(remoteString);
/** `remote_uuid`: 16 raw bytes. */
export const remoteUuid = xdrFixedOpaque(UUID_SIZE);

/** A network as the protocol names it: name plus raw UUID. */
export interface NetworkRef {
  name: string;
  uuid: Buffer;
}
/** `remote_nonnull_network`. */
export const remoteNetwork: Codec<NetworkRef> = xdrStruct<NetworkRef>({ name: remoteString, uuid: remoteUuid });
/** `remote_network`: optional network. */
export const remoteOptionalNetwork = xdrOptional(remoteNetwork);

/** A domain (VM) as the protocol names it; `id` is -1 when it is not running. */
export interface DomainRef {
  name: string;
  uuid: Buffer;
  id: number;
}
/** `remote_nonnull_domain`. */
export const remoteDomain: Codec<DomainRef> = xdrStruct<DomainRef>({
  name: remoteString,
  uuid: remoteUuid,
  id: xdrInt,
});

/** `remote_error`, the payload of every reply with status ERROR. */
export const remoteError = xdrStruct({
  code: xdrInt,
  domain: xdrInt,
  message: remoteOptionalString,
  level: xdrInt,
  dom: xdrOptional(remoteDomain),
  str1: remoteOptionalString,
  str2: remoteOptionalString,
  str3: remoteOptionalString,
  int1: xdrInt,
  int2: xdrInt,
  net: remoteOptionalNetwork,
});

/** Formats a raw UUID as the usual 8-4-4-4-12 hex string. */
export function formatUuid(uuid: Uint8Array): string {
  const hex = Buffer.from(uuid).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parses a UUID string (with or without dashes) into 16 raw bytes. */
export function parseUuid(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${JSON.stringify(text)}`);
  return Buffer.from(hex, 'hex');
}
