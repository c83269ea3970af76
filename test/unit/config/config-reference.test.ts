import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  botConfigSchema,
  botEnvVars,
  CONFIG_FILE_ENV_VAR,
  listConfigFields,
  loadBotConfig,
  loadWorkerConfig,
  workerConfigSchema,
  workerEnvVars,
} from '../../../src/config/index.js';

const exampleYaml = new URL('../../../config/default.yaml', import.meta.url);
const exampleEnv = new URL('../../../config/.env.example', import.meta.url);

const workerFields = listConfigFields(workerConfigSchema, workerEnvVars);
const botFields = listConfigFields(botConfigSchema, botEnvVars);
const allFields = [...workerFields, ...botFields.filter((field) => !workerFields.some((w) => w.path === field.path))];

/** The access policy and alert routes are documents, set in the config file only: they have no env vars. */
function isPolicySetting(path: string): boolean {
  return path.startsWith('policy.') || path === 'alerts.routes';
}

/** `NAME=value` lines of a dotenv file, comments skipped. */
function readDotenv(url: URL): Map<string, string> {
  const entries = readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line): [string, string] => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return new Map(entries);
}

describe('listConfigFields', () => {
  it('lists each setting with its env var, default and description', () => {
    expect(workerFields.find((field) => field.path === 'worker.concurrency')).toEqual({
      path: 'worker.concurrency',
      envVar: 'VNETOPS_WORKER_CONCURRENCY',
      description: 'Jobs this worker runs at once.',
      defaultValue: 4,
      required: false,
      secret: false,
      range: { min: 1, max: 64, integer: true },
    });
    expect(workerFields.find((field) => field.path === 'worker.monitor')).toMatchObject({ choices: ['on', 'off'] });
    expect(workerFields.find((field) => field.path === 'redis.url')).toMatchObject({
      defaultValue: 'redis://127.0.0.1:6379',
    });
    expect(workerFields.find((field) => field.path === 'worker.hostId')).toMatchObject({ required: true });
  });

  it('covers every setting with a description, and every one outside the policy with an environment variable', () => {
    expect(allFields.map((field) => field.path)).toEqual([
      'log.level',
      'redis.url',
      'redis.socketPath',
      'redis.prefix',
      'worker.hostId',
      'worker.libvirtUri',
      'worker.concurrency',
      'worker.subnetPool',
      'worker.subnetPrefix',
      'worker.heartbeatMs',
      'worker.monitor',
      'worker.monitorSnapshotMs',
      'worker.monitorHealthMs',
      'worker.libvirtGraceMs',
      'worker.dhcpAlertPercent',
      'worker.jobPublicKeys',
      'worker.jobPublicKeyFiles',
      'worker.approvalRequiredFor',
      'worker.shutdownGraceMs',
      'slack.botToken',
      'slack.signingSecret',
      'slack.appToken',
      'slack.mode',
      'slack.port',
      'slack.apiUrl',
      'policy.defaultRole',
      'policy.grants.users',
      'policy.grants.groups',
      'policy.grants.channels',
      'policy.commands',
      'approvals.channel',
      'approvals.ttl',
      'alerts.channel',
      'alerts.coalesceMs',
      'alerts.burstNetworks',
      'alerts.routes',
      'signing.privateKey',
      'signing.privateKeyFile',
      'signing.jobTtlMs',
    ]);
    for (const field of allFields) {
      expect(field.description, field.path).not.toBe('');
      if (isPolicySetting(field.path)) expect(field.envVar, field.path).toBeUndefined();
      else expect(field.envVar, field.path).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
    const envFields = allFields.filter((field) => field.envVar !== undefined);
    expect(new Set(envFields.map((field) => field.envVar)).size).toBe(envFields.length);
  });

  it('binds every env var table entry to a setting of its schema', () => {
    expect(Object.keys(workerEnvVars)).toEqual(workerFields.map((field) => field.path));
    expect(Object.keys(botEnvVars)).toEqual(
      botFields.filter((field) => !isPolicySetting(field.path)).map((field) => field.path),
    );
  });

  it('flags exactly the Slack credentials and the job-signing private key as secret', () => {
    expect(allFields.filter((field) => field.secret).map((field) => field.path)).toEqual([
      'slack.botToken',
      'slack.signingSecret',
      'slack.appToken',
      'signing.privateKey',
    ]);
  });
});

describe('config/default.yaml', () => {
  const text = readFileSync(exampleYaml, 'utf8');

  it('holds exactly the built-in defaults, for both processes', () => {
    const env = { VNETOPS_HOST_ID: 'kvm1', SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'f00dfeed' };
    const file = fileURLToPath(exampleYaml);

    expect(loadWorkerConfig({ file, env })).toEqual(loadWorkerConfig({ env }));
    expect(loadBotConfig({ file, env })).toEqual(loadBotConfig({ env }));
  });

  it('documents every setting and its environment variable', () => {
    for (const field of allFields) {
      const key = field.path.split('.').at(-1) ?? '';
      expect(text, field.path).toMatch(new RegExp(`^\\s*#?\\s*${key}[: ]`, 'm'));
      if (field.envVar !== undefined) expect(text, field.path).toContain(`env ${field.envVar}`);
    }
  });
});

describe('config/.env.example', () => {
  const variables = readDotenv(exampleEnv);

  it('lists exactly the config file variable and every setting’s variable', () => {
    const settingVariables = allFields.flatMap((field) => (field.envVar === undefined ? [] : [field.envVar]));
    expect([...variables.keys()].sort()).toEqual([CONFIG_FILE_ENV_VAR, ...settingVariables].sort());
  });

  it('leaves secrets blank and gives the others their defaults', () => {
    for (const field of allFields.filter((field) => field.envVar !== undefined)) {
      const value = variables.get(field.envVar ?? '');
      // redis.url stays blank too: setting it would clash with a VNETOPS_REDIS_SOCKET added later.
      if (field.secret || field.defaultValue === undefined || field.path === 'redis.url') {
        expect(value, field.envVar).toBe('');
      } else {
        expect(value, field.envVar).toBe(`${field.defaultValue as string | number}`);
      }
    }
  });
});
