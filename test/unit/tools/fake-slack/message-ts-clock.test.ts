import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageTsClock } from '../../../../tools/fake-slack/message-ts-clock.js';

describe('Slack message timestamps', () => {
  it('are "<unix seconds>.<6 digits>" of the current time', () => {
    expect(new MessageTsClock(() => 1_700_000_000_123).next()).toBe('1700000000.123000');
  });

  it('are strictly increasing whatever the clock does (same millisecond, or going back)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }), { minLength: 2, maxLength: 200 }),
        (times) => {
          let index = 0;
          const clock = new MessageTsClock(() => times[Math.min(index++, times.length - 1)]!);
          const stamps = times.map(() => clock.next());
          const asMicros = stamps.map((ts) => BigInt(ts.replace('.', '')));
          return (
            stamps.every((ts) => /^\d{10}\.\d{6}$/.test(ts)) &&
            asMicros.every((value, i) => i === 0 || value > asMicros[i - 1]!)
          );
        },
      ),
    );
  });
});
