/**
 * Rules for the names in a network spec: the libvirt network name, Linux interface names (bridge,
 * forward device) and DNS names (domain, DHCP host names). Each check reports one problem per value,
 * the first rule it breaks, and returns the normalised value when the value is fine.
 */
import type { ReportProblem } from './spec-errors.js';
import { characterCount, describeCharacter, firstCharacterNotMatching, showValue } from './value-display.js';

/** Longest network name: long enough to be descriptive, short enough for Slack tables and file names. */
export const NETWORK_NAME_MAX_LENGTH = 50;
/** Linux interface names fit IFNAMSIZ (16 bytes) with the terminating NUL. */
export const INTERFACE_NAME_MAX_LENGTH = 15;
const DNS_NAME_MAX_LENGTH = 253;
const DNS_LABEL_MAX_LENGTH = 63;

/** ASCII only: the name ends up in XML, shell commands, file names (dnsmasq config) and Slack. */
const NETWORK_NAME_CHARACTER = /^[a-z0-9_.-]$/;
const NETWORK_NAME_FIRST_CHARACTER = /^[a-z0-9]$/;
const NETWORK_NAME_CHARACTERS_TEXT = 'use only lowercase ASCII letters a-z, digits 0-9, "-", "_" and "."';

/** The kernel refuses only "/", ":" and whitespace; we also keep out what breaks shells and tools. */
const INTERFACE_NAME_CHARACTER = /^[A-Za-z0-9_.-]$/;
const INTERFACE_NAME_FIRST_CHARACTER = /^[A-Za-z0-9]$/;

/** Names the kernel or every host already uses. */
const RESERVED_INTERFACE_NAMES: Readonly<Record<string, string>> = {
  lo: 'is the loopback device',
  all: 'is reserved by Linux (it names the settings of all interfaces in /proc/sys/net)',
  default: 'is reserved by Linux (it names the defaults for new interfaces in /proc/sys/net)',
};

const DNS_NAME_CHARACTER = /^[A-Za-z0-9.-]$/;

/** Checks a libvirt network name; returns it when it is acceptable. */
export function checkNetworkName(name: string, report: ReportProblem): string | undefined {
  const field = 'name';
  const shown = showValue(name);
  if (name === '') {
    report(field, 'the network name is empty: give the network a name such as "lab1"');
    return undefined;
  }
  const length = characterCount(name);
  if (length > NETWORK_NAME_MAX_LENGTH) {
    report(field, `network name ${shown} is ${length} characters; at most ${NETWORK_NAME_MAX_LENGTH} are allowed`);
    return undefined;
  }
  if (name === '.' || name === '..') {
    report(
      field,
      `network name ${shown} is not allowed: "." and ".." mean folders in file paths; ${NETWORK_NAME_CHARACTERS_TEXT}`,
    );
    return undefined;
  }
  const nonAscii = firstCharacterNotMatching(name, /^[\u0020-\u007e]$/);
  if (nonAscii !== undefined) {
    report(field, `network name ${shown} contains ${describeCharacter(nonAscii)}: ${NETWORK_NAME_CHARACTERS_TEXT}`);
    return undefined;
  }
  // Symbols first: if the only fault is case, the message can offer the lowercase name.
  const bad = firstCharacterNotMatching(name, /^[A-Za-z0-9_.-]$/);
  if (bad !== undefined) {
    report(
      field,
      `network name ${shown} contains ${describeCharacter(bad)}, which is not allowed: ${NETWORK_NAME_CHARACTERS_TEXT}`,
    );
    return undefined;
  }
  if (firstCharacterNotMatching(name, NETWORK_NAME_CHARACTER) !== undefined) {
    report(field, `network name ${shown} has uppercase letters: use lowercase, e.g. ${showValue(name.toLowerCase())}`);
    return undefined;
  }
  if (!NETWORK_NAME_FIRST_CHARACTER.test(name.charAt(0))) {
    report(field, `network name ${shown} must start with a lowercase letter or a digit`);
    return undefined;
  }
  return name;
}

/** What an interface name is for, as the messages call it, with an example of a good one. */
export type InterfaceNameRole = 'bridge name' | 'forward device';

const INTERFACE_EXAMPLES: Readonly<Record<InterfaceNameRole, string>> = {
  'bridge name': '"vnbr0"',
  'forward device': '"eth0"',
};

/** Checks a Linux interface name (a bridge or the forward device); returns it when it is acceptable. */
export function checkInterfaceName(
  name: string,
  role: InterfaceNameRole,
  field: string,
  report: ReportProblem,
): string | undefined {
  const shown = showValue(name);
  if (name === '') {
    report(field, `the ${role} is empty: give a Linux interface name such as ${INTERFACE_EXAMPLES[role]}`);
    return undefined;
  }
  const length = characterCount(name);
  if (length > INTERFACE_NAME_MAX_LENGTH) {
    report(field, `${role} ${shown} is ${length} characters; Linux allows at most ${INTERFACE_NAME_MAX_LENGTH}`);
    return undefined;
  }
  if (name === '.' || name === '..') {
    report(field, `${role} ${shown} is not allowed: Linux refuses "." and ".." as interface names`);
    return undefined;
  }
  const reserved = RESERVED_INTERFACE_NAMES[name];
  if (reserved !== undefined) {
    report(field, `${role} ${shown} ${reserved}: choose another name, e.g. ${INTERFACE_EXAMPLES[role]}`);
    return undefined;
  }
  const bad = firstCharacterNotMatching(name, INTERFACE_NAME_CHARACTER);
  if (bad !== undefined) {
    report(
      field,
      `${role} ${shown} contains ${describeCharacter(bad)}: interface names may use only ASCII letters, digits, "-", "_" and "."`,
    );
    return undefined;
  }
  if (!INTERFACE_NAME_FIRST_CHARACTER.test(name.charAt(0))) {
    report(field, `${role} ${shown} must start with an ASCII letter or digit`);
    return undefined;
  }
  return name;
}

/** What a DNS name is for, as the messages call it. */
export type DnsNameRole = 'DNS domain' | 'DHCP host name';

/**
 * Checks a DNS name (RFC 1123 host name syntax); returns it lowercased and without a trailing dot,
 * since DNS names are case-insensitive and specs should compare equal.
 */
export function checkDnsName(
  name: string,
  role: DnsNameRole,
  field: string,
  report: ReportProblem,
): string | undefined {
  const shown = showValue(name);
  const bare = name.endsWith('.') && name !== '.' ? name.slice(0, -1) : name;
  if (bare === '') {
    report(
      field,
      `the ${role} is empty: give a name such as ${role === 'DNS domain' ? '"lab.example"' : '"vm1"'}, or leave it out`,
    );
    return undefined;
  }
  const length = characterCount(bare);
  if (length > DNS_NAME_MAX_LENGTH) {
    report(field, `${role} ${shown} is ${length} characters; DNS allows at most ${DNS_NAME_MAX_LENGTH}`);
    return undefined;
  }
  const bad = firstCharacterNotMatching(bare, DNS_NAME_CHARACTER);
  if (bad !== undefined) {
    report(
      field,
      `${role} ${shown} contains ${describeCharacter(bad)}: DNS names may use only ASCII letters, digits, "-" and dots between labels`,
    );
    return undefined;
  }
  for (const label of bare.split('.')) {
    if (label === '') {
      report(field, `${role} ${shown} has an empty label: separate labels with single dots, e.g. "lab.example"`);
      return undefined;
    }
    if (label.length > DNS_LABEL_MAX_LENGTH) {
      report(
        field,
        `${role} ${shown} has a label of ${label.length} characters; DNS allows at most ${DNS_LABEL_MAX_LENGTH} between dots`,
      );
      return undefined;
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      report(
        field,
        `${role} ${shown} has the label ${showValue(label)}, which starts or ends with "-": DNS labels must begin and end with a letter or digit`,
      );
      return undefined;
    }
  }
  return bare.toLowerCase();
}
