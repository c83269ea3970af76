/**
 * bench:libvirt — how fast the TypeScript client talks to libvirtd, next to virsh on the same
 * sandbox host in the same run:
 *   1. one CONNECT_LIST_ALL_NETWORKS round trip through the client;
 *   2. the client's `net-list --all` equivalent (list + active/persistent/autostart, pipelined);
 *   3. `virsh net-list --all` as a new process each time;
 *   4. one long-lived virsh fed `net-list --all` again and again (per-command cost).
 * Target: (2) at most 0.5× (4). The last line of output is one JSON object with every figure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LibvirtClient } from '../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost } from '../tools/sandbox/sandbox-host.js';
import { LongLivedVirsh } from './long-lived-virsh.js';
import { round, summarize, timeEach } from './stats.js';

const run = promisify(execFile);
const HOST = 'bench1';
const NETWORKS = Number(process.env.BENCH_NETWORKS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 60);

async function seedNetworks(client: LibvirtClient): Promise<void> {
  // A realistic host: some networks running, some only defined, a few with autostart.
  for (let i = 0; i < NETWORKS; i++) {
    const xml = `<network><name>bench${i}</name><bridge name='vnbench${i}'/><ip address='10.123.${i}.1' prefix='24'/></network>`;
    const net = await client.defineNetwork(xml);
    if (i % 2 === 0) await client.startNetwork(net);
    if (i % 3 === 0) await client.setAutostart(net, true);
  }
}

async function main(): Promise<void> {
  let host: SandboxHost | undefined;
  let client: LibvirtClient | undefined;
  let virsh: LongLivedVirsh | undefined;
  try {
    console.log(`starting sandbox host ${HOST}…`);
    host = await startSandboxHost(HOST);
    client = await LibvirtClient.connect(host.uri);
    await seedNetworks(client);
    const c = client;
    const expected = (await c.listNetworks()).length;
    if (expected !== NETWORKS) throw new Error(`expected ${NETWORKS} networks, the client lists ${expected}`);

    const listRoundTrip = summarize(await timeEach(ROUNDS, 100, () => c.listAllNetworks()));
    const clientNetList = summarize(await timeEach(ROUNDS, 100, () => c.listNetworks()));

    const virshProcess = summarize(
      await timeEach(PROCESS_ROUNDS, 5, () => run('virsh', ['-c', host!.uri, 'net-list', '--all'])),
    );

    virsh = new LongLivedVirsh(host.uri);
    const v = virsh;
    const sample = await v.run('net-list --all');
    const virshRows = sample.split('\n').filter((line) => /bench\d+/.test(line)).length;
    if (virshRows !== NETWORKS) throw new Error(`long-lived virsh listed ${virshRows} networks, expected ${NETWORKS}`);
    const virshLongLived = summarize(await timeEach(ROUNDS, 100, () => v.run('net-list --all')));

    const ratio = round(clientNetList.median / virshLongLived.median);
    console.log('');
    console.log(
      `networks on the host: ${NETWORKS} (half active); rounds: ${ROUNDS} (virsh processes: ${PROCESS_ROUNDS})`,
    );
    console.log('                                             median ms     p99 ms');
    const row = (label: string, s: { median: number; p99: number }): void =>
      console.log(`${label.padEnd(45)}${String(s.median).padStart(9)}  ${String(s.p99).padStart(9)}`);
    row('client: list-all-networks round trip', listRoundTrip);
    row('client: net-list --all equivalent', clientNetList);
    row('virsh net-list --all (new process)', virshProcess);
    row('virsh net-list --all (long-lived, per cmd)', virshLongLived);
    console.log('');
    console.log(`client net-list / long-lived virsh: ${ratio}× (target ≤ 0.5×)`);
    console.log(`client net-list / virsh process:    ${round(clientNetList.median / virshProcess.median)}×`);
    console.log(
      JSON.stringify({
        bench: 'libvirt',
        networks: NETWORKS,
        clientListAllMs: listRoundTrip,
        clientNetListMs: clientNetList,
        virshProcessMs: virshProcess,
        virshLongLivedMs: virshLongLived,
        ratioClientToLongLivedVirsh: ratio,
        ratioClientToVirshProcess: round(clientNetList.median / virshProcess.median),
        targetMet: ratio <= 0.5,
      }),
    );
  } finally {
    await virsh?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
    if (host) await stopSandboxHost(HOST);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
