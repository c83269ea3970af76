import type { JobProcessor } from '../job-context.js';

/** Starts a defined network; starting an active one is a no-op reported as such. */
export const startJob: JobProcessor<'start'> = async (context, { name }) => {
  await context.progress('lookup', `looking up network ${name}`);
  const network = await context.libvirt.lookupNetwork(name);
  if (await context.libvirt.isActive(network)) return { hostId: context.hostId, name, alreadyDone: true };
  await context.progress('start', `starting network ${name}`);
  await context.libvirt.startNetwork(network);
  return { hostId: context.hostId, name, alreadyDone: false };
};
