/**
 * The network domain: what a network is (a spec per mode), what is allowed, its libvirt XML, subnet
 * and bridge-name planning, and the state of a host's bridges. Pure logic; host I/O is injected.
 */
export * from './network-spec.js';
export { NetworkSpecError, type NetworkSpecProblem } from './network-spec-error.js';
export { validateNetworkSpec, MIN_MTU, MIN_MTU_IPV6, MAX_MTU } from './network-validation.js';
export * from './network-xml.js';
export { planSubnet, type SubnetPlan, type SubnetPlanRequest } from './subnet-planner.js';
export { allocateSubnet, suggestDhcpRange, suggestGateway, type AllocateSubnetOptions } from './subnet-allocation.js';
export {
  assertSubnetFree,
  bridgesCountedByNetworks,
  findSubnetConflicts,
  occupiedByNetworks,
  type NetworkAddressing,
} from './subnet-overlap.js';
export {
  InvalidSubnetError,
  SubnetConflictError,
  SubnetPlanningError,
  SubnetPoolExhaustedError,
  type SubnetConflict,
} from './subnet-errors.js';
export { describeOccupiedSubnet, type OccupiedSubnet } from './occupied-subnet.js';
export { allocateBridgeName, DEFAULT_BRIDGE_PREFIX } from './bridge-name-allocation.js';
export { InvalidInterfaceNameError, assertInterfaceName } from './interface-name.js';
export { readHostAddressing, parseHostAddressing, type HostAddressingOptions } from './host-addressing.js';
export { type CommandRunner, CommandFailedError } from './command-runner.js';
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
} from './bridge-state.js';
export { BridgeNotFoundError, NotABridgeError } from './bridge-state-errors.js';
export { type HostLinks, type PortOwnerLookup, parseHostLinks, readHostLinks } from './host-links.js';
export { parseDomainInterfaces, portOwnersFromDomains, type DomainInterface, type PortOwner } from './domain-interfaces.js';
