/**
 * qemu+tls for real: a sandbox libvirtd listening with TLS (a CA made for this test) inside its own
 * network namespace; the client runs inside that namespace too (the only place the listener is
 * reachable) through a small probe script, and reports what it saw.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SandboxHost,
  execInSandbox,
  startSandboxHost,
  stopSandboxHost,
} from '../../tools/sandbox/sandbox-host.js';
import { type TestPki, makeTestPki } from './helpers/pki.js';

const TSX = resolve('node_modules/.bin/tsx');
const PROBE = resolve('test/integration/helpers/tls-probe.ts');

let host: SandboxHost;
let pki: TestPki;
let clientPkiDir: string;

function writeClientPki(dir: string, caPem: string): void {
  writeFileSync(join(dir, 'cacert.pem'), caPem);
  writeFileSync(join(dir, 'clientcert.pem'), pki.clientCertPem);
  writeFileSync(join(dir, 'clientkey.pem'), pki.clientKeyPem, { mode: 0o600 });
}

async function probe(
  uri: string,
  pkiDir: string,
): Promise<{
  ok: boolean;
  error?: string;
  hostname?: string;
  libVersion?: number;
  networks?: unknown[];
  pipelinedReplies?: number;
}> {
  const result = await execInSandbox(host, TSX, [PROBE, uri, pkiDir], { timeoutMs: 60_000 });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as { ok: boolean };
  } catch {
    throw new Error(`probe printed no result (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

beforeAll(async () => {
  pki = await makeTestPki();
  host = await startSandboxHost('lvtls', {
    tls: { caCertPem: pki.caCertPem, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem },
  });
  clientPkiDir = mkdtempSync(join(tmpdir(), 'vnetops-client-pki-'));
  writeClientPki(clientPkiDir, pki.caCertPem);
});

afterAll(async () => {
  await stopSandboxHost('lvtls');
  if (clientPkiDir) rmSync(clientPkiDir, { recursive: true, force: true });
});

describe('qemu+tls transport', () => {
  it("connects over TLS, passes libvirtd's verdict byte, and makes calls, pipelined too", async () => {
    const result = await probe('qemu+tls://localhost/system', clientPkiDir);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, networks: [], pipelinedReplies: 16 });
    expect(result.libVersion).toBeGreaterThanOrEqual(9_000_000);
  });

  it('refuses a server whose certificate our CA did not sign', async () => {
    const otherPki = await makeTestPki();
    const otherDir = mkdtempSync(join(tmpdir(), 'vnetops-other-pki-'));
    try {
      writeClientPki(otherDir, otherPki.caCertPem);
      const result = await probe('qemu+tls://localhost/system', otherDir);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(
        /LibvirtConnectionError: could not connect to libvirtd at localhost:16514 \(TLS\): .*(self.signed|unable to verify|certificate)/i,
      );
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('checks the host name against the certificate', async () => {
    const result = await probe('qemu+tls://127.0.0.2/system', clientPkiDir);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/127\.0\.0\.2.*(IP|altnames|certificate)/i);
  });
});
