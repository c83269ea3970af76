/**
 * qemu+ssh for real: the machine's OpenSSH client (the `ssh` program the transport runs) logs in to a
 * real sshd of the test's own on 127.0.0.1, whose far side runs `nc -U` on a sandbox host's libvirtd
 * socket (libvirt's netcat proxy). Nothing is stood in for: what fails, fails in ssh or sshd or nc,
 * and the client must say so with their own words.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtClient, LibvirtConnectionError } from '../../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost, virsh } from '../../tools/sandbox/sandbox-host.js';
import { type TestSshServer, startTestSshServer } from './helpers/ssh-server.js';

let host: SandboxHost;
let sshd: TestSshServer;

/** A qemu+ssh URI to the test sshd whose far side reaches `socket` with nc; `params` override. */
function sshUri(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    proxy: 'netcat',
    socket: host.socketPath,
    keyfile: sshd.keyFile,
    known_hosts: sshd.knownHostsFile,
    no_tty: '1',
    ...params,
  });
  return `qemu+ssh://root@127.0.0.1:${sshd.port}/system?${query.toString()}`;
}

async function connectFailure(uri: string): Promise<unknown> {
  return LibvirtClient.connect(uri, { connectTimeoutMs: 20_000 }).then(
    async (client) => {
      await client.close();
      return new Error('connected, but should not have');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  [host, sshd] = await Promise.all([startSandboxHost('lvssh'), startTestSshServer()]);
});

afterAll(async () => {
  await sshd?.stop();
  await stopSandboxHost('lvssh');
});

describe('qemu+ssh through OpenSSH and nc', () => {
  it('opens the connection, pipelines calls and defines a network that virsh on the host then sees', async () => {
    const client = await LibvirtClient.connect(sshUri());
    try {
      expect(await client.getLibVersion()).toBeGreaterThanOrEqual(9_000_000);
      // Several calls in flight at once over the one ssh channel, each answered to its own caller.
      const [hostname, networks, version] = await Promise.all([
        client.getHostname(),
        client.listNetworks(),
        client.getLibVersion(),
      ]);
      expect(hostname).toMatch(/\S/);
      expect(networks).toEqual([]);
      expect(version).toBeGreaterThanOrEqual(9_000_000);
      const network = await client.defineNetwork(
        `<network><name>overssh</name><bridge name='vnssh0'/><ip address='10.125.0.1' prefix='24'/></network>`,
      );
      expect(network.name).toBe('overssh');
      expect(await virsh(host, ['net-list', '--all', '--name'])).toContain('overssh');
      await client.undefineNetwork(network);
    } finally {
      await client.close();
    }
    expect(await virsh(host, ['net-list', '--all', '--name'])).not.toContain('overssh');
  });

  it('an unknown host key fails with ssh\'s own words, not "libvirtd closed the connection"', async () => {
    const failure = await connectFailure(sshUri({ known_hosts: sshd.emptyKnownHostsFile }));
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(String((failure as Error).message)).toMatch(/ssh exited \(code 255\): .*Host key verification failed/s);
  });

  it('a key sshd does not accept fails naming the refusal', async () => {
    const failure = await connectFailure(sshUri({ keyfile: sshd.strangerKeyFile }));
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(String((failure as Error).message)).toMatch(/ssh exited \(code 255\): .*Permission denied \(publickey\)/s);
  });

  it('a far side that cannot reach libvirt fails with what nc said there', async () => {
    const failure = await connectFailure(sshUri({ socket: `${host.dir}/no-such-sock` }));
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(String((failure as Error).message)).toMatch(
      /ssh exited \(code 1\): nc: .*no-such-sock: No such file or directory/,
    );
  });

  it('fails at once when ssh has exited but something it left behind still holds its stderr (ControlPersist)', async () => {
    // As an ssh master kept by ControlPersist does: a process outliving ssh with ssh's stderr open.
    const dir = mkdtempSync(join(tmpdir(), 'vnetops-ssh-wrapper-'));
    const pidFile = join(dir, 'lingering.pid');
    const wrapper = join(dir, 'ssh');
    writeFileSync(wrapper, `#!/bin/sh\nsleep 60 </dev/null >/dev/null &\necho $! > '${pidFile}'\nexec ssh "$@"\n`, {
      mode: 0o755,
    });
    try {
      const started = performance.now();
      const failure = await connectFailure(sshUri({ keyfile: sshd.strangerKeyFile, command: wrapper }));
      expect(String((failure as Error).message)).toMatch(/ssh exited \(code 255\): .*Permission denied \(publickey\)/s);
      expect(performance.now() - started).toBeLessThan(10_000); // not the 60 s the lingering process holds stderr
    } finally {
      const lingering = Number(readFileSync(pidFile, 'utf8'));
      if (Number.isInteger(lingering) && lingering > 0) process.kill(lingering, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing ssh program is named', async () => {
    const failure = await connectFailure(sshUri({ command: '/nonexistent/ssh' }));
    expect(failure).toBeInstanceOf(LibvirtConnectionError);
    expect(failure).toMatchObject({ reason: 'connect-failed' });
    expect(String((failure as Error).message)).toContain('could not start /nonexistent/ssh');
  });
});
