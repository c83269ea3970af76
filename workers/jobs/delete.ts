import { readNetworkAddresses, readNetworkBridge } from '../../src/network/index.js';
import { lookUpPortOwners, describePorts, readBridgeWithOwners } from '../bridge-reports.js';
import type { JobContext, JobProcessor } from '../job-context.js';
import { JobFailedError, describeFailure } from '../job-failure.js';
import type { NetworkId } from '../../src/libvirt/index.js';

/**
 * Deletes a network: stops it if active, removes its definition. Refuses while guests are attached
 * (ports on its bridge, or running VMs with a NIC on it) unless forced, and names them.
 */
export const deleteJob: JobProcessor<'delete'> = async (context, { name, force }) => {
  let network: NetworkId;
  try {
    network = await context.libvirt.lookupNetwork(name);
  } catch (error) {
    // An earlier run of this job got as far as removing it (then the worker died): that is done.
    if (
      describeFailure(error).code === 'not-found' &&
      (context.previousStep === 'stop' || context.previousStep === 'undefine')
    ) {
      return { hostId: context.hostId, name, uuid: '', wasActive: false };
    }
    throw error;
  }
  const [active, persistent] = await Promise.all([
    context.libvirt.isActive(network),
    context.libvirt.isPersistent(network),
  ]);
  if (active && !force) {
    await context.progress('check', `checking ${name} for attached guests`);
    const inUse = await attachedGuests(context, network);
    if (inUse)
      throw new JobFailedError(
        'in-use',
        `network ${name} is in use: ${inUse}. Shut those guests down first, or delete with --force`,
        'check',
      );
  }
  if (active) {
    await context.progress('stop', `stopping ${name}`);
    await context.libvirt.destroyNetwork(network);
  }
  if (persistent) {
    await context.progress('undefine', `removing the definition of ${name}`);
    await context.libvirt.undefineNetwork(network);
  }
  return { hostId: context.hostId, name, uuid: network.uuid, wasActive: active };
};

/** A description of what is attached to the network, or undefined when nothing is. */
async function attachedGuests(context: JobContext, network: NetworkId): Promise<string | undefined> {
  const xml = await context.libvirt.getNetworkXml(network);
  const bridge = readNetworkBridge(xml);
  // A network without a subnet of its own (bridged) sits on a host bridge that carries the host's
  // own ports too: only VMs with a NIC on this network count there.
  if (!bridge || readNetworkAddresses(xml).length === 0) {
    const owners = [...(await lookUpPortOwners(context)).entries()].filter(
      ([, owner]) => owner.network === network.name,
    );
    return owners.length > 0 ? owners.map(([port, owner]) => `${port} (VM ${owner.vm})`).join(', ') : undefined;
  }
  const state = await readBridgeWithOwners(context, bridge);
  return state.ports.length > 0
    ? `${state.ports.length} port${state.ports.length === 1 ? '' : 's'} attached: ${describePorts(state)}`
    : undefined;
}
