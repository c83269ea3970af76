import { describe, expect, it } from 'vitest';
import { SeenTriggers } from '../../../src/app/seen-triggers.js';

describe('seen trigger ids (the ack-time replay check)', () => {
  it('takes a new trigger id and answers a second sighting with the first job id, recording nothing new', () => {
    const seen = new SeenTriggers();
    expect(seen.take('t1', 'jaaa')).toBeUndefined();
    expect(seen.take('t1', 'jbbb')).toBe('jaaa');
    expect(seen.take('t1', 'jccc')).toBe('jaaa');
    expect(seen.take('t2', 'jddd')).toBeUndefined();
    expect(seen.size).toBe(2);
  });

  it('forgets a trigger id once it is older than the memory span, oldest first', () => {
    let now = 1_000;
    const seen = new SeenTriggers(600_000, 100, () => now);
    seen.take('old', 'j1');
    now += 300_000;
    seen.take('newer', 'j2');
    now += 300_000; // "old" is exactly 10 minutes old now
    expect(seen.take('old', 'j3')).toBeUndefined();
    expect(seen.take('newer', 'j4')).toBe('j2');
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const seen = new SeenTriggers(600_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) seen.take(id, `j-${id}`);
    expect(seen.size).toBe(3);
    expect(seen.take('a', 'again')).toBeUndefined(); // dropped, so new again
    expect(seen.take('d', 'again')).toBe('j-d');
  });
});
