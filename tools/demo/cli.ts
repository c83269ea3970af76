/**
 * `npm run demo`: vnetops running on this machine, tried from a browser. Starts Redis if needed, a
 * sandbox libvirt host (or uses VNETOPS_LIBVIRT_URI), a host worker and the bot wired to the local
 * console (or to real Slack when SLACK_BOT_TOKEN is set), prints the console's URL, and on any way out
 * (Ctrl-C, SIGTERM, a closed terminal, a broken stdout or stderr, a crash: see ways-out.ts) stops all
 * of it and removes the sandbox. `scripts/demo.sh` installs what is missing first.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { guardProcessOutput } from './demo-output.js';
import { DemoInterrupted, type DemoStack, startDemoStack } from './demo-stack.js';
import { watchWaysOut } from './ways-out.js';

const USAGE = `usage: npm run demo [-- --port N] [--sandbox NAME]
  --port N         port of the local console on 127.0.0.1 (default 8430; any free port if taken)
  --sandbox NAME   name of the sandbox libvirt host (default demo; network namespace vnetops-NAME)
Environment (all optional):
  VNETOPS_LIBVIRT_URI   a real libvirt host instead of a sandbox, e.g. qemu:///system
  VNETOPS_HOST_ID       its name in commands (default: this machine's hostname, or "demo")
  VNETOPS_REDIS_URL / VNETOPS_REDIS_SOCKET   a Redis to use (with a sandbox host: a socket only)
  SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, VNETOPS_CONFIG
                        talk to real Slack instead of the local console`;

/**
 * Test-only hook, for the tests of the ways out (test/integration/demo-ways-out.test.ts): set to `throw`
 * (an uncaught exception) or `reject` (an unhandled rejection), the demo, once ready, fails that way on
 * SIGUSR2 (so the test chooses the moment). Nothing else sets it.
 */
const TEST_CRASH_AFTER_READY = process.env.VNETOPS_DEMO_TEST_CRASH_AFTER_READY;

// From the very start: a way out taken while starting must stop what has started, not just us.
const waysOut = watchWaysOut({
  onStillStopping: () =>
    say('still stopping (the sandbox is being removed); Ctrl-C once more to quit at once and leave what is left'),
  onCrash: (error) =>
    complain(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  exitNow: (code) => process.exit(code),
});
const { say, complain } = guardProcessOutput((stream, error) =>
  waysOut.take({
    description: `${stream} closed (${(error as NodeJS.ErrnoException).code ?? error.message})`,
    error: true,
  }),
);

async function main(): Promise<number> {
  let port: number | undefined;
  let sandboxName: string | undefined;
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string' }, sandbox: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
    sandboxName = values.sandbox;
  } catch (error) {
    complain(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }

  const workDir = mkdtempSync(join(tmpdir(), 'vnetops-demo-'));
  let stack: DemoStack;
  try {
    stack = await startDemoStack({
      workDir,
      say,
      signal: waysOut.signal,
      ...(port !== undefined ? { consolePort: port } : {}),
      ...(sandboxName !== undefined ? { sandboxName } : {}),
    });
  } catch (error) {
    if (error instanceof DemoInterrupted) {
      const reason = await waysOut.first;
      say(`${reason.description} while starting; what had started is stopped again.`);
      rmSync(workDir, { recursive: true, force: true });
      return reason.error ? 1 : 130;
    }
    complain(`\nthe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    // Refused before anything ran (another demo is running): no logs worth keeping.
    if (readdirSync(workDir).length === 0) rmSync(workDir, { recursive: true, force: true });
    else complain(`(logs kept in ${workDir})`);
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
  if (TEST_CRASH_AFTER_READY === 'throw' || TEST_CRASH_AFTER_READY === 'reject')
    process.once('SIGUSR2', () => {
      const crash = new Error(`VNETOPS_DEMO_TEST_CRASH_AFTER_READY=${TEST_CRASH_AFTER_READY}: a crash for the tests`);
      if (TEST_CRASH_AFTER_READY === 'throw') throw crash;
      void Promise.reject(crash);
    });

  const failure = stack.failure.then((how) => ({ description: `failure: ${how}`, error: true, child: true }));
  const reason = await Promise.race([waysOut.first.then((first) => ({ ...first, child: false })), failure]);
  // One path from here on, whatever the way out: a child ending on its own also stops the rest.
  waysOut.take(reason);
  const failed = reason.error;
  say(reason.child ? `\n${reason.description}\nstopping the rest …` : `\n${reason.description}: stopping …`);
  const problems = await stack.stop();
  const stillRunning = stack.processes.filter((child) => child.pid !== undefined && isAlive(child.pid));
  for (const child of stillRunning) problems.push(`the ${child.name} (pid ${child.pid}) is still running`);
  if (problems.length > 0) {
    complain(`stopped, but left behind:\n  - ${problems.join('\n  - ')}\n(logs kept in ${workDir})`);
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

// Exit explicitly: after a crash, whatever crashed may still hold the event loop open.
process.exit(await main());
