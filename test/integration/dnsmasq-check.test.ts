/**
 * findNetworkDnsmasqs against the real dnsmasq libvirtd starts for a network in sandbox host lw1:
 * found, with the pid libvirt recorded, by a process inside that host's namespace; left out by a
 * process outside it (the test's own), although it is visible in /proc there too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient } from '../../src/libvirt/index.js';
import {
  type SandboxHost,
  execInSandbox,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { findNetworkDnsmasqs } from '../../workers/monitor/dnsmasq-check.js';
import { waitUntil } from './helpers/wait.js';

const HOST_NAME = 'lw1';
const NETWORK = 'lwdns1';
const SCANNER = resolve('test/integration/helpers/scan-dnsmasqs.ts');

let host: SandboxHost;
let libvirt: LibvirtClient;

/** What a process inside the sandbox host's namespace (as a worker on that host) finds. */
async function scanInsideHost(): Promise<Map<string, number>> {
  const result = await execInSandbox(host, process.execPath, ['--import', 'tsx', SCANNER]);
  if (result.code !== 0) throw new Error(`the scan inside ${host.netns} failed: ${result.stderr}`);
  return new Map(JSON.parse(result.stdout) as [string, number][]);
}

/** The dnsmasq pid libvirtd recorded for the network (its pid file under the host's run folder). */
function recordedPid(): number | undefined {
  const pidFile = join(host.dir, 'run', 'network', `${NETWORK}.pid`);
  return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
}

beforeAll(async () => {
  host = await startSandboxHost(HOST_NAME);
  libvirt = await LibvirtClient.connect(host.uri);
  await libvirt.createTransientNetwork(
    `<network><name>${NETWORK}</name><bridge name='lwdnsbr0'/><ip address='10.75.0.1' prefix='24'><dhcp><range start='10.75.0.100' end='10.75.0.150'/></dhcp></ip></network>`,
  );
});

afterAll(async () => {
  await libvirt?.close();
  // Destroys the network and ends its dnsmasq by pid.
  if (host) await stopSandboxHost(HOST_NAME);
});

describe('findNetworkDnsmasqs on a sandbox host', () => {
  it("finds the network's dnsmasq from inside the host's namespace, with the pid libvirt recorded", async () => {
    const pid = await waitUntil('the dnsmasq pid file', recordedPid, 10_000);
    const found = await scanInsideHost();
    expect(found.get(NETWORK)).toBe(pid);
  });

  it('leaves it out from another namespace, though /proc shows it there too', async () => {
    const pid = await waitUntil('the dnsmasq pid file', recordedPid, 10_000);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('dnsmasq');
    const found = await findNetworkDnsmasqs();
    expect(found.has(NETWORK)).toBe(false);
    expect([...found.values()]).not.toContain(pid);
  });

  it('finds it no more once the network is stopped', async () => {
    await libvirt.destroyNetwork(await libvirt.lookupNetwork(NETWORK));
    await waitUntil('the dnsmasq gone from the scan', async () => !(await scanInsideHost()).has(NETWORK), 10_000);
  });
});
