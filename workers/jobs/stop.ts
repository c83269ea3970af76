import type { JobProcessor } from '../job-context.js';

/** Stops an active network; stopping an inactive one is a no-op reported as such. */
export const stopJob: JobProcessor<'stop'> = async (context, { name }) => {
  await context.progress('lookup', `looking up network ${name}`);
  const network = await context.libvirt.lookupNetwork(name);
  if (!(await context.libvirt.isActive(network))) return { hostId: context.hostId, name, alreadyDone: true };
  await context.progress('stop', `stopping network ${name}`);
  await context.libvirt.destroyNetwork(network);
  return { hostId: context.hostId, name, alreadyDone: false };
};
