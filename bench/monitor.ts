/**
 * bench:monitor — a libvirt change on a sandbox host → the alert in the (fake) Slack channel, through
 * the built host worker (its monitor) and the built bot (its alert feed), each its own process, as
 * deployed. Next to it, in the same run, the peer: `virsh net-event --loop` on the same host
 * (how soon virsh itself shows the event). The fake Slack, in this process, enforces a Slack-like
 * rate limit (chat.postMessage about 1 per second per channel, short bursts allowed).
 *   1. latency: network lab0 started / stopped by a libvirt call, one change at a time, spaced past
 *      the coalescing window: call returned → alert reply posted in lab0's thread; minus the window;
 *      and call returned → virsh event printed the line;
 *   2. burst: 50 networks defined, started, stopped and undefined (200 events) as fast as libvirt
 *      goes: time until every one of the 200 is readable in the channel, 429s met, Slack calls made.
 * Target: latency p99 < 100 ms + the coalescing window. The last line of output is one JSON object.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { FakeSlack, RecordedCall } from '../tools/fake-slack/index.js';
import { LibvirtClient } from '../src/libvirt/index.js';
import { type SandboxHost, startSandboxHost, stopSandboxHost } from '../tools/sandbox/sandbox-host.js';
import { alertsIn } from '../tools/fake-slack/alert-reading.js';
import { CHANNELS, newPrefix, policyYaml, startTestFakeSlack } from '../tools/test-workspace.js';
import { runBench } from './bench-main.js';
import { type BotProcess, startBotProcess } from '../tools/processes/bot-process.js';
import { round, summarize } from './stats.js';
import { WorkerProcess } from '../tools/processes/worker-process.js';

const run = promisify(execFile);
const HOST = process.env.BENCH_HOST ?? 'benchm';
const COALESCE_MS = Number(process.env.BENCH_COALESCE_MS ?? 500);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const BURST_NETWORKS = Number(process.env.BENCH_BURST_NETWORKS ?? 50);
const RATE_LIMITS = {
  'chat.postMessage': { ratePerSecond: 1, burst: 5, perChannel: true },
  'chat.update': { ratePerSecond: 1, burst: 10 },
};

const started: {
  host?: boolean;
  worker?: WorkerProcess;
  fake?: FakeSlack;
  bot?: BotProcess;
  virshEvents?: ChildProcess;
} = {};

async function cleanup(): Promise<void> {
  const events = started.virshEvents;
  if (events && events.exitCode === null && events.signalCode === null) {
    const exited = new Promise((resolveExit) => events.once('exit', resolveExit));
    events.kill('SIGTERM');
    await exited;
  }
  await started.bot?.stop().catch((error: unknown) => console.error('stopping the bot:', error));
  await started.fake?.close().catch((error: unknown) => console.error('stopping the fake Slack:', error));
  await started.worker?.stop().catch((error: unknown) => console.error('stopping the worker:', error));
  if (started.host)
    await stopSandboxHost(HOST).catch((error: unknown) => console.error('stopping the sandbox:', error));
}

/** `virsh net-event --loop`: resolves each waiter when a line naming its network and word appears. */
function watchVirshEvents(host: SandboxHost): { next(network: string, word: string): Promise<number> } {
  // Line-buffered: virsh's stdout into a pipe is otherwise block-buffered and lines would come late.
  const child = spawn('stdbuf', ['-oL', 'virsh', '-c', host.uri, 'net-event', '--loop', '--event', 'lifecycle'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  started.virshEvents = child;
  const waiters: { network: string; word: string; resolve: (at: number) => void }[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const at = performance.now();
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      // event 'lifecycle' for network lab0: Started
      const index = waiters.findIndex(
        (w) => line.includes(`network ${w.network}:`) && line.toLowerCase().includes(w.word),
      );
      if (index >= 0) waiters.splice(index, 1)[0]?.resolve(at);
    }
  });
  return { next: (network, word) => new Promise((resolve) => waiters.push({ network, word, resolve })) };
}

/** Resolves with the time the bot posts an alert reply in `network`'s thread saying `word`. */
function nextAlert(fake: FakeSlack, network: string, word: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (call: RecordedCall): void => {
      if (call.method !== 'chat.postMessage' || call.status !== 200 || call.args.thread_ts === undefined) return;
      const text = typeof call.args.text === 'string' ? call.args.text : '';
      if (!text.includes(`to ${network} on`)) return;
      const blocks = JSON.stringify(call.args.blocks ?? '');
      if (!blocks.includes(`*${word}*`)) return;
      fake.store.off('call', listener);
      resolve(performance.now());
    };
    fake.store.on('call', listener);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a clear failure after `ms`: a bench must end, not hang. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no sign of ${what} within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

async function main(): Promise<void> {
  console.log('building (npm run build)…');
  await run('npm', ['run', 'build', '--silent']);
  console.log(`starting sandbox host ${HOST}…`);
  started.host = true;
  const host = await startSandboxHost(HOST);
  const client = await LibvirtClient.connect(host.uri);
  const lab0 = await client.defineNetwork(
    `<network><name>lab0</name><bridge name='vnlab0'/><ip address='10.126.0.1' prefix='24'/></network>`,
  );
  const prefix = newPrefix('vbm');
  started.worker = await WorkerProcess.start(host, { hostId: HOST, prefix, heartbeatMs: 5000, compiled: true });
  const fake = await startTestFakeSlack(RATE_LIMITS);
  started.fake = fake;
  started.bot = await startBotProcess({
    run: 'built',
    configYaml: policyYaml('24h'),
    slackApiUrl: fake.apiUrl,
    redis: { socketPath: host.redisSocketPath },
    prefix,
    env: { VNETOPS_ALERTS_CHANNEL: CHANNELS.alerts, VNETOPS_ALERT_COALESCE_MS: String(COALESCE_MS) },
  });
  const virshEvents = watchVirshEvents(host);
  await sleep(500);

  console.log(`latency: lab0 started/stopped ${SAMPLES} times, one change per ${COALESCE_MS + 700} ms…`);
  const alertMs: number[] = [];
  const virshMs: number[] = [];
  for (let i = 0; i < SAMPLES + 2; i++) {
    const starting = i % 2 === 0;
    const word = starting ? 'started' : 'stopped';
    const alert = nextAlert(fake, 'lab0', word);
    const seenByVirsh = virshEvents.next('lab0', word);
    if (starting) await client.startNetwork(lab0);
    else await client.destroyNetwork(lab0);
    const returned = performance.now();
    const [alertAt, virshAt] = await Promise.all([
      within(alert, 15_000, `the ${word} alert of lab0`),
      within(seenByVirsh, 15_000, `virsh's ${word} event of lab0`),
    ]);
    // The first two (thread creation, warm-up) are not counted.
    if (i >= 2) {
      alertMs.push(alertAt - returned);
      virshMs.push(virshAt - returned);
    }
    await sleep(COALESCE_MS + 700 - (performance.now() - returned));
  }

  console.log(`burst: ${BURST_NETWORKS} networks defined, started, stopped, undefined…`);
  const callsBefore = fake.calls().length;
  const limitedBefore = fake.rateLimitedCount;
  const burstStart = performance.now();
  for (let i = 0; i < BURST_NETWORKS; i++) {
    const net = await client.defineNetwork(`<network><name>burst${i}</name><bridge name='vnburst${i}'/></network>`);
    await client.startNetwork(net);
    await client.destroyNetwork(net);
    await client.undefineNetwork(net);
  }
  const libvirtDoneMs = performance.now() - burstStart;
  const expected = BURST_NETWORKS * 4;
  const accounted = () => alertsIn(fake, CHANNELS.alerts).filter((a) => a.network.startsWith('burst')).length;
  await fake.waitFor(
    () => (accounted() >= expected ? true : undefined),
    180_000,
    `all ${expected} burst events in the channel`,
  );
  const burstMs = performance.now() - burstStart;
  const burstCalls = fake.calls().slice(callsBefore);
  await client.close();

  const alert = summarize(alertMs);
  const figures = {
    bench: 'monitor',
    coalesceMs: COALESCE_MS,
    rateLimits: RATE_LIMITS,
    alertLatencyMs: alert,
    alertBeyondWindowMs: { median: round(alert.median - COALESCE_MS), p99: round(alert.p99 - COALESCE_MS), n: alert.n },
    virshEventLatencyMs: summarize(virshMs),
    burst: {
      events: expected,
      accounted: accounted(),
      libvirtMs: round(libvirtDoneMs),
      allInChannelMs: round(burstMs),
      slackCalls: burstCalls.length,
      posts: burstCalls.filter((c) => c.method === 'chat.postMessage' && c.status === 200).length,
      rateLimited429: fake.rateLimitedCount - limitedBefore,
    },
  };
  const targets = {
    alertP99WithinWindowPlus100Ms: figures.alertBeyondWindowMs.p99 < 100,
    burstAllAccounted: figures.burst.accounted === expected,
  };
  console.log('');
  console.log(`                                              median ms   p99 ms     n`);
  console.log(
    `change → alert posted (window ${COALESCE_MS} ms)        ${alert.median.toString().padStart(9)} ${alert.p99.toString().padStart(8)} ${alert.n.toString().padStart(5)}`,
  );
  console.log(
    `  of which beyond the window                  ${figures.alertBeyondWindowMs.median.toString().padStart(9)} ${figures.alertBeyondWindowMs.p99.toString().padStart(8)}`,
  );
  console.log(
    `change → virsh event printed (peer)           ${figures.virshEventLatencyMs.median.toString().padStart(9)} ${figures.virshEventLatencyMs.p99.toString().padStart(8)} ${figures.virshEventLatencyMs.n.toString().padStart(5)}`,
  );
  console.log(
    `burst: ${figures.burst.accounted}/${expected} events in the channel after ${figures.burst.allInChannelMs} ms (libvirt done at ${figures.burst.libvirtMs} ms), ${figures.burst.posts} posts, ${figures.burst.rateLimited429} × 429 honoured`,
  );
  console.log(`alert p99 < window + 100 ms: ${targets.alertP99WithinWindowPlus100Ms ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ ...figures, targets, targetsMet: Object.values(targets).every(Boolean) }));
}

runBench(main, cleanup);
