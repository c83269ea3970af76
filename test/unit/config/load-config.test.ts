import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig, loadWorkerConfig } from '../../../src/config/index.js';
import { configErrorFrom, useConfigFiles } from './config-test-files.js';

const files = useConfigFiles();

const workerDefaults = {
  log: { level: 'info' },
  redis: { url: 'redis://127.0.0.1:6379', prefix: 'vnetops' },
  worker: {
    hostId: 'kvm1',
    libvirtUri: 'qemu:///system',
    concurrency: 4,
    subnetPool: '10.200.0.0/16',
    subnetPrefix: 24,
    heartbeatMs: 5000,
    monitor: 'on',
    monitorSnapshotMs: 60_000,
    monitorHealthMs: 5000,
    libvirtGraceMs: 5000,
    dhcpAlertPercent: 90,
    approvalRequiredFor: ['create', 'delete'],
    shutdownGraceMs: 10_000,
  },
};

const botSecrets = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'f00dfeed' };

describe('layers', () => {
  it('fills every unset setting with its built-in default', () => {
    expect(loadWorkerConfig({ env: { VNETOPS_HOST_ID: 'kvm1' } })).toEqual(workerDefaults);
  });

  it('lets the YAML file override defaults', () => {
    const file = files.write('log:\n  level: debug\nworker:\n  hostId: kvm2\n  concurrency: 8\n');

    const config = loadWorkerConfig({ file, env: {} });

    expect(config.log.level).toBe('debug');
    expect(config.worker).toEqual({ ...workerDefaults.worker, hostId: 'kvm2', concurrency: 8 });
  });

  it('lets environment variables override the file, key by key', () => {
    const file = files.write('worker:\n  hostId: kvm2\n  concurrency: 8\n  heartbeatMs: 1000\n');

    const config = loadWorkerConfig({ file, env: { VNETOPS_WORKER_CONCURRENCY: '16', VNETOPS_HOST_ID: 'kvm3' } });

    expect(config.worker).toMatchObject({ hostId: 'kvm3', concurrency: 16, heartbeatMs: 1000 });
  });

  it('converts numbers from the environment and trims values', () => {
    const config = loadWorkerConfig({
      env: { VNETOPS_HOST_ID: ' kvm1 ', VNETOPS_SUBNET_PREFIX: '26', VNETOPS_HEARTBEAT_MS: ' 250 ' },
    });

    expect(config.worker).toMatchObject({ hostId: 'kvm1', subnetPrefix: 26, heartbeatMs: 250 });
  });

  it('treats an empty environment variable as unset', () => {
    const config = loadWorkerConfig({
      env: { VNETOPS_HOST_ID: 'kvm1', VNETOPS_WORKER_CONCURRENCY: '', VNETOPS_LOG_LEVEL: '  ' },
    });

    expect(config).toEqual(workerDefaults);
  });

  it('reads the file named by VNETOPS_CONFIG when no file is passed', () => {
    const file = files.write('worker:\n  hostId: from-file\n');

    expect(loadWorkerConfig({ env: { VNETOPS_CONFIG: file } }).worker.hostId).toBe('from-file');
  });

  it('treats keys without a value, and sections whose keys are all commented out, as unset', () => {
    const file = files.write('log:\n  # level: debug\nredis:\n  prefix:\nworker:\n  hostId: kvm1\n');

    expect(loadWorkerConfig({ file, env: {} })).toEqual(workerDefaults);
  });

  it('connects Redis by unix socket when only socketPath is set', () => {
    const config = loadWorkerConfig({
      env: { VNETOPS_HOST_ID: 'kvm1', VNETOPS_REDIS_SOCKET: '/run/redis/redis.sock' },
    });

    expect(config.redis).toEqual({ socketPath: '/run/redis/redis.sock', prefix: 'vnetops' });
  });

  it('lets one file serve both processes, each skipping the other one’s section', () => {
    const file = files.write('redis:\n  prefix: lab\nworker:\n  hostId: kvm1\nslack:\n  mode: socket\n');
    const env = { ...botSecrets, SLACK_APP_TOKEN: 'xapp-1-A1-2-ff' };

    expect(loadWorkerConfig({ file, env })).toEqual({
      ...workerDefaults,
      redis: { ...workerDefaults.redis, prefix: 'lab' },
    });
    expect(loadBotConfig({ file, env }).slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: 'f00dfeed',
      appToken: 'xapp-1-A1-2-ff',
      mode: 'socket',
      port: 3000,
    });
  });
});

describe('problems', () => {
  it('reports every problem at once, each with its key and where the value came from', () => {
    const file = files.write('log:\n  level: loud\nworker:\n  concurrency: 100\n  subnetPool: 10.200.0.0/20\n');

    const error = configErrorFrom(() =>
      loadWorkerConfig({ file, env: { VNETOPS_REDIS_URL: 'http://127.0.0.1:6379', VNETOPS_SUBNET_PREFIX: '16' } }),
    );

    expect(error.message).toBe(
      [
        'invalid configuration (5 problems):',
        `  - log.level (${file}:2): must be one of: trace, debug, info, warn, error, fatal, silent`,
        '  - redis.url (env VNETOPS_REDIS_URL): must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
        '  - worker.hostId: is missing — set VNETOPS_HOST_ID or worker.hostId in the config file',
        `  - worker.concurrency (${file}:4): must be at most 64`,
        '  - worker.subnetPrefix (env VNETOPS_SUBNET_PREFIX): must be at least 20, the prefix length of ' +
          'worker.subnetPool, since subnets are carved from the pool',
      ].join('\n'),
    );
    expect(error.problems.map(({ message: _message, ...where }) => where)).toEqual([
      { path: 'log.level', source: 'file', file, line: 2 },
      { path: 'redis.url', source: 'env', envVar: 'VNETOPS_REDIS_URL' },
      { path: 'worker.hostId', source: 'default' },
      { path: 'worker.concurrency', source: 'file', file, line: 4 },
      { path: 'worker.subnetPrefix', source: 'env', envVar: 'VNETOPS_SUBNET_PREFIX' },
    ]);
  });

  it('refuses an unknown key in the file, naming it and the key probably meant', () => {
    const file = files.write('worker:\n  hostId: kvm1\n  concurency: 8\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: {} }));

    expect(error.problems).toEqual([
      {
        path: 'worker.concurency',
        source: 'file',
        file,
        line: 3,
        message: 'is not a known setting — did you mean worker.concurrency?',
      },
    ]);
  });

  it('recognizes snake_case spellings of a key', () => {
    const file = files.write('worker:\n  host_id: kvm1\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: { VNETOPS_HOST_ID: 'kvm1' } }));

    expect(error.problems.map((p) => p.message)).toEqual(['is not a known setting — did you mean worker.hostId?']);
  });

  it('lists the known sections when an unknown one looks like none of them', () => {
    const file = files.write('queues:\n  size: 1\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: { VNETOPS_HOST_ID: 'kvm1' } }));

    expect(error.message).toBe(
      `invalid configuration (1 problem):\n  - queues (${file}:1): is not a known setting — known here: log, redis, worker, slack, policy, approvals, alerts, signing`,
    );
  });

  it('reports a YAML syntax error with file, line and column, and still reports environment problems', () => {
    const file = files.write('worker:\n  hostId: kvm1\n  concurrency 8\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: { VNETOPS_HEARTBEAT_MS: '10' } }));

    expect(error.message).toBe(
      [
        'invalid configuration (2 problems):',
        `  - ${file}:3:3: YAML syntax error: Implicit map keys need to be followed by map values`,
        '  - worker.heartbeatMs (env VNETOPS_HEARTBEAT_MS): must be at least 100',
      ].join('\n'),
    );
  });

  it('reports a duplicate key as a YAML error', () => {
    const file = files.write('worker:\n  hostId: kvm1\n  hostId: kvm2\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: {} }));

    expect(error.problems).toEqual([
      { path: '', source: 'file', file, line: 3, column: 3, message: 'YAML syntax error: Map keys must be unique' },
    ]);
  });

  it('reports a missing config file', () => {
    const file = files.path('absent.yaml');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: { VNETOPS_HOST_ID: 'kvm1' } }));

    expect(error.message).toBe(`invalid configuration (1 problem):\n  - ${file}: config file not found`);
  });

  it('refuses a file that is not a mapping of sections', () => {
    const file = files.write('- log\n- redis\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: { VNETOPS_HOST_ID: 'kvm1' } }));

    expect(error.problems.map((p) => p.message)).toEqual([
      'must be a YAML mapping of sections such as log: and redis:',
    ]);
  });

  it('names the expected and the given kind of value, never the value', () => {
    const file = files.write('redis: 5\nworker:\n  hostId: kvm1\n  concurrency: many\n  heartbeatMs: 2.5\n');

    const error = configErrorFrom(() => loadWorkerConfig({ file, env: {} }));

    expect(error.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'redis: must be a mapping of settings, not a number',
      'worker.concurrency: must be a number, not text',
      'worker.heartbeatMs: must be a whole number',
    ]);
  });

  it('is a ConfigError that lists one problem per line', () => {
    const error = configErrorFrom(() => loadWorkerConfig({ env: { VNETOPS_WORKER_CONCURRENCY: '0' } }));

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message.split('\n')).toHaveLength(1 + error.problems.length);
  });
});

describe('result', () => {
  it('is deeply frozen', () => {
    const config = loadWorkerConfig({ env: { VNETOPS_HOST_ID: 'kvm1' } });

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.worker)).toBe(true);
    expect(() => {
      (config.worker as { concurrency: number }).concurrency = 64;
    }).toThrow(TypeError);
    expect(() => {
      (config as { extra?: unknown }).extra = 1;
    }).toThrow(TypeError);
    expect(config.worker.concurrency).toBe(4);
  });
});
