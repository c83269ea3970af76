import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { OwnedProcess } from '../processes/child-process.js';

/** Where the demo's processes find Redis, and whether the demo started it. */
export type DemoRedis =
  | { url: string; socketPath?: undefined; own?: undefined }
  | { socketPath: string; url?: undefined; own?: OwnedProcess };

/** True when a Redis answers PING at `target` within `timeoutMs`. */
export async function redisAnswers(
  target: { host: string; port: number } | { path: string },
  timeoutMs = 1_000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(target);
    let answer = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Starts a Redis of the demo's own on a unix socket in `dir` (no TCP port, nothing saved), for when
 * none is configured or reachable; it is stopped with the demo.
 */
export async function startOwnRedis(
  dir: string,
  signal?: AbortSignal,
  redisServer = 'redis-server',
): Promise<DemoRedis> {
  const socketPath = join(dir, 'redis.sock');
  const own = OwnedProcess.start(
    redisServer,
    [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--unixsocketperm',
      '700',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    {
      name: 'Redis',
      logPath: join(dir, 'redis.log'),
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      detached: true,
    },
  );
  try {
    await own.waitUntil(
      async () => existsSync(socketPath) && (await redisAnswers({ path: socketPath })),
      'answering on its socket',
      15_000,
      signal,
    );
  } catch (error) {
    await own.stop(5_000);
    throw error;
  }
  return { socketPath, own };
}

/** Host and port of a `redis://` URL (TCP only; `rediss://` has TLS the probe does not speak). */
export function tcpTargetOf(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'redis:') return undefined;
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 6379) };
  } catch {
    return undefined;
  }
}
