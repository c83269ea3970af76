import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA with a server certificate (localhost / 127.0.0.1) and a client certificate, PEM text. */
export interface TestPki {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** Makes a self-signed CA and certificates with openssl (argument vectors only, no shell). */
export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'vnetops-pki-'));
  try {
    const path = (name: string): string => join(dir, name);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=vnetops test CA',
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.pem'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const issue = async (name: string, subject: string, extensions: string): Promise<void> => {
      writeFileSync(path(`${name}.ext`), extensions);
      await run('openssl', [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        subject,
        '-keyout',
        path(`${name}.key`),
        '-out',
        path(`${name}.csr`),
      ]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        path(`${name}.csr`),
        '-CA',
        path('ca.pem'),
        '-CAkey',
        path('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        path(`${name}.ext`),
        '-out',
        path(`${name}.pem`),
      ]);
    };
    await issue(
      'server',
      '/O=vnetops/CN=localhost',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    );
    await issue(
      'client',
      '/O=vnetops/CN=vnetops-test-client',
      'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    );
    const read = (name: string): string => readFileSync(path(name), 'utf8');
    return {
      caCertPem: read('ca.pem'),
      serverCertPem: read('server.pem'),
      serverKeyPem: read('server.key'),
      clientCertPem: read('client.pem'),
      clientKeyPem: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
