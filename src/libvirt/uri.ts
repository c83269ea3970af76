/**
 * Parses libvirt connection URIs the way libvirt's remote driver reads them:
 * `driver[+transport]://[user@][host][:port]/path[?params]`.
 */

/** How the bytes travel. */
export type TransportKind = 'unix' | 'tls' | 'tcp' | 'ssh';

/** What a libvirt URI says about where and how to connect. */
export interface LibvirtUri {
  /** The URI as given. */
  readonly original: string;
  /** Hypervisor/driver part of the scheme: `qemu`, `test`, `network`, … */
  readonly driver: string;
  readonly transport: TransportKind;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  /** Path part, e.g. `/system`. */
  readonly path: string;
  /** Unix socket (local, or on the far side for ssh). */
  readonly socketPath: string;
  /** The URI the daemon is asked to open (transport, host and client-side parameters removed). */
  readonly openName: string;
  /** Query parameters (all of them, decoded). */
  readonly params: Readonly<Record<string, string>>;
}

/** A URI that cannot be used, with a message for the person who wrote it. */
export class LibvirtUriError extends Error {
  override readonly name = 'LibvirtUriError';
}

/** The system daemon's socket (libvirtd or virtproxyd). */
export const DEFAULT_SYSTEM_SOCKET = '/run/libvirt/libvirt-sock';
/** libvirt's default TLS and TCP ports. */
export const DEFAULT_TLS_PORT = 16514;
export const DEFAULT_TCP_PORT = 16509;

// Parameters consumed by the client side (libvirt's remote driver); never forwarded to the daemon.
const CLIENT_SIDE_PARAMS = new Set([
  'name',
  'command',
  'socket',
  'auth',
  'netcat',
  'keyfile',
  'sshauth',
  'no_verify',
  'no_tty',
  'pkipath',
  'known_hosts',
  'known_hosts_verify',
  'tls_priority',
  'mode',
  'proxy',
]);

const TRANSPORTS: Record<string, TransportKind> = {
  unix: 'unix',
  tls: 'tls',
  tcp: 'tcp',
  ssh: 'ssh',
  libssh: 'ssh',
  libssh2: 'ssh',
};

/** Parses a libvirt URI; throws {@link LibvirtUriError} with a precise reason when it can't be used. */
export function parseLibvirtUri(text: string): LibvirtUri {
  const match = /^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\/(.*)$/i.exec(text.trim());
  if (!match) throw new LibvirtUriError(`not a libvirt URI: ${JSON.stringify(text)} (expected e.g. qemu:///system)`);
  const [, driverPart, transportPart, rest] = match as unknown as [string, string, string | undefined, string];
  const driver = driverPart.toLowerCase();
  let url: URL;
  try {
    // Parse the authority/path/query with WHATWG URL under a neutral scheme.
    url = new URL(`libvirt://${rest}`);
  } catch {
    throw new LibvirtUriError(`cannot parse the host or path of ${JSON.stringify(text)}`);
  }
  const host = url.hostname === '' ? undefined : url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? undefined : Number(url.port);
  const user = url.username === '' ? undefined : decodeURIComponent(url.username);
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) params[key] = value;

  let transport: TransportKind;
  if (transportPart !== undefined) {
    const known = TRANSPORTS[transportPart.toLowerCase()];
    if (!known)
      throw new LibvirtUriError(
        `unsupported transport "+${transportPart}" in ${JSON.stringify(text)} (use unix, tls, tcp or ssh)`,
      );
    transport = known;
  } else {
    // libvirt's rule: a host without an explicit transport means TLS.
    transport = host ? 'tls' : 'unix';
  }
  if (transport !== 'unix' && !host)
    throw new LibvirtUriError(`${JSON.stringify(text)} needs a host name for the ${transport} transport`);

  const path = url.pathname === '' ? '/' : decodeURIComponent(url.pathname);
  const socketPath = params.socket ?? DEFAULT_SYSTEM_SOCKET;
  if (!socketPath.startsWith('/')) throw new LibvirtUriError(`socket=${socketPath} must be an absolute path`);

  const forwarded = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (!CLIENT_SIDE_PARAMS.has(key)) forwarded.append(key, value);
  const query = forwarded.toString();
  const openName = params.name ?? `${driver}://${path}${query ? `?${query}` : ''}`;

  return Object.freeze({
    original: text,
    driver,
    transport,
    host,
    port,
    user,
    path,
    socketPath,
    openName,
    params: Object.freeze(params),
  });
}
