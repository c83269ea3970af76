/**
 * bench:bot — the real Bolt app (HTTP receiver) fed HMAC-signed slash commands by the fake Slack,
 * with a real host worker on a sandbox host, next to virsh on the same host in the same run. The bot
 * and the worker run built, each as its own process, as deployed; the fake Slack runs in this one, and
 * the requests whose acks are timed are sent by a lean process of their own (slash-command-sender.ts:
 * signed as each is sent, written on keep-alive sockets), so the fake's work does not stall the clock:
 *   1. ack latency of `/vnet list --host H` (signed request sent → HTTP answer), one at a time and
 *      50 at a time (all 50 clocks start together; 5 untimed bursts first, each burst's 50 jobs
 *      finished before the next);
 *   2. `/vnet list --host H` end to end: signed request sent → the answer at the fake Slack shows
 *      the table (a quick list is posted once with it), one at a time;
 *   3. peer: `virsh net-list --all` as a process on the same sandbox host;
 *   4. the peers of the ack figures, each 50 at a time under the same sender, their rounds taken in
 *      turn so all see the same machine: the bot's `/vnet help` (answered in the ack, no job); a bare
 *      Bolt app (bare-bolt-app.ts: Bolt's HTTP receiver acking at once), the floor of any bot on that
 *      receiver; and Node's own HTTP server checking the signature (plain-node-app.ts), the floor of
 *      any Slack app on Node on this machine. Each gets 5 untimed bursts first, as the bot's list does.
 * Targets: ack p99 < 25 ms at 50 concurrent; end-to-end list ≤ 1.0× the virsh process (medians).
 * The last line of output is one JSON object with every figure.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FakeSlack } from '../tools/fake-slack/index.js';
import { LibvirtClient } from '../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost, virsh } from '../tools/sandbox/sandbox-host.js';
import {
  BOT_TOKEN,
  CHANNELS,
  PEOPLE,
  SIGNING_SECRET,
  newPrefix,
  policyYaml,
  startTestFakeSlack,
} from '../tools/test-workspace.js';
import { runBench } from './bench-main.js';
import { freePort } from '../tools/free-port.js';
import { type BotProcess, startBotProcess } from '../tools/processes/bot-process.js';
import { measureJobSigning, signingLines } from './signing.js';
import { round, summarize, timeEach } from './stats.js';
import { type SchedStat, schedStat } from './sched-stat.js';
import { SlashCommandSender } from './slash-command-sender.js';
import { WorkerProcess } from '../tools/processes/worker-process.js';

const run = promisify(execFile);
/** Sandbox host name; give each person running benches their own (BENCH_HOST) so runs do not collide. */
const HOST = process.env.BENCH_HOST ?? 'benchb';
const NETWORKS = Number(process.env.BENCH_NETWORKS ?? 12);
const ACK_SAMPLES = Number(process.env.BENCH_ACK_SAMPLES ?? 200);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
/** Rounds of each 50-burst; a p99 of 20 × 50 samples is its 10th worst, steadier than the 3rd of 6 rounds. */
const CONCURRENT_ROUNDS = Number(process.env.BENCH_CONCURRENT_ROUNDS ?? 20);
/** Untimed bursts each app gets before its timed ones (JIT, connections, a first burst of jobs). */
const WARMUP_BURSTS = 5;
const E2E_SAMPLES = Number(process.env.BENCH_E2E_SAMPLES ?? 100);
const VIRSH_SAMPLES = Number(process.env.BENCH_VIRSH_SAMPLES ?? 60);
const COMMAND = `list --host ${HOST}`;
/**
 * For profiling: when set, the bot runs with `--cpu-prof` writing into this folder (the request sender
 * into its `sender/`), and the bench writes `phases.json` there (each phase's start and end on the
 * monotonic clock, in µs, the clock of `.cpuprofile` timestamps) so a profile can be cut to one phase.
 */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** When set, every ack sample (in send order, 50 a round) is written to this JSON file. */
const SAMPLES_FILE = process.env.BENCH_SAMPLES_FILE;
const phases: { name: string; startUs: number; endUs: number }[] = [];

/** The processes whose CPU use is reported per phase (pids, filled in as they start). */
const watched: Record<'bot' | 'sender' | 'worker' | 'bench' | PeerName, number | undefined> = {
  bot: undefined,
  sender: undefined,
  worker: undefined,
  bench: process.pid,
  bareBolt: undefined,
  plainNode: undefined,
};
/** Per phase name: how often it ran, its wall time, and each watched process's CPU and run-queue wait, summed. */
const phaseUse = new Map<
  string,
  { runs: number; wallMs: number; use: Partial<Record<keyof typeof watched, SchedStat>> }
>();

function schedStats(): Partial<Record<keyof typeof watched, SchedStat>> {
  const stats: Partial<Record<keyof typeof watched, SchedStat>> = {};
  for (const [who, pid] of Object.entries(watched) as [keyof typeof watched, number | undefined][]) {
    const stat = pid === undefined ? undefined : schedStat(pid);
    if (stat) stats[who] = stat;
  }
  return stats;
}

/** Runs one phase of the bench, noting when it ran (for cutting profiles) and what CPU each process used in it. */
async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const before = schedStats();
  try {
    return await body();
  } finally {
    const endUs = Number(process.hrtime.bigint() / 1000n);
    phases.push({ name, startUs, endUs });
    const after = schedStats();
    const entry = phaseUse.get(name) ?? { runs: 0, wallMs: 0, use: {} };
    entry.runs += 1;
    entry.wallMs += (endUs - startUs) / 1000;
    for (const who of Object.keys(after) as (keyof typeof watched)[]) {
      const [a, b] = [after[who]!, before[who]];
      if (!b) continue;
      const sum = entry.use[who] ?? { cpuMs: 0, runQueueWaitMs: 0 };
      entry.use[who] = {
        cpuMs: sum.cpuMs + a.cpuMs - b.cpuMs,
        runQueueWaitMs: sum.runQueueWaitMs + a.runQueueWaitMs - b.runQueueWaitMs,
      };
    }
    phaseUse.set(name, entry);
  }
}

/** Average wall time of a phase and each process's CPU and run-queue wait in it, in ms (rounded). */
function perRun(
  name: string,
): { wallMs: number; cpuMs: Record<string, number>; runQueueWaitMs: Record<string, number> } | undefined {
  const entry = phaseUse.get(name);
  if (!entry) return undefined;
  const cpuMs: Record<string, number> = {};
  const runQueueWaitMs: Record<string, number> = {};
  for (const [who, use] of Object.entries(entry.use)) {
    cpuMs[who] = round(use.cpuMs / entry.runs, 1);
    runQueueWaitMs[who] = round(use.runQueueWaitMs / entry.runs, 1);
  }
  return { wallMs: round(entry.wallMs / entry.runs, 1), cpuMs, runQueueWaitMs };
}

/** The apps the bot's acks are compared with: a bare Bolt app, and Node's HTTP server alone. */
type PeerName = 'bareBolt' | 'plainNode';
const PEER_SCRIPTS: Record<PeerName, string> = {
  bareBolt: 'bench/bare-bolt-app.ts',
  plainNode: 'bench/plain-node-app.ts',
};

const started: {
  host?: boolean;
  worker?: WorkerProcess;
  fake?: FakeSlack;
  bot?: BotProcess;
  sender?: SlashCommandSender;
  peers: Partial<Record<PeerName, ChildProcess>>;
} = { peers: {} };

/** Starts a peer app as its own process and resolves with its events URL once it listens. */
async function startPeer(name: PeerName, fake: FakeSlack): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(PEER_SCRIPTS[name])], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      BENCH_SIGNING_SECRET: SIGNING_SECRET,
      BENCH_BOT_TOKEN: BOT_TOKEN,
      BENCH_SLACK_API_URL: fake.apiUrl,
      BENCH_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.peers[name] = child;
  await new Promise<void>((ready, fail) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('listening')) ready();
    });
    child.once('exit', (code) => fail(new Error(`${PEER_SCRIPTS[name]} exited (${code})`)));
  });
  watched[name] = child.pid;
  return `http://127.0.0.1:${port}/slack/events`;
}

async function stopPeers(): Promise<void> {
  for (const child of Object.values(started.peers)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    // A peer whose stop hangs is not left behind.
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

async function cleanup(): Promise<void> {
  await stopPeers().catch((error: unknown) => console.error('stopping the peer apps:', error));
  await started.bot?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  await started.sender?.stop().catch((error: unknown) => console.error('stopping the sender:', error));
  await started.fake?.close().catch((error: unknown) => console.error('stopping the fake Slack:', error));
  await started.worker?.stop().catch((error: unknown) => console.error('stopping the worker:', error));
  if (started.host)
    await stopSandboxHost(HOST).catch((error: unknown) => console.error('stopping the sandbox:', error));
}

async function seed(host: SandboxHost): Promise<void> {
  const client = await LibvirtClient.connect(host.uri);
  try {
    for (let i = 0; i < NETWORKS; i++) {
      const net = await client.defineNetwork(
        `<network><name>bench${i}</name><bridge name='vnbench${i}'/><ip address='10.124.${i}.1' prefix='24'/></network>`,
      );
      if (i % 2 === 0) await client.startNetwork(net);
    }
  } finally {
    await client.close();
  }
}

/** Sends one signed slash command (default `/vnet list`) through the fake itself (end-to-end runs) and returns the ms until the bot's HTTP answer (the ack), and the ack body. */
async function timedAck(fake: FakeSlack, text = COMMAND): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const response = await fake.slashCommand({ userId: PEOPLE.viewer, channelId: CHANNELS.ops, text });
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`the bot answered ${response.status}: ${response.body}`);
  return { ms, body: response.body };
}

/** Sends `count` slash commands at once from the sender process; their ack times and bodies. */
async function timedAcks(
  sender: SlashCommandSender,
  fake: FakeSlack,
  botUrl: string,
  count: number,
  text = COMMAND,
): Promise<{ ms: number; body: string }[]> {
  const forms = Array.from(
    { length: count },
    () => fake.prepareSlashCommand({ userId: PEOPLE.viewer, channelId: CHANNELS.ops, text }).fields,
  );
  const answers = await sender.send(botUrl, SIGNING_SECRET, forms);
  for (const answer of answers)
    if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}: ${answer.body}`);
  return answers;
}

/** One `/vnet list` from the signed request to the final table in the job's message. */
async function timedEndToEnd(fake: FakeSlack): Promise<number> {
  const since = fake.messages(CHANNELS.ops).length;
  const start = performance.now();
  await timedAck(fake);
  // A quick list is answered once, with the table (a slow one posts a placeholder first and edits it).
  await settled(fake, since, 1);
  return performance.now() - start;
}

/**
 * Waits until `count` list answers posted since the channel held `since` messages show their table,
 * so a phase starts with no job work left over.
 */
async function settled(fake: FakeSlack, since: number, count: number): Promise<void> {
  // A message with its table is read once, not on every later check (reading the whole channel each
  // time grew with every round and took seconds of the bench's CPU).
  const done = new Set<string>();
  await fake.waitFor(() => {
    const messages = fake.messages(CHANNELS.ops);
    for (let i = since; i < messages.length; i++) {
      const message = messages[i]!;
      if (!done.has(message.ts) && JSON.stringify(message.blocks).includes('bench1')) done.add(message.ts);
    }
    return done.size >= count ? true : undefined;
  }, 60_000);
}

/** Sends a burst of list commands and waits for every answer's table: the acks' times. */
async function settledBurst(
  sender: SlashCommandSender,
  fake: FakeSlack,
  botUrl: string,
  count: number,
): Promise<{ ms: number; body: string }[]> {
  const since = fake.messages(CHANNELS.ops).length;
  const acks = await timedAcks(sender, fake, botUrl, count);
  await settled(fake, since, count);
  return acks;
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
  const fake = await startTestFakeSlack();
  started.fake = fake;
  started.bot = await startBotProcess({
    run: 'built',
    configYaml: policyYaml('24h'),
    slackApiUrl: fake.apiUrl,
    redis: { socketPath: host.redisSocketPath },
    prefix,
    nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  });
  const { port } = started.bot;
  const botUrl = `http://127.0.0.1:${port}/slack/events`;
  fake.setRequestUrl(botUrl);
  const sender = SlashCommandSender.start(
    PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, 'sender')}`] : [],
  );
  started.sender = sender;
  Object.assign(watched, { bot: started.bot?.child.pid, sender: sender.pid, worker: started.worker.pid });

  console.log('warming up…');
  await phase('warmup', async () => {
    for (let i = 0; i < 30; i++) await timedEndToEnd(fake);
  });

  console.log(`ack, one at a time (${ACK_SAMPLES})…`);
  const ackSerial: number[] = [];
  await phase('ack-serial', async () => {
    const since = fake.messages(CHANNELS.ops).length;
    for (let i = 0; i < ACK_SAMPLES; i++)
      ackSerial.push(...(await timedAcks(sender, fake, botUrl, 1)).map((ack) => ack.ms));
    // The bursts below each start from a bot with no job work going on, like the rounds after them.
    await settled(fake, since, ACK_SAMPLES);
  });

  console.log(`ack, ${CONCURRENT} at a time (${CONCURRENT_ROUNDS} rounds, after ${WARMUP_BURSTS} untimed)…`);
  // Warmed as the peers are: the serial phase warmed one command at a time, not a burst and the 50
  // jobs it starts at once.
  for (let i = 0; i < WARMUP_BURSTS; i++) await settledBurst(sender, fake, botUrl, CONCURRENT);
  const ackConcurrent: number[] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    const since = fake.messages(CHANNELS.ops).length;
    const results = await phase('ack-concurrent', () => timedAcks(sender, fake, botUrl, CONCURRENT));
    ackConcurrent.push(...results.map((r) => r.ms));
    // Let the jobs these started finish (their answers show their tables) before the next round.
    await phase('ack-concurrent-settle', () => settled(fake, since, CONCURRENT));
  }

  // The peers, same sender, same run: the bot's own `/vnet help` (answered in the ack, no job), a
  // Bolt app that only acks, and Node's HTTP server alone. Their rounds are taken in turn, so a busy
  // moment of the machine falls on all of them alike.
  console.log(
    `ack of /vnet help (no job), of a bare Bolt app and of Node's HTTP server alone, ${CONCURRENT} at a time (${CONCURRENT_ROUNDS} rounds each, in turn)…`,
  );
  const peerUrls: Record<PeerName, string> = {
    bareBolt: await startPeer('bareBolt', fake),
    plainNode: await startPeer('plainNode', fake),
  };
  // The bot's help path is warm by now (the same path as list up to the ack); the peers get their untimed bursts.
  for (const url of Object.values(peerUrls))
    for (let i = 0; i < WARMUP_BURSTS; i++) await timedAcks(sender, fake, url, CONCURRENT, 'help');
  const helpConcurrent: number[] = [];
  const peerConcurrent: Record<PeerName, number[]> = { bareBolt: [], plainNode: [] };
  for (let round = 0; round < CONCURRENT_ROUNDS; round++) {
    helpConcurrent.push(
      ...(await phase('help-concurrent', () => timedAcks(sender, fake, botUrl, CONCURRENT, 'help'))).map((r) => r.ms),
    );
    for (const name of ['bareBolt', 'plainNode'] as const) {
      peerConcurrent[name].push(
        ...(await phase(`${name}-concurrent`, () => timedAcks(sender, fake, peerUrls[name], CONCURRENT, 'help'))).map(
          (r) => r.ms,
        ),
      );
    }
  }
  await stopPeers();
  const { bareBolt: bareBoltConcurrent, plainNode: plainNodeConcurrent } = peerConcurrent;

  console.log(`end to end, one at a time (${E2E_SAMPLES})…`);
  const e2e: number[] = [];
  await phase('end-to-end', async () => {
    for (let i = 0; i < E2E_SAMPLES; i++) e2e.push(await timedEndToEnd(fake));
  });

  console.log(`virsh net-list --all as a process (${VIRSH_SAMPLES})…`);
  const virshMs = await phase('virsh', () => timeEach(VIRSH_SAMPLES, 5, () => virsh(host, ['net-list', '--all'])));
  if (PROFILE_DIR) writeFileSync(join(PROFILE_DIR, 'phases.json'), JSON.stringify(phases));
  if (SAMPLES_FILE)
    writeFileSync(
      SAMPLES_FILE,
      JSON.stringify({
        concurrency: CONCURRENT,
        ackSerial,
        ackConcurrent,
        helpConcurrent,
        bareBoltConcurrent,
        plainNodeConcurrent,
        e2e,
        virshMs,
      }),
    );

  const figures = {
    bench: 'bot',
    networks: NETWORKS,
    command: `/vnet ${COMMAND}`,
    ackMs: {
      serial: summarize(ackSerial),
      concurrent: { concurrency: CONCURRENT, ...summarize(ackConcurrent) },
      helpConcurrent: { concurrency: CONCURRENT, ...summarize(helpConcurrent) },
      bareBoltConcurrent: { concurrency: CONCURRENT, ...summarize(bareBoltConcurrent) },
      plainNodeConcurrent: { concurrency: CONCURRENT, ...summarize(plainNodeConcurrent) },
    },
    listEndToEndMs: summarize(e2e),
    virshNetListProcessMs: summarize(virshMs),
    ratioListEndToEndToVirsh: round(summarize(e2e).median / summarize(virshMs).median),
    rateLimited429: fake.rateLimitedCount,
    // Per burst of 50: its wall time, and the CPU each process's main thread used and how long it
    // waited for a CPU (Linux schedstat), so runs on a shared machine can be told apart.
    perBurst: {
      concurrent: perRun('ack-concurrent'),
      helpConcurrent: perRun('help-concurrent'),
      bareBoltConcurrent: perRun('bareBolt-concurrent'),
      plainNodeConcurrent: perRun('plainNode-concurrent'),
    },
    ratioAckP99ToBareBolt: round(summarize(ackConcurrent).p99 / summarize(bareBoltConcurrent).p99),
    ratioAckP99ToPlainNode: round(summarize(ackConcurrent).p99 / summarize(plainNodeConcurrent).p99),
  };
  const targets = {
    ackP99Under25MsAt50: figures.ackMs.concurrent.p99 < 25,
    listEndToEndAtMostVirsh: figures.ratioListEndToEndToVirsh <= 1.0,
  };
  console.log('');
  console.log(`                                        median ms   p99 ms     n`);
  console.log(
    `ack, 1 at a time                        ${figures.ackMs.serial.median.toString().padStart(9)} ${figures.ackMs.serial.p99.toString().padStart(8)} ${figures.ackMs.serial.n.toString().padStart(5)}`,
  );
  console.log(
    `ack, ${CONCURRENT} at a time                       ${figures.ackMs.concurrent.median.toString().padStart(9)} ${figures.ackMs.concurrent.p99.toString().padStart(8)} ${figures.ackMs.concurrent.n.toString().padStart(5)}`,
  );
  console.log(
    `ack of help (no job), ${CONCURRENT} at a time   ${figures.ackMs.helpConcurrent.median.toString().padStart(9)} ${figures.ackMs.helpConcurrent.p99.toString().padStart(8)} ${figures.ackMs.helpConcurrent.n.toString().padStart(5)}`,
  );
  console.log(
    `bare Bolt app ack, ${CONCURRENT} at a time (peer) ${figures.ackMs.bareBoltConcurrent.median.toString().padStart(9)} ${figures.ackMs.bareBoltConcurrent.p99.toString().padStart(8)} ${figures.ackMs.bareBoltConcurrent.n.toString().padStart(5)}`,
  );
  console.log(
    `Node HTTP server alone, ${CONCURRENT} at a time  ${figures.ackMs.plainNodeConcurrent.median.toString().padStart(9)} ${figures.ackMs.plainNodeConcurrent.p99.toString().padStart(8)} ${figures.ackMs.plainNodeConcurrent.n.toString().padStart(5)}`,
  );
  console.log(
    `/vnet list end to end                   ${figures.listEndToEndMs.median.toString().padStart(9)} ${figures.listEndToEndMs.p99.toString().padStart(8)} ${figures.listEndToEndMs.n.toString().padStart(5)}`,
  );
  console.log(
    `virsh net-list --all (process)          ${figures.virshNetListProcessMs.median.toString().padStart(9)} ${figures.virshNetListProcessMs.p99.toString().padStart(8)} ${figures.virshNetListProcessMs.n.toString().padStart(5)}`,
  );
  for (const [label, use] of [
    ['list', figures.perBurst.concurrent],
    ['help', figures.perBurst.helpConcurrent],
    ['the bare Bolt app', figures.perBurst.bareBoltConcurrent],
    ['Node alone', figures.perBurst.plainNodeConcurrent],
  ] as const) {
    if (!use) continue;
    const parts = Object.keys(use.cpuMs).map((who) => `${who} ${use.cpuMs[who]} (+${use.runQueueWaitMs[who]} waiting)`);
    console.log(`per ${CONCURRENT}-burst of ${label}: ${use.wallMs} ms wall; CPU ms: ${parts.join(', ')}`);
  }
  console.log(`end-to-end list / virsh: ${figures.ratioListEndToEndToVirsh}× (target ≤ 1.0×)`);
  console.log(
    `ack p99 at ${CONCURRENT} concurrent < 25 ms: ${targets.ackP99Under25MsAt50 ? 'met' : 'NOT met'} (ours is ${figures.ratioAckP99ToBareBolt}× the bare Bolt app's ${figures.ackMs.bareBoltConcurrent.p99} ms, ${figures.ratioAckP99ToPlainNode}× Node's HTTP server alone, ${figures.ackMs.plainNodeConcurrent.p99} ms, on this machine)`,
  );
  // In this process: what signing each job it enqueues costs the bot (every end-to-end job above was signed).
  const signing = await measureJobSigning();
  console.log('');
  for (const line of signingLines(signing)) console.log(line);
  console.log(JSON.stringify({ ...figures, signing, targets, targetsMet: Object.values(targets).every(Boolean) }));
}

runBench(main, cleanup);
