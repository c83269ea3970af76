/**
 * The rules of `/vnet create` that tie its options together and can be decided without a host: which
 * options a mode takes, and whether the addresses given fit the subnet given. The worker validates the
 * whole planned spec again; these are here so the person hears about a mistake at once, in the terms
 * of the flags they typed.
 */
import { MIN_MTU_IPV6 } from '../network/index.js';
import { compareIpv4, ipv4InCidr } from './argument-values.js';
import type { CreateCommand } from './command.js';

/** What is wrong with an otherwise well-formed create command, or undefined when nothing is. */
export function createCommandProblem(command: CreateCommand): string | undefined {
  return modeProblem(command) ?? addressProblem(command) ?? mtuProblem(command);
}

function modeProblem(command: CreateCommand): string | undefined {
  if (command.mode === 'bridged') {
    if (command.bridge === undefined) {
      return 'bridged networks join an existing host bridge: name it with --bridge, e.g. --bridge br0 (`/vnet bridges` lists the bridges)';
    }
    const why = 'bridged networks join an existing host bridge, and libvirt puts no address, DHCP or DNS on it';
    if (command.subnet !== undefined) return `${why}: remove --subnet (addresses come from the LAN behind the bridge)`;
    if (command.gateway !== undefined) return `${why}: remove --gateway`;
    if (command.dhcp !== undefined) return `${why}: remove ${command.dhcp === false ? '--no-dhcp' : '--dhcp'}`;
    if (command.ipv6 !== undefined) return `${why}: remove --ipv6`;
    if (command.mtu !== undefined)
      return 'libvirt refuses an MTU on bridged networks (the host bridge keeps its own): remove --mtu, or set the MTU on the host bridge';
    if (command.dev !== undefined)
      return 'bridged networks forward through the host bridge itself, not a forward device: remove --dev';
  }
  if (command.dev !== undefined && (command.mode === 'isolated' || command.mode === 'open')) {
    const why =
      command.mode === 'isolated'
        ? 'isolated networks forward nothing out of the host'
        : 'open networks leave forwarding to your own firewall rules';
    return `${why}, so they take no forward device: remove --dev, or choose mode nat or routed`;
  }
  return undefined;
}

function addressProblem(command: CreateCommand): string | undefined {
  const { subnet, gateway, dhcp } = command;
  if (subnet === undefined) return undefined;
  if (gateway !== undefined && !ipv4InCidr(gateway, subnet))
    return `--gateway ${gateway} is outside --subnet ${subnet}: use an address inside the subnet, e.g. its first one`;
  if (dhcp !== undefined && dhcp !== false) {
    for (const end of [dhcp.start, dhcp.end]) {
      if (!ipv4InCidr(end, subnet))
        return `--dhcp ${dhcp.start}-${dhcp.end} reaches outside --subnet ${subnet} (${end}): use addresses inside the subnet`;
    }
    if (gateway !== undefined && compareIpv4(dhcp.start, gateway) <= 0 && compareIpv4(gateway, dhcp.end) <= 0) {
      return `--dhcp ${dhcp.start}-${dhcp.end} contains the gateway ${gateway}, so DHCP could hand the gateway's address to a guest: use a range that leaves it out`;
    }
  }
  return undefined;
}

function mtuProblem(command: CreateCommand): string | undefined {
  if (command.ipv6 !== undefined && command.mtu !== undefined && command.mtu < MIN_MTU_IPV6) {
    return `--mtu ${command.mtu} is too small for IPv6, which needs at least ${MIN_MTU_IPV6} bytes: raise --mtu or leave out --ipv6`;
  }
  return undefined;
}
