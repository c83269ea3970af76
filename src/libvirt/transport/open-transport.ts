import type { Duplex } from 'node:stream';
import { DEFAULT_TCP_PORT, DEFAULT_TLS_PORT, type LibvirtUri } from '../uri.js';
import { connectSsh } from './ssh.js';
import { type TlsCredentials, connectTls, loadTlsCredentials } from './tls.js';
import { connectTcp, connectUnix } from './unix.js';

/** Transport options beyond what the URI says. */
export interface TransportOptions {
  connectTimeoutMs: number;
  /** TLS certificates given directly instead of read from the PKI folders. */
  tls?: TlsCredentials;
}

/** Opens the byte stream a URI asks for. */
export async function openTransport(uri: LibvirtUri, options: TransportOptions): Promise<Duplex> {
  switch (uri.transport) {
    case 'unix':
      return connectUnix(uri.socketPath, options.connectTimeoutMs);
    case 'tcp':
      return connectTcp(uri.host ?? 'localhost', uri.port ?? DEFAULT_TCP_PORT, options.connectTimeoutMs);
    case 'tls':
      return connectTls({
        host: uri.host ?? 'localhost',
        port: uri.port ?? DEFAULT_TLS_PORT,
        credentials: options.tls ?? loadTlsCredentials(uri.params.pkipath),
        noVerify: uri.params.no_verify === '1',
        timeoutMs: options.connectTimeoutMs,
      });
    case 'ssh':
      return connectSsh(uri);
  }
}
