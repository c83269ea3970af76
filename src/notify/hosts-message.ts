/** `/vnet hosts`: every registered host, whether its worker is up, and its libvirt connection. */
import type { HostStatus } from '../contract/index.js';
import type { Message } from './message.js';

/** A table of hosts: up/down, libvirt connection and version, networks, last heartbeat age. */
export function hostsMessage(hosts: HostStatus[], now: number): Message {
  if (hosts.length === 0) {
    return {
      text: 'No hosts are registered',
      blocks: [
        {
          kind: 'section',
          text: 'No hosts are registered: no host worker has reported yet. Start one with the host worker service.',
        },
      ],
    };
  }
  const up = hosts.filter((host) => host.up).length;
  const rows = hosts.map((host) => [
    host.hostId,
    host.up ? 'up' : `down (silent for ${duration(host.silentForMs)})`,
    host.libvirtConnected ? 'connected' : 'not connected',
    host.libvirtVersion || '-',
    String(host.networks),
    host.lastHeartbeat > 0 ? `${duration(Math.max(0, now - host.lastHeartbeat))} ago` : 'stopped',
  ]);
  return {
    text: `${up} of ${hosts.length} hosts up`,
    blocks: [
      { kind: 'section', text: `*Hosts*: ${up} of ${hosts.length} up` },
      { kind: 'table', columns: ['Host', 'Worker', 'libvirt', 'Version', 'Networks', 'Last heartbeat'], rows },
    ],
  };
}

/** A short age: `12 s`, `5 min`, `3 h`, `2 d`. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
