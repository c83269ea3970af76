/**
 * The result of a finished job as message blocks, one rendering per job name (tables for lists,
 * fields for a single network, one sentence for a change).
 */
import type { BridgeReport, JobName, JobResults, NetworkListEntry } from '../contract/index.js';
import type { MessageBlock } from './message.js';
import { escapeMrkdwn, inlineCode, isoMinute } from './mrkdwn-text.js';
import { specFields } from './spec-summary.js';
import { xmlBlocks } from './xml-excerpt.js';

/** The columns of a network list table (without the host column). */
export const NETWORK_COLUMNS = ['Network', 'State', 'Autostart', 'Mode', 'Bridge', 'Subnets'] as const;

/** One network as a table row, in {@link NETWORK_COLUMNS} order. */
export function networkRow(network: NetworkListEntry): string[] {
  return [
    network.name,
    network.active ? 'active' : 'inactive',
    network.autostart ? 'yes' : 'no',
    network.mode ?? '-',
    network.bridge ?? '-',
    network.subnets.length > 0 ? network.subnets.join(', ') : '-',
  ];
}

/**
 * Blocks showing `result`, the result of job `name`. The result is trusted to match the job
 * contract (the tracker only stores what the worker returned for that job).
 */
export function jobResultBlocks(
  name: JobName,
  result: unknown,
  options: { xmlAttached?: boolean } = {},
): MessageBlock[] {
  switch (name) {
    case 'list':
      return listBlocks(result as JobResults['list']);
    case 'info':
      return infoBlocks(result as JobResults['info'], options.xmlAttached ?? false);
    case 'plan':
      return planBlocks(result as JobResults['plan'], options.xmlAttached ?? false);
    case 'create':
      return createBlocks(result as JobResults['create']);
    case 'delete': {
      const r = result as JobResults['delete'];
      return sentence(
        `Deleted network ${inlineCode(r.name)} (uuid ${escapeMrkdwn(r.uuid)}) from host ${inlineCode(r.hostId)}; ${r.wasActive ? 'it was running and was stopped first' : 'it was not running'}.`,
      );
    }
    case 'start': {
      const r = result as JobResults['start'];
      return sentence(
        r.alreadyDone
          ? `Network ${inlineCode(r.name)} was already running on host ${inlineCode(r.hostId)}; nothing changed.`
          : `Started network ${inlineCode(r.name)} on host ${inlineCode(r.hostId)}.`,
      );
    }
    case 'stop': {
      const r = result as JobResults['stop'];
      return sentence(
        r.alreadyDone
          ? `Network ${inlineCode(r.name)} was already stopped on host ${inlineCode(r.hostId)}; nothing changed.`
          : `Stopped network ${inlineCode(r.name)} on host ${inlineCode(r.hostId)}.`,
      );
    }
    case 'autostart': {
      const r = result as JobResults['autostart'];
      return sentence(
        `Autostart of network ${inlineCode(r.name)} on host ${inlineCode(r.hostId)} is now *${r.enabled ? 'on' : 'off'}*: it ${r.enabled ? 'starts' : 'no longer starts'} when the host boots.`,
      );
    }
    case 'update': {
      const r = result as JobResults['update'];
      return sentence(
        `Updated network ${inlineCode(r.name)} on host ${inlineCode(r.hostId)}: ${escapeMrkdwn(r.applied)}.`,
      );
    }
    case 'leases':
      return leasesBlocks(result as JobResults['leases']);
    case 'bridges':
      return bridgesBlocks(result as JobResults['bridges']);
    case 'host-info':
      return hostInfoBlocks(result as JobResults['host-info']);
  }
}

function sentence(text: string): MessageBlock[] {
  return [{ kind: 'section', text }];
}

function listBlocks(result: JobResults['list']): MessageBlock[] {
  if (result.networks.length === 0) return sentence(`No networks on host ${inlineCode(result.hostId)}.`);
  const active = result.networks.filter((network) => network.active).length;
  return [
    { kind: 'table', columns: [...NETWORK_COLUMNS], rows: result.networks.map(networkRow) },
    {
      kind: 'context',
      elements: [
        `${result.networks.length} network${result.networks.length === 1 ? '' : 's'} on host ${inlineCode(result.hostId)}, ${active} active`,
      ],
    },
  ];
}

function infoBlocks(result: JobResults['info'], xmlAttached: boolean): MessageBlock[] {
  const n = result.network;
  const blocks: MessageBlock[] = [
    {
      kind: 'section',
      text: `*Network ${inlineCode(n.name)}* on host ${inlineCode(result.hostId)}`,
      fields: [
        `*UUID*\n${escapeMrkdwn(n.uuid)}`,
        `*State*\n${n.active ? 'active' : 'inactive'}`,
        `*Persistent*\n${n.persistent ? 'yes' : 'no'}`,
        `*Autostart*\n${n.autostart ? 'yes' : 'no'}`,
        `*Mode*\n${escapeMrkdwn(n.mode ?? '-')}`,
        `*Bridge*\n${n.bridge ? inlineCode(n.bridge) : '-'}`,
        `*Subnets*\n${n.subnets.length > 0 ? escapeMrkdwn(n.subnets.join(', ')) : '-'}`,
      ],
    },
  ];
  if (result.unsupported)
    blocks.push({
      kind: 'context',
      elements: [`vnetops does not model part of this network's XML: ${escapeMrkdwn(result.unsupported)}`],
    });
  if (result.bridge) blocks.push(...bridgeStateBlocks(result.bridge));
  if (result.xml) blocks.push(...xmlBlocks(result.xml, xmlAttached));
  return blocks;
}

/** One bridge's state: a summary line and its ports. */
function bridgeStateBlocks(bridge: BridgeReport): MessageBlock[] {
  const facts = [
    `link ${escapeMrkdwn(bridge.operstate)}`,
    bridge.carrier ? 'carrier' : 'no carrier',
    `STP ${bridge.stp ? 'on' : 'off'}`,
    `MTU ${bridge.mtu}`,
    ...(bridge.addresses.length > 0 ? [`addresses ${escapeMrkdwn(bridge.addresses.join(', '))}`] : []),
  ];
  const blocks: MessageBlock[] = [
    { kind: 'section', text: `*Bridge ${inlineCode(bridge.name)}*: ${facts.join(', ')}` },
  ];
  if (bridge.ports.length === 0)
    blocks.push({ kind: 'context', elements: ['No ports: no VM is attached to this bridge.'] });
  else
    blocks.push({
      kind: 'table',
      columns: ['Port', 'State', 'Link', 'VM'],
      rows: bridge.ports.map((port) => [port.name, port.state, port.operstate, port.vm ?? '-']),
    });
  return blocks;
}

function planBlocks(result: JobResults['plan'], xmlAttached: boolean): MessageBlock[] {
  return [
    {
      kind: 'section',
      text: `*Dry run on host ${inlineCode(result.hostId)}*: this is what create would define; nothing was changed.`,
      fields: specFields(result.spec, result),
    },
    ...xmlBlocks(result.xml, xmlAttached),
  ];
}

function createBlocks(result: JobResults['create']): MessageBlock[] {
  const text = result.alreadyDone
    ? `Network ${inlineCode(result.name)} already existed from this job (a retry found it) on host ${inlineCode(result.hostId)}; nothing was changed.`
    : `Created network ${inlineCode(result.name)} on host ${inlineCode(result.hostId)}.`;
  return [
    {
      kind: 'section',
      text,
      fields: [
        `*Name*\n${inlineCode(result.name)}`,
        `*UUID*\n${escapeMrkdwn(result.uuid)}`,
        `*Bridge*\n${inlineCode(result.bridge)}`,
        `*Subnet*\n${result.subnet ? escapeMrkdwn(result.subnet) : 'none (no IP on the bridge)'}`,
      ],
    },
  ];
}

function leasesBlocks(result: JobResults['leases']): MessageBlock[] {
  if (result.leases.length === 0)
    return sentence(`No DHCP leases on network ${inlineCode(result.name)} (host ${inlineCode(result.hostId)}).`);
  return [
    { kind: 'section', text: `*DHCP leases of ${inlineCode(result.name)}* on host ${inlineCode(result.hostId)}` },
    {
      kind: 'table',
      columns: ['IP', 'MAC', 'Hostname', 'Expires'],
      rows: result.leases.map((lease) => [
        `${lease.ip}/${lease.prefix}`,
        lease.mac ?? '-',
        lease.hostname ?? '-',
        lease.expiresAt > 0 ? isoMinute(lease.expiresAt) : 'never',
      ]),
    },
  ];
}

function bridgesBlocks(result: JobResults['bridges']): MessageBlock[] {
  if (result.bridges.length === 0)
    return sentence(`No bridges used by libvirt networks on host ${inlineCode(result.hostId)}.`);
  // Like `brctl show`: the bridge's facts on its first row, one row per port below.
  const rows = result.bridges.flatMap((bridge) => {
    const facts = [
      bridge.name,
      bridge.stp ? 'on' : 'off',
      `${bridge.carrier ? 'carrier' : 'no carrier'}/${bridge.operstate}`,
    ];
    const networks = bridge.networks.length > 0 ? bridge.networks.join(', ') : '-';
    if (bridge.ports.length === 0) return [[...facts, '-', '-', '-', networks]];
    return bridge.ports.map((port, index) => [
      ...(index === 0 ? facts : ['', '', '']),
      port.name,
      `${port.state}/${port.operstate}`,
      port.vm ?? '-',
      index === 0 ? networks : '',
    ]);
  });
  return [
    { kind: 'section', text: `*Bridges* on host ${inlineCode(result.hostId)}` },
    { kind: 'table', columns: ['Bridge', 'STP', 'Link', 'Port', 'Port state', 'VM', 'Networks'], rows },
  ];
}

function hostInfoBlocks(result: JobResults['host-info']): MessageBlock[] {
  return [
    {
      kind: 'fields',
      fields: [
        `*Host*\n${inlineCode(result.hostId)}`,
        `*Hostname*\n${escapeMrkdwn(result.hostname)}`,
        `*libvirt*\n${escapeMrkdwn(result.libvirtVersion)}`,
        `*Networks*\n${result.networks} (${result.activeNetworks} active)`,
        `*Worker*\n${escapeMrkdwn(result.workerVersion)}`,
      ],
    },
  ];
}
