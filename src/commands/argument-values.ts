/**
 * The kinds of value a `/vnet` argument or flag takes, each with its own reader: it checks the form
 * (what can be known without a host) and normalises, and when the text is wrong says what is wrong and
 * how to write it instead. Network rules come from the network module where it exports them.
 */
import ipaddr from 'ipaddr.js';
import { InvalidInterfaceNameError, MAX_MTU, MIN_MTU, assertInterfaceName } from '../network/index.js';
import { didYouMean } from '../text/index.js';
import { COMMAND_NAMES, type CommandName, type CommandNetworkMode } from './command.js';
import { showText } from './shown-text.js';

/** The outcome of reading one value: the normalised value, or a message for the person who typed it. */
export type ValueReading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string; readonly suggestion?: string };

/** One word a value may be, for help text (modes, on/off). */
export interface ValueChoice {
  /** The canonical word. */
  readonly word: string;
  /** Other words accepted for it. */
  readonly aliases: readonly string[];
  /** What choosing it means. */
  readonly description: string;
}

/** A kind of value: how to read it and how help and tests show it. */
export interface ValueKind<T> {
  /** Plural heading for the choices in help ("Modes"); only with `choices`. */
  readonly choicesTitle?: string;
  /** The words this value may be, when it is one of a few. */
  readonly choices?: readonly ValueChoice[];
  /** A valid value as typed, for help and for generated tests. */
  readonly example: string;
  /**
   * Reads `text`. `subject` names the value in messages the way the person typed it: a flag
   * (`--gateway`) or what the word is (`the network name`).
   */
  read(text: string, subject: string): ValueReading<T>;
}

/** An inclusive range of IPv4 addresses, as `START-END` on the command line. */
export interface AddressRange {
  start: string;
  end: string;
}

const ok = <T>(value: T): ValueReading<T> => ({ ok: true, value });
const refuse = <T>(message: string, suggestion?: string): ValueReading<T> =>
  suggestion === undefined ? { ok: false, message } : { ok: false, message, suggestion };

/**
 * The network module's name rule (name-rules.ts), which its barrel does not export: ASCII a-z, 0-9,
 * "-", "_", "."; starting with a letter or digit; at most 50 characters. The unit tests pin that both
 * agree on every input.
 */
const NETWORK_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const NETWORK_NAME_MAX_LENGTH = 50;
const NETWORK_NAME_RULE =
  'network names use lowercase letters a-z, digits, "-", "_" and ".", and start with a letter or digit';

/** A libvirt network name. */
export const networkName: ValueKind<string> = {
  example: 'lab1',
  read(text, subject) {
    const shown = showText(text);
    if (text === '') return refuse(`${subject} is empty: give the network a name such as "lab1"`);
    const length = [...text].length;
    if (length > NETWORK_NAME_MAX_LENGTH)
      return refuse(`${subject} ${shown} is ${length} characters; at most ${NETWORK_NAME_MAX_LENGTH} are allowed`);
    if (NETWORK_NAME.test(text)) return ok(text);
    if (NETWORK_NAME.test(text.toLowerCase())) {
      return refuse(
        `${subject} ${shown} has uppercase letters: ${NETWORK_NAME_RULE}`,
        `Did you mean \`${text.toLowerCase()}\`?`,
      );
    }
    return refuse(`${subject} ${shown} is not a valid network name: ${NETWORK_NAME_RULE}`);
  },
};

const MODE_CHOICES: readonly (ValueChoice & { readonly word: CommandNetworkMode })[] = [
  { word: 'nat', aliases: [], description: 'guests reach the outside through NAT on the host (the usual choice)' },
  {
    word: 'routed',
    aliases: ['route'],
    description: 'guests are routed to the outside without NAT; the upstream router must route the subnet back',
  },
  { word: 'isolated', aliases: [], description: 'guests talk to each other and to the host only' },
  { word: 'open', aliases: [], description: 'like routed, but libvirt adds no firewall rules (you manage them)' },
  {
    word: 'bridged',
    aliases: ['bridge'],
    description: 'guests join an existing host bridge (needs --bridge); libvirt adds no IP, DHCP or firewall',
  },
];

/** A network mode; case-insensitive, with libvirt's names `route` and `bridge` as aliases. */
export const networkMode: ValueKind<CommandNetworkMode> = {
  choicesTitle: 'Modes',
  choices: MODE_CHOICES,
  example: 'nat',
  read(text, subject) {
    const lower = text.toLowerCase();
    const choice = MODE_CHOICES.find((mode) => mode.word === lower || mode.aliases.includes(lower));
    if (choice !== undefined) return ok(choice.word);
    const words = MODE_CHOICES.flatMap((mode) => [mode.word, ...mode.aliases]);
    const near = didYouMean(lower, words);
    const meant = MODE_CHOICES.find(
      (mode) => mode.word === near || (near !== undefined && mode.aliases.includes(near)),
    );
    return refuse(
      `${subject} ${showText(text)} is not a network mode: choose one of ${MODE_CHOICES.map((mode) => mode.word).join(', ')}`,
      meant === undefined ? undefined : `Did you mean \`${meant.word}\`?`,
    );
  },
};

const IPV4_HINT = 'four numbers 0-255 separated by dots, without leading zeros';

/** Reads dotted-decimal IPv4 text strictly (no octal-looking zeros, no short forms such as 10.1). */
function parseIpv4(text: string): ipaddr.IPv4 | undefined {
  return ipaddr.IPv4.isValidFourPartDecimal(text) && /^[0-9.]+$/.test(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** Reads IPv6 text; zone indexes (`%eth0`) are refused, they only name link-local addresses. */
function parseIpv6(text: string): ipaddr.IPv6 | undefined {
  return text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : undefined;
}

/** Reads a prefix length of at most `bits`, digits only and without leading zeros. */
function parsePrefix(text: string, bits: number): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(text)) return undefined;
  const prefix = Number(text);
  return prefix <= bits ? prefix : undefined;
}

/** The subnet of `prefix` bits holding `address`, as IPv4 text. */
function ipv4NetworkOf(address: ipaddr.IPv4, prefix: number): string {
  return ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`).toString();
}

/** An IPv4 subnet in CIDR form with no host bits set, e.g. `10.0.5.0/24`. */
export const ipv4Cidr: ValueKind<string> = {
  example: '10.0.5.0/24',
  read(text, subject) {
    const shown = showText(text);
    const [addressText = '', prefixText, ...rest] = text.split('/');
    const address = parseIpv4(addressText);
    if (address === undefined) {
      if (parseIpv6(addressText) !== undefined) {
        return refuse(
          `${subject} ${shown} is an IPv6 subnet: ${subject} takes an IPv4 subnet such as 10.0.5.0/24; give IPv6 with --ipv6`,
        );
      }
      return refuse(
        `${subject} ${shown} is not an IPv4 subnet: write an address (${IPV4_HINT}) and a prefix length, e.g. 10.0.5.0/24`,
      );
    }
    if (prefixText === undefined)
      return refuse(
        `${subject} ${shown} has no prefix length: write it as a CIDR, e.g. ${ipv4NetworkOf(address, 24)}/24`,
      );
    const prefix = rest.length === 0 ? parsePrefix(prefixText, 32) : undefined;
    if (prefix === undefined)
      return refuse(
        `${subject} ${shown} has a bad prefix length: use a whole number from 0 to 32 after the "/", e.g. /24`,
      );
    const network = ipv4NetworkOf(address, prefix);
    if (network !== address.toString()) {
      return refuse(
        `${subject} ${shown} has host bits set: a subnet starts at its network address (to choose the host's own address, use --gateway)`,
        `Did you mean \`${network}/${prefix}\`?`,
      );
    }
    return ok(`${network}/${prefix}`);
  },
};

/**
 * An IPv6 subnet in CIDR form, e.g. `fd00:5::/64`; host bits are kept (they name the host's own
 * address). Normalised to RFC 5952 text, as the network spec stores it.
 */
export const ipv6Cidr: ValueKind<string> = {
  example: 'fd00:5::/64',
  read(text, subject) {
    const shown = showText(text);
    const [addressText = '', prefixText, ...rest] = text.split('/');
    const address = parseIpv6(addressText);
    if (address === undefined) {
      if (parseIpv4(addressText) !== undefined) {
        return refuse(
          `${subject} ${shown} is an IPv4 subnet: ${subject} takes an IPv6 subnet such as fd00:5::/64; give IPv4 with --subnet`,
        );
      }
      if (addressText.includes('%'))
        return refuse(
          `${subject} ${shown} has a zone index (the part after "%"): write a plain CIDR such as fd00:5::/64`,
        );
      return refuse(
        `${subject} ${shown} is not an IPv6 subnet: write an IPv6 address and a prefix length, e.g. fd00:5::/64`,
      );
    }
    if (prefixText === undefined)
      return refuse(
        `${subject} ${shown} has no prefix length: write it as a CIDR, e.g. ${address.toRFC5952String()}/64`,
      );
    const prefix = rest.length === 0 ? parsePrefix(prefixText, 128) : undefined;
    if (prefix === undefined)
      return refuse(
        `${subject} ${shown} has a bad prefix length: use a whole number from 0 to 128 after the "/", e.g. /64`,
      );
    return ok(`${address.toRFC5952String()}/${prefix}`);
  },
};

/** One IPv4 address, e.g. `10.0.5.1`. */
export const ipv4Address: ValueKind<string> = {
  example: '10.0.5.10',
  read(text, subject) {
    const shown = showText(text);
    const address = parseIpv4(text);
    if (address !== undefined) return ok(address.toString());
    const [beforeSlash = ''] = text.split('/');
    if (text.includes('/') && parseIpv4(beforeSlash) !== undefined) {
      return refuse(
        `${subject} ${shown} is a single address, so it takes no prefix length`,
        `Did you mean \`${beforeSlash}\`?`,
      );
    }
    if (parseIpv6(text) !== undefined)
      return refuse(`${subject} ${shown} is an IPv6 address: ${subject} takes an IPv4 address such as 10.0.5.1`);
    return refuse(`${subject} ${shown} is not an IPv4 address: write ${IPV4_HINT}, e.g. 10.0.5.1`);
  },
};

/** Typed hyphens: Slack clients may turn "-" between words into an en or em dash. */
const RANGE_SEPARATOR = /[-\u2013\u2014]/;

/** `START-END`: two IPv4 addresses, start first. */
export const ipv4Range: ValueKind<AddressRange> = {
  example: '10.0.5.100-10.0.5.200',
  read(text, subject) {
    const shown = showText(text);
    const parts = text.split(RANGE_SEPARATOR);
    const [startText = '', endText = ''] = parts;
    if (parts.length !== 2 || startText === '' || endText === '') {
      return refuse(
        `${subject} ${shown} is not an address range: write the first and the last address joined by "-", e.g. 10.0.5.100-10.0.5.200`,
      );
    }
    const start = ipv4Address.read(startText, 'the range start');
    if (!start.ok) return refuse(`${subject} ${shown}: ${start.message}`);
    const end = ipv4Address.read(endText, 'the range end');
    if (!end.ok) return refuse(`${subject} ${shown}: ${end.message}`);
    if (compareIpv4(start.value, end.value) > 0) {
      return refuse(
        `${subject} ${shown} is reversed: the start must come first`,
        `Did you mean \`${end.value}-${start.value}\`?`,
      );
    }
    return ok({ start: start.value, end: end.value });
  },
};

/** Compares two valid IPv4 texts as numbers. */
export function compareIpv4(a: string, b: string): number {
  return ipv4Number(a) - ipv4Number(b);
}

function ipv4Number(text: string): number {
  return text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/** True when `address` lies in `cidr` (both valid IPv4 text). */
export function ipv4InCidr(address: string, cidr: string): boolean {
  return ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parseCIDR(cidr));
}

const MAC_TEXT = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/**
 * A guest's MAC address, normalised to lowercase with colons. Multicast and all-zero addresses are
 * refused: no network card has one (the network module's rule, mac-address.ts).
 */
export const macAddress: ValueKind<string> = {
  example: '52:54:00:12:34:56',
  read(text, subject) {
    const shown = showText(text);
    if (!MAC_TEXT.test(text))
      return refuse(
        `${subject} ${shown} is not a MAC address: write six pairs of hex digits separated by colons, e.g. 52:54:00:12:34:56`,
      );
    const mac = text.toLowerCase().replaceAll('-', ':');
    // The lowest bit of the first byte marks group (multicast) addresses.
    if ((Number.parseInt(mac.slice(0, 2), 16) & 1) === 1)
      return refuse(
        `${subject} ${mac} is a multicast address, which no network card has: use a unicast MAC such as 52:54:00:12:34:56`,
      );
    if (mac === '00:00:00:00:00:00')
      return refuse(`${subject} ${mac} is all zeros, which no network card has: use a MAC such as 52:54:00:12:34:56`);
    return ok(mac);
  },
};

/** An MTU in bytes, MIN_MTU..MAX_MTU. */
export const mtuBytes: ValueKind<number> = {
  example: '9000',
  read(text, subject) {
    const value = /^[0-9]{1,6}$/.test(text) ? Number(text) : undefined;
    if (value === undefined || value < MIN_MTU || value > MAX_MTU) {
      return refuse(
        `${subject} ${showText(text)} is not an MTU: use a whole number of bytes from ${MIN_MTU} to ${MAX_MTU} (1500 is usual, 9000 for jumbo frames)`,
      );
    }
    return ok(value);
  },
};

/** A Linux interface name in the given role, on the network module's rules. */
export function interfaceName(role: 'bridge name' | 'forward device', example: string): ValueKind<string> {
  return {
    example,
    read(text, subject) {
      try {
        assertInterfaceName(text, role);
        return ok(text);
      } catch (error) {
        if (error instanceof InvalidInterfaceNameError) return refuse(`${subject}: ${error.message}`);
        throw error;
      }
    },
  };
}

const HOST_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const HOST_ID_RULE =
  'host ids are 1-32 lowercase letters, digits or "-", starting with a letter or digit (see `/vnet hosts`)';

/** A host id as workers register it, e.g. `kvm1`. */
export const hostId: ValueKind<string> = {
  example: 'kvm1',
  read(text, subject) {
    if (HOST_ID.test(text)) return ok(text);
    const shown = showText(text);
    if (HOST_ID.test(text.toLowerCase()))
      return refuse(
        `${subject} ${shown} has uppercase letters: ${HOST_ID_RULE}`,
        `Did you mean \`${text.toLowerCase()}\`?`,
      );
    return refuse(`${subject} ${shown} is not a host id: ${HOST_ID_RULE}`);
  },
};

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A DHCP host name: one DNS label, normalised to lowercase (DNS names compare case-insensitively). */
export const dnsLabel: ValueKind<string> = {
  example: 'vm1',
  read(text, subject) {
    if (DNS_LABEL.test(text)) return ok(text.toLowerCase());
    return refuse(
      `${subject} ${showText(text)} is not a host name: use 1-63 letters, digits or "-", starting and ending with a letter or digit (no dots), e.g. vm1`,
    );
  },
};

/** Longest `--reason`: enough for a sentence or two, short enough for approval messages. */
export const REASON_MAX_LENGTH = 500;

/** Free text saying why, for approvers and the audit log: one line, no control characters. */
export const reasonText: ValueKind<string> = {
  example: '"lab for the storage tests"',
  read(text, subject) {
    if (text.trim() === '')
      return refuse(`${subject} is empty: say in a few words why, e.g. ${subject} "lab for the storage tests"`);
    const length = [...text].length;
    if (length > REASON_MAX_LENGTH)
      return refuse(`${subject} is ${length} characters; keep it to at most ${REASON_MAX_LENGTH}`);
    if (/\p{Cc}/u.test(text))
      return refuse(`${subject} contains a line break, tab or other control character: write it on one line`);
    return ok(text);
  },
};

const SWITCH_CHOICES: readonly (ValueChoice & { readonly enabled: boolean })[] = [
  { word: 'on', aliases: ['yes', 'true'], description: 'start the network when the host boots', enabled: true },
  { word: 'off', aliases: ['no', 'false'], description: 'leave it stopped when the host boots', enabled: false },
];

/** `on` or `off` (also yes/no, true/false), case-insensitive. */
export const onOff: ValueKind<boolean> = {
  choicesTitle: 'Settings',
  choices: SWITCH_CHOICES,
  example: 'on',
  read(text, subject) {
    const lower = text.toLowerCase();
    const choice = SWITCH_CHOICES.find((entry) => entry.word === lower || entry.aliases.includes(lower));
    if (choice !== undefined) return ok(choice.enabled);
    return refuse(`${subject} ${showText(text)} is neither on nor off: write on or off`);
  },
};

const JOB_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A job id as the bot shows it. */
export const jobId: ValueKind<string> = {
  example: '1234',
  read(text, subject) {
    if (JOB_ID.test(text)) return ok(text);
    return refuse(
      `${subject} ${showText(text)} is not a job id: job ids are 1-64 letters, digits, "_", ".", ":" or "-", as shown in the job's message`,
    );
  },
};

/** The longest a network can be muted. */
export const MAX_MUTE_MS = 7 * 86_400_000;
const MUTE_UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A mute duration: a whole number and m, h or d (`30m`, `2h`, `1d`), at most 7 days; read as milliseconds. */
export const muteDuration: ValueKind<number> = {
  example: '2h',
  read(text, subject) {
    const match = /^([0-9]{1,6})([mhd])$/i.exec(text);
    const ms = match
      ? Number(match[1]) * MUTE_UNIT_MS[(match[2] ?? 'm').toLowerCase() as keyof typeof MUTE_UNIT_MS]
      : undefined;
    if (ms === undefined || ms < MUTE_UNIT_MS.m || ms > MAX_MUTE_MS) {
      return refuse(
        `${subject} ${showText(text)} is not a duration: give a whole number and m, h or d, e.g. 30m, 2h or 1d (at most 7d)`,
      );
    }
    return ok(ms);
  },
};

/** Default number of audit entries shown. */
export const DEFAULT_AUDIT_LIMIT = 10;
/** Most audit entries one command shows. */
export const MAX_AUDIT_LIMIT = 100;

/** How many audit entries, 1..MAX_AUDIT_LIMIT. */
export const auditLimit: ValueKind<number> = {
  example: '20',
  read(text, subject) {
    const value = /^[0-9]{1,4}$/.test(text) ? Number(text) : undefined;
    if (value === undefined || value < 1 || value > MAX_AUDIT_LIMIT) {
      return refuse(
        `${subject} ${showText(text)} is not a count: give a whole number from 1 to ${MAX_AUDIT_LIMIT} (default ${DEFAULT_AUDIT_LIMIT})`,
      );
    }
    return ok(value);
  },
};

/** A command name as a help topic; case-insensitive. */
export const commandTopic: ValueKind<CommandName> = {
  example: 'create',
  read(text, subject) {
    const lower = text.toLowerCase();
    const name = COMMAND_NAMES.find((candidate) => candidate === lower);
    if (name !== undefined) return ok(name);
    const near = didYouMean(lower, COMMAND_NAMES);
    return refuse(
      `${subject} ${showText(text)} is not a /vnet command`,
      near === undefined ? undefined : `Did you mean \`${near}\`?`,
    );
  },
};
