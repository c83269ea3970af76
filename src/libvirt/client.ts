import { EventEmitter } from 'node:events';
import { type KeepaliveOptions, RpcConnection } from './connection.js';
import { LibvirtConnectionError } from './errors.js';
import { type NetworkLifecycleEvent, NetworkEventId, toLifecycleEvent } from './events.js';
import { AuthType, DriverFeature } from './protocol/constants.js';
import type { Packet } from './protocol/packet.js';
import { EventMessages, type Procedure, Procedures, type RemoteDhcpLease } from './protocol/procedures.js';
import { type DomainRef, type NetworkRef, formatUuid, parseUuid } from './protocol/remote-types.js';
import { openTransport } from './transport/open-transport.js';
import type { TlsCredentials } from './transport/tls.js';
import { type LibvirtUri, parseLibvirtUri } from './uri.js';
import { decodeValue } from './xdr/codec.js';

/** A network's identity: its name and UUID (canonical 8-4-4-4-12 text). */
export interface NetworkId {
  readonly name: string;
  readonly uuid: string;
}

/** A network to act on: its name, or its identity (saves a lookup round trip). */
export type NetworkTarget = string | NetworkId;

/** A network with the state `virsh net-list --all` shows. */
export interface NetworkSummary extends NetworkId {
  readonly active: boolean;
  readonly persistent: boolean;
  readonly autostart: boolean;
}

/** A domain (VM): `id` is -1 when it is not running. */
export interface DomainId {
  readonly name: string;
  readonly uuid: string;
  readonly id: number;
}

/** One DHCP lease handed out on a network. */
export interface DhcpLease {
  readonly iface: string;
  /** Expiry, seconds since epoch. */
  readonly expiryTime: number;
  readonly type: 'ipv4' | 'ipv6';
  readonly mac: string | null;
  readonly iaid: string | null;
  readonly ipAddress: string;
  readonly prefix: number;
  readonly hostname: string | null;
  readonly clientId: string | null;
}

/** `virConnectListAllNetworksFlags`. */
export const ListNetworkFlags = {
  INACTIVE: 1,
  ACTIVE: 2,
  PERSISTENT: 4,
  TRANSIENT: 8,
  AUTOSTART: 16,
  NO_AUTOSTART: 32,
} as const;
/** `virNetworkXMLFlags`. */
export const NetworkXmlFlags = { INACTIVE: 1 } as const;
/** `virNetworkUpdateCommand`. */
export const NetworkUpdateCommand = { MODIFY: 1, DELETE: 2, ADD_LAST: 3, ADD_FIRST: 4 } as const;
/** `virNetworkUpdateSection`. */
export const NetworkUpdateSection = {
  BRIDGE: 1,
  DOMAIN: 2,
  IP: 3,
  IP_DHCP_HOST: 4,
  IP_DHCP_RANGE: 5,
  FORWARD: 6,
  FORWARD_INTERFACE: 7,
  FORWARD_PF: 8,
  PORTGROUP: 9,
  DNS_HOST: 10,
  DNS_TXT: 11,
  DNS_SRV: 12,
} as const;
/** `virNetworkUpdateFlags`: which copy of the config to change. */
export const NetworkUpdateFlags = { AFFECT_CURRENT: 0, AFFECT_LIVE: 1, AFFECT_CONFIG: 2 } as const;

/** One `virNetworkUpdate` request. */
export interface NetworkUpdate {
  command: number;
  section: number;
  /** Which `<ip>` element, or -1 for "the only/first one". */
  parentIndex: number;
  xml: string;
  flags: number;
}

/** Reconnect backoff after the daemon goes away. */
export interface ReconnectOptions {
  /** First wait before trying again. Default 250 ms. */
  initialDelayMs: number;
  /** Longest wait between tries. Default 5000 ms. */
  maxDelayMs: number;
}

/** Options of {@link LibvirtClient.connect}. */
export interface LibvirtClientOptions {
  /** Time allowed to reach the daemon and open the connection. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Time allowed for one call's reply. Default 30000 ms. */
  callTimeoutMs?: number;
  /** Our keepalive pings (detects a dead or frozen daemon); `false` turns them off. Default 5000 ms × 5. */
  keepalive?: KeepaliveOptions | false;
  /** Reconnect with backoff when the connection drops; `false` to stay disconnected. */
  reconnect?: ReconnectOptions | false;
  /** TLS certificates given directly (otherwise read from pkipath / the usual PKI folders). */
  tls?: TlsCredentials;
}

/** Events of a {@link LibvirtClient}. */
export interface LibvirtClientEvents {
  /** A network was defined, undefined, started or stopped (by anyone). Needs {@link LibvirtClient.watchNetworkEvents}. */
  networkLifecycle: [event: NetworkLifecycleEvent];
  /** The connection dropped; events in the gap are lost until `reconnected`. */
  disconnected: [error: LibvirtConnectionError];
  /** A reconnect attempt failed; another follows after `nextDelayMs`. */
  reconnectFailed: [info: { attempt: number; error: Error; nextDelayMs: number }];
  /** Connected again, events re-registered: callers should re-list and reconcile. */
  reconnected: [];
}

type ClientState = 'open' | 'reconnecting' | 'closed';

const DEFAULT_KEEPALIVE: KeepaliveOptions = { intervalMs: 5000, count: 5 };
const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 250, maxDelayMs: 5000 };

/**
 * A libvirt client speaking the remote protocol directly (no native binding): networks, their
 * lifecycle events, DHCP leases, and domains (to tell which VM owns a bridge port).
 */
export class LibvirtClient extends EventEmitter<LibvirtClientEvents> {
  readonly uri: LibvirtUri;
  private readonly options: Required<Pick<LibvirtClientOptions, 'connectTimeoutMs' | 'callTimeoutMs'>> &
    LibvirtClientOptions;
  private connection: RpcConnection;
  private state: ClientState = 'open';
  private watchingEvents = false;
  private lifecycleCallbackId: number | undefined;
  private registering: Promise<void> | undefined;
  /** A REGISTER_ANY call is in flight: events may be ours before we learn our callback ID. */
  private awaitingCallbackId = false;
  private heldEvents: Packet[] = [];
  private updateOrderCorrect: boolean | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private wakeReconnect: (() => void) | undefined;

  private constructor(uri: LibvirtUri, options: LibvirtClient['options'], connection: RpcConnection) {
    super();
    this.uri = uri;
    this.options = options;
    this.connection = connection;
    this.adopt(connection);
  }

  /** Connects and opens `uri` (e.g. `qemu:///system`, `qemu:///system?socket=/path`, `qemu+tls://host/system`). */
  static async connect(uri: string, options: LibvirtClientOptions = {}): Promise<LibvirtClient> {
    const parsed = parseLibvirtUri(uri);
    const resolved = { connectTimeoutMs: 10_000, callTimeoutMs: 30_000, ...options };
    const connection = await openSession(parsed, resolved);
    return new LibvirtClient(parsed, resolved, connection);
  }

  /** True while connected (false while reconnecting or after close). */
  get connected(): boolean {
    return this.state === 'open' && !this.connection.closed;
  }

  // ---- connection-level calls ------------------------------------------------------------

  /** libvirt version of the daemon as a number, e.g. 9000000 for 9.0.0. */
  async getLibVersion(): Promise<number> {
    const { libVersion } = await this.call(Procedures.CONNECT_GET_LIB_VERSION, undefined);
    return Number(libVersion);
  }

  /** The host name of the machine the daemon runs on. */
  async getHostname(): Promise<string> {
    return (await this.call(Procedures.CONNECT_GET_HOSTNAME, undefined)).hostname;
  }

  /** Asks whether the daemon supports a `virDrvFeature`. */
  async supportsFeature(feature: number): Promise<boolean> {
    return (await this.call(Procedures.CONNECT_SUPPORTS_FEATURE, { feature })).supported;
  }

  // ---- networks ----------------------------------------------------------------------------

  /** Networks matching `flags` ({@link ListNetworkFlags}; 0 = all), names and UUIDs only. */
  async listAllNetworks(flags = 0): Promise<NetworkId[]> {
    const { nets } = await this.call(Procedures.CONNECT_LIST_ALL_NETWORKS, { needResults: 1, flags });
    return nets.map(toNetworkId);
  }

  /**
   * Every network with its active / persistent / autostart state — `virsh net-list --all`.
   * Four filtered list calls sent at once (pipelined), so the cost does not grow with the count.
   */
  async listNetworks(): Promise<NetworkSummary[]> {
    const [all, active, persistent, autostart] = await Promise.all([
      this.listAllNetworks(0),
      this.listAllNetworks(ListNetworkFlags.ACTIVE),
      this.listAllNetworks(ListNetworkFlags.PERSISTENT),
      this.listAllNetworks(ListNetworkFlags.AUTOSTART),
    ]);
    const ids = (list: NetworkId[]): Set<string> => new Set(list.map((n) => n.uuid));
    const activeIds = ids(active);
    const persistentIds = ids(persistent);
    const autostartIds = ids(autostart);
    return all
      .map((n) => ({
        name: n.name,
        uuid: n.uuid,
        active: activeIds.has(n.uuid),
        persistent: persistentIds.has(n.uuid),
        autostart: autostartIds.has(n.uuid),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Finds a network by name; rejects with a not-found {@link LibvirtError} when there is none. */
  async lookupNetwork(name: string): Promise<NetworkId> {
    return toNetworkId((await this.call(Procedures.NETWORK_LOOKUP_BY_NAME, { name })).net);
  }

  /** Finds a network by UUID. */
  async lookupNetworkByUuid(uuid: string): Promise<NetworkId> {
    return toNetworkId((await this.call(Procedures.NETWORK_LOOKUP_BY_UUID, { uuid: parseUuid(uuid) })).net);
  }

  /** Defines a persistent network from XML (not started). */
  async defineNetwork(xml: string): Promise<NetworkId> {
    return toNetworkId((await this.call(Procedures.NETWORK_DEFINE_XML, { xml })).net);
  }

  /** Creates and starts a transient network from XML (gone when stopped). */
  async createTransientNetwork(xml: string): Promise<NetworkId> {
    return toNetworkId((await this.call(Procedures.NETWORK_CREATE_XML, { xml })).net);
  }

  /** Starts a defined network. */
  async startNetwork(target: NetworkTarget): Promise<void> {
    await this.call(Procedures.NETWORK_CREATE, { net: await this.resolve(target) });
  }

  /** Stops an active network (a transient one disappears). */
  async destroyNetwork(target: NetworkTarget): Promise<void> {
    await this.call(Procedures.NETWORK_DESTROY, { net: await this.resolve(target) });
  }

  /** Removes a network's persistent definition. */
  async undefineNetwork(target: NetworkTarget): Promise<void> {
    await this.call(Procedures.NETWORK_UNDEFINE, { net: await this.resolve(target) });
  }

  /** The network's XML: live by default, or the persistent config with `inactive: true`. */
  async getNetworkXml(target: NetworkTarget, options: { inactive?: boolean } = {}): Promise<string> {
    const flags = options.inactive ? NetworkXmlFlags.INACTIVE : 0;
    return (await this.call(Procedures.NETWORK_GET_XML_DESC, { net: await this.resolve(target), flags })).xml;
  }

  async getAutostart(target: NetworkTarget): Promise<boolean> {
    return (await this.call(Procedures.NETWORK_GET_AUTOSTART, { net: await this.resolve(target) })).autostart;
  }

  async setAutostart(target: NetworkTarget, autostart: boolean): Promise<void> {
    await this.call(Procedures.NETWORK_SET_AUTOSTART, { net: await this.resolve(target), autostart });
  }

  async isActive(target: NetworkTarget): Promise<boolean> {
    return (await this.call(Procedures.NETWORK_IS_ACTIVE, { net: await this.resolve(target) })).active;
  }

  async isPersistent(target: NetworkTarget): Promise<boolean> {
    return (await this.call(Procedures.NETWORK_IS_PERSISTENT, { net: await this.resolve(target) })).persistent;
  }

  /** DHCP leases of an active network, optionally only those of one MAC address. */
  async getDhcpLeases(target: NetworkTarget, mac?: string): Promise<DhcpLease[]> {
    const { leases } = await this.call(Procedures.NETWORK_GET_DHCP_LEASES, {
      net: await this.resolve(target),
      mac: mac ?? null,
      needResults: 1,
      flags: 0,
    });
    return leases.map(toDhcpLease);
  }

  /**
   * Changes part of a network's config in place (`virNetworkUpdate`). Daemons older than the fix
   * for swapped arguments expect `command` and `section` the other way round; we ask once per
   * connection which order the daemon wants, as libvirt's own client does.
   */
  async updateNetwork(target: NetworkTarget, update: NetworkUpdate): Promise<void> {
    const net = await this.resolve(target);
    this.updateOrderCorrect ??= await this.supportsFeature(DriverFeature.NETWORK_UPDATE_HAS_CORRECT_ORDER);
    const [command, section] = this.updateOrderCorrect
      ? [update.command, update.section]
      : [update.section, update.command];
    await this.call(Procedures.NETWORK_UPDATE, {
      net,
      command,
      section,
      parentIndex: update.parentIndex,
      xml: update.xml,
      flags: update.flags,
    });
  }

  // ---- domains (to map bridge ports to VMs) ------------------------------------------------

  /** Every domain (running or not). */
  async listDomains(): Promise<DomainId[]> {
    const { domains } = await this.call(Procedures.CONNECT_LIST_ALL_DOMAINS, { needResults: 1, flags: 0 });
    return domains.map((d) => ({ name: d.name, uuid: formatUuid(d.uuid), id: d.id }));
  }

  /** A domain's XML (live when running). */
  async getDomainXml(domain: DomainId): Promise<string> {
    const dom: DomainRef = { name: domain.name, uuid: parseUuid(domain.uuid), id: domain.id };
    return (await this.call(Procedures.DOMAIN_GET_XML_DESC, { dom, flags: 0 })).xml;
  }

  // ---- events ----------------------------------------------------------------------------------

  /**
   * Registers for network lifecycle events (once per connection, again after every reconnect);
   * they arrive as `networkLifecycle` events. Idempotent.
   */
  async watchNetworkEvents(): Promise<void> {
    this.watchingEvents = true;
    if (this.lifecycleCallbackId !== undefined) return;
    await (this.registering ??= this.registerLifecycle(this.connection).finally(() => {
      this.registering = undefined;
    }));
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Closes the connection for good: no reconnect; pending calls fail. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.wakeReconnect?.();
    if (wasOpen && !this.connection.closed) {
      // Tell the daemon politely, but never hang on a daemon that does not answer.
      await this.connection.call(Procedures.CONNECT_CLOSE, undefined, { timeoutMs: 1000 }).catch(() => undefined);
    }
    this.connection.destroy();
  }

  private call<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
    if (this.state !== 'open') {
      const why =
        this.state === 'closed' ? 'the client was closed' : 'the connection to libvirtd is down (reconnecting)';
      return Promise.reject(new LibvirtConnectionError('not-connected', `cannot call ${procedure.name}: ${why}`));
    }
    return this.connection.call(procedure, args);
  }

  private async resolve(target: NetworkTarget): Promise<NetworkRef> {
    if (typeof target === 'string') {
      return (await this.call(Procedures.NETWORK_LOOKUP_BY_NAME, { name: target })).net;
    }
    return { name: target.name, uuid: parseUuid(target.uuid) };
  }

  private adopt(connection: RpcConnection): void {
    this.connection = connection;
    this.lifecycleCallbackId = undefined;
    this.updateOrderCorrect = undefined;
    this.heldEvents = [];
    this.awaitingCallbackId = false;
    connection.on('message', (packet) => this.onServerMessage(packet));
    connection.once('close', (error) => this.onConnectionClosed(connection, error));
  }

  private async registerLifecycle(connection: RpcConnection): Promise<void> {
    this.awaitingCallbackId = true;
    let callbackID: number;
    try {
      ({ callbackID } = await connection.call(Procedures.CONNECT_NETWORK_EVENT_REGISTER_ANY, {
        eventID: NetworkEventId.LIFECYCLE,
        net: null,
      }));
    } finally {
      if (connection === this.connection) this.awaitingCallbackId = false;
    }
    if (connection !== this.connection) return;
    this.lifecycleCallbackId = callbackID;
    // Events that came in before this reply told us our callback ID.
    const held = this.heldEvents;
    this.heldEvents = [];
    for (const packet of held) this.onServerMessage(packet);
  }

  private onServerMessage(packet: Packet): void {
    if (packet.header.procedure !== EventMessages.NETWORK_EVENT_LIFECYCLE.number) return;
    let message;
    try {
      message = decodeValue(EventMessages.NETWORK_EVENT_LIFECYCLE.reply, packet.payload, 'network lifecycle event');
    } catch {
      return; // A malformed event is dropped; replies are unaffected.
    }
    if (this.lifecycleCallbackId === undefined) {
      // Registration in flight: the event may be ours; keep it (a copy — the payload buffer is reused) until we know.
      if (this.awaitingCallbackId)
        this.heldEvents.push({ header: packet.header, payload: Buffer.from(packet.payload) });
      return;
    }
    if (message.callbackID !== this.lifecycleCallbackId) return;
    this.emit('networkLifecycle', toLifecycleEvent(message));
  }

  private onConnectionClosed(connection: RpcConnection, error: LibvirtConnectionError): void {
    if (connection !== this.connection || this.state !== 'open') return;
    this.lifecycleCallbackId = undefined;
    if (this.options.reconnect === false) {
      this.state = 'closed';
      this.emit('disconnected', error);
      return;
    }
    this.state = 'reconnecting';
    this.emit('disconnected', error);
    void this.reconnectLoop();
  }

  private async reconnectLoop(): Promise<void> {
    const backoff = this.options.reconnect || DEFAULT_RECONNECT;
    let delay = backoff.initialDelayMs;
    for (let attempt = 1; this.state === 'reconnecting'; attempt++) {
      await new Promise<void>((resolve) => {
        this.wakeReconnect = resolve;
        this.reconnectTimer = setTimeout(resolve, delay);
      });
      if (this.state !== 'reconnecting') return;
      try {
        const connection = await openSession(this.uri, this.options);
        if (this.state !== 'reconnecting') {
          connection.destroy();
          return;
        }
        this.adopt(connection);
        if (this.watchingEvents) await this.registerLifecycle(connection);
        this.state = 'open';
        this.emit('reconnected');
        return;
      } catch (error) {
        if (!this.connection.closed && this.state === 'reconnecting') this.connection.destroy();
        // Full jitter keeps a fleet of workers from reconnecting in lockstep after a daemon restart.
        delay = Math.min(backoff.maxDelayMs, delay * 2);
        const nextDelayMs = Math.round(delay / 2 + Math.random() * (delay / 2));
        this.emit('reconnectFailed', {
          attempt,
          error: error instanceof Error ? error : new Error(String(error)),
          nextDelayMs,
        });
        delay = nextDelayMs;
      }
    }
  }
}

/**
 * Connects a transport and runs the open sequence: AUTH_LIST (and AUTH_POLKIT when asked),
 * CONNECT_OPEN, then keepalive if the daemon supports it.
 */
async function openSession(uri: LibvirtUri, options: LibvirtClient['options']): Promise<RpcConnection> {
  const stream = await openTransport(uri, { connectTimeoutMs: options.connectTimeoutMs, tls: options.tls });
  const connection = new RpcConnection(stream, {
    callTimeoutMs: options.callTimeoutMs,
    oneMessagePerWrite: uri.transport === 'tls',
  });
  const timeout = { timeoutMs: options.connectTimeoutMs };
  try {
    // AUTH_LIST comes first even for root: the daemon only waves uid 0 through inside this call.
    const { types } = await connection.call(Procedures.AUTH_LIST, undefined, timeout);
    if (types.length > 0 && !types.includes(AuthType.NONE)) {
      if (!types.includes(AuthType.POLKIT)) {
        throw new LibvirtConnectionError(
          'auth-failed',
          `libvirtd at ${uri.original} requires SASL authentication, which this client does not support`,
        );
      }
      const { complete } = await connection.call(Procedures.AUTH_POLKIT, undefined, timeout);
      if (!complete)
        throw new LibvirtConnectionError('auth-failed', `polkit did not authorise this process for ${uri.original}`);
    }
    await connection.call(Procedures.CONNECT_OPEN, { name: uri.openName, flags: 0 }, timeout);
    const keepalive = options.keepalive === undefined ? DEFAULT_KEEPALIVE : options.keepalive;
    if (keepalive) {
      // Asking about the feature is also what turns the daemon's own pings on.
      const { supported } = await connection.call(
        Procedures.CONNECT_SUPPORTS_FEATURE,
        { feature: DriverFeature.PROGRAM_KEEPALIVE },
        timeout,
      );
      if (supported) connection.startKeepalive(keepalive);
    }
    return connection;
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

function toNetworkId(net: NetworkRef): NetworkId {
  return { name: net.name, uuid: formatUuid(net.uuid) };
}

function toDhcpLease(lease: RemoteDhcpLease): DhcpLease {
  return {
    iface: lease.iface,
    expiryTime: Number(lease.expirytime),
    type: lease.type === 1 ? 'ipv6' : 'ipv4',
    mac: lease.mac,
    iaid: lease.iaid,
    ipAddress: lease.ipaddr,
    prefix: lease.prefix,
    hostname: lease.hostname,
    clientId: lease.clientid,
  };
}
