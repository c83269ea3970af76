import type { JobProcessor } from '../job-context.js';

/** The DHCP leases handed out on a network. */
export const leasesJob: JobProcessor<'leases'> = async (context, { name }) => {
  const network = await context.libvirt.lookupNetwork(name);
  const leases = (await context.libvirt.isActive(network)) ? await context.libvirt.getDhcpLeases(network) : [];
  return {
    hostId: context.hostId,
    name,
    leases: leases
      .map((lease) => ({
        ip: lease.ipAddress,
        prefix: lease.prefix,
        mac: lease.mac,
        hostname: lease.hostname,
        expiresAt: lease.expiryTime * 1000,
        type: lease.type,
      }))
      .sort((a, b) => a.ip.localeCompare(b.ip, undefined, { numeric: true })),
  };
};
