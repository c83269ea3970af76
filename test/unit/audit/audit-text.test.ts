import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditSafeText } from '../../../src/audit/index.js';

describe('auditSafeText', () => {
  it.each([
    ['a Slack bot token', 'rotate xoxb-1234-5678-AbCdEf now', 'rotate xoxb-[redacted] now'],
    ['an app-level token', 'token is xapp-1-A0-99-ff00', 'token is xapp-[redacted]'],
    [
      'a password in a Redis URL',
      'cannot reach rediss://default:s3cr3t@redis.lab:6380',
      'cannot reach rediss://default:[redacted]@redis.lab:6380',
    ],
    ['a bearer credential', 'Authorization: Bearer abcdefghijklmnop1234', 'Authorization: Bearer [redacted]'],
    ['a named password', '--reason "password=hunter2 was in the XML"', '--reason "password=[redacted] was in the XML"'],
    ['a quoted api key', "api_key: 'k-123 456'", 'api_key: [redacted]'],
    ['a signing secret', 'signing_secret=8f14e45fceea167a', 'signing_secret=[redacted]'],
  ])('replaces %s', (_kind, text, expected) => {
    expect(auditSafeText(text, 1000)).toBe(expected);
  });

  it('leaves ordinary command text alone', () => {
    const text = '/vnet create nat lab1 --subnet 10.20.0.0/24 --reason "token rotation test"';

    expect(auditSafeText(text, 1000)).toBe(text);
  });

  it('turns control characters into spaces, so an entry is one line', () => {
    expect(auditSafeText('line one\nline two\r\n\u0007end', 100)).toBe('line one line two end');
  });

  it('cuts long text to the limit, marking the cut', () => {
    const cut = auditSafeText('x'.repeat(50), 10);

    expect(cut).toBe(`${'x'.repeat(9)}…`);
    expect(cut).toHaveLength(10);
  });

  it('never lets a token through, wherever the cut falls', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.stringMatching(/^[A-Za-z0-9]{12,40}$/),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        (before, secret, after, limit) => {
          const stored = auditSafeText(`${before} xoxb-${secret} ${after}`, limit);
          expect(stored).not.toContain(secret);
          expect(stored.length).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});
