/**
 * `validateNetworkSpec`: the one gate a network spec passes before vnetops trusts it. It checks the
 * shape, every option's own rules and which options make sense for the mode, reports every problem
 * at once, and returns the spec normalised (lowercase MACs and DNS names, canonical IPv6 text) so
 * that two specs meaning the same network compare equal.
 */
import { checkIpConfig } from './ip-rules.js';
import { checkMetadata } from './metadata-rules.js';
import { checkDnsName, checkInterfaceName, checkNetworkName } from './name-rules.js';
import { NETWORK_MODES, type CommonSpec, type IpConfig, type NetworkMode, type NetworkSpec } from './network-spec.js';
import { NetworkSpecError, type NetworkSpecProblem, type ReportProblem } from './spec-errors.js';
import { readSpecShape, type SpecInput, type SpecOption } from './spec-shape.js';
import { showValue } from './value-display.js';

/** Smallest MTU Linux accepts on an interface (IPv4's minimum). */
export const MIN_MTU = 68;
/** Smallest MTU IPv6 works with (RFC 8200). */
export const MIN_MTU_IPV6 = 1280;
/** Largest MTU: the field is 16 bits. */
export const MAX_MTU = 65535;

/** libvirt's names for our modes, and other words people type for them. */
const MODE_ALIASES: Readonly<Record<string, NetworkMode>> = {
  route: 'routed',
  bridge: 'bridged',
  none: 'isolated',
};

type IpMode = Exclude<NetworkMode, 'bridged'>;

/**
 * Checks `input` (e.g. JSON from a command or a job payload) and returns it as a normalised
 * {@link NetworkSpec}. Throws {@link NetworkSpecError} listing every problem found.
 */
export function validateNetworkSpec(input: unknown): NetworkSpec {
  const problems: NetworkSpecProblem[] = [];
  const report: ReportProblem = (field, message) => problems.push({ field, message });
  const shape = readSpecShape(input, report);

  const mode = shape.mode === undefined ? undefined : checkMode(shape.mode, report);
  const name = shape.name === undefined ? undefined : checkNetworkName(shape.name, report);
  const bridge =
    shape.bridge === undefined ? undefined : checkInterfaceName(shape.bridge, 'bridge name', 'bridge', report);
  const refused = refuseOptionsForMode(mode, shape, report);
  const accepted = (option: SpecOption): boolean => shape.given.has(option) && !refused.has(option);

  if (mode !== undefined && mode !== 'bridged' && !shape.given.has('ipv4')) {
    report(
      'ipv4',
      `${mode} networks need an IPv4 subnet: add ipv4 with a subnet and a gateway, e.g. subnet 10.0.5.0/24 and gateway 10.0.5.1`,
    );
  }
  const ipv4 = accepted('ipv4') && shape.ipv4 !== undefined ? checkIpConfig('ipv4', shape.ipv4, report) : undefined;
  const ipv6 = accepted('ipv6') && shape.ipv6 !== undefined ? checkIpConfig('ipv6', shape.ipv6, report) : undefined;
  const mtu = accepted('mtu') && shape.mtu !== undefined ? checkMtu(shape.mtu, accepted('ipv6'), report) : undefined;
  const metadata = shape.metadata === undefined ? undefined : checkMetadata(shape.metadata, report);
  const dnsDomain =
    accepted('dnsDomain') && shape.dnsDomain !== undefined
      ? checkDnsName(shape.dnsDomain, 'DNS domain', 'dnsDomain', report)
      : undefined;
  const forwardDev =
    accepted('forwardDev') && shape.forwardDev !== undefined
      ? checkInterfaceName(shape.forwardDev, 'forward device', 'forwardDev', report)
      : undefined;
  const natPorts =
    accepted('natPorts') && shape.natPorts !== undefined ? checkNatPorts(shape.natPorts, report) : undefined;

  if (
    problems.length > 0 ||
    mode === undefined ||
    name === undefined ||
    bridge === undefined ||
    shape.autostart === undefined
  ) {
    // Every undefined above comes with a reported problem; the guard only narrows the types.
    throw new NetworkSpecError(problems);
  }
  const common: CommonSpec = {
    name,
    bridge,
    autostart: shape.autostart,
    ...(mtu === undefined ? {} : { mtu }),
    ...(metadata === undefined || Object.keys(metadata).length === 0 ? {} : { metadata }),
  };
  if (mode === 'bridged') return { ...common, mode };
  if (ipv4 === undefined) throw new NetworkSpecError(problems);
  return buildIpSpec(mode, common, { ipv4, ipv6, dnsDomain, forwardDev, natPorts });
}

function buildIpSpec(
  mode: IpMode,
  common: CommonSpec,
  options: {
    ipv4: IpConfig;
    ipv6: IpConfig | undefined;
    dnsDomain: string | undefined;
    forwardDev: string | undefined;
    natPorts: { start: number; end: number } | undefined;
  },
): NetworkSpec {
  const ip = {
    ...common,
    ipv4: options.ipv4,
    ...(options.ipv6 === undefined ? {} : { ipv6: options.ipv6 }),
    ...(options.dnsDomain === undefined ? {} : { dnsDomain: options.dnsDomain }),
  };
  const forwardDev = options.forwardDev === undefined ? {} : { forwardDev: options.forwardDev };
  switch (mode) {
    case 'nat':
      return { ...ip, mode, ...forwardDev, ...(options.natPorts === undefined ? {} : { natPorts: options.natPorts }) };
    case 'routed':
      return { ...ip, mode, ...forwardDev };
    case 'isolated':
    case 'open':
      return { ...ip, mode };
  }
}

function checkMode(text: string, report: ReportProblem): NetworkMode | undefined {
  if ((NETWORK_MODES as readonly string[]).includes(text)) return text as NetworkMode;
  const choices = `choose one of ${NETWORK_MODES.join(', ')}`;
  const lower = text.toLowerCase();
  const meant = (NETWORK_MODES as readonly string[]).includes(lower) ? (lower as NetworkMode) : MODE_ALIASES[lower];
  const hint = meant === undefined ? choices : `did you mean ${meant}? (${choices})`;
  report('mode', `mode ${showValue(text)} is not a network mode: ${hint}`);
  return undefined;
}

/** Reports the options the mode has no use for; returns them so their own rules are skipped. */
function refuseOptionsForMode(mode: NetworkMode | undefined, shape: SpecInput, report: ReportProblem): Set<SpecOption> {
  const refused = new Set<SpecOption>();
  const refuse = (option: SpecOption, message: string): void => {
    if (!shape.given.has(option)) return;
    refused.add(option);
    report(option, message);
  };
  if (mode === undefined) return refused;
  if (mode === 'bridged') {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const dhcp = shape[family]?.dhcp !== undefined || shape[family]?.dhcpHosts !== undefined;
      refuse(
        family,
        dhcp
          ? `bridged networks join an existing host bridge and libvirt runs no DHCP server on them: remove ${family} and its DHCP settings; guests get their addresses from the LAN behind the bridge`
          : `bridged networks join an existing host bridge and libvirt puts no address on it: remove ${family} (configure addresses on the host bridge itself)`,
      );
    }
    refuse(
      'dnsDomain',
      'bridged networks get no DNS server from libvirt, so a DNS domain does nothing: remove dnsDomain',
    );
    refuse(
      'mtu',
      'libvirt refuses an MTU on bridged networks (the host bridge keeps its own MTU): remove mtu, or set the MTU on the host bridge',
    );
    refuse(
      'forwardDev',
      'bridged networks forward through the host bridge itself, not through a forward device: remove forwardDev',
    );
  }
  if (mode === 'isolated') {
    refuse(
      'forwardDev',
      'isolated networks forward nothing out of the host, so a forward device does nothing: remove forwardDev, or choose mode nat or routed',
    );
  }
  if (mode === 'open') {
    refuse(
      'forwardDev',
      'open networks leave forwarding to your own firewall rules, so they take no forward device: remove forwardDev, or choose mode nat or routed',
    );
  }
  if (mode !== 'nat') {
    refuse(
      'natPorts',
      `NAT ports only apply to nat networks, and this one is ${mode}: remove natPorts, or choose mode nat`,
    );
  }
  return refused;
}

function checkMtu(mtu: number, withIpv6: boolean, report: ReportProblem): number | undefined {
  if (!Number.isInteger(mtu)) {
    report('mtu', `MTU ${mtu} is not a whole number of bytes: use e.g. 1500, or 9000 for jumbo frames`);
    return undefined;
  }
  if (mtu < MIN_MTU || mtu > MAX_MTU) {
    report(
      'mtu',
      `MTU ${mtu} is out of range: Linux accepts ${MIN_MTU} to ${MAX_MTU} bytes (1500 is usual, 9000 for jumbo frames)`,
    );
    return undefined;
  }
  if (withIpv6 && mtu < MIN_MTU_IPV6) {
    report(
      'mtu',
      `MTU ${mtu} is too small for IPv6, which needs at least ${MIN_MTU_IPV6} bytes: raise the MTU or leave out ipv6`,
    );
    return undefined;
  }
  return mtu;
}

function checkNatPorts(
  ports: { readonly start?: number; readonly end?: number },
  report: ReportProblem,
): { start: number; end: number } | undefined {
  let fine = true;
  for (const end of ['start', 'end'] as const) {
    const port = ports[end];
    if (port === undefined) {
      fine = false; // reported by the shape check
    } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
      report(
        `natPorts.${end}`,
        `NAT port range ${end} ${port} is not a port: ports are whole numbers from 1 to 65535 (libvirt's default range is 1024-65535)`,
      );
      fine = false;
    }
  }
  if (!fine || ports.start === undefined || ports.end === undefined) return undefined;
  if (ports.start > ports.end) {
    report(
      'natPorts',
      `the NAT port range ${ports.start}-${ports.end} is reversed: the start must come first, as in ${ports.end}-${ports.start}`,
    );
    return undefined;
  }
  return { start: ports.start, end: ports.end };
}
