/**
 * `npm run demo`: vnetops running on this machine, tried from a browser. Starts Redis if needed, a
 * sandbox libvirt host (or uses VNETOPS_LIBVIRT_URI), a host worker and the bot wired to the local
 * console (or to real Slack when SLACK_BOT_TOKEN is set), prints the console's URL, and on Ctrl-C
 * stops all of it and removes the sandbox. `scripts/demo.sh` installs what is missing first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DemoInterrupted, type DemoStack, startDemoStack } from './demo-stack.js';

const USAGE = `usage: npm run demo [-- --port N]
  --port N   port of the local console on 127.0.0.1 (default 8430; any free port if taken)
Environment (all optional):
  VNETOPS_LIBVIRT_URI   a real libvirt host instead of a sandbox, e.g. qemu:///system
  VNETOPS_HOST_ID       its name in commands (default: this machine's hostname, or "demo")
  VNETOPS_REDIS_URL / VNETOPS_REDIS_SOCKET   a Redis to use (with a sandbox host: a socket only)
  SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, VNETOPS_CONFIG
                        talk to real Slack instead of the local console`;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  let port: number | undefined;
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      say(USAGE);
      return 0;
    }
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        throw new Error(`--port takes a port number 1-65535, not "${values.port}"`);
    }
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }

  const workDir = mkdtempSync(join(tmpdir(), 'vnetops-demo-'));
  // Signals are ours from the start: a Ctrl-C while starting stops what has started, not just us.
  const starting = new AbortController();
  let signalled: (reason: string) => void = () => undefined;
  const stopping = new Promise<string>((resolve) => (signalled = resolve));
  let signals = 0;
  const onSignal = (name: string): void => {
    signals += 1;
    if (signals === 2)
      say('still stopping (the sandbox is being removed); Ctrl-C once more to quit at once and leave what is left');
    if (signals >= 3) process.exit(130);
    if (!starting.signal.aborted) starting.abort();
    signalled(name);
  };
  process.on('SIGINT', () => onSignal('Ctrl-C'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let stack: DemoStack;
  try {
    stack = await startDemoStack({
      workDir,
      say,
      signal: starting.signal,
      ...(port !== undefined ? { consolePort: port } : {}),
    });
  } catch (error) {
    if (error instanceof DemoInterrupted) {
      say('stopped while starting; what had started is stopped again.');
      rmSync(workDir, { recursive: true, force: true });
      return 130;
    }
    console.error(`\nthe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`(logs kept in ${workDir})`);
    return 1;
  }

  say('');
  say('vnetops is running.');
  if (stack.consoleUrl) {
    say(`  console   ${stack.consoleUrl}   ← open this in a browser`);
    say('  try       /vnet create isolated lab1   as Rita (operator), then switch to Alex (approver)');
    say('            and press Approve in #approvals; alerts arrive in #net-alerts');
  } else {
    say(
      `  bot       http://127.0.0.1:${stack.botPort ?? '?'}/slack/events (HTTP mode: Slack must reach it), /healthz, /metrics`,
    );
  }
  say(`  host      ${stack.hostId}${stack.sandbox ? ` (sandbox, network namespace ${stack.sandbox.netns})` : ''}`);
  say(`  logs      ${workDir}`);
  say('Press Ctrl-C to stop everything' + (stack.sandbox ? ' and remove the sandbox host.' : '.'));

  const reason = await Promise.race([stopping, stack.failure.then((how) => `failure: ${how}`)]);
  const failed = reason.startsWith('failure');
  say(failed ? `\n${reason}\nstopping the rest …` : `\n${reason}: stopping …`);
  const problems = await stack.stop();
  const stillRunning = stack.processes.filter((child) => child.pid !== undefined && isAlive(child.pid));
  for (const child of stillRunning) problems.push(`the ${child.name} (pid ${child.pid}) is still running`);
  if (problems.length > 0) {
    console.error(`stopped, but left behind:\n  - ${problems.join('\n  - ')}\n(logs kept in ${workDir})`);
    return 1;
  }
  const pids = stack.processes.map((child) => `${child.name} ${child.pid}`).join(', ');
  say(
    `stopped: ${pids}${stack.sandbox ? `; sandbox host, its bridges and namespace ${stack.sandbox.netns} removed` : ''}.`,
  );
  if (failed) {
    say(`(logs kept in ${workDir})`);
    return 1;
  }
  rmSync(workDir, { recursive: true, force: true });
  return 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

process.exitCode = await main();
