/**
 * The one hardened way to parse XML from outside: size check, then {@link prescanXml} (no DTD, limits, balance),
 * then fast-xml-parser in preserve-order mode with every conversion off, then one pass that resolves namespaces into
 * a small immutable tree. Names in the tree are namespace URI + local name; prefixes are kept only to resolve
 * QName-valued text such as a SOAP faultcode.
 *
 * fast-xml-parser refuses element and attribute names `__proto__`, `constructor` and `prototype` (its guard
 * against prototype pollution); such a document fails as not well-formed.
 */
import { TextDecoder } from 'node:util';
import { XMLParser, type X2jOptions } from 'fast-xml-parser';
import { XmlLimitError, XmlSyntaxError, isXmlError } from './errors.js';
import { isXmlCodePoint } from './escape.js';
import { DEFAULT_XML_LIMITS, MAX_XML_DEPTH, type XmlLimits } from './limits.js';
import { prescanXml } from './prescan.js';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** Prefix → namespace URI bindings in scope at an element; the key '' is the default namespace. */
export type NamespaceScope = ReadonlyMap<string, string>;

export interface XmlAttribute {
  /** Namespace URI; '' for an unprefixed attribute (attributes never take the default namespace). */
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  /** Namespace URI; '' when the element is in no namespace. */
  readonly ns: string;
  readonly local: string;
  /** Attributes other than namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /**
   * All character data directly inside the element (text and CDATA, entities decoded, line ends normalized),
   * concatenated. For element-only content this is the whitespace between children.
   */
  readonly text: string;
  readonly namespaces: NamespaceScope;
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z_][\w.-]*))?(;)?/g;

/**
 * Replaces fast-xml-parser's entity decoder: only the five predefined entities and character references exist
 * (there is never a DTD to declare others), an undefined one is an error instead of literal text, and a reference
 * to a character XML forbids (`&#0;`) is refused.
 */
const xmlEntityDecoder = {
  reset(): void {},
  setXmlVersion(): void {},
  addInputEntities(): void {
    throw new XmlSyntaxError('dtd', 'entity declarations are not allowed');
  },
  decode(text: string): string {
    if (!text.includes('&')) return text;
    return text.replace(REFERENCE, (match: string, hex?: string, dec?: string, name?: string, semi?: string) => {
      if (semi === undefined || (hex === undefined && dec === undefined && name === undefined)) {
        throw new XmlSyntaxError('not-well-formed', `a bare "&" or an unterminated reference: ${match.slice(0, 20)}`);
      }
      if (name !== undefined) {
        const value = PREDEFINED_ENTITIES[name];
        if (value === undefined) throw new XmlSyntaxError('not-well-formed', `undefined entity &${name};`);
        return value;
      }
      const cp = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? '', 10);
      if (!isXmlCodePoint(cp)) throw new XmlSyntaxError('not-well-formed', `character reference ${match} is not an XML character`);
      return String.fromCodePoint(cp);
    });
  },
};

const PARSER_OPTIONS: X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: xmlEntityDecoder as unknown as X2jOptions['entityDecoder'],
  // The prescan already enforced the configured depth; this is only a backstop should the two ever disagree.
  maxNestedTags: MAX_XML_DEPTH + 1,
  // Matchers instead of jPath strings: fast-xml-parser would otherwise build a path string per element.
  jPath: false,
  // Keep names such as "toString" as they are: the tree below never uses names as object keys for lookups.
  onDangerousProperty: (name: string) => name,
};

const parser = new XMLParser(PARSER_OPTIONS);
/** Reused: `decode` without `{ stream: true }` keeps no state between calls (and strips a BOM, as a new one would). */
const UTF8_DECODER = new TextDecoder('utf-8');

/** fast-xml-parser's preserve-order node: `{ tagName: children, ':@'?: attributes }` or `{ '#text': text }`. */
type FxpNode = Record<string, unknown>;
const ATTRS_KEY = ':@';
const TEXT_KEY = '#text';
const EMPTY_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);
const EMPTY_CHILDREN: readonly XmlElement[] = Object.freeze([]);
const ROOT_SCOPE: NamespaceScope = new Map([['xml', XML_NAMESPACE]]);

/**
 * Parses a whole document into its root element.
 *
 * @throws XmlLimitError over a limit (size is checked first, in O(1) for bytes and for most strings)
 * @throws XmlSyntaxError for a DOCTYPE or anything not well-formed
 */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  let xml: string;
  if (typeof input === 'string') {
    // UTF-8 never takes fewer bytes than UTF-16 code units, so length alone decides most cases without a scan.
    if (input.length > limits.maxBytes) throw new XmlLimitError('bytes', limits.maxBytes);
    if (input.length * 3 > limits.maxBytes && Buffer.byteLength(input, 'utf8') > limits.maxBytes) {
      throw new XmlLimitError('bytes', limits.maxBytes);
    }
    xml = input;
  } else {
    if (input.byteLength > limits.maxBytes) throw new XmlLimitError('bytes', limits.maxBytes);
    xml = UTF8_DECODER.decode(input);
  }
  // The prolog (XML declaration, comments, PIs) is checked by the prescan and has nothing for the tree; leaving it
  // out spares fast-xml-parser reading the declaration's pseudo-attributes (~7% of a small response's parse).
  const rootStart = prescanXml(xml, limits);
  let nodes: FxpNode[];
  try {
    nodes = parser.parse(rootStart === 0 ? xml : xml.slice(rootStart)) as FxpNode[];
  } catch (error) {
    if (isXmlError(error)) throw error;
    throw new XmlSyntaxError('not-well-formed', error instanceof Error ? error.message : String(error));
  }
  for (const node of nodes) {
    const name = tagNameOf(node);
    if (name !== undefined) return buildElement(name, node, ROOT_SCOPE);
  }
  throw new XmlSyntaxError('not-well-formed', 'no root element');
}

function tagNameOf(node: FxpNode): string | undefined {
  for (const key in node) {
    if (key !== ATTRS_KEY && key !== TEXT_KEY) return key;
  }
  return undefined;
}

function buildElement(rawName: string, node: FxpNode, parentScope: NamespaceScope): XmlElement {
  const rawAttributes = node[ATTRS_KEY] as Record<string, string> | undefined;
  let scope = parentScope;
  let attributes = EMPTY_ATTRIBUTES;
  if (rawAttributes !== undefined) {
    scope = declareNamespaces(rawAttributes, parentScope);
    attributes = resolveAttributes(rawAttributes, scope);
  }
  const colon = rawName.indexOf(':');
  const prefix = colon === -1 ? '' : rawName.slice(0, colon);
  const local = colon === -1 ? rawName : rawName.slice(colon + 1);
  const ns = scope.get(prefix);
  if (ns === undefined && prefix !== '') throw new XmlSyntaxError('not-well-formed', `namespace prefix "${prefix}" of <${rawName}> is not declared`);

  const content = node[rawName] as FxpNode[];
  let text = '';
  let children: XmlElement[] | undefined;
  for (const child of content) {
    const value = child[TEXT_KEY];
    if (value !== undefined) {
      text += value as string;
      continue;
    }
    const childName = tagNameOf(child);
    if (childName === undefined) continue;
    (children ??= []).push(buildElement(childName, child, scope));
  }
  return { ns: ns ?? '', local, attributes, children: children ?? EMPTY_CHILDREN, text, namespaces: scope };
}

function declareNamespaces(raw: Record<string, string>, parent: NamespaceScope): NamespaceScope {
  let scope: Map<string, string> | undefined;
  for (const name in raw) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    const uri = raw[name] ?? '';
    if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === XML_NAMESPACE) || uri === XMLNS_NAMESPACE) {
      throw new XmlSyntaxError('not-well-formed', `invalid namespace declaration ${name}="${uri}"`);
    }
    if (prefix !== '' && uri === '') throw new XmlSyntaxError('not-well-formed', `a prefix cannot be undeclared: ${name}=""`);
    (scope ??= new Map(parent)).set(prefix, uri);
  }
  return scope ?? parent;
}

function resolveAttributes(raw: Record<string, string>, scope: NamespaceScope): readonly XmlAttribute[] {
  const attributes: XmlAttribute[] = [];
  for (const name in raw) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const value = raw[name] ?? '';
    const colon = name.indexOf(':');
    if (colon === -1) {
      attributes.push({ ns: '', local: name, value });
      continue;
    }
    const prefix = name.slice(0, colon);
    const ns = scope.get(prefix);
    if (ns === undefined) throw new XmlSyntaxError('not-well-formed', `namespace prefix "${prefix}" of attribute ${name} is not declared`);
    attributes.push({ ns, local: name.slice(colon + 1), value });
  }
  return attributes.length === 0 ? EMPTY_ATTRIBUTES : attributes;
}

/** The value of an attribute by namespace and local name. */
export function attributeValue(element: XmlElement, ns: string, local: string): string | undefined {
  for (const attribute of element.attributes) {
    if (attribute.local === local && attribute.ns === ns) return attribute.value;
  }
  return undefined;
}

/**
 * Resolves QName-valued content (`soap:Client`, `tns:OrderNotFound`) against the element's namespace scope.
 * An unknown prefix leaves `ns` empty rather than failing: such text comes from upstreams we only report on.
 */
export function resolveQNameText(element: XmlElement, text: string): { ns: string; local: string } {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon === -1) return { ns: element.namespaces.get('') ?? '', local: trimmed };
  return { ns: element.namespaces.get(trimmed.slice(0, colon)) ?? '', local: trimmed.slice(colon + 1) };
}
