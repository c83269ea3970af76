/**
 * bench:bot — the real Bolt app (HTTP receiver) fed HMAC-signed slash commands by the fake Slack,
 * with a real host worker (built) on a sandbox host, next to virsh on the same host in the same run:
 *   1. ack latency of `/vnet list --host H` (signed request sent → HTTP answer), one at a time and
 *      50 at a time;
 *   2. `/vnet list --host H` end to end: signed request sent → the job's message at the fake Slack
 *      shows the final table (chat.update recorded), one at a time;
 *   3. peer: `virsh net-list --all` as a process on the same sandbox host.
 * Targets: ack p99 < 25 ms at 50 concurrent; end-to-end list ≤ 1.0× the virsh process (medians).
 * The last line of output is one JSON object with every figure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LibvirtClient } from '../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost, virsh } from '../src/sandbox/sandbox-host.js';
import { type BotStack, CHANNELS, PEOPLE, newPrefix, startBotStack } from '../test/integration/helpers/bot-stack.js';
import { round, summarize, timeEach } from './stats.js';
import { WorkerProcess } from './worker-process.js';

const run = promisify(execFile);
const HOST = 'benchb';
const NETWORKS = Number(process.env.BENCH_NETWORKS ?? 12);
const ACK_SAMPLES = Number(process.env.BENCH_ACK_SAMPLES ?? 200);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
const CONCURRENT_ROUNDS = Number(process.env.BENCH_CONCURRENT_ROUNDS ?? 6);
const E2E_SAMPLES = Number(process.env.BENCH_E2E_SAMPLES ?? 100);
const VIRSH_SAMPLES = Number(process.env.BENCH_VIRSH_SAMPLES ?? 60);
const COMMAND = `list --host ${HOST}`;

const started: { host?: boolean; worker?: WorkerProcess; stack?: BotStack } = {};

async function cleanup(): Promise<void> {
  await started.stack?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  await started.worker?.stop().catch((error: unknown) => console.error('stopping the worker:', error));
  if (started.host) await stopSandboxHost(HOST).catch((error: unknown) => console.error('stopping the sandbox:', error));
}

async function seed(host: SandboxHost): Promise<void> {
  const client = await LibvirtClient.connect(host.uri);
  try {
    for (let i = 0; i < NETWORKS; i++) {
      const net = await client.defineNetwork(`<network><name>bench${i}</name><bridge name='vnbench${i}'/><ip address='10.124.${i}.1' prefix='24'/></network>`);
      if (i % 2 === 0) await client.startNetwork(net);
    }
  } finally {
    await client.close();
  }
}

/** Sends one signed `/vnet list` and returns the ms until the bot's HTTP answer (the ack), and the ack body. */
async function timedAck(stack: BotStack): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await stack.fake.slashCommand({ userId: PEOPLE.viewer, channelId: CHANNELS.ops, text: COMMAND });
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`the bot answered ${response.status}: ${response.body}`);
  return { ms, body: response.body };
}

/** One `/vnet list` from the signed request to the final table in the job's message. */
async function timedEndToEnd(stack: BotStack): Promise<number> {
  const start = performance.now();
  const { body } = await timedAck(stack);
  const jobId = /\b(j[0-9a-f]{12})\b/.exec(body)?.[1];
  if (!jobId) throw new Error(`no job id in the ack: ${body}`);
  // The job's message is posted saying it asks the host, then updated in place with the table.
  const placeholder = await stack.fake.waitFor(() => stack.fake.messages(CHANNELS.ops).find((m) => JSON.stringify(m).includes(jobId)), 10_000);
  await stack.fake.waitFor(() => {
    const message = stack.fake.messages(CHANNELS.ops).find((m) => m.ts === placeholder.ts);
    return message && JSON.stringify(message).includes('bench1') ? message : undefined;
  }, 10_000);
  return performance.now() - start;
}

async function main(): Promise<void> {
  console.log('building (npm run build)…');
  await run('npm', ['run', 'build', '--silent']);
  console.log(`starting sandbox host ${HOST}…`);
  started.host = true;
  const host = await startSandboxHost(HOST);
  await seed(host);
  const prefix = newPrefix('vbb');
  started.worker = await WorkerProcess.start(host, { hostId: HOST, prefix, heartbeatMs: 5000, compiled: true });
  started.stack = await startBotStack(host, { prefix });
  const stack = started.stack;

  console.log('warming up…');
  for (let i = 0; i < 30; i++) await timedEndToEnd(stack);

  console.log(`ack, one at a time (${ACK_SAMPLES})…`);
  const ackSerial: number[] = [];
  for (let i = 0; i < ACK_SAMPLES; i++) ackSerial.push((await timedAck(stack)).ms);

  console.log(`ack, ${CONCURRENT} at a time (${CONCURRENT_ROUNDS} rounds)…`);
  const ackConcurrent: number[] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    const results = await Promise.all(Array.from({ length: CONCURRENT }, () => timedAck(stack)));
    ackConcurrent.push(...results.map((r) => r.ms));
    // Let the jobs these started finish before the next round, so rounds do not pile up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  console.log(`end to end, one at a time (${E2E_SAMPLES})…`);
  const e2e: number[] = [];
  for (let i = 0; i < E2E_SAMPLES; i++) e2e.push(await timedEndToEnd(stack));

  console.log(`virsh net-list --all as a process (${VIRSH_SAMPLES})…`);
  const virshMs = await timeEach(VIRSH_SAMPLES, 5, () => virsh(host, ['net-list', '--all']));

  const figures = {
    bench: 'bot',
    networks: NETWORKS,
    command: `/vnet ${COMMAND}`,
    ackMs: { serial: summarize(ackSerial), concurrent: { concurrency: CONCURRENT, ...summarize(ackConcurrent) } },
    listEndToEndMs: summarize(e2e),
    virshNetListProcessMs: summarize(virshMs),
    ratioListEndToEndToVirsh: round(summarize(e2e).median / summarize(virshMs).median),
    rateLimited429: stack.fake.rateLimitedCount,
  };
  const targets = {
    ackP99Under25MsAt50: figures.ackMs.concurrent.p99 < 25,
    listEndToEndAtMostVirsh: figures.ratioListEndToEndToVirsh <= 1.0,
  };
  console.log('');
  console.log(`                                        median ms   p99 ms     n`);
  console.log(`ack, 1 at a time                        ${figures.ackMs.serial.median.toString().padStart(9)} ${figures.ackMs.serial.p99.toString().padStart(8)} ${figures.ackMs.serial.n.toString().padStart(5)}`);
  console.log(`ack, ${CONCURRENT} at a time                       ${figures.ackMs.concurrent.median.toString().padStart(9)} ${figures.ackMs.concurrent.p99.toString().padStart(8)} ${figures.ackMs.concurrent.n.toString().padStart(5)}`);
  console.log(`/vnet list end to end                   ${figures.listEndToEndMs.median.toString().padStart(9)} ${figures.listEndToEndMs.p99.toString().padStart(8)} ${figures.listEndToEndMs.n.toString().padStart(5)}`);
  console.log(`virsh net-list --all (process)          ${figures.virshNetListProcessMs.median.toString().padStart(9)} ${figures.virshNetListProcessMs.p99.toString().padStart(8)} ${figures.virshNetListProcessMs.n.toString().padStart(5)}`);
  console.log(`end-to-end list / virsh: ${figures.ratioListEndToEndToVirsh}× (target ≤ 1.0×)`);
  console.log(`ack p99 at ${CONCURRENT} concurrent < 25 ms: ${targets.ackP99Under25MsAt50 ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ ...figures, targets, targetsMet: Object.values(targets).every(Boolean) }));
}

process.on('SIGINT', () => {
  void cleanup().then(() => process.exit(130));
});
main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanup();
    process.exit(1);
  },
);
