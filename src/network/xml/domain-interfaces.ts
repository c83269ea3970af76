/**
 * Which VM a bridge port belongs to, read from libvirt domain XML: a running VM's NIC of type
 * `network` or `bridge` names its host-side device in `<target dev='vnet3'/>`, and that device is the
 * bridge port `ip link` shows.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One NIC of a domain, as its XML describes it. */
export interface DomainInterface {
  /** The domain's name. */
  readonly vm: string;
  readonly uuid?: string;
  /** True when the XML is that of a running domain (`<domain id='N'>`). */
  readonly running: boolean;
  /** Host-side device (`vnet3`): present on running domains, or when the config fixes the name. */
  readonly targetDev?: string;
  /** The guest's MAC address, lowercase. */
  readonly mac?: string;
  /** `<source network='…'>` of a `type='network'` NIC. */
  readonly sourceNetwork?: string;
  /** `<source bridge='…'>`: the bridge of a `type='bridge'` NIC (a running `type='network'` NIC names it too). */
  readonly sourceBridge?: string;
}

/** Who is on the other end of a bridge port. */
export interface PortOwner {
  readonly vm: string;
  readonly uuid?: string;
  /** The guest's MAC on this NIC (the port's own MAC is the host side's, e.g. `fe:54:00:…`). */
  readonly mac?: string;
  readonly network?: string;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Keep every value as text: a domain named "123" stays "123".
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
});

/**
 * The NICs of type `network` and `bridge` of one domain (others — `user`, `direct`, `hostdev` —
 * are never ports of a Linux bridge). Throws when the text is not well-formed domain XML.
 */
export function parseDomainInterfaces(domainXml: string): DomainInterface[] {
  // The parser is lenient with broken markup; a truncated document must not read as "no NICs".
  const validation = XMLValidator.validate(domainXml);
  if (validation !== true)
    throw new Error(`not well-formed domain XML: ${validation.err.msg} (line ${validation.err.line})`);
  const parsed = parser.parse(domainXml) as XmlNode;
  const domain = parsed['domain'];
  if (!isNode(domain)) throw new Error('not libvirt domain XML: there is no <domain> element');
  const vm = text(domain['name']);
  if (vm === undefined) throw new Error('not libvirt domain XML: <domain> has no <name>');
  const uuid = text(domain['uuid']);
  const id = attribute(domain, 'id');
  const running = id !== undefined && id !== '-1';
  const devices = asArray(domain['devices']).filter(isNode);
  return devices
    .flatMap((node) => asArray(node['interface']).filter(isNode))
    .filter((nic) => {
      const type = attribute(nic, 'type');
      return type === 'network' || type === 'bridge';
    })
    .map((nic) => {
      const source = firstNode(nic['source']);
      const mac = attribute(firstNode(nic['mac']), 'address')?.toLowerCase();
      const values = {
        uuid,
        targetDev: attribute(firstNode(nic['target']), 'dev'),
        mac,
        sourceNetwork: attribute(source, 'network'),
        sourceBridge: attribute(source, 'bridge'),
      };
      return { vm, running, ...withoutUndefined(values) };
    });
}

/**
 * Port name → owner, from the XML of a host's domains (pass all of them; only running domains hold
 * ports, so the others are skipped even if their config fixes a target name).
 */
export function portOwnersFromDomains(domains: Iterable<{ readonly xml: string }>): Map<string, PortOwner> {
  const owners = new Map<string, PortOwner>();
  for (const { xml } of domains) {
    for (const nic of parseDomainInterfaces(xml)) {
      if (!nic.running || nic.targetDev === undefined) continue;
      owners.set(nic.targetDev, {
        vm: nic.vm,
        ...withoutUndefined({ uuid: nic.uuid, mac: nic.mac, network: nic.sourceNetwork }),
      });
    }
  }
  return owners;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function firstNode(value: unknown): XmlNode | undefined {
  return asArray(value).find(isNode);
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Element text: `<name>x</name>` parses to "x", `<name a='1'>x</name>` to { '#text': "x" }. */
function text(value: unknown): string | undefined {
  const first = asArray(value)[0];
  if (typeof first === 'string') return first;
  return isNode(first) && typeof first['#text'] === 'string' ? first['#text'] : undefined;
}

function withoutUndefined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}
