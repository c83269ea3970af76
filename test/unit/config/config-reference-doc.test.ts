import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  botConfigSchema,
  botEnvVars,
  CONFIG_REFERENCE_END,
  CONFIG_REFERENCE_START,
  configReferenceIn,
  configReferenceSections,
  listConfigFields,
  renderConfigReference,
  withConfigReference,
  workerConfigSchema,
  workerEnvVars,
  type ConfigReferenceSection,
} from '../../../src/config/index.js';

const readme = new URL('../../../README.md', import.meta.url);

const workerFields = listConfigFields(workerConfigSchema, workerEnvVars);
const botFields = listConfigFields(botConfigSchema, botEnvVars);
const allFields = [...workerFields, ...botFields.filter((field) => !workerFields.some((w) => w.path === field.path))];

/** The table row of a setting in the rendered reference. */
function rowOf(reference: string, path: string): string {
  return reference.split('\n').find((line) => line.startsWith(`| \`${path}\` |`)) ?? '';
}

describe('README.md config reference', () => {
  it('is the reference freshly rendered from the schemas (run `npm run docs:config` after changing a setting)', () => {
    expect(configReferenceIn(readFileSync(readme, 'utf8'))).toBe(renderConfigReference());
  });
});

describe('configReferenceSections', () => {
  it('has one section per top-level key, worker sections first, each setting once', () => {
    const sections = configReferenceSections();
    expect(sections.map((section) => section.name)).toEqual([
      'log',
      'redis',
      'worker',
      'slack',
      'policy',
      'approvals',
      'alerts',
      'signing',
    ]);
    expect(sections.flatMap((section) => section.fields.map((field) => field.path))).toEqual(
      allFields.map((field) => field.path),
    );
    for (const section of sections) expect(section.description, section.name).not.toBe('');
  });

  it('says which processes read each section', () => {
    const readBy = Object.fromEntries(configReferenceSections().map((section) => [section.name, section.readBy]));
    expect(readBy).toEqual({
      log: ['host worker', 'bot'],
      redis: ['host worker', 'bot'],
      worker: ['host worker'],
      slack: ['bot'],
      policy: ['bot'],
      approvals: ['bot'],
      alerts: ['bot'],
      signing: ['bot'],
    });
  });
});

describe('renderConfigReference', () => {
  const reference = renderConfigReference();

  it('gives every setting a row: key, env var, default, description', () => {
    for (const field of allFields) expect(rowOf(reference, field.path), field.path).not.toBe('');
    expect(rowOf(reference, 'worker.concurrency')).toBe(
      '| `worker.concurrency` | `VNETOPS_WORKER_CONCURRENCY` | `4` | Jobs this worker runs at once. A whole number from 1 to 64. |',
    );
    expect(rowOf(reference, 'worker.hostId')).toMatch(/^\| `worker\.hostId` \| `VNETOPS_HOST_ID` \| required \| /);
    expect(rowOf(reference, 'slack.mode')).toContain('One of: `http`, `socket`.');
    expect(rowOf(reference, 'policy.commands')).toMatch(/^\| `policy\.commands` \| config file only \| `\{\}` \| /);
    expect(rowOf(reference, 'alerts.routes')).toMatch(/^\| `alerts\.routes` \| config file only \| `\[\]` \| /);
    expect(rowOf(reference, 'approvals.channel')).toMatch(
      /^\| `approvals\.channel` \| `VNETOPS_APPROVALS_CHANNEL` \| none \| /,
    );
  });

  it('never shows a value for a secret, only whether it is required', () => {
    expect(rowOf(reference, 'slack.botToken')).toMatch(
      /^\| `slack\.botToken` \| `SLACK_BOT_TOKEN` \| required \(secret\) \| /,
    );
    expect(rowOf(reference, 'slack.appToken')).toMatch(
      /^\| `slack\.appToken` \| `SLACK_APP_TOKEN` \| optional \(secret\) \| /,
    );

    // Even a secret with a built-in value keeps it to itself.
    const section: ConfigReferenceSection = {
      name: 'vault',
      description: 'Test section',
      readBy: ['bot'],
      fields: [
        {
          path: 'vault.key',
          envVar: 'VAULT_KEY',
          description: 'A key',
          defaultValue: 'hunter2',
          required: false,
          secret: true,
        },
      ],
    };
    const rendered = renderConfigReference([section]);
    expect(rendered).not.toContain('hunter2');
    expect(rendered).toContain('| `vault.key` | `VAULT_KEY` | optional (secret) | A key. |');
  });

  it('keeps each row on one line and escapes pipes in cells', () => {
    const section: ConfigReferenceSection = {
      name: 'odd',
      description: 'Odd texts.',
      readBy: ['host worker'],
      fields: [{ path: 'odd.text', description: 'a | b\nc', defaultValue: 'x|y', required: false, secret: false }],
    };
    expect(renderConfigReference([section])).toContain('| `odd.text` | config file only | `x\\|y` | a \\| b c. |');
  });
});

describe('configReferenceIn / withConfigReference', () => {
  const document = ['# Title', '', CONFIG_REFERENCE_START, 'old', CONFIG_REFERENCE_END, '', 'after', ''].join('\n');

  it('replaces only the block between the markers, and reads it back', () => {
    const updated = withConfigReference(document, 'new\n');
    expect(updated).toBe(
      ['# Title', '', CONFIG_REFERENCE_START, 'new', CONFIG_REFERENCE_END, '', 'after', ''].join('\n'),
    );
    expect(configReferenceIn(updated)).toBe('new\n');
    expect(withConfigReference(updated, 'new\n')).toBe(updated);
  });

  it('refuses a document without exactly one pair of markers in order', () => {
    expect(() => withConfigReference('# no markers', 'x')).toThrow(/no config reference block/);
    expect(() => configReferenceIn(`${CONFIG_REFERENCE_END}\n${CONFIG_REFERENCE_START}`)).toThrow(
      /no config reference block/,
    );
    expect(() => withConfigReference(`${document}\n${document}`, 'x')).toThrow(/more than one/);
  });
});
