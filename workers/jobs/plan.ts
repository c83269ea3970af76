import { surveyHost } from '../host-survey.js';
import type { JobProcessor } from '../job-context.js';
import { planNetwork } from '../network-planning.js';

/** Dry run of create: what would be defined (spec with chosen subnet and bridge, XML). Changes nothing. */
export const planJob: JobProcessor<'plan'> = async (context, payload) => {
  await context.progress('plan', `planning network ${payload.request.name}`);
  const plan = planNetwork(context, payload, await surveyHost(context));
  return {
    hostId: context.hostId,
    spec: plan.spec,
    xml: plan.xml,
    subnetChosen: plan.subnetChosen,
    bridgeChosen: plan.bridgeChosen,
  };
};
