/**
 * A parsed command said back in one plain sentence, so the person sees what the bot understood
 * ("create an isolated network lab1 (subnet 10.0.5.0/24, no DHCP) on host kvm1").
 */
import type { Command, CreateCommand, UpdateChange } from '../commands/index.js';

/** One plain sentence (no markup) of what `command` asks for. */
export function describeCommand(command: Command): string {
  switch (command.kind) {
    case 'help':
      return command.topic ? `show help for /vnet ${command.topic}` : 'show help for /vnet';
    case 'list':
      return `list the ${command.all ? 'networks (inactive ones too)' : 'active networks'}${onHost(command.host, 'of every host')}`;
    case 'info':
      return `show network ${command.name}${command.xml ? ' with its XML' : ''}${onHost(command.host)}`;
    case 'create':
      return describeCreate(command);
    case 'create-dialog':
      return 'open the dialog to create a network';
    case 'delete':
      return `delete network ${command.name}${command.force ? ' (forced, even if VMs use it)' : ''}${onHost(command.host)}`;
    case 'start':
    case 'stop':
      return `${command.kind} network ${command.name}${onHost(command.host)}`;
    case 'autostart':
      return `turn autostart ${command.enabled ? 'on' : 'off'} for network ${command.name}${onHost(command.host)}`;
    case 'leases':
      return `show the DHCP leases of network ${command.name}${onHost(command.host)}`;
    case 'bridges':
      return `show the state of ${command.name ? `the bridge of network ${command.name}` : 'the bridges libvirt networks use'}${onHost(command.host)}`;
    case 'update':
      return `${describeChange(command.change)} of network ${command.name}${onHost(command.host)}`;
    case 'hosts':
      return 'show the hosts and their workers';
    case 'status':
      return `show the status of job ${command.jobId}`;
    case 'audit':
      return `show the last ${command.limit} audit log entries`;
    case 'mute':
      return `mute alerts about network ${command.name} for ${spokenDuration(command.durationMs)}${command.host ? ` on host ${command.host}` : ' on every host'}`;
    case 'unmute':
      return `unmute alerts about network ${command.name}${command.host ? ` on host ${command.host}` : ''}`;
  }
}

const MODE_PHRASE: Record<CreateCommand['mode'], string> = {
  nat: 'a NAT',
  routed: 'a routed',
  isolated: 'an isolated',
  bridged: 'a bridged',
  open: 'an open',
};

function describeCreate(command: CreateCommand): string {
  const details: string[] = [];
  if (command.bridge) details.push(`${command.mode === 'bridged' ? 'host bridge' : 'bridge'} ${command.bridge}`);
  details.push(
    command.subnet ? `subnet ${command.subnet}` : command.mode === 'bridged' ? '' : 'subnet picked from the pool',
  );
  if (command.gateway) details.push(`gateway ${command.gateway}`);
  if (command.mode !== 'bridged') {
    if (command.dhcp === false) details.push('no DHCP');
    else if (command.dhcp) details.push(`DHCP ${command.dhcp.start}-${command.dhcp.end}`);
  }
  if (command.ipv6) details.push(`IPv6 ${command.ipv6}`);
  if (command.dev) details.push(`via ${command.dev}`);
  if (command.mtu !== undefined) details.push(`MTU ${command.mtu}`);
  if (command.autostart) details.push('autostart');
  const shown = details.filter((detail) => detail !== '');
  return `create ${MODE_PHRASE[command.mode]} network ${command.name}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}${onHost(command.host)}`;
}

function describeChange(change: UpdateChange): string {
  switch (change.kind) {
    case 'dhcp-range':
      return `set the DHCP range to ${change.range.start}-${change.range.end}`;
    case 'dhcp-host-add':
      return `add a fixed DHCP address ${change.host.ip} for ${change.host.mac}${change.host.name ? ` (${change.host.name})` : ''}`;
    case 'dhcp-host-remove':
      return `remove the fixed DHCP address for ${change.mac}`;
  }
}

function onHost(host: string | undefined, otherwise = ''): string {
  if (host !== undefined) return ` on host ${host}`;
  return otherwise === '' ? '' : ` ${otherwise}`;
}

/** 90 min → "1 h 30 min"; 2 d → "2 d". */
function spokenDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return (
    [days ? `${days} d` : '', hours ? `${hours} h` : '', rest ? `${rest} min` : ''].filter(Boolean).join(' ') || '0 min'
  );
}
