import { type Socket, createConnection } from 'node:net';
import { LibvirtConnectionError } from '../errors.js';

/** Connects to a local libvirtd unix socket. */
export function connectUnix(socketPath: string, timeoutMs: number): Promise<Socket> {
  return connectSocket(() => createConnection({ path: socketPath }), `unix socket ${socketPath}`, timeoutMs);
}

/** Plain TCP (libvirt's `+tcp` transport; unencrypted, for trusted networks only). */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return connectSocket(() => createConnection({ host, port, noDelay: true }), `${host}:${port}`, timeoutMs);
}

/** Waits for a socket to connect, failing with a clear error on refusal or timeout. */
export function connectSocket(
  open: () => Socket,
  where: string,
  timeoutMs: number,
  readyEvent = 'connect',
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = open();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new LibvirtConnectionError(
          'connect-failed',
          `could not connect to libvirtd at ${where} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(
        new LibvirtConnectionError('connect-failed', `could not connect to libvirtd at ${where}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    socket.once('error', onError);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
