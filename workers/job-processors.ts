import type { JobName, JobPayload } from '../src/contract/index.js';
import type { JobProcessor } from './job-context.js';
import { autostartJob } from './jobs/autostart.js';
import { bridgesJob } from './jobs/bridges.js';
import { createJob } from './jobs/create.js';
import { deleteJob } from './jobs/delete.js';
import { hostInfoJob } from './jobs/host-info.js';
import { infoJob } from './jobs/info.js';
import { leasesJob } from './jobs/leases.js';
import { listJob } from './jobs/list.js';
import { planJob } from './jobs/plan.js';
import { startJob } from './jobs/start.js';
import { stopJob } from './jobs/stop.js';
import { updateJob } from './jobs/update.js';

/** One processor per job name. */
export const processors: { [N in JobName]: JobProcessor<N> } = {
  list: listJob,
  info: infoJob,
  plan: planJob,
  create: createJob,
  delete: deleteJob,
  start: startJob,
  stop: stopJob,
  autostart: autostartJob,
  leases: leasesJob,
  bridges: bridgesJob,
  update: updateJob,
  'host-info': hostInfoJob,
};

/**
 * The network a job changes, for per-network serialisation; undefined for jobs that only read.
 * Creates and deletes of the same name serialise too.
 */
export function networkKeyOf(name: JobName, payload: unknown): string | undefined {
  switch (name) {
    case 'create':
      return `network:${(payload as JobPayload<'create'>).request.name}`;
    case 'delete':
    case 'start':
    case 'stop':
    case 'autostart':
    case 'update':
      return `network:${(payload as { name: string }).name}`;
    default:
      return undefined;
  }
}
