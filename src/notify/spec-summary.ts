/**
 * A network spec summarised as mrkdwn fields. Specs reach the bot as `unknown` (the worker may run
 * another version), so every property is read defensively and shown only when it is there.
 */
import { escapeMrkdwn, inlineCode } from './mrkdwn-text.js';

/** What the plan said it chose itself rather than took from the request. */
export interface SpecChoices {
  subnetChosen?: boolean;
  bridgeChosen?: boolean;
}

/** Fields (`*Label*\nvalue`) describing a network spec: mode, name, bridge, subnets, DHCP, options. */
export function specFields(spec: unknown, choices: SpecChoices = {}): string[] {
  const s = record(spec);
  const fields: string[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined) fields.push(`*${label}*\n${value}`);
  };
  add('Name', text(s.name, inlineCode));
  add('Mode', text(s.mode, escapeMrkdwn));
  add(
    'Bridge',
    text(s.bridge, (bridge) => `${inlineCode(bridge)}${choices.bridgeChosen ? ' (chosen by the planner)' : ''}`),
  );
  const ipv4 = record(s.ipv4);
  add(
    'Subnet',
    text(ipv4.subnet, (subnet) => `${escapeMrkdwn(subnet)}${choices.subnetChosen ? ' (chosen from the pool)' : ''}`),
  );
  add('Gateway', text(ipv4.gateway, escapeMrkdwn));
  if (s.ipv4 !== undefined) add('DHCP', dhcpText(ipv4));
  const ipv6 = record(s.ipv6);
  add(
    'IPv6',
    text(ipv6.subnet, (subnet) =>
      escapeMrkdwn(`${subnet}${typeof ipv6.gateway === 'string' ? ` (gateway ${ipv6.gateway})` : ''}`),
    ),
  );
  add('Forward device', text(s.forwardDev, inlineCode));
  if (typeof s.mtu === 'number') add('MTU', String(s.mtu));
  if (typeof s.autostart === 'boolean') add('Autostart', s.autostart ? 'on' : 'off');
  return fields;
}

function dhcpText(ipv4: Record<string, unknown>): string {
  const range = record(ipv4.dhcp);
  if (typeof range.start !== 'string' || typeof range.end !== 'string') return 'no DHCP';
  const hosts = Array.isArray(ipv4.dhcpHosts) ? ipv4.dhcpHosts.length : 0;
  return escapeMrkdwn(
    `${range.start} – ${range.end}${hosts > 0 ? `, ${hosts} fixed host${hosts === 1 ? '' : 's'}` : ''}`,
  );
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown, show: (value: string) => string): string | undefined {
  return typeof value === 'string' && value !== '' ? show(value) : undefined;
}
