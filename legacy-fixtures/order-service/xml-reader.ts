import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The fixture's XML reader: well-formedness check and parse with fast-xml-parser, then namespace resolution, which
 * the parser leaves to us (it keeps `prefix:local` tag names). Entities are decoded here rather than by the parser:
 * only the five predefined ones and character references exist without a DTD (XML 1.0 §4.6), and a DTD is refused.
 */

/** An element with its name resolved to a namespace URI ("" for no namespace). */
export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  /** The prefix the sender used, for messages that quote the name. */
  readonly prefix: string;
  readonly attrs: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The character content directly inside this element, concatenated (CDATA included). */
  readonly text: string;
  /** Prefix → namespace URI in scope at this element, to resolve QName values such as xsi:type. */
  readonly scope: ReadonlyMap<string, string>;
}

export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

/** The document is not well-formed XML, or uses something a strict server refuses. */
export class XmlReadError extends Error {
  override readonly name = 'XmlReadError';
}

/** A request carried a document type declaration; we never process DTDs (XXE, entity expansion). */
export class DoctypeError extends XmlReadError {}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const MAX_DEPTH = 64;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
});

/** The shape fast-xml-parser produces with `preserveOrder`: one key per node, attributes under ":@". */
type OrderedNode = { [key: string]: unknown };

export function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/i.test(text);
}

/** Parses a whole document and returns its root element. */
export function readXml(text: string): XmlElement {
  if (hasDoctype(text)) throw new DoctypeError('DOCTYPE is disallowed');
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new XmlReadError(`${verdict.err.msg} (line ${verdict.err.line}, column ${verdict.err.col})`);
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (error) {
    throw new XmlReadError((error as Error).message);
  }
  const roots = (nodes as OrderedNode[]).filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) throw new XmlReadError(`a document has exactly one root element, found ${roots.length}`);
  const base = new Map([
    ['xml', XML_NS],
    ['xmlns', XMLNS_NS],
  ]);
  return toElement(roots[0] as OrderedNode, base);
}

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#cdata');
}

function toElement(node: OrderedNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const qname = elementName(node) as string;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let scope = parentScope;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), decodeEntities(value));
    }
  }
  const [prefix, local] = splitQName(qname);
  const ns = resolve(scope, prefix, qname, true);
  const attrs: XmlAttribute[] = [];
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const [attrPrefix, attrLocal] = splitQName(name);
    // Unprefixed attributes are in no namespace, whatever the default namespace is (Namespaces in XML §6.2).
    attrs.push({ ns: attrPrefix === '' ? '' : resolve(scope, attrPrefix, name, false), local: attrLocal, value: decodeEntities(value) });
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qname] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) text += cdataText(child['#cdata']);
    else if (elementName(child) !== undefined) children.push(toElement(child, scope));
  }
  return { ns, local, prefix, attrs, children, text, scope };
}

function cdataText(value: unknown): string {
  return (value as OrderedNode[]).map((part) => String(part['#text'] ?? '')).join('');
}

function splitQName(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolve(scope: ReadonlyMap<string, string>, prefix: string, qname: string, element: boolean): string {
  const ns = scope.get(prefix);
  if (ns !== undefined) return ns;
  if (prefix === '' && element) return '';
  throw new XmlReadError(`the prefix "${prefix}" of ${qname} is not bound to a namespace`);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces the predefined entities and character references; any other entity is undeclared (no DTD). */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new XmlReadError(`a bare "&" in character data`);
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      const valid = /^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name) && code > 0 && code <= 0x10ffff;
      if (!valid) throw new XmlReadError(`invalid character reference &${name};`);
      return String.fromCodePoint(code);
    }
    const replacement = PREDEFINED[name];
    if (replacement === undefined) throw new XmlReadError(`undeclared entity &${name};`);
    return replacement;
  });
}

/** The value of an attribute by namespace and local name. */
export function attribute(element: XmlElement, ns: string, local: string): string | undefined {
  return element.attrs.find((attr) => attr.ns === ns && attr.local === local)?.value;
}

/** `{namespace}local`, the notation fault messages use for element names. */
export function clark(ns: string, local: string): string {
  return ns === '' ? local : `{${ns}}${local}`;
}
