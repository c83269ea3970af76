/**
 * The audit log on a real Redis (127.0.0.1:6379): every test gets its own key prefix and its keys
 * are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../src/audit/index.js';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

let redis: Redis;
let prefix: string;
let key: string;

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis.quit();
});

beforeEach(() => {
  prefix = `vnt-audit-${randomUUID().slice(0, 8)}`;
  key = `${prefix}:audit`;
});

afterEach(async () => {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
});

/** Every field of every entry as stored, for checks that must see what Redis really holds. */
async function rawStream(): Promise<string> {
  return JSON.stringify(await redis.xrange(key, '-', '+'));
}

describe('AuditLog', () => {
  it('gives entries back newest first, every field as written', async () => {
    const log = new AuditLog(redis, prefix);
    const command: AuditEntry = {
      at: T0,
      actor: 'U0ALICE01',
      action: 'command',
      command: '/vnet create nat lab1',
      hostId: 'kvm1',
      network: 'lab1',
      jobId: 'job-1',
    };
    const approved: AuditEntry = {
      at: T0 + 1000,
      actor: 'U0BOB0001',
      action: 'approved',
      hostId: 'kvm1',
      network: 'lab1',
      jobId: 'job-1',
      outcome: 'approved',
    };
    const result: AuditEntry = {
      at: T0 + 2000,
      actor: 'vnetops',
      action: 'result',
      hostId: 'kvm1',
      network: 'lab1',
      jobId: 'job-1',
      uuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b',
      outcome: 'done',
      detail: 'created and started',
    };

    const ids = [await log.append(command), await log.append(approved), await log.append(result)];

    expect(await log.latest(10)).toEqual([
      { id: ids[2], ...result },
      { id: ids[1], ...approved },
      { id: ids[0], ...command },
    ]);
    expect(await log.latest(2)).toEqual([
      { id: ids[2], ...result },
      { id: ids[1], ...approved },
    ]);
  });

  it('is empty before anything is written', async () => {
    expect(await new AuditLog(redis, prefix).latest(5)).toEqual([]);
  });

  it('never stores a token, a URL password or a named password', async () => {
    const log = new AuditLog(redis, prefix);

    await log.append({
      at: T0,
      actor: 'U0ALICE01',
      action: 'command',
      command: '/vnet create nat lab1 --reason "xoxb-1234567890-0987654321-AbCdEfGhIjKl leaked"',
      detail: 'worker said: redis://default:sup3rs3cret@10.0.0.5:6379 refused; password=hunter2',
      outcome: 'failed with xapp-1-A0B1-123-deadbeef',
    });

    const stored = await rawStream();
    for (const secret of ['1234567890-0987654321-AbCdEfGhIjKl', 'sup3rs3cret', 'hunter2', 'A0B1-123-deadbeef'])
      expect(stored).not.toContain(secret);
    expect(await log.latest(1)).toEqual([
      expect.objectContaining({
        command: '/vnet create nat lab1 --reason "xoxb-[redacted] leaked"',
        detail: 'worker said: redis://default:[redacted]@10.0.0.5:6379 refused; password=[redacted]',
        outcome: 'failed with xapp-[redacted]',
      }),
    ]);
  });

  it('caps the length of every text field', async () => {
    const log = new AuditLog(redis, prefix);

    await log.append({
      at: T0,
      actor: 'U0ALICE01',
      action: 'result',
      detail: 'e'.repeat(5000),
      command: 'c'.repeat(5000),
    });

    const [entry] = await log.latest(1);
    expect(entry?.detail).toHaveLength(1000);
    expect(entry?.command).toHaveLength(500);
    expect(entry?.detail?.endsWith('…')).toBe(true);
  });

  it('refuses an entry without an actor, with an unknown action or a bad time', async () => {
    const log = new AuditLog(redis, prefix);

    await expect(log.append({ at: T0, actor: '  ', action: 'command' })).rejects.toThrow('audit entry needs an actor');
    await expect(log.append({ at: T0, actor: 'U0ALICE01', action: 'deleted' as AuditEntry['action'] })).rejects.toThrow(
      'unknown audit action "deleted"',
    );
    await expect(log.append({ at: Number.NaN, actor: 'U0ALICE01', action: 'command' })).rejects.toThrow(
      'audit entry time must be ms since epoch',
    );
    expect(await redis.exists(key)).toBe(0);
  });

  it('trims itself to about maxLength entries, keeping the newest', async () => {
    const maxLength = 50;
    const log = new AuditLog(redis, prefix, { maxLength });
    // Approximate trimming removes whole stream nodes only, so up to one node's worth more may stay.
    const [, nodeEntries] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];

    for (let index = 0; index < 600; index += 1)
      await log.append({ at: T0 + index, actor: 'U0ALICE01', action: 'command', command: `n${index}` });

    const length = await redis.xlen(key);
    expect(length).toBeGreaterThanOrEqual(maxLength);
    expect(length).toBeLessThanOrEqual(maxLength + Number(nodeEntries));
    expect((await log.latest(3)).map((entry) => entry.command)).toEqual(['n599', 'n598', 'n597']);
  });

  it('reads entries written by other versions: unknown fields ignored, unreadable entries skipped', async () => {
    const log = new AuditLog(redis, prefix);
    const oldest = await log.append({ at: T0, actor: 'U0ALICE01', action: 'command', command: '/vnet list' });
    await redis.xadd(
      key,
      '*',
      'at',
      String(T0 + 1),
      'actor',
      'U0BOB0001',
      'action',
      'mute',
      'network',
      'lab1',
      'severity',
      'high',
    );
    await redis.xadd(key, '*', 'at', String(T0 + 2), 'action', 'command');
    await redis.xadd(key, '*', 'at', 'yesterday', 'actor', 'U0BOB0001', 'action', 'command');
    await redis.xadd(key, '*', 'at', String(T0 + 3), 'actor', 'U0BOB0001', 'action', 'teleport');
    await redis.xadd(key, '*', 'just', 'noise');

    const entries = await log.latest(2);

    expect(entries.map(({ id: _id, ...entry }) => entry)).toEqual([
      { at: T0 + 1, actor: 'U0BOB0001', action: 'mute', network: 'lab1' },
      { at: T0, actor: 'U0ALICE01', action: 'command', command: '/vnet list' },
    ]);
    expect(entries[1]?.id).toBe(oldest);
  });

  it('pages past many unreadable entries to fill the limit', async () => {
    const log = new AuditLog(redis, prefix);
    await log.append({ at: T0, actor: 'U0ALICE01', action: 'command', command: 'first' });
    for (let index = 0; index < 250; index += 1) await redis.xadd(key, '*', 'garbage', String(index));
    await log.append({ at: T0 + 1, actor: 'U0ALICE01', action: 'command', command: 'last' });

    expect((await log.latest(5)).map((entry) => entry.command)).toEqual(['last', 'first']);
  });
});
