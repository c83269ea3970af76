/**
 * A small, exact view of an XML document: elements with their attributes, child elements and direct
 * text, entities decoded once. Built on fast-xml-parser in ordered mode with all of its value
 * conversion turned off (no number parsing, no trimming), so text comes back as it was written.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidNetworkXmlError } from './xml-errors.js';

/** One element of a parsed document. */
export interface XmlElement {
  /** Qualified name as written, e.g. `ip` or `vnetops:description`. */
  readonly name: string;
  /** Attributes by qualified name, values decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text and CDATA, decoded and joined (whitespace between child elements included). */
  readonly text: string;
}

const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, in one pass: the library's pass leaves numeric references as they are.
  processEntities: false,
  cdataPropName: CDATA_KEY,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type OrderedNode = Record<string, unknown>;

/** Parses a document with exactly one root element; throws {@link InvalidNetworkXmlError} otherwise. */
export function parseXmlDocument(xml: string): XmlElement {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new InvalidNetworkXmlError(`not well-formed XML: ${msg} (line ${line}, column ${col})`);
  }
  const roots = toElements(parser.parse(xml) as OrderedNode[]);
  const [root] = roots;
  if (root === undefined || roots.length > 1)
    throw new InvalidNetworkXmlError(`expected one root element, found ${roots.length}`);
  return root;
}

/** The child elements called `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first child element called `name`. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

function toElements(nodes: readonly OrderedNode[]): XmlElement[] {
  return nodes.flatMap((node) => {
    const name = Object.keys(node).find((key) => key !== ATTRIBUTES_KEY && key !== TEXT_KEY && key !== CDATA_KEY);
    if (name === undefined) return [];
    const content = (node[name] ?? []) as OrderedNode[];
    const rawAttributes = (node[ATTRIBUTES_KEY] ?? {}) as Record<string, string>;
    const attributes = Object.fromEntries(
      Object.entries(rawAttributes).map(([key, value]) => [key, decodeEntities(String(value))]),
    );
    return [{ name, attributes, children: toElements(content), text: textOf(content) }];
  });
}

function textOf(content: readonly OrderedNode[]): string {
  return content
    .map((node) => {
      if (TEXT_KEY in node) return decodeEntities(String(node[TEXT_KEY]));
      if (CDATA_KEY in node)
        return (node[CDATA_KEY] as { [TEXT_KEY]?: string }[]).map((part) => part[TEXT_KEY] ?? '').join('');
      return '';
    })
    .join('');
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; refuses anything else after "&". */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (reference: string, body: string) => {
    if (!reference.endsWith(';')) throw new InvalidNetworkXmlError(`a bare "&" in ${JSON.stringify(text)}`);
    const predefined = PREDEFINED_ENTITIES[body];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    const codePoint =
      numeric === null ? undefined : numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    if (codePoint === undefined || !isXmlCharacter(codePoint))
      throw new InvalidNetworkXmlError(`unknown or invalid reference ${reference}`);
    return String.fromCodePoint(codePoint);
  });
}

/** XML 1.0's Char production. */
function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}
