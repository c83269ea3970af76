import {
  type NetworkSpec,
  allocateBridgeName,
  planSubnet,
  renderNetworkXml,
  validateNetworkSpec,
} from '../src/network/index.js';
import type { CreateRequest, JobPayload } from '../src/contract/index.js';
import type { HostSurvey } from './host-survey.js';
import { JobFailedError } from './job-failure.js';
import type { JobContext } from './job-context.js';

/** A create request turned into a validated spec and the XML that will be defined. */
export interface NetworkPlan {
  readonly spec: NetworkSpec;
  readonly xml: string;
  /** True when the subnet came from the pool rather than the request. */
  readonly subnetChosen: boolean;
  /** True when the bridge name was picked rather than given. */
  readonly bridgeChosen: boolean;
}

/**
 * Completes a create request against what is on the host: a free subnet from the pool when none
 * was given (or a check that the given one overlaps nothing), gateway and DHCP defaults, a free
 * bridge name; then validates the whole spec and renders its XML. Throws the network model's
 * user-facing errors (NetworkSpecError, SubnetConflictError, …).
 */
export function planNetwork(context: JobContext, payload: JobPayload<'create'>, survey: HostSurvey): NetworkPlan {
  const request: CreateRequest = payload.request;
  const metadata = {
    jobId: context.jobId,
    requestedBy: payload.requestedBy.userName ?? payload.requestedBy.userId,
    ...(request.description ? { description: request.description } : {}),
  };
  const common = {
    name: request.name,
    autostart: request.autostart ?? false,
    ...(request.mtu !== undefined ? { mtu: request.mtu } : {}),
    metadata,
  };
  let input: Record<string, unknown>;
  let subnetChosen = false;
  const bridgeChosen = request.bridge === undefined && request.mode !== 'bridged';
  if (request.mode === 'bridged') {
    // libvirt accepts a bridged network whose host bridge is missing, then fails every VM start on it.
    if (request.bridge !== undefined && !survey.interfaceNames.has(request.bridge)) {
      throw new JobFailedError(
        'invalid-request',
        `host bridge "${request.bridge}" does not exist on host ${context.hostId}: create it first, or name an existing bridge`,
        'plan',
      );
    }
    input = { ...common, mode: 'bridged', bridge: request.bridge };
  } else {
    if (request.bridge !== undefined && survey.interfaceNames.has(request.bridge)) {
      const owner = survey.networks.find((n) => n.bridge === request.bridge);
      throw new JobFailedError(
        'conflict',
        owner
          ? `bridge "${request.bridge}" is already used by network "${owner.summary.name}" on host ${context.hostId}; leave --bridge out to get a free one`
          : `an interface named "${request.bridge}" already exists on host ${context.hostId}; leave --bridge out to get a free one`,
        'plan',
      );
    }
    const ipv4Plan = planSubnet({
      subnet: request.subnet,
      pool: context.subnetPool,
      prefix: context.subnetPrefix,
      occupied: survey.occupied,
    });
    subnetChosen = ipv4Plan.allocated;
    const ipv4 = {
      subnet: ipv4Plan.subnet,
      gateway: request.gateway ?? ipv4Plan.gateway,
      ...(request.dhcp === false ? {} : { dhcp: request.dhcp ?? ipv4Plan.dhcp }),
      ...(request.dhcpHosts?.length ? { dhcpHosts: request.dhcpHosts } : {}),
    };
    let ipv6: Record<string, unknown> | undefined;
    if (request.ipv6) {
      const ipv6Plan = planSubnet({
        subnet: request.ipv6.subnet,
        pool: context.subnetPool,
        prefix: context.subnetPrefix,
        occupied: survey.occupied,
      });
      ipv6 = { subnet: ipv6Plan.subnet, gateway: request.ipv6.gateway ?? ipv6Plan.gateway };
    }
    input = {
      ...common,
      mode: request.mode,
      bridge: request.bridge ?? allocateBridgeName(survey.interfaceNames),
      ipv4,
      ...(ipv6 ? { ipv6 } : {}),
      ...(request.dnsDomain ? { dnsDomain: request.dnsDomain } : {}),
      ...(request.forwardDev ? { forwardDev: request.forwardDev } : {}),
      ...(request.natPorts ? { natPorts: request.natPorts } : {}),
    };
  }
  const spec = validateNetworkSpec(input);
  return { spec, xml: renderNetworkXml(spec), subnetChosen, bridgeChosen };
}
