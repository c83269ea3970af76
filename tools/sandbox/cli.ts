/**
 * Command line for sandbox hosts:
 *   npm run sandbox -- up NAME...       start hosts (all or none: on a failure the others are stopped again)
 *   npm run sandbox -- down [NAME...]   stop hosts; all of them when no name is given. A program using a
 *                                       host (a demo, see host-owner.ts) is asked to stop first, and what
 *                                       a dead one started is ended
 *   npm run sandbox -- status           list hosts and the shared Redis
 * The base folder is $VNETOPS_SANDBOX_DIR, else <repo root>/.sandbox.
 */
import {
  isSandboxHostRunning,
  listSandboxHosts,
  sandboxHostOwner,
  sharedRedisStatus,
  startSandboxHost,
  stopAllSandboxHosts,
  stopSandboxHost,
  type SandboxHost,
} from './sandbox-host.js';

const USAGE = `usage:
  npm run sandbox -- up NAME...       start sandbox hosts (NAME: 1-8 of a-z0-9, starting with a letter)
  npm run sandbox -- down [NAME...]   stop sandbox hosts (all when no name is given)
  npm run sandbox -- status           list sandbox hosts
The base folder is $VNETOPS_SANDBOX_DIR, else <repo root>/.sandbox.`;

function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}

function describeHost(host: SandboxHost): string {
  const running = isSandboxHostRunning(host) ? `running, libvirtd pid ${host.libvirtdPid}` : 'NOT running';
  const owner = sandboxHostOwner(host.name);
  return [
    `${host.name}: ${running}${host.tls ? ', TLS on port 16514 inside the namespace' : ''}`,
    ...(owner ? [`  used by the ${owner.name}, pid ${owner.pid}${owner.running ? '' : ' (no longer running)'}`] : []),
    `  netns  ${host.netns}`,
    `  uri    ${host.uri}`,
    `  redis  ${host.redisSocketPath}`,
    `  folder ${host.dir}`,
  ].join('\n');
}

async function up(names: string[]): Promise<void> {
  if (names.length === 0) throw new UsageError('up needs at least one host name');
  const started = Date.now();
  const results = await Promise.allSettled(names.map((name) => startSandboxHost(name)));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) {
    const startedHosts = results.filter(
      (result): result is PromiseFulfilledResult<SandboxHost> => result.status === 'fulfilled',
    );
    await Promise.allSettled(startedHosts.map((result) => stopSandboxHost(result.value.name)));
    throw new Error(failures.map((failure) => (failure.reason as Error).message).join('\n'));
  }
  for (const result of results) if (result.status === 'fulfilled') console.log(describeHost(result.value));
  console.log(`started ${names.length} sandbox host(s) in ${seconds(started)}`);
}

async function down(names: string[]): Promise<void> {
  const started = Date.now();
  if (names.length === 0) {
    await stopAllSandboxHosts();
    console.log(`stopped all sandbox hosts in ${seconds(started)}`);
    return;
  }
  for (const name of names) {
    const owner = sandboxHostOwner(name);
    if (owner?.running) console.log(`${name}: asking the ${owner.name} using it (pid ${owner.pid}) to stop …`);
    else if (owner) console.log(`${name}: ending what the ${owner.name} (pid ${owner.pid}, no longer running) left`);
  }
  const results = await Promise.allSettled(names.map((name) => stopSandboxHost(name)));
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) throw new Error(failures.map((failure) => (failure.reason as Error).message).join('\n'));
  console.log(`stopped ${names.join(', ')} in ${seconds(started)}`);
}

async function status(): Promise<void> {
  const hosts = await listSandboxHosts();
  if (hosts.length === 0) console.log('no sandbox hosts');
  for (const host of hosts) console.log(describeHost(host));
  const redis = sharedRedisStatus();
  console.log(redis ? `shared redis: pid ${redis.pid}, socket ${redis.socketPath}` : 'shared redis: not running');
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...names] = argv;
  try {
    switch (command) {
      case 'up':
        await up(names);
        return 0;
      case 'down':
        await down(names);
        return 0;
      case 'status':
        await status();
        return 0;
      default:
        throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    console.error(`sandbox ${command ?? ''}: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
