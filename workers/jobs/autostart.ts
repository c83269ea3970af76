import { JobFailedError } from '../job-failure.js';
import type { JobProcessor } from '../job-context.js';

/** Turns autostart on or off (only persistent networks have it). */
export const autostartJob: JobProcessor<'autostart'> = async (context, { name, enabled }) => {
  const network = await context.libvirt.lookupNetwork(name);
  if (!(await context.libvirt.isPersistent(network))) {
    throw new JobFailedError(
      'invalid-request',
      `network ${name} is transient (it exists only while running), so it has no autostart`,
    );
  }
  await context.progress('autostart', `turning autostart ${enabled ? 'on' : 'off'} for ${name}`);
  await context.libvirt.setAutostart(network, enabled);
  return { hostId: context.hostId, name, enabled };
};
