/**
 * Properties of validation and XML together:
 * (a) every valid spec survives render → parse unchanged;
 * (b) any text as a name, bridge or description is either refused with problems about that option
 *     only, or accepted unchanged and rendered into XML that is well-formed, has exactly the expected
 *     elements (nothing injected) and parses back to the same text;
 * (c) any text as an attribute value (a DHCP host's name, which renderDhcpHostXml does not validate)
 *     is either refused because XML would not give it back as it was, or written so that it does.
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../../../src/network/spec/network-spec.js';
import { NetworkSpecError } from '../../../../src/network/spec/spec-errors.js';
import { validateNetworkSpec } from '../../../../src/network/spec/network-validation.js';
import { parseNetworkXml, renderDhcpHostXml, renderNetworkXml } from '../../../../src/network/xml/network-xml.js';
import { parseXmlDocument } from '../../../../src/network/xml/xml-tree.js';
import { FIXTURE_SPECS } from '../../../fixtures/network-fixture-specs.js';
import { networkSpecArbitrary } from '../../../../tools/network-spec-arbitraries.js';

const UUID = '6f9619ff-8b86-d011-b42d-00cf4fc964ff';

describe('(a) valid specs', () => {
  it('are their own normal form, and render → parse gives them back exactly', () => {
    fc.assert(
      fc.property(networkSpecArbitrary, fc.uuid(), (spec, uuid) => {
        expect(validateNetworkSpec(spec)).toStrictEqual(spec);
        const parsed = parseNetworkXml(renderNetworkXml(spec, { uuid }), { autostart: spec.autostart });
        expect(parsed.spec).toStrictEqual(spec);
        expect(parsed.facts).toStrictEqual({ uuid });
      }),
      { numRuns: 400 },
    );
  });
});

/** Element names and attribute names of a document, as an independent parser sees them. */
interface Structure {
  readonly element: string;
  readonly attributes: readonly string[];
  readonly children: readonly Structure[];
}

const structureParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  trimValues: false,
});

function structureOf(xml: string): Structure[] {
  const toStructure = (nodes: Record<string, unknown>[]): Structure[] =>
    nodes.flatMap((node) => {
      const element = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
      if (element === undefined) return [];
      const attributes = Object.keys(node[':@'] ?? {}).sort();
      return [{ element, attributes, children: toStructure(node[element] as Record<string, unknown>[]) }];
    });
  return toStructure(structureParser.parse(xml) as Record<string, unknown>[]);
}

const leaf = (element: string, attributes: string[] = []): Structure => ({
  element,
  attributes: attributes.sort(),
  children: [],
});
const parent = (element: string, attributes: string[], children: Structure[]): Structure => ({
  element,
  attributes: attributes.sort(),
  children,
});

/** The elements libvirt's format calls for, derived from the spec on its own. */
function expectedStructure(spec: NetworkSpec): Structure[] {
  const children: Structure[] = [leaf('name'), leaf('uuid')];
  if (spec.metadata !== undefined) {
    const fields = (['description', 'requestedBy', 'jobId'] as const).filter(
      (field) => spec.metadata?.[field] !== undefined,
    );
    children.push(
      parent(
        'metadata',
        [],
        [
          parent(
            'vnetops:network',
            ['xmlns:vnetops'],
            fields.map((field) => leaf(`vnetops:${field}`)),
          ),
        ],
      ),
    );
  }
  if (spec.mode === 'bridged') {
    children.push(leaf('forward', ['mode']), leaf('bridge', ['name']));
    return [parent('network', [], children)];
  }
  if (spec.mode !== 'isolated') {
    const dev = spec.mode === 'nat' || spec.mode === 'routed' ? spec.forwardDev : undefined;
    const nat =
      spec.mode === 'nat' && spec.natPorts !== undefined ? [parent('nat', [], [leaf('port', ['start', 'end'])])] : [];
    children.push(parent('forward', dev === undefined ? ['mode'] : ['mode', 'dev'], nat));
  }
  children.push(leaf('bridge', ['name', 'stp', 'delay']));
  if (spec.mtu !== undefined) children.push(leaf('mtu', ['size']));
  if (spec.dnsDomain !== undefined) children.push(leaf('domain', ['name']));
  for (const [family, config] of [
    ['ipv4', spec.ipv4],
    ['ipv6', spec.ipv6],
  ] as const) {
    if (config === undefined) continue;
    const dhcp = [
      ...(config.dhcp === undefined ? [] : [leaf('range', ['start', 'end'])]),
      ...(config.dhcpHosts ?? []).map((host) =>
        leaf('host', host.name === undefined ? ['mac', 'ip'] : ['mac', 'name', 'ip']),
      ),
    ];
    const attributes = family === 'ipv6' ? ['family', 'address', 'prefix'] : ['address', 'prefix'];
    children.push(parent('ip', attributes, dhcp.length === 0 ? [] : [parent('dhcp', [], dhcp)]));
  }
  return [parent('network', [], children)];
}

/** Text meant to break things: XML metacharacters, controls, look-alikes, surrogates, reserved names. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.string({ unit: 'binary-ascii', maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '&',
      "'",
      '"',
      ']]>',
      '<!--',
      '&amp;',
      '&#0;',
      '<x/>',
      '\u0000',
      '\u0007',
      '\n',
      '\r',
      '\t',
      ' ',
      'a',
      'z',
      '0',
      '-',
      '_',
      '.',
      'B',
      'а',
      '\u200b',
      '\u202e',
      '🙂',
      '\ud800',
      '\udfff',
      '\ufffe',
      '\u0085',
    ),
    maxLength: 24,
  }),
  fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/),
  fc.constantFrom('', '.', '..', 'lo', 'all', 'default', 'virbr-toolongname1', 'x'.repeat(51), '🙂'.repeat(201)),
);

const base = FIXTURE_SPECS.nat as NetworkSpec;

const TEXT_FIELDS: readonly {
  readonly field: string;
  readonly put: (text: string) => unknown;
  readonly get: (spec: NetworkSpec) => string | undefined;
}[] = [
  { field: 'name', put: (text) => ({ ...base, name: text }), get: (spec) => spec.name },
  { field: 'bridge', put: (text) => ({ ...base, bridge: text }), get: (spec) => spec.bridge },
  {
    field: 'metadata.description',
    put: (text) => ({ ...base, metadata: { ...base.metadata, description: text } }),
    get: (spec) => spec.metadata?.description,
  },
];

describe('(b) any text as a name, bridge or description', () => {
  it.each(TEXT_FIELDS)(
    '$field: refused about that option only, or kept exactly and never breaks the XML',
    ({ field, put, get }) => {
      fc.assert(
        fc.property(hostileText, (text) => {
          let spec: NetworkSpec;
          try {
            spec = validateNetworkSpec(put(text));
          } catch (error) {
            expect(error).toBeInstanceOf(NetworkSpecError);
            for (const problem of (error as NetworkSpecError).problems) {
              expect(problem.field).toBe(field);
              // Messages go to Slack: every control character and broken surrogate must be shown escaped.
              expect(problem.message).not.toMatch(/[\p{Cc}\p{Cs}]/u);
            }
            return;
          }
          expect(get(spec)).toBe(text);
          const xml = renderNetworkXml(spec, { uuid: UUID });
          expect(XMLValidator.validate(xml)).toBe(true);
          expect(structureOf(xml)).toStrictEqual(expectedStructure(spec));
          expect(get(parseNetworkXml(xml, { autostart: spec.autostart }).spec)).toBe(text);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('also holds for the specs of every mode (structure check)', () => {
    fc.assert(
      fc.property(networkSpecArbitrary, (spec) => {
        expect(structureOf(renderNetworkXml(spec, { uuid: UUID }))).toStrictEqual(expectedStructure(spec));
      }),
      { numRuns: 200 },
    );
  });
});

/** What an attribute value cannot hold and come back unchanged: non-characters of XML 1.0, and tab, LF, CR (normalised to spaces). */
const NOT_KEPT_IN_ATTRIBUTE = /[^\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('(c) any text as an attribute value', () => {
  it('is refused when XML cannot keep it, and otherwise written escaped and read back exactly', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const host = { mac: '52:54:00:00:00:01', name: text, ip: '10.0.0.2' };
        if (NOT_KEPT_IN_ATTRIBUTE.test(text)) {
          expect(() => renderDhcpHostXml(host)).toThrow(/^cannot write U\+[0-9A-F]{4,6} in an XML attribute: /);
          return;
        }
        const xml = renderDhcpHostXml(host);
        expect(XMLValidator.validate(xml)).toBe(true);
        expect(structureOf(xml)).toStrictEqual([leaf('host', ['mac', 'name', 'ip'])]);
        expect(parseXmlDocument(xml).attributes).toStrictEqual(host);
      }),
      { numRuns: 500 },
    );
  });
});
