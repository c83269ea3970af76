/**
 * The network domain, in four parts: spec/ (what a network is, a spec per mode, and what is allowed),
 * xml/ (its libvirt XML), planning/ (subnet and bridge-name planning) and host/ (the state of a host's
 * bridges, links and addresses). Pure logic; host I/O is injected. Each part keeps its errors in one
 * file: spec-errors, xml-errors, planning-errors, host-errors.
 */
export * from './spec/network-spec.js';
export { NetworkSpecError, type NetworkSpecProblem } from './spec/spec-errors.js';
export { validateNetworkSpec, MIN_MTU, MIN_MTU_IPV6, MAX_MTU } from './spec/network-validation.js';
export * from './xml/network-xml.js';
export { planSubnet, type SubnetPlan, type SubnetPlanRequest } from './planning/subnet-planner.js';
export {
  allocateSubnet,
  suggestDhcpRange,
  suggestGateway,
  type AllocateSubnetOptions,
} from './planning/subnet-allocation.js';
export {
  assertSubnetFree,
  bridgesCountedByNetworks,
  findSubnetConflicts,
  occupiedByNetworks,
  type NetworkAddressing,
} from './planning/subnet-overlap.js';
export {
  InvalidSubnetError,
  SubnetConflictError,
  SubnetPlanningError,
  SubnetPoolExhaustedError,
  type SubnetConflict,
} from './planning/planning-errors.js';
export { describeOccupiedSubnet, type OccupiedSubnet } from './planning/occupied-subnet.js';
export { allocateBridgeName, DEFAULT_BRIDGE_PREFIX } from './planning/bridge-name-allocation.js';
export { assertInterfaceName } from './host/interface-name.js';
export { readHostAddressing, parseHostAddressing, type HostAddressingOptions } from './host/host-addressing.js';
export type { CommandRunner } from './host/command-runner.js';
export {
  listBridges,
  parseBridgeState,
  readBridgeState,
  type BridgeAddress,
  type BridgePort,
  type BridgeState,
  type BridgeStateDeps,
  type LinkState,
  type StpPortState,
} from './host/bridge-state.js';
export {
  BridgeNotFoundError,
  CommandFailedError,
  InvalidInterfaceNameError,
  NotABridgeError,
} from './host/host-errors.js';
export { type HostLinks, type PortOwnerLookup, parseHostLinks, readHostLinks } from './host/host-links.js';
export {
  parseDomainInterfaces,
  portOwnersFromDomains,
  type DomainInterface,
  type PortOwner,
} from './xml/domain-interfaces.js';
