/**
 * The one redis-server shared by all sandbox hosts of a base folder. It listens on a unix socket only:
 * processes inside a sandbox's network namespace see just their own loopback, but unix sockets cross
 * network namespaces. It never touches the machine's own Redis on 127.0.0.1:6379.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { commandPath } from './prerequisites.js';
import {
  endProcess,
  isPidRunning,
  isRunning,
  pollUntil,
  spawnDetached,
  tailOfFile,
  type ProcessRef,
} from './processes.js';

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const LOCK_TIMEOUT_MS = 60_000;

/** The shared Redis of a base folder, as recorded in `<baseDir>/redis.json`. */
export interface SharedRedisRecord {
  readonly process: ProcessRef;
  readonly socketPath: string;
}

/** Where the shared Redis of `baseDir` keeps its socket, log, record and lock. */
export function sharedRedisPaths(baseDir: string): {
  socketPath: string;
  logPath: string;
  recordPath: string;
  lockPath: string;
} {
  return {
    socketPath: join(baseDir, 'redis.sock'),
    logPath: join(baseDir, 'redis.log'),
    recordPath: join(baseDir, 'redis.json'),
    lockPath: join(baseDir, 'redis.lock'),
  };
}

/** The recorded shared Redis of `baseDir`, if one was started and is still running. */
export function runningSharedRedis(baseDir: string): SharedRedisRecord | undefined {
  const record = readRecord(sharedRedisPaths(baseDir).recordPath);
  return record && isRunning(record.process) ? record : undefined;
}

function readRecord(recordPath: string): SharedRedisRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath, 'utf8')) as SharedRedisRecord;
  } catch {
    return undefined;
  }
}

/**
 * Runs `action` while holding `<baseDir>/redis.lock`, so that starting the shared Redis and stopping it
 * when its last host goes away never interleave, also across processes. A lock left by a dead process
 * is taken over.
 */
async function withBaseDirLock<T>(lockPath: string, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(lockPath, 'utf8'));
    } catch {
      continue; // released between our attempt and the read
    }
    // An empty file means the holder is still writing its pid.
    if (holder > 0 && holder !== process.pid && !isPidRunning(holder)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `waited ${LOCK_TIMEOUT_MS / 1000} s for ${lockPath}, held by pid ${holder}; delete the file if that process is gone`,
      );
    }
    await delay(50);
  }
  try {
    return await action();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** True when a Redis answers PING on the unix socket. */
function answersPing(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: socketPath });
    let reply = '';
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

function removeRedisFiles(baseDir: string): void {
  const { socketPath, logPath, recordPath } = sharedRedisPaths(baseDir);
  for (const path of [socketPath, logPath, recordPath]) rmSync(path, { force: true });
}

/**
 * Makes sure the shared Redis of `baseDir` runs and answers; starts it when needed.
 * Resolves with its unix socket path.
 */
export async function ensureSharedRedis(baseDir: string): Promise<string> {
  const paths = sharedRedisPaths(baseDir);
  return withBaseDirLock(paths.lockPath, async () => {
    const recorded = readRecord(paths.recordPath);
    if (recorded && isRunning(recorded.process)) {
      if (await answersPing(recorded.socketPath)) return recorded.socketPath;
      await endProcess(recorded.process, STOP_GRACE_MS);
    }
    removeRedisFiles(baseDir);
    const redis = await spawnDetached(
      commandPath('redis-server'),
      [
        '--port',
        '0',
        '--unixsocket',
        paths.socketPath,
        '--unixsocketperm',
        '700',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
      ],
      paths.logPath,
      baseDir,
    );
    const record: SharedRedisRecord = { process: redis, socketPath: paths.socketPath };
    writeFileSync(`${paths.recordPath}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${paths.recordPath}.tmp`, paths.recordPath);
    const ready = await pollUntil(
      async () => !isRunning(redis) || (await answersPing(paths.socketPath)),
      READY_TIMEOUT_MS,
    );
    if (!ready || !isRunning(redis)) {
      const log = tailOfFile(paths.logPath);
      await endProcess(redis, STOP_GRACE_MS);
      removeRedisFiles(baseDir);
      throw new Error(
        `the shared redis-server did not answer on ${paths.socketPath} within ${READY_TIMEOUT_MS / 1000} s; its log ends with:\n${log}`,
      );
    }
    return paths.socketPath;
  });
}

/**
 * Stops the shared Redis of `baseDir` and removes its files, unless `stillInUse()` says some sandbox
 * host still needs it (asked while holding the lock, so a host starting meanwhile is not left without).
 */
export async function releaseSharedRedisIfUnused(baseDir: string, stillInUse: () => boolean): Promise<void> {
  const paths = sharedRedisPaths(baseDir);
  await withBaseDirLock(paths.lockPath, async () => {
    if (stillInUse()) return;
    const recorded = readRecord(paths.recordPath);
    if (recorded) await endProcess(recorded.process, STOP_GRACE_MS);
    removeRedisFiles(baseDir);
  });
}
