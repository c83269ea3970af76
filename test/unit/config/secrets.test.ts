import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../../src/config/index.js';
import { configErrorFrom, useConfigFiles } from './config-test-files.js';

const files = useConfigFiles();

/** Any text a secret might be; long enough that it cannot occur in a message by coincidence. */
const secretText = fc
  .string({ minLength: 12, maxLength: 64, unit: 'grapheme' })
  .filter((text) => text.trim().length >= 12);

/** Text shaped like a real Slack token, so the check is not won just by failing the prefix test. */
const tokenText = fc
  .tuple(fc.constantFrom('xoxb-', 'xapp-', 'xoxp-'), fc.stringMatching(/^[A-Za-z0-9-]{10,60}$/))
  .map(([prefix, rest]) => prefix + rest);

describe('secrets in configuration errors', () => {
  it('never repeats a secret from the environment, valid or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(secretText, tokenText),
        secretText,
        fc.oneof(secretText, tokenText),
        (botToken, signingSecret, appToken) => {
          const error = configErrorFrom(() =>
            loadBotConfig({
              env: {
                SLACK_BOT_TOKEN: botToken,
                SLACK_SIGNING_SECRET: signingSecret,
                SLACK_APP_TOKEN: appToken,
                VNETOPS_SLACK_PORT: '0',
              },
            }),
          );

          for (const secret of [botToken, signingSecret, appToken]) expect(error.message).not.toContain(secret.trim());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never repeats a secret from the config file, including one of the wrong type', () => {
    fc.assert(
      fc.property(secretText, tokenText, (signingSecret, botToken) => {
        const file = files.write(
          stringify({ slack: { botToken, signingSecret, appToken: [signingSecret], mode: 'socket', port: 0 } }),
        );

        const error = configErrorFrom(() => loadBotConfig({ file, env: {} }));

        expect(error.message).not.toContain(signingSecret);
        expect(error.message).not.toContain(botToken);
      }),
      { numRuns: 100 },
    );
  });

  it('does not quote the offending line of a YAML syntax error', () => {
    const token = 'xoxb-123456789-987654321-AbCdEfGhIjKl';
    const file = files.write(`slack:\n  botToken ${token}\n  mode: http\n`);

    const error = configErrorFrom(() => loadBotConfig({ file, env: {} }));

    expect(error.message).toBe(
      `invalid configuration (1 problem):\n  - ${file}:2:3: YAML syntax error: Implicit keys need to be on a single line`,
    );
  });
});
