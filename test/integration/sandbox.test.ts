/**
 * Sandbox hosts for real: two libvirtd daemons in their own network namespaces, a network on one of
 * them that stays there, a libvirtd restart that keeps the network, a TLS listener, and a `down`
 * that leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  execInSandbox,
  restartLibvirtd,
  sandboxProcessPids,
  sharedRedisStatus,
  startSandboxHost,
  stopAllSandboxHosts,
  stopSandboxHost,
  virsh,
  type SandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { makeTestPki } from './helpers/pki.js';

const run = promisify(execFile);

const BRIDGE = 'vnsbx1';
const NETWORK_XML = `<network>
  <name>sbxiso</name>
  <bridge name='${BRIDGE}'/>
  <ip address='10.99.1.1' netmask='255.255.255.0'>
    <dhcp><range start='10.99.1.10' end='10.99.1.50'/></dhcp>
  </ip>
</network>
`;

/** Short base folder: the sockets' paths must fit in 107 bytes. */
function makeBaseDir(): string {
  return mkdtempSync(join(tmpdir(), 'vnetops-sbx-'));
}

/** True while a process with this pid exists and has not ended (a zombie has ended). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

async function netnsNames(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

async function linkNames(host?: SandboxHost): Promise<string[]> {
  const stdout = host
    ? (await execInSandbox(host, 'ip', ['-j', 'link', 'show'])).stdout
    : (await run('ip', ['-j', 'link', 'show'])).stdout;
  return (JSON.parse(stdout) as { ifname: string }[]).map((link) => link.ifname);
}

async function activeNetworks(host: SandboxHost): Promise<string[]> {
  return (await virsh(host, ['net-list', '--name']))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

describe('sandbox host names', () => {
  const baseDir = makeBaseDir();
  afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

  it.each(['../x', 'H1', 'a;b', '', '1abc', 'abcdefghi', 'a b', 'a/b'])('refuses %j', async (name) => {
    await expect(startSandboxHost(name, { baseDir })).rejects.toThrow(/invalid sandbox host name/);
    await expect(stopSandboxHost(name, { baseDir })).rejects.toThrow(/invalid sandbox host name/);
    expect(await netnsNames()).not.toContain(`vnetops-${name}`);
  });
});

describe('two sandbox hosts', () => {
  const baseDir = makeBaseDir();
  let sbx1: SandboxHost;
  let sbx2: SandboxHost;

  beforeAll(async () => {
    const started = Date.now();
    // allSettled, not all: a failure must not leave the other start running while afterAll cleans up.
    const results = await Promise.allSettled([
      startSandboxHost('sbx1', { baseDir }),
      startSandboxHost('sbx2', { baseDir }),
    ]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    [sbx1, sbx2] = results.map((result) => (result as PromiseFulfilledResult<SandboxHost>).value) as [
      SandboxHost,
      SandboxHost,
    ];
    console.log(`up of 2 sandbox hosts: ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    try {
      await stopAllSandboxHosts({ baseDir });
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
    }
  });

  it('gives each host its own namespace, folder, socket and the shared redis', () => {
    expect(sbx1).toMatchObject({ name: 'sbx1', netns: 'vnetops-sbx1', dir: join(baseDir, 'sbx1'), tls: false });
    expect(sbx1.socketPath).toBe(join(baseDir, 'sbx1', 'run', 'libvirt-sock'));
    expect(sbx1.uri).toBe(`qemu:///system?socket=${sbx1.socketPath}`);
    expect(sbx2.netns).toBe('vnetops-sbx2');
    expect(sbx1.redisSocketPath).toBe(join(baseDir, 'redis.sock'));
    expect(sbx2.redisSocketPath).toBe(sbx1.redisSocketPath);
    expect(existsSync(sbx1.redisSocketPath)).toBe(true);
    expect(commandOf(sbx1.libvirtdPid)).toBe('libvirtd');
    expect(sandboxProcessPids(sbx1)).toContain(sbx1.libvirtdPid);
    expect(sandboxProcessPids(sbx1)).not.toContain(sbx2.libvirtdPid);
  });

  it('answers on each socket with no networks defined', async () => {
    for (const host of [sbx1, sbx2]) {
      expect(await virsh(host, ['net-list', '--all', '--name'])).toMatch(/^\s*$/);
    }
  });

  it('keeps a network started on sbx1 inside sbx1', async () => {
    const xmlPath = join(baseDir, 'sbxiso.xml');
    writeFileSync(xmlPath, NETWORK_XML);
    await virsh(sbx1, ['net-define', xmlPath]);
    await virsh(sbx1, ['net-start', 'sbxiso']);

    const shown = await execInSandbox(sbx1, 'ip', ['-j', 'addr', 'show', 'dev', BRIDGE]);
    expect(shown.code).toBe(0);
    const [bridge] = JSON.parse(shown.stdout) as {
      addr_info: { family: string; local: string; prefixlen: number }[];
    }[];
    expect(bridge?.addr_info).toContainEqual(
      expect.objectContaining({ family: 'inet', local: '10.99.1.1', prefixlen: 24 }),
    );

    expect(await linkNames(sbx2)).not.toContain(BRIDGE);
    expect(await linkNames()).not.toContain(BRIDGE);
    expect(await activeNetworks(sbx2)).toEqual([]);
  });

  it('runs dnsmasq inside sbx1 and nothing like it in sbx2', () => {
    const pidFile = join(sbx1.dir, 'run', 'network', 'sbxiso.pid');
    const dnsmasqPid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(commandOf(dnsmasqPid)).toBe('dnsmasq');
    expect(sandboxProcessPids(sbx1)).toContain(dnsmasqPid);
    expect(sandboxProcessPids(sbx2).map(commandOf)).toEqual(['libvirtd']);
  });

  it('keeps the network, bridge and dnsmasq across a libvirtd restart', async () => {
    const dnsmasqBefore = sandboxProcessPids(sbx1).filter((pid) => commandOf(pid) === 'dnsmasq');
    const started = Date.now();
    const restarted = await restartLibvirtd(sbx1);
    console.log(`libvirtd restart: ${Date.now() - started} ms`);
    expect(restarted.libvirtdPid).not.toBe(sbx1.libvirtdPid);
    expect(isAlive(sbx1.libvirtdPid)).toBe(false);
    sbx1 = restarted;
    expect(await activeNetworks(sbx1)).toEqual(['sbxiso']);
    expect(await linkNames(sbx1)).toContain(BRIDGE);
    for (const pid of dnsmasqBefore) expect(isAlive(pid)).toBe(true);
  });

  it('leaves nothing behind on down', async () => {
    const redis = sharedRedisStatus({ baseDir });
    expect(redis).toBeDefined();
    const recordedPids = [...sandboxProcessPids(sbx1), ...sandboxProcessPids(sbx2), redis?.pid ?? -1];
    expect(new Set(recordedPids.map(commandOf))).toEqual(new Set(['dnsmasq', 'libvirtd', 'redis-server']));

    const started = Date.now();
    await stopSandboxHost('sbx1', { baseDir });
    // The shared redis stays while a host still uses it.
    expect(isAlive(redis?.pid ?? -1)).toBe(true);
    await stopSandboxHost('sbx2', { baseDir });
    console.log(`down of 2 sandbox hosts: ${Date.now() - started} ms`);

    expect((await netnsNames()).filter((name) => name.startsWith('vnetops-sbx'))).toEqual([]);
    for (const pid of recordedPids) expect(isAlive(pid), `pid ${pid} still alive`).toBe(false);
    expect(existsSync(sbx1.dir)).toBe(false);
    expect(existsSync(sbx2.dir)).toBe(false);
    expect(existsSync(sbx1.redisSocketPath)).toBe(false);
    expect(sharedRedisStatus({ baseDir })).toBeUndefined();
    expect(await linkNames()).not.toContain(BRIDGE);
    const { stdout: mounts } = await run('findmnt', ['--raw', '--noheadings', '--output', 'TARGET']);
    expect(mounts).not.toContain(baseDir);

    // Idempotent: a second down finds nothing to do.
    await stopSandboxHost('sbx1', { baseDir });
    await stopAllSandboxHosts({ baseDir });
  });
});

describe('a sandbox host with TLS', () => {
  const baseDir = makeBaseDir();
  let sbx3: SandboxHost;
  let clientPkiDir: string;

  beforeAll(async () => {
    const pki = await makeTestPki();
    clientPkiDir = join(baseDir, 'client-pki');
    mkdirSync(clientPkiDir);
    writeFileSync(join(clientPkiDir, 'cacert.pem'), pki.caCertPem);
    writeFileSync(join(clientPkiDir, 'clientcert.pem'), pki.clientCertPem);
    writeFileSync(join(clientPkiDir, 'clientkey.pem'), pki.clientKeyPem, { mode: 0o600 });
    sbx3 = await startSandboxHost('sbx3', { baseDir, tls: pki });
  });

  afterAll(async () => {
    try {
      await stopAllSandboxHosts({ baseDir });
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
    }
  });

  it('listens on 16514 inside its namespace only', async () => {
    expect(sbx3.tls).toBe(true);
    const inside = await execInSandbox(sbx3, 'ss', ['-H', '-l', '-t', '-n']);
    expect(inside.stdout).toMatch(/:16514\s/);
    const { stdout: outside } = await run('ss', ['-H', '-l', '-t', '-n']);
    expect(outside).not.toMatch(/:16514\s/);
  });

  it('serves virsh over qemu+tls with a certificate checked against the CA', async () => {
    const uri = `qemu+tls://localhost/system?pkipath=${clientPkiDir}`;
    const hostname = await execInSandbox(sbx3, 'virsh', ['-c', uri, 'hostname']);
    expect(hostname.stderr).toBe('');
    expect(hostname.code).toBe(0);
    const list = await execInSandbox(sbx3, 'virsh', ['-c', uri, 'net-list', '--all', '--name']);
    expect(list.code).toBe(0);
  });

  it('stops cleanly', async () => {
    const pids = sandboxProcessPids(sbx3);
    await stopSandboxHost('sbx3', { baseDir });
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive`).toBe(false);
    expect(await netnsNames()).not.toContain('vnetops-sbx3');
  });
});
