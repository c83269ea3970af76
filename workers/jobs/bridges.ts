import { portOwnersOnce, readBridgeWithOwners, toBridgeReport } from '../bridge-reports.js';
import { surveyHost } from '../host-survey.js';
import type { JobProcessor } from '../job-context.js';
import { JobFailedError } from '../job-failure.js';

/** The state of the bridges active libvirt networks use (`brctl show` with owners, STP and carrier). */
export const bridgesJob: JobProcessor<'bridges'> = async (context, { name }) => {
  const survey = await surveyHost(context, { networksOnly: true });
  const wanted = survey.networks.filter(
    (n) => n.summary.active && n.bridge && (name === undefined || n.summary.name === name),
  );
  if (name !== undefined && wanted.length === 0) {
    const exists = survey.networks.some((n) => n.summary.name === name);
    throw new JobFailedError(
      'not-found',
      exists
        ? `network ${name} is not active, so it has no bridge up`
        : `there is no network named "${name}" on host ${context.hostId}`,
    );
  }
  // Several networks may share a host bridge (bridged mode): report each bridge once.
  const byBridge = new Map<string, string[]>();
  for (const network of wanted)
    byBridge.set(network.bridge!, [...(byBridge.get(network.bridge!) ?? []), network.summary.name]);
  const owners = portOwnersOnce(context);
  const bridges = await Promise.all(
    [...byBridge].map(async ([bridge, networks]) =>
      toBridgeReport(await readBridgeWithOwners(context, bridge, owners), networks),
    ),
  );
  return { hostId: context.hostId, bridges: bridges.sort((a, b) => a.name.localeCompare(b.name)) };
};
