import { WORKER_VERSION } from '../worker-version.js';
import type { JobProcessor } from '../job-context.js';

/** Facts about the host: name, libvirt version, network counts. */
export const hostInfoJob: JobProcessor<'host-info'> = async (context) => {
  const [hostname, version, networks] = await Promise.all([
    context.libvirt.getHostname(),
    context.libvirt.getLibVersion(),
    context.libvirt.listNetworks(),
  ]);
  return {
    hostId: context.hostId,
    hostname,
    libvirtVersion: formatLibvirtVersion(version),
    networks: networks.length,
    activeNetworks: networks.filter((n) => n.active).length,
    workerVersion: WORKER_VERSION,
  };
};

/** 9000000 → "9.0.0". */
export function formatLibvirtVersion(version: number): string {
  return `${Math.floor(version / 1_000_000)}.${Math.floor(version / 1000) % 1000}.${version % 1000}`;
}
