/**
 * The host registry on a real Redis (127.0.0.1:6379), with its own key prefix, deleted afterwards.
 * Time is passed in as `now`.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostRecord } from '../../src/contract/index.js';
import { HostRegistry } from '../../src/queue/index.js';

const NOW = Date.UTC(2030, 0, 1, 9, 0, 0);
let redis: Redis;
let prefix: string;
let registry: HostRegistry;

function record(hostId: string, silentForMs: number, heartbeatMs?: number): HostRecord {
  return {
    hostId,
    hostname: hostId,
    libvirtVersion: '9.0.0',
    networks: 0,
    libvirtConnected: true,
    lastHeartbeat: NOW - silentForMs,
    startedAt: NOW - 3_600_000,
    workerVersion: 'test',
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
  };
}

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  prefix = `host-registry-test-${randomUUID()}`;
  registry = new HostRegistry(redis, prefix);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('HostRegistry: when is a host down', () => {
  it("judges silence by the worker's own heartbeat interval when it beats slower than the default allows", async () => {
    await registry.publish(record('slow', 40_000, 30_000)); // 3 × 30 s allowed
    await registry.publish(record('old', 40_000)); // a record without the interval: 15 s allowed
    await registry.publish(record('fast', 10_000, 1_000)); // 3 × 1 s is less than the 15 s floor
    await registry.publish(record('gone', 100_000, 30_000));
    const up = Object.fromEntries((await registry.list(NOW)).map((host) => [host.hostId, host.up]));
    expect(up).toEqual({ fast: true, gone: false, old: false, slow: true });
  });
});

describe('HostRegistry: records are checked like any input', () => {
  it('skips a record that is not JSON, has the wrong shape or claims another host; keeps the rest', async () => {
    await registry.publish(record('good', 1_000, 1_000));
    await redis.hset(`${prefix}:hosts`, 'notjson', '{"hostId":');
    await redis.hset(`${prefix}:hosts`, 'wrongshape', JSON.stringify({ ...record('wrongshape', 0), networks: 'many' }));
    await redis.hset(`${prefix}:hosts`, 'spoof', JSON.stringify(record('good', 0)));
    await redis.hset(`${prefix}:hosts`, 'badid', JSON.stringify(record('Bad Id', 0)));
    const listed = (await registry.list(NOW)).map((host) => host.hostId);
    expect(listed).toContain('good');
    expect(listed.filter((id) => ['notjson', 'wrongshape', 'spoof', 'badid', 'Bad Id'].includes(id))).toEqual([]);
    expect(listed.filter((id) => id === 'good')).toHaveLength(1);
    expect(await registry.get('spoof', NOW)).toBeUndefined();
    expect(await registry.get('notjson', NOW)).toBeUndefined();
  });

  it('treats a malformed heartbeat interval as absent (the default allowance), and drops unknown fields', async () => {
    await redis.hset(
      `${prefix}:hosts`,
      'oddbeat',
      JSON.stringify({ ...record('oddbeat', 40_000), heartbeatMs: 'soon', extra: { nested: true } }),
    );
    const host = await registry.get('oddbeat', NOW);
    expect(host).toMatchObject({ hostId: 'oddbeat', up: false });
    expect(host?.heartbeatMs).toBeUndefined();
    expect(host).not.toHaveProperty('extra');
  });
});
