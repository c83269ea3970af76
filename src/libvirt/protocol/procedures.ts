/**
 * The remote procedures vnetops uses: number, argument codec and reply codec for each. Numbers and
 * layouts are facts from libvirt's `remote_protocol.x`; this table is written by hand for the calls
 * we make, and one generic path (`RpcConnection.call`) serves them all.
 */
import {
  type Codec,
  type CodecValue,
  xdrArray,
  xdrHyper,
  xdrInt,
  xdrIntBool,
  xdrStruct,
  xdrUhyper,
  xdrUint,
  xdrVoid,
} from '../xdr/codec.js';
import { AUTH_TYPE_LIST_MAX, DHCP_LEASES_MAX, DOMAIN_LIST_MAX, NETWORK_LIST_MAX } from './constants.js';
import {
  remoteDomain,
  remoteNetwork,
  remoteOptionalNetwork,
  remoteOptionalString,
  remoteString,
  remoteUuid,
} from './remote-types.js';

/** One procedure of the remote program. */
export interface Procedure<A, R> {
  readonly name: string;
  readonly number: number;
  readonly args: Codec<A>;
  readonly reply: Codec<R>;
}

function procedure<A, R>(name: string, number: number, args: Codec<A>, reply: Codec<R>): Procedure<A, R> {
  return Object.freeze({ name, number, args, reply });
}

const networkArgs = xdrStruct({ net: remoteNetwork });
const networkReply = xdrStruct({ net: remoteNetwork });
const networkFlagsArgs = xdrStruct({ net: remoteNetwork, flags: xdrUint });
const xmlReply = xdrStruct({ xml: remoteString });

const dhcpLease = xdrStruct({
  iface: remoteString,
  expirytime: xdrHyper,
  type: xdrInt,
  mac: remoteOptionalString,
  iaid: remoteOptionalString,
  ipaddr: remoteString,
  prefix: xdrUint,
  hostname: remoteOptionalString,
  clientid: remoteOptionalString,
});
/** One DHCP lease as libvirt reports it. */
export type RemoteDhcpLease = CodecValue<typeof dhcpLease>;

/** The procedure table. */
export const Procedures = {
  CONNECT_OPEN: procedure('CONNECT_OPEN', 1, xdrStruct({ name: remoteOptionalString, flags: xdrUint }), xdrVoid),
  CONNECT_CLOSE: procedure('CONNECT_CLOSE', 2, xdrVoid, xdrVoid),
  DOMAIN_GET_XML_DESC: procedure('DOMAIN_GET_XML_DESC', 14, xdrStruct({ dom: remoteDomain, flags: xdrUint }), xmlReply),
  NETWORK_CREATE: procedure('NETWORK_CREATE', 39, networkArgs, xdrVoid),
  NETWORK_CREATE_XML: procedure('NETWORK_CREATE_XML', 40, xdrStruct({ xml: remoteString }), networkReply),
  NETWORK_DEFINE_XML: procedure('NETWORK_DEFINE_XML', 41, xdrStruct({ xml: remoteString }), networkReply),
  NETWORK_DESTROY: procedure('NETWORK_DESTROY', 42, networkArgs, xdrVoid),
  NETWORK_GET_XML_DESC: procedure('NETWORK_GET_XML_DESC', 43, networkFlagsArgs, xmlReply),
  NETWORK_GET_AUTOSTART: procedure('NETWORK_GET_AUTOSTART', 44, networkArgs, xdrStruct({ autostart: xdrIntBool })),
  NETWORK_LOOKUP_BY_NAME: procedure('NETWORK_LOOKUP_BY_NAME', 46, xdrStruct({ name: remoteString }), networkReply),
  NETWORK_LOOKUP_BY_UUID: procedure('NETWORK_LOOKUP_BY_UUID', 47, xdrStruct({ uuid: remoteUuid }), networkReply),
  NETWORK_SET_AUTOSTART: procedure(
    'NETWORK_SET_AUTOSTART',
    48,
    xdrStruct({ net: remoteNetwork, autostart: xdrIntBool }),
    xdrVoid,
  ),
  NETWORK_UNDEFINE: procedure('NETWORK_UNDEFINE', 49, networkArgs, xdrVoid),
  CONNECT_GET_HOSTNAME: procedure('CONNECT_GET_HOSTNAME', 59, xdrVoid, xdrStruct({ hostname: remoteString })),
  CONNECT_SUPPORTS_FEATURE: procedure(
    'CONNECT_SUPPORTS_FEATURE',
    60,
    xdrStruct({ feature: xdrInt }),
    xdrStruct({ supported: xdrIntBool }),
  ),
  AUTH_LIST: procedure('AUTH_LIST', 66, xdrVoid, xdrStruct({ types: xdrArray(xdrInt, AUTH_TYPE_LIST_MAX) })),
  AUTH_POLKIT: procedure('AUTH_POLKIT', 70, xdrVoid, xdrStruct({ complete: xdrIntBool })),
  NETWORK_IS_ACTIVE: procedure('NETWORK_IS_ACTIVE', 152, networkArgs, xdrStruct({ active: xdrIntBool })),
  NETWORK_IS_PERSISTENT: procedure('NETWORK_IS_PERSISTENT', 153, networkArgs, xdrStruct({ persistent: xdrIntBool })),
  CONNECT_GET_LIB_VERSION: procedure('CONNECT_GET_LIB_VERSION', 157, xdrVoid, xdrStruct({ libVersion: xdrUhyper })),
  CONNECT_LIST_ALL_DOMAINS: procedure(
    'CONNECT_LIST_ALL_DOMAINS',
    273,
    xdrStruct({ needResults: xdrInt, flags: xdrUint }),
    xdrStruct({ domains: xdrArray(remoteDomain, DOMAIN_LIST_MAX), ret: xdrUint }),
  ),
  CONNECT_LIST_ALL_NETWORKS: procedure(
    'CONNECT_LIST_ALL_NETWORKS',
    283,
    xdrStruct({ needResults: xdrInt, flags: xdrUint }),
    xdrStruct({ nets: xdrArray(remoteNetwork, NETWORK_LIST_MAX), ret: xdrUint }),
  ),
  NETWORK_UPDATE: procedure(
    'NETWORK_UPDATE',
    291,
    xdrStruct({
      net: remoteNetwork,
      command: xdrUint,
      section: xdrUint,
      parentIndex: xdrInt,
      xml: remoteString,
      flags: xdrUint,
    }),
    xdrVoid,
  ),
  CONNECT_NETWORK_EVENT_REGISTER_ANY: procedure(
    'CONNECT_NETWORK_EVENT_REGISTER_ANY',
    313,
    xdrStruct({ eventID: xdrInt, net: remoteOptionalNetwork }),
    xdrStruct({ callbackID: xdrInt }),
  ),
  CONNECT_NETWORK_EVENT_DEREGISTER_ANY: procedure(
    'CONNECT_NETWORK_EVENT_DEREGISTER_ANY',
    314,
    xdrStruct({ callbackID: xdrInt }),
    xdrVoid,
  ),
  NETWORK_GET_DHCP_LEASES: procedure(
    'NETWORK_GET_DHCP_LEASES',
    341,
    xdrStruct({ net: remoteNetwork, mac: remoteOptionalString, needResults: xdrInt, flags: xdrUint }),
    xdrStruct({ leases: xdrArray(dhcpLease, DHCP_LEASES_MAX), ret: xdrUint }),
  ),
} as const;

/** Server-to-client event messages (type MESSAGE) of the remote program. */
export const EventMessages = {
  NETWORK_EVENT_LIFECYCLE: procedure(
    'NETWORK_EVENT_LIFECYCLE',
    315,
    xdrVoid,
    xdrStruct({ callbackID: xdrInt, net: remoteNetwork, event: xdrInt, detail: xdrInt }),
  ),
} as const;

/** Looks a procedure's name up by number, for error messages and logs. */
export function procedureName(number: number): string {
  for (const proc of Object.values(Procedures)) if (proc.number === number) return proc.name;
  for (const proc of Object.values(EventMessages)) if (proc.number === number) return proc.name;
  return `procedure ${number}`;
}
