import { describe, expect, it } from 'vitest';
import { loadBotConfig, loadWorkerConfig } from '../../../src/config/index.js';
import { configErrorFrom } from './config-test-files.js';

const worker = { VNETOPS_HOST_ID: 'kvm1' };
const bot = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'f00dfeed' };

/** `path: message` of every problem when loading the worker config from `env`. */
function workerProblems(env: NodeJS.ProcessEnv): string[] {
  return configErrorFrom(() => loadWorkerConfig({ env })).problems.map((p) => `${p.path}: ${p.message}`);
}

function botProblems(env: NodeJS.ProcessEnv): string[] {
  return configErrorFrom(() => loadBotConfig({ env })).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('worker.hostId', () => {
  it.each(['kvm1', '0', 'rack-2-host-17', 'a'.repeat(32)])('accepts %s', (hostId) => {
    expect(loadWorkerConfig({ env: { VNETOPS_HOST_ID: hostId } }).worker.hostId).toBe(hostId);
  });

  it.each(['KVM1', '-kvm1', 'kvm_1', 'kvm.lab', 'a'.repeat(33)])('refuses %s', (hostId) => {
    expect(workerProblems({ VNETOPS_HOST_ID: hostId })).toEqual([
      "worker.hostId: must be 1-32 lowercase letters, digits or '-', starting with a letter or digit (e.g. kvm1)",
    ]);
  });
});

describe('worker.libvirtUri', () => {
  it.each([
    'qemu:///system',
    'qemu:///session',
    'qemu+unix:///system?socket=/run/libvirt/libvirt-sock',
    'qemu+tls://kvm1.lab/system',
    'qemu+ssh://root@kvm1/system?keyfile=/etc/vnetops/id_ed25519',
    'test:///default',
    'network:///system',
  ])('accepts %s', (uri) => {
    expect(loadWorkerConfig({ env: { ...worker, VNETOPS_LIBVIRT_URI: uri } }).worker.libvirtUri).toBe(uri);
  });

  it.each([
    'qemu+tcp://kvm1/system',
    'xen:///system',
    'qemu+ssh+x://h/system',
    'system',
    '/var/run/libvirt/libvirt-sock',
  ])('refuses %s', (uri) => {
    expect(workerProblems({ ...worker, VNETOPS_LIBVIRT_URI: uri })).toEqual([
      'worker.libvirtUri: must be a libvirt URI with driver qemu, test, or network and optional transport ' +
        '+unix, +tls, or +ssh, e.g. qemu:///system or qemu+ssh://root@kvm1/system',
    ]);
  });
});

describe('worker subnets and limits', () => {
  it('suggests the network address when the pool has host bits set', () => {
    expect(workerProblems({ ...worker, VNETOPS_SUBNET_POOL: '10.200.7.0/16' })).toEqual([
      'worker.subnetPool: has host bits set — did you mean 10.200.0.0/16?',
    ]);
  });

  it('refuses a pool that is not CIDR notation', () => {
    expect(workerProblems({ ...worker, VNETOPS_SUBNET_POOL: '10.200.0.0' })).toEqual([
      'worker.subnetPool: must be an IPv4 block in CIDR notation, e.g. 10.200.0.0/16',
    ]);
  });

  it('refuses subnets larger than the pool or too small to hold hosts', () => {
    expect(workerProblems({ ...worker, VNETOPS_SUBNET_POOL: '10.0.0.0/24', VNETOPS_SUBNET_PREFIX: '22' })).toEqual([
      'worker.subnetPrefix: must be at least 24, the prefix length of worker.subnetPool, since subnets are carved from the pool',
    ]);
    expect(workerProblems({ ...worker, VNETOPS_SUBNET_PREFIX: '31' })).toEqual([
      'worker.subnetPrefix: must be at most 30',
    ]);
  });

  it('bounds concurrency and heartbeat', () => {
    expect(workerProblems({ ...worker, VNETOPS_WORKER_CONCURRENCY: '0', VNETOPS_HEARTBEAT_MS: '60001' })).toEqual([
      'worker.concurrency: must be at least 1',
      'worker.heartbeatMs: must be at most 60000',
    ]);
  });
});

describe('redis', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://default:pw@redis.lab:6380/2', 'redis://[::1]:6379'])(
    'accepts url %s',
    (url) => {
      expect(loadWorkerConfig({ env: { ...worker, VNETOPS_REDIS_URL: url } }).redis).toEqual({
        url,
        prefix: 'vnetops',
      });
    },
  );

  it.each(['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://'])('refuses url %s', (url) => {
    expect(workerProblems({ ...worker, VNETOPS_REDIS_URL: url })).toEqual([
      'redis.url: must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379',
    ]);
  });

  it('refuses a URL and a socket together', () => {
    expect(
      workerProblems({ ...worker, VNETOPS_REDIS_URL: 'redis://h:6379', VNETOPS_REDIS_SOCKET: '/run/redis.sock' }),
    ).toEqual([
      'redis.socketPath: cannot be combined with redis.url — connect either by URL or by unix socket, so set only one',
    ]);
  });

  it('refuses a relative socket path', () => {
    expect(workerProblems({ ...worker, VNETOPS_REDIS_SOCKET: 'redis.sock' })).toEqual([
      'redis.socketPath: must be an absolute path, e.g. /run/redis/redis.sock',
    ]);
  });

  it.each(['vnetops', 'lab_2.v1-a', '{vnetops}'])('accepts prefix %s', (prefix) => {
    expect(loadWorkerConfig({ env: { ...worker, VNETOPS_REDIS_PREFIX: prefix } }).redis.prefix).toBe(prefix);
  });

  it.each(['vn:ops', 'has space', '{vnetops', '_x', 'a'.repeat(65)])('refuses prefix %s', (prefix) => {
    expect(workerProblems({ ...worker, VNETOPS_REDIS_PREFIX: prefix })).toEqual([
      "redis.prefix: must be 1-64 letters, digits, '_', '.' or '-', optionally wrapped in {} as a Redis Cluster hash tag",
    ]);
  });
});

describe('slack', () => {
  it('fills defaults around the two required secrets', () => {
    expect(loadBotConfig({ env: bot }).slack).toEqual({
      botToken: 'xoxb-1-2-abc',
      signingSecret: 'f00dfeed',
      mode: 'http',
      port: 3000,
    });
  });

  it('says which secrets are missing and where to set them', () => {
    expect(botProblems({})).toEqual([
      'slack.botToken: is missing — set SLACK_BOT_TOKEN or slack.botToken in the config file',
      'slack.signingSecret: is missing — set SLACK_SIGNING_SECRET or slack.signingSecret in the config file',
    ]);
  });

  it('refuses tokens of the wrong kind', () => {
    expect(botProblems({ ...bot, SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_APP_TOKEN: 'xoxb-1-2-abc' })).toEqual([
      'slack.botToken: does not look like a bot token (must start with xoxb-)',
      'slack.appToken: does not look like an app-level token (must start with xapp-)',
    ]);
  });

  it('requires an app-level token in Socket Mode, alongside other problems', () => {
    expect(botProblems({ ...bot, VNETOPS_SLACK_MODE: 'socket', VNETOPS_SLACK_PORT: '70000' })).toEqual([
      'slack.port: must be at most 65535',
      'slack.appToken: is missing; Socket Mode (slack.mode: socket) connects with an app-level token (xapp-…) — ' +
        'set SLACK_APP_TOKEN or slack.appToken in the config file',
    ]);
  });

  it('refuses an unknown mode and a non-HTTP API URL', () => {
    expect(
      botProblems({ ...bot, VNETOPS_SLACK_MODE: 'webhook', VNETOPS_SLACK_API_URL: 'ftp://fake-slack/api/' }),
    ).toEqual([
      'slack.mode: must be one of: http, socket',
      'slack.apiUrl: must be an http:// or https:// URL, e.g. http://127.0.0.1:9999/api/',
    ]);
  });

  it('takes an API URL override for a fake Slack', () => {
    const config = loadBotConfig({ env: { ...bot, VNETOPS_SLACK_API_URL: 'http://127.0.0.1:9999/api/' } });

    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });
});

describe('log', () => {
  it('refuses a level pino does not know, listing the ones it does', () => {
    expect(workerProblems({ ...worker, VNETOPS_LOG_LEVEL: 'verbose' })).toEqual([
      'log.level: must be one of: trace, debug, info, warn, error, fatal, silent',
    ]);
  });
});
