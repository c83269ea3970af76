/**
 * Faults with a real daemon: libvirtd restarted under the client, and libvirtd frozen (SIGSTOP)
 * past the keepalive window.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient, type LibvirtConnectionError, type NetworkLifecycleEvent } from '../../src/libvirt/index.js';
import {
  type SandboxHost,
  restartLibvirtd,
  startSandboxHost,
  stopSandboxHost,
  virsh,
} from '../../tools/sandbox/sandbox-host.js';
import { EventCollector, nextEvent } from './helpers/wait.js';

let host: SandboxHost;

beforeAll(async () => {
  host = await startSandboxHost('lvflt');
});

afterAll(async () => {
  // A test that failed half-way may leave the daemon frozen: thaw it so teardown can stop it.
  if (host) {
    try {
      process.kill(host.libvirtdPid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
  await stopSandboxHost('lvflt');
});

describe('libvirtd restarted under the client', () => {
  it('fails the pending call, reconnects on its own, and events flow again', async () => {
    const client = await LibvirtClient.connect(host.uri, {
      keepalive: { intervalMs: 1000, count: 3 },
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    try {
      await client.watchNetworkEvents();
      const events = new EventCollector<NetworkLifecycleEvent>();
      client.on('networkLifecycle', events.push);

      // Freeze the daemon so a call is surely pending, then kill it outright.
      process.kill(host.libvirtdPid, 'SIGSTOP');
      const pending = client.getHostname().catch((e: unknown) => e);
      const disconnected = nextEvent<[LibvirtConnectionError]>(client, 'disconnected');
      const reconnected = nextEvent<[]>(client, 'reconnected', 60_000);
      process.kill(host.libvirtdPid, 'SIGKILL');
      const [error] = await disconnected;
      expect(error.reason).toBe('closed');
      expect(await pending).toMatchObject({
        name: 'LibvirtConnectionError',
        message: expect.stringMatching(/^CONNECT_GET_HOSTNAME failed: /) as unknown,
      });
      await expect(client.getHostname()).rejects.toMatchObject({ reason: 'not-connected' });

      host = await restartLibvirtd(host);
      await reconnected;
      expect(client.connected).toBe(true);
      expect(await client.getHostname()).toMatch(/\S/);

      const xmlFile = `${host.dir}/flt1.xml`;
      writeFileSync(xmlFile, `<network><name>flt1</name><bridge name='vnflt1'/></network>`);
      await virsh(host, ['net-define', xmlFile]);
      await virsh(host, ['net-undefine', 'flt1']);
      expect((await events.waitFor(2)).map((e) => `${e.kind} ${e.network.name}`)).toEqual([
        'defined flt1',
        'undefined flt1',
      ]);
    } finally {
      await client.close();
    }
  });
});

describe('libvirtd frozen past the keepalive window', () => {
  it('declares the connection dead, then reconnects once the daemon thaws', async () => {
    const client = await LibvirtClient.connect(host.uri, {
      keepalive: { intervalMs: 500, count: 3 },
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    try {
      const disconnected = nextEvent<[LibvirtConnectionError]>(client, 'disconnected');
      const startedAt = Date.now();
      process.kill(host.libvirtdPid, 'SIGSTOP');
      const [error] = await disconnected;
      const detectedAfter = Date.now() - startedAt;
      expect(error.reason).toBe('keepalive-timeout');
      // 3 pings 500 ms apart after 500 ms of silence: about 2 s; never declared dead early.
      expect(detectedAfter).toBeGreaterThanOrEqual(1000);
      const reconnected = nextEvent<[]>(client, 'reconnected', 30_000);
      process.kill(host.libvirtdPid, 'SIGCONT');
      await reconnected;
      expect(await client.listNetworks()).toEqual([]);
    } finally {
      process.kill(host.libvirtdPid, 'SIGCONT');
      await client.close();
    }
  });
});
