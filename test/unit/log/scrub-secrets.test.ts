import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../../src/log/index.js';

describe('scrubSecrets', () => {
  it.each([
    ['bot token xoxb-123-456-AbC', 'bot token xoxb-[redacted]'],
    ['user xoxp-1-2-3-ff and legacy xoxa-2-abc', 'user xoxp-[redacted] and legacy xoxa-[redacted]'],
    [
      'workspace xoxo-9, session xoxs-9, refresh xoxr-9',
      'workspace xoxo-[redacted], session xoxs-[redacted], refresh xoxr-[redacted]',
    ],
    [
      'config token xoxe.xoxp-1-Mi0y and refresh xoxe-1-My0x',
      'config token xoxe.xoxp-[redacted] and refresh xoxe-[redacted]',
    ],
    ['app token=xapp-1-A0123-4567-0a1b2c', 'app token=xapp-[redacted]'],
    ['"token":"xoxb-1-2-abc"', '"token":"xoxb-[redacted]"'],
    ['rediss://default:s3cret@redis.lab:6380/0', 'rediss://default:[redacted]@redis.lab:6380/0'],
    ['redis://:p4ss@127.0.0.1', 'redis://:[redacted]@127.0.0.1'],
    ['Authorization: Bearer ghp_0123456789abcdefABCDEF', 'Authorization: Bearer [redacted]'],
    [
      'key "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIA==\\n-----END PRIVATE KEY-----\\n"',
      'key "-----BEGIN PRIVATE KEY-----[redacted]-----END PRIVATE KEY-----\\n"',
    ],
  ])('scrubs %j', (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it.each([
    'does not look like a bot token (must start with xoxb-)',
    'Bearer tokens are sent by the WebClient',
    'qemu+ssh://root@kvm1/system',
    'http://fake-slack:9999/api/chat.postMessage',
    'network lab2 on host kvm1 (10.0.0.0/16)',
  ])('leaves %j alone', (text) => {
    expect(scrubSecrets(text)).toBe(text);
  });

  it('removes any Slack-shaped token from any surrounding text, and is idempotent', () => {
    const token = fc
      .tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xapp-', 'xoxe.xoxp-'), fc.stringMatching(/^[A-Za-z0-9-]{1,80}$/))
      .map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(fc.string(), token, fc.string(), (before, secret, after) => {
        const scrubbed = scrubSecrets(`${before}${secret} ${after}`);

        expect(scrubbed).not.toContain(secret);
        expect(scrubSecrets(scrubbed)).toBe(scrubbed);
      }),
    );
  });
});
