import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { LibvirtConnectionError } from '../errors.js';
import { connectSocket } from './unix.js';

/** Certificates for a TLS connection; PEM text. */
export interface TlsCredentials {
  ca: string;
  cert?: string;
  key?: string;
}

/** Where libvirt keeps its client PKI files: `pkipath`, else ~/.pki/libvirt for non-root, else /etc/pki. */
export function defaultPkiPaths(pkipath: string | undefined): { ca: string; cert: string; key: string } {
  if (pkipath)
    return {
      ca: join(pkipath, 'cacert.pem'),
      cert: join(pkipath, 'clientcert.pem'),
      key: join(pkipath, 'clientkey.pem'),
    };
  if (process.getuid && process.getuid() !== 0) {
    const dir = join(homedir(), '.pki', 'libvirt');
    if (existsSync(join(dir, 'cacert.pem')))
      return { ca: join(dir, 'cacert.pem'), cert: join(dir, 'clientcert.pem'), key: join(dir, 'clientkey.pem') };
  }
  return {
    ca: '/etc/pki/CA/cacert.pem',
    cert: '/etc/pki/libvirt/clientcert.pem',
    key: '/etc/pki/libvirt/private/clientkey.pem',
  };
}

/** Reads the PKI files libvirt would use; the client certificate is optional. */
export function loadTlsCredentials(pkipath: string | undefined): TlsCredentials {
  const paths = defaultPkiPaths(pkipath);
  if (!existsSync(paths.ca))
    throw new LibvirtConnectionError(
      'connect-failed',
      `TLS needs the CA certificate at ${paths.ca} (set pkipath= in the URI to use another folder)`,
    );
  const credentials: TlsCredentials = { ca: readFileSync(paths.ca, 'utf8') };
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    credentials.cert = readFileSync(paths.cert, 'utf8');
    credentials.key = readFileSync(paths.key, 'utf8');
  }
  return credentials;
}

/** Options of a TLS connection. */
export interface TlsConnectOptions {
  host: string;
  port: number;
  credentials: TlsCredentials;
  /** Skip server certificate checks (libvirt's `no_verify=1`). */
  noVerify: boolean;
  timeoutMs: number;
}

/**
 * Connects with TLS and waits for libvirtd's one-byte verdict: after the handshake the daemon
 * checks our certificate and address and sends `\x01` if it accepts us, before any RPC traffic.
 */
export async function connectTls(options: TlsConnectOptions): Promise<TLSSocket> {
  const where = `${options.host}:${options.port} (TLS)`;
  const socket = (await connectSocket(
    () =>
      tlsConnect({
        host: options.host,
        port: options.port,
        servername: isIpAddress(options.host) ? undefined : options.host,
        ca: options.credentials.ca,
        cert: options.credentials.cert,
        key: options.credentials.key,
        rejectUnauthorized: !options.noVerify,
      }),
    where,
    options.timeoutMs,
    'secureConnect',
  )) as TLSSocket;
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const fail = (message: string): void => {
      socket.destroy();
      reject(new LibvirtConnectionError('auth-failed', message));
    };
    const timer = setTimeout(
      () => fail(`libvirtd at ${where} sent no TLS verdict within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    socket.once('close', () => {
      clearTimeout(timer);
      fail(`libvirtd at ${where} closed the connection after the TLS handshake: it refused our certificate or address`);
    });
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      socket.removeAllListeners('close');
      socket.pause();
      if (chunk[0] !== 1) {
        fail(`libvirtd at ${where} refused our certificate or address (server verification failed)`);
        return;
      }
      if (chunk.length > 1) socket.unshift(chunk.subarray(1));
      resolve();
    });
  });
  return socket;
}

function isIpAddress(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}
