/**
 * The `/vnet` grammar table: every command with its summary, positional forms, flags, examples and
 * how its parts become a typed {@link Command}. The parser, the usage lines and the help text are all
 * generated from this one table.
 */
import {
  DEFAULT_AUDIT_LIMIT,
  MAX_AUDIT_LIMIT,
  REASON_MAX_LENGTH,
  auditLimit,
  commandTopic,
  dnsLabel,
  hostId,
  interfaceName,
  ipv4Address,
  ipv4Cidr,
  ipv4Range,
  ipv6Cidr,
  jobId,
  macAddress,
  mtuBytes,
  muteDuration,
  networkMode,
  networkName,
  onOff,
  reasonText,
} from './argument-values.js';
import type { Command, CommandName, CreateCommand, UpdateChange } from './command.js';
import { createCommandProblem } from './create-rules.js';
import {
  type BuildResult,
  type CommandSpec,
  type ParsedArguments,
  switchFlag,
  valueFlag,
  valueSlot,
  wordSlot,
} from './grammar-spec.js';

const NAME = valueSlot('NAME', 'the network name', 'the network, e.g. lab1 (see `/vnet list`)', networkName);
const HOST = valueFlag(
  'host',
  'H',
  'the host to act on (see `/vnet hosts`); needed when there is more than one',
  hostId,
);
const REASON = valueFlag(
  'reason',
  'TEXT',
  `why, shown to approvers and kept in the audit log (at most ${REASON_MAX_LENGTH} characters; quote it)`,
  reasonText,
);

const built = (command: Command): BuildResult => ({ ok: true, command });

/** `--host` and `--reason` when given, as the optional fields of a command. */
function hostOf(args: ParsedArguments): { host?: string } {
  const host = args.get(HOST);
  return host === undefined ? {} : { host };
}

function reasonOf(args: ParsedArguments): { reason?: string } {
  const reason = args.get(REASON);
  return reason === undefined ? {} : { reason };
}

const LIST_ALL = switchFlag('all', 'include inactive networks too (like `virsh net-list --all`)');
const INFO_XML = switchFlag('xml', "include the network's libvirt XML");

const MODE = valueSlot('MODE', 'the mode', 'how guests reach the outside; see the modes below', networkMode);
const SUBNET = valueFlag('subnet', 'CIDR', 'IPv4 subnet, e.g. 10.0.5.0/24; left out = a free one is picked', ipv4Cidr);
const GATEWAY = valueFlag(
  'gateway',
  'IP',
  "the host's own IPv4 address in the subnet (the guests' gateway); left out = the subnet's first address",
  ipv4Address,
);
const DHCP = valueFlag(
  'dhcp',
  'START-END',
  'the addresses DHCP hands out, e.g. 10.0.5.100-10.0.5.200; left out = every address after the gateway',
  ipv4Range,
);
const NO_DHCP = switchFlag('no-dhcp', 'run no DHCP server: guests need static addresses');
const BRIDGE = valueFlag(
  'bridge',
  'BR',
  'Linux bridge name; for bridged mode the existing host bridge to join (required), otherwise the bridge to create',
  interfaceName('bridge name', 'br0'),
);
const DEV = valueFlag(
  'dev',
  'IFACE',
  'nat and routed only: forward only through this host interface, e.g. eth0',
  interfaceName('forward device', 'eth0'),
);
const IPV6 = valueFlag(
  'ipv6',
  'CIDR',
  "also an IPv6 subnet, e.g. fd00:5::/64 (with host bits, e.g. fd00:5::1/64, the address is the host's own)",
  ipv6Cidr,
);
const MTU = valueFlag('mtu', 'N', 'MTU of the bridge in bytes, e.g. 9000', mtuBytes);
const CREATE_AUTOSTART = switchFlag('autostart', 'start the network whenever the host boots');

function buildCreate(args: ParsedArguments): BuildResult {
  const subnet = args.get(SUBNET);
  const gateway = args.get(GATEWAY);
  const range = args.get(DHCP);
  const bridge = args.get(BRIDGE);
  const dev = args.get(DEV);
  const ipv6 = args.get(IPV6);
  const mtu = args.get(MTU);
  const command: CreateCommand = {
    kind: 'create',
    mode: args.required(MODE),
    name: args.required(NAME),
    ...(subnet === undefined ? {} : { subnet }),
    ...(gateway === undefined ? {} : { gateway }),
    ...(range !== undefined ? { dhcp: range } : args.has(NO_DHCP) ? { dhcp: false as const } : {}),
    ...(bridge === undefined ? {} : { bridge }),
    ...(dev === undefined ? {} : { dev }),
    ...(ipv6 === undefined ? {} : { ipv6 }),
    ...(mtu === undefined ? {} : { mtu }),
    autostart: args.has(CREATE_AUTOSTART),
    ...hostOf(args),
    ...reasonOf(args),
  };
  const problem = createCommandProblem(command);
  return problem === undefined ? built(command) : { ok: false, message: problem };
}

const FORCE = switchFlag(
  'force',
  'delete even when the network is running or guests are attached (they lose their network)',
);
const SWITCH = valueSlot('on|off', 'the autostart setting', 'whether the network starts when the host boots', onOff);
const BRIDGES_NAME = valueSlot(
  'NAME',
  'the network name',
  "only this network's bridge; left out = every bridge libvirt networks use",
  networkName,
  true,
);

const DHCP_RANGE = wordSlot('dhcp-range', 'change', 'replace the DHCP range');
const RANGE = valueSlot(
  'START-END',
  'the DHCP range',
  'the addresses DHCP hands out, e.g. 10.0.5.100-10.0.5.200',
  ipv4Range,
);
const DHCP_HOST = wordSlot('dhcp-host', 'change', 'add or remove a fixed DHCP address');
const ADD = wordSlot('add', 'action', 'give the guest with this MAC this address');
const REMOVE = wordSlot('remove', 'action', 'drop the fixed address of this MAC');
const MAC = valueSlot('MAC', 'the MAC address', "the guest's MAC address, e.g. 52:54:00:12:34:56", macAddress);
const HOST_IP = valueSlot('IP', 'the IP address', 'the IPv4 address the guest always gets', ipv4Address);
const HOSTNAME = valueSlot('HOSTNAME', 'the host name', 'the host name DHCP gives the guest, e.g. vm1', dnsLabel, true);

function buildUpdate(args: ParsedArguments): BuildResult {
  let change: UpdateChange;
  if (args.has(DHCP_RANGE)) {
    change = { kind: 'dhcp-range', range: args.required(RANGE) };
  } else if (args.has(ADD)) {
    const name = args.get(HOSTNAME);
    change = {
      kind: 'dhcp-host-add',
      host: { mac: args.required(MAC), ip: args.required(HOST_IP), ...(name === undefined ? {} : { name }) },
    };
  } else {
    change = { kind: 'dhcp-host-remove', mac: args.required(MAC) };
  }
  return built({ kind: 'update', name: args.required(NAME), change, ...hostOf(args), ...reasonOf(args) });
}

const HELP_TOPIC = valueSlot('COMMAND', 'the help topic', 'a command name, e.g. create', commandTopic, true);
const STATUS_JOB = valueSlot('JOB', 'the job id', "the job's id, as its message shows it", jobId);
const MUTE_DURATION = valueSlot('DURATION', 'the duration', 'how long: 30m, 2h, 1d … (at most 7d)', muteDuration);
const MUTE_HOST = valueFlag('host', 'H', 'only alerts from this host; left out = every host', hostId);

const AUDIT_COUNT = valueSlot(
  'N',
  'the number of entries',
  `how many entries, 1-${MAX_AUDIT_LIMIT}; default ${DEFAULT_AUDIT_LIMIT}`,
  auditLimit,
  true,
);

/** The grammar table, one entry per command; help lists them in {@link COMMAND_NAMES} order. */
export const COMMAND_GRAMMAR: Readonly<Record<CommandName, CommandSpec>> = {
  help: {
    name: 'help',
    summary: 'Show what the commands do; `help COMMAND` for one in detail',
    forms: [[HELP_TOPIC]],
    flags: [],
    examples: ['help', 'help create'],
    build: (args) => {
      const topic = args.get(HELP_TOPIC);
      return built(topic === undefined ? { kind: 'help' } : { kind: 'help', topic });
    },
  },
  list: {
    name: 'list',
    summary: 'List the active networks of every host (one with --host; inactive ones too with --all)',
    forms: [[]],
    flags: [[HOST], [LIST_ALL]],
    examples: ['list', 'list --host kvm1', 'list --all'],
    build: (args) => built({ kind: 'list', all: args.has(LIST_ALL), ...hostOf(args) }),
  },
  info: {
    name: 'info',
    summary: "Show a network's settings, state, bridge and DHCP",
    forms: [[NAME]],
    flags: [HOST, INFO_XML],
    examples: ['info lab1', 'info lab1 --host kvm1 --xml'],
    build: (args) => built({ kind: 'info', name: args.required(NAME), xml: args.has(INFO_XML), ...hostOf(args) }),
  },
  create: {
    name: 'create',
    summary: 'Create and start a network; `/vnet create` alone opens a dialog',
    details:
      'Whatever you leave out is planned on the host: a free subnet, the gateway, a DHCP range and a bridge name.',
    forms: [[MODE, NAME]],
    flags: [SUBNET, GATEWAY, [DHCP, NO_DHCP], BRIDGE, DEV, IPV6, MTU, CREATE_AUTOSTART, HOST, REASON],
    examples: [
      'create nat lab1',
      'create isolated lab2 --subnet 10.0.5.0/24 --dhcp 10.0.5.100-10.0.5.200 --autostart',
      'create bridged lan1 --bridge br0 --host kvm1 --reason "VMs on the office LAN"',
    ],
    bare: { command: { kind: 'create-dialog' }, description: 'opens a dialog that asks for each setting' },
    build: buildCreate,
  },
  delete: {
    name: 'delete',
    summary: 'Stop and delete a network',
    forms: [[NAME]],
    flags: [FORCE, HOST, REASON],
    examples: ['delete lab1', 'delete lab1 --force --reason "tests finished"'],
    build: (args) =>
      built({ kind: 'delete', name: args.required(NAME), force: args.has(FORCE), ...hostOf(args), ...reasonOf(args) }),
  },
  start: {
    name: 'start',
    summary: 'Start a stopped network',
    forms: [[NAME]],
    flags: [HOST, REASON],
    examples: ['start lab1', 'start lab1 --host kvm1'],
    build: (args) => built({ kind: 'start', name: args.required(NAME), ...hostOf(args), ...reasonOf(args) }),
  },
  stop: {
    name: 'stop',
    summary: 'Stop a running network (guests on it lose their network)',
    forms: [[NAME]],
    flags: [HOST, REASON],
    examples: ['stop lab1', 'stop lab1 --reason "maintenance window"'],
    build: (args) => built({ kind: 'stop', name: args.required(NAME), ...hostOf(args), ...reasonOf(args) }),
  },
  autostart: {
    name: 'autostart',
    summary: 'Turn starting a network at host boot on or off',
    forms: [[NAME, SWITCH]],
    flags: [HOST, REASON],
    examples: ['autostart lab1 on', 'autostart lab1 off --host kvm1'],
    build: (args) =>
      built({
        kind: 'autostart',
        name: args.required(NAME),
        enabled: args.required(SWITCH),
        ...hostOf(args),
        ...reasonOf(args),
      }),
  },
  leases: {
    name: 'leases',
    summary: "List a network's DHCP leases",
    forms: [[NAME]],
    flags: [HOST],
    examples: ['leases lab1'],
    build: (args) => built({ kind: 'leases', name: args.required(NAME), ...hostOf(args) }),
  },
  bridges: {
    name: 'bridges',
    summary: 'Show bridge state: ports, STP, carrier, MTU',
    forms: [[BRIDGES_NAME]],
    flags: [HOST],
    examples: ['bridges', 'bridges lab1 --host kvm1'],
    build: (args) => {
      const name = args.get(BRIDGES_NAME);
      return built({ kind: 'bridges', ...(name === undefined ? {} : { name }), ...hostOf(args) });
    },
  },
  update: {
    name: 'update',
    summary: "Change a running network's DHCP range or fixed DHCP hosts",
    forms: [
      [NAME, DHCP_RANGE, RANGE],
      [NAME, DHCP_HOST, ADD, MAC, HOST_IP, HOSTNAME],
      [NAME, DHCP_HOST, REMOVE, MAC],
    ],
    flags: [HOST, REASON],
    examples: [
      'update lab1 dhcp-range 10.0.5.50-10.0.5.250',
      'update lab1 dhcp-host add 52:54:00:12:34:56 10.0.5.10 vm1',
      'update lab1 dhcp-host remove 52:54:00:12:34:56',
    ],
    build: buildUpdate,
  },
  hosts: {
    name: 'hosts',
    summary: 'List the hosts and whether their workers are up',
    forms: [[]],
    flags: [],
    examples: ['hosts'],
    build: () => built({ kind: 'hosts' }),
  },
  status: {
    name: 'status',
    summary: 'Show where a job stands',
    forms: [[STATUS_JOB]],
    flags: [],
    examples: ['status 1234'],
    build: (args) => built({ kind: 'status', jobId: args.required(STATUS_JOB) }),
  },
  audit: {
    name: 'audit',
    summary: 'Show the latest entries of the audit log',
    forms: [[AUDIT_COUNT]],
    flags: [],
    examples: ['audit', 'audit 50'],
    build: (args) => built({ kind: 'audit', limit: args.get(AUDIT_COUNT) ?? DEFAULT_AUDIT_LIMIT }),
  },
  mute: {
    name: 'mute',
    summary: "Silence a network's monitor alerts for a while",
    forms: [[NAME, MUTE_DURATION]],
    flags: [MUTE_HOST],
    examples: ['mute lab1 2h', 'mute lab1 30m --host kvm1'],
    build: (args) => {
      const host = args.get(MUTE_HOST);
      return built({
        kind: 'mute',
        name: args.required(NAME),
        durationMs: args.required(MUTE_DURATION),
        ...(host === undefined ? {} : { host }),
      });
    },
  },
  unmute: {
    name: 'unmute',
    summary: "Let a muted network's alerts through again",
    forms: [[NAME]],
    flags: [MUTE_HOST],
    examples: ['unmute lab1'],
    build: (args) => {
      const host = args.get(MUTE_HOST);
      return built({ kind: 'unmute', name: args.required(NAME), ...(host === undefined ? {} : { host }) });
    },
  },
};
