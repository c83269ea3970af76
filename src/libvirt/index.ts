/**
 * vnetops' libvirt client: libvirt's remote protocol in TypeScript. This folder imports nothing
 * else of the project, so it could be published on its own.
 */
export {
  LibvirtClient,
  ListNetworkFlags,
  NetworkUpdateCommand,
  NetworkUpdateFlags,
  NetworkUpdateSection,
  NetworkXmlFlags,
  type DhcpLease,
  type DomainId,
  type LibvirtClientEvents,
  type LibvirtClientOptions,
  type NetworkId,
  type NetworkSummary,
  type NetworkTarget,
  type NetworkUpdate,
  type ReconnectOptions,
} from './client.js';
export type { KeepaliveOptions } from './connection.js';
export {
  LibvirtConnectionError,
  LibvirtError,
  LibvirtErrorCode,
  LibvirtProtocolError,
  type ConnectionFailure,
} from './errors.js';
export type { NetworkLifecycleEvent, NetworkLifecycleKind } from './events.js';
export type { TlsCredentials } from './transport/tls.js';
export { buildSshCommand } from './transport/ssh.js';
export { LibvirtUriError, parseLibvirtUri, type LibvirtUri } from './uri.js';
