import type { NetworkId } from '../../src/libvirt/index.js';
import { hasIpConfig, parseNetworkXml } from '../../src/network/index.js';
import type { JobResult } from '../../src/contract/index.js';
import { surveyHost } from '../host-survey.js';
import type { JobContext, JobProcessor } from '../job-context.js';
import { JobFailedError, describeFailure } from '../job-failure.js';
import { planNetwork } from '../network-planning.js';
import { withRedisLock } from '../redis-lock.js';

/**
 * The host-wide create lock is held only while planning and defining (well under a second); a
 * short expiry means a worker killed while holding it blocks other creates for at most 10 s.
 */
const CREATE_LOCK = { ttlMs: 10_000, waitMs: 60_000 };

/**
 * Creates a network as one transaction: validate and plan under a host-wide lock → define → start →
 * autostart. A failing step rolls back what this run did and names the step. A retry of the same job
 * (after a crash or a libvirt restart) recognises the network it made by the job id in its metadata
 * and carries on from where it stopped, so one job makes one network.
 */
export const createJob: JobProcessor<'create'> = async (context, payload) => {
  const { name } = payload.request;
  await context.progress('check', `checking for an existing network named ${name}`);
  let network = await findOwnNetwork(context, name);
  const resumed = network !== undefined;
  let step = 'plan';
  try {
    if (!network) {
      await withRedisLock(
        context.redis,
        `${context.keyPrefix}:lock:${context.hostId}:create`,
        async () => {
          await context.progress('plan', `choosing subnet and bridge for ${name}`);
          // Surveyed under the lock: a concurrent create on this host has either defined its network
          // (so we see its subnet) or not started planning yet.
          const plan = planNetwork(context, payload, await surveyHost(context));
          step = 'define';
          const summary = `${plan.spec.mode}${hasIpConfig(plan.spec) ? `, ${plan.spec.ipv4.subnet}` : ''}, bridge ${plan.spec.bridge}`;
          await context.progress('define', `defining ${name} (${summary})`);
          network = await context.libvirt.defineNetwork(plan.xml);
        },
        CREATE_LOCK,
      );
    }
    return await finish(context, network!, payload.request.autostart ?? false, resumed, (s) => (step = s));
  } catch (error) {
    const failure = describeFailure(error, step);
    if (failure.code === 'libvirt-unavailable') {
      // libvirt is restarting: nothing can be undone now, and the retry resumes this job's network.
      const left = network ? `; network ${network.name} stays defined for the retry to resume` : '';
      throw new JobFailedError(failure.code, `${failure.message}${left}`, failure.step ?? step, { cause: error });
    }
    // The network is this job's (made now, or by an earlier run of it): undo it.
    if (network) await rollBack(context, network, failure.message);
    throw new JobFailedError(failure.code, failure.message, failure.step ?? step, { cause: error });
  }
};

/** The network named `name` if this very job made it; a conflict if someone else's has that name. */
async function findOwnNetwork(context: JobContext, name: string): Promise<NetworkId | undefined> {
  let network: NetworkId;
  try {
    network = await context.libvirt.lookupNetwork(name);
  } catch (error) {
    if (describeFailure(error).code === 'not-found') return undefined;
    throw error;
  }
  const xml = await context.libvirt.getNetworkXml(network, { inactive: true });
  let jobId: string | undefined;
  try {
    jobId = parseNetworkXml(xml, { autostart: false }).spec.metadata?.jobId;
  } catch {
    jobId = undefined; // a network vnetops cannot model was certainly not made by this job
  }
  if (jobId === context.jobId) return network;
  throw new JobFailedError(
    'conflict',
    jobId
      ? `a network named "${name}" already exists on host ${context.hostId} (created by job ${jobId}); pick another name or delete it first`
      : `a network named "${name}" already exists on host ${context.hostId} (not created by vnetops); pick another name`,
    'check',
  );
}

/** Start and autostart: each done only if not already so, so a resumed job repeats nothing. */
async function finish(
  context: JobContext,
  network: NetworkId,
  autostart: boolean,
  resumed: boolean,
  enter: (step: string) => void = () => undefined,
): Promise<JobResult<'create'>> {
  enter('start');
  if (!(await context.libvirt.isActive(network))) {
    await context.progress('start', `starting ${network.name}`);
    await context.libvirt.startNetwork(network);
  }
  enter('autostart');
  if (autostart && !(await context.libvirt.getAutostart(network))) {
    await context.progress('autostart', `turning autostart on for ${network.name}`);
    await context.libvirt.setAutostart(network, true);
  }
  const parsed = parseNetworkXml(await context.libvirt.getNetworkXml(network), { autostart });
  return {
    hostId: context.hostId,
    name: network.name,
    uuid: network.uuid,
    bridge: parsed.spec.bridge,
    ...(hasIpConfig(parsed.spec) ? { subnet: parsed.spec.ipv4.subnet } : {}),
    alreadyDone: resumed,
  };
}

/** Undoes this run's define (and start): a failed create leaves nothing behind. */
async function rollBack(context: JobContext, network: NetworkId, reason: string): Promise<void> {
  await context.progress('rollback', `rolling back ${network.name}: ${reason}`);
  try {
    if (await context.libvirt.isActive(network)) await context.libvirt.destroyNetwork(network);
    await context.libvirt.undefineNetwork(network);
  } catch (error) {
    // Reported, not hidden: the person must know something may be left on the host.
    throw new JobFailedError(
      'internal',
      `${reason} — and rolling back failed too, so network ${network.name} may still be defined on host ${context.hostId}: ${describeFailure(error).message}`,
      'rollback',
      { cause: error },
    );
  }
}
