/**
 * Runs inside a sandbox host's network namespace (where libvirtd listens for TLS on 127.0.0.1):
 * connects with the project's client over qemu+tls and prints what it saw as one JSON line.
 * Usage: tls-probe.ts <uri> <pki dir with cacert.pem, clientcert.pem, clientkey.pem>
 */
import { LibvirtClient } from '../../../src/libvirt/index.js';

const [uri, pkiDir] = process.argv.slice(2);
try {
  const client = await LibvirtClient.connect(`${uri}?pkipath=${pkiDir}`, { keepalive: false });
  // 16 calls in flight at once: pipelining over TLS must not stall.
  const pipelined = await Promise.all(Array.from({ length: 16 }, () => client.getHostname()));
  const result = {
    ok: true,
    hostname: await client.getHostname(),
    libVersion: await client.getLibVersion(),
    networks: await client.listNetworks(),
    pipelinedReplies: pipelined.length,
  };
  await client.close();
  console.log(JSON.stringify(result));
} catch (error) {
  console.log(
    JSON.stringify({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
}
