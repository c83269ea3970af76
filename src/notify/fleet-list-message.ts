/**
 * `/vnet list` over several hosts: one table with a host column, and a line for each host that did
 * not answer (down, failed, or still being asked).
 */
import type { JobFailure, NetworkListEntry } from '../contract/index.js';
import { NETWORK_COLUMNS, networkRow } from './job-result-blocks.js';
import type { Message, MessageBlock } from './message.js';
import { escapeMrkdwn, inlineCode, mentionUser } from './mrkdwn-text.js';

/** One host's answer to a fleet list: its networks, or why there are none. */
export interface FleetListAnswer {
  hostId: string;
  networks?: NetworkListEntry[];
  failure?: JobFailure;
}

/** The networks of every host asked, in one message (with the job id the ack gave, when there is one). */
export function fleetListMessage(
  hosts: FleetListAnswer[],
  commandText: string,
  requestedBy: string,
  jobId?: string,
): Message {
  const rows = hosts.flatMap((host) => (host.networks ?? []).map((network) => [host.hostId, ...networkRow(network)]));
  const failed = hosts.filter((host) => host.failure !== undefined);
  const answered = hosts.length - failed.length;
  const blocks: MessageBlock[] = [
    { kind: 'header', text: commandText },
    {
      kind: 'section',
      text: `Networks on ${answered} of ${hosts.length} host${hosts.length === 1 ? '' : 's'}, requested by ${mentionUser(requestedBy)}`,
    },
  ];
  if (rows.length > 0) blocks.push({ kind: 'table', columns: ['Host', ...NETWORK_COLUMNS], rows });
  else if (answered > 0) blocks.push({ kind: 'section', text: 'No networks.' });
  if (failed.length > 0) {
    blocks.push({
      kind: 'section',
      text: failed
        .map((host) => `• ${inlineCode(host.hostId)}: ${escapeMrkdwn(host.failure?.message ?? '')}`)
        .join('\n'),
    });
  }
  if (hosts.length === 0) blocks.push({ kind: 'section', text: 'No hosts are registered: start a host worker first.' });
  if (jobId !== undefined) blocks.push({ kind: 'context', elements: [`Job ${inlineCode(jobId)}`] });
  return {
    text: `${commandText}: ${rows.length} network${rows.length === 1 ? '' : 's'} on ${answered} host${answered === 1 ? '' : 's'}`,
    blocks,
  };
}
