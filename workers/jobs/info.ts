import { parseNetworkXml } from '../../src/network/index.js';
import type { JobResult } from '../../src/contract/index.js';
import { readBridgeWithOwners, toBridgeReport } from '../bridge-reports.js';
import { surveyHost } from '../host-survey.js';
import type { JobProcessor } from '../job-context.js';
import { JobFailedError } from '../job-failure.js';
import { toListEntry } from './list.js';

/** One network: state, the spec vnetops reads from it, its XML, and its bridge's state when active. */
export const infoJob: JobProcessor<'info'> = async (context, { name, includeXml }) => {
  const survey = await surveyHost(context, { networksOnly: true });
  const network = survey.networks.find((n) => n.summary.name === name);
  if (!network) {
    const known = survey.networks.map((n) => n.summary.name).join(', ') || 'none';
    throw new JobFailedError(
      'not-found',
      `there is no network named "${name}" on host ${context.hostId} (networks there: ${known})`,
    );
  }
  const result: JobResult<'info'> = { hostId: context.hostId, network: toListEntry(network) };
  try {
    result.spec = parseNetworkXml(network.configXml, { autostart: network.summary.autostart }).spec;
  } catch (error) {
    result.unsupported = error instanceof Error ? error.message : String(error);
  }
  if (includeXml) result.xml = network.liveXml ?? network.configXml;
  if (network.summary.active && network.bridge) {
    result.bridge = toBridgeReport(await readBridgeWithOwners(context, network.bridge), [name]);
  }
  return result;
};
