import { TextDecoder } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { QName } from '../model.js';
import { XML_NS, XMLNS_NS } from './namespaces.js';
import { findDtd } from './refuse-dtd.js';

/** Where a document came from: `key` is its absolute path or URL, `display` how messages name it. */
export interface XmlSource {
  readonly key: string;
  readonly display: string;
}

/**
 * One element of a parsed WSDL or XSD document, with every name already resolved through the namespace
 * declarations in scope at that element (prefixes differ from file to file; only the URIs mean anything).
 */
export interface XmlElement {
  readonly name: QName;
  /** The name as written (`xs:complexType`), for messages. */
  readonly written: string;
  /** Attribute values, entity references decoded. Unprefixed attributes by local name, others as `{ns}local`. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  readonly parent: XmlElement | undefined;
  readonly line: number;
  /** prefix → namespace URI in scope here; '' is the default namespace. */
  readonly namespaces: ReadonlyMap<string, string>;
  readonly source: XmlSource;
}

export type ParseResult = { readonly root: XmlElement } | { readonly line?: number; readonly message: string };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded by `decodeReferences` below: only the predefined five and character references exist once
  // DTDs are refused, and fast-xml-parser 5 leaves character references undecoded.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
  maxNestedTags: 256,
});
// Typed as the boxed `Symbol` by the library; it is a plain symbol.
const metadata = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Decodes and parses one document; never throws. A DOCTYPE anywhere is refused (see refuse-dtd.ts). */
export function parseXml(bytes: Uint8Array, source: XmlSource): ParseResult {
  const decoded = decodeBytes(bytes);
  if (typeof decoded !== 'string') return decoded;
  const dtd = findDtd(decoded);
  if (dtd !== undefined) {
    return { line: dtd.line, message: `a ${dtd.keyword} declaration is not allowed: WSDL and XSD documents are read without DTDs or entities` };
  }
  const valid = XMLValidator.validate(decoded, { allowBooleanAttributes: false });
  if (valid !== true) return { line: valid.err.line, message: `not well-formed XML: ${valid.err.msg}` };
  let nodes: unknown;
  try {
    nodes = parser.parse(decoded);
  } catch (error) {
    return { message: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const lines = lineStarts(decoded);
  const roots = Array.isArray(nodes) ? nodes.filter((node) => tagOf(node) !== undefined) : [];
  if (roots.length !== 1) return { message: `not well-formed XML: expected one root element, found ${roots.length}` };
  try {
    return { root: buildElement(roots[0], undefined, BASE_SCOPE, source, lines) };
  } catch (error) {
    if (error instanceof TreeError) return { line: error.line, message: error.message };
    throw error;
  }
}

/** Resolves a QName-valued attribute (`type="tns:Order"`) in the scope of `element`; undefined for an unknown prefix. */
export function resolveQName(element: XmlElement, value: string): QName | undefined {
  const text = value.trim();
  const colon = text.indexOf(':');
  const prefix = colon === -1 ? '' : text.slice(0, colon);
  const local = colon === -1 ? text : text.slice(colon + 1);
  // An unprefixed QName value takes the default namespace (XSD Part 2 §3.2.18), or none when there is none.
  const ns = element.namespaces.get(prefix) ?? (prefix === '' ? '' : undefined);
  return ns === undefined || local === '' ? undefined : { ns, local };
}

class TreeError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const BASE_SCOPE: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);

function tagOf(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  for (const key of Object.keys(node)) if (key !== ':@' && !key.startsWith('#') && !key.startsWith('?')) return key;
  return undefined;
}

function buildElement(
  node: unknown,
  parent: XmlElement | undefined,
  parentScope: ReadonlyMap<string, string>,
  source: XmlSource,
  lines: readonly number[],
): XmlElement {
  const tag = tagOf(node) ?? '';
  const record = node as Record<string | symbol, unknown>;
  const meta = record[metadata] as { startIndex?: unknown } | undefined;
  const line = typeof meta?.startIndex === 'number' ? lineAt(lines, meta.startIndex) : parent?.line ?? 1;
  const raw = record[':@'];
  const rawAttributes: [string, string][] = [];
  if (raw !== null && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value !== 'string') throw new TreeError(line, `attribute ${key} has no value`);
      rawAttributes.push([key, decodeReferences(value, line)]);
    }
  }
  let declared: Map<string, string> | undefined;
  for (const [key, value] of rawAttributes) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) continue;
    const prefix = key === 'xmlns' ? '' : key.slice(6);
    if (prefix !== '' && value === '') throw new TreeError(line, `${key}="" is not allowed in XML 1.0`);
    declared ??= new Map(parentScope);
    declared.set(prefix, value);
  }
  const scope = declared ?? parentScope;
  const name = expand(tag, scope, true, line);
  const attributes = new Map<string, string>();
  for (const [key, value] of rawAttributes) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const expanded = expand(key, scope, false, line);
    attributes.set(expanded.ns === '' ? expanded.local : `{${expanded.ns}}${expanded.local}`, value);
  }
  const children: XmlElement[] = [];
  const element: XmlElement = { name, written: tag, attributes, children, parent, line, namespaces: scope, source };
  const content = record[tag];
  if (Array.isArray(content)) {
    for (const child of content) if (tagOf(child) !== undefined) children.push(buildElement(child, element, scope, source, lines));
  }
  return element;
}

/** Namespaces in XML 1.0 §6.2: unprefixed attributes are in no namespace, unprefixed elements in the default one. */
function expand(written: string, scope: ReadonlyMap<string, string>, isElement: boolean, line: number): QName {
  const colon = written.indexOf(':');
  if (colon === -1) return { ns: isElement ? scope.get('') ?? '' : '', local: written };
  const prefix = written.slice(0, colon);
  const ns = prefix === 'xmlns' ? XMLNS_NS : scope.get(prefix);
  if (ns === undefined) throw new TreeError(line, `namespace prefix "${prefix}" of ${written} is not declared`);
  return { ns, local: written.slice(colon + 1) };
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Attribute-value normalisation (XML 1.0 §3.3.3) and the only references that exist without a DTD. */
function decodeReferences(value: string, line: number): string {
  return value.replace(/[\t\n\r]/g, ' ').replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new TreeError(line, `unterminated reference "${whole}" in an attribute value`);
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? parseInt(name.slice(1), 10) : NaN;
    if (name.startsWith('#')) {
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw new TreeError(line, `invalid character reference "${whole}"`);
      return String.fromCodePoint(code);
    }
    const text = PREDEFINED[name];
    if (text === undefined) throw new TreeError(line, `undefined entity "${whole}": only the five predefined entities exist without a DTD`);
    return text;
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/**
 * Bytes → text per XML 1.0 Appendix F: a byte-order mark wins, then the encoding declaration, then UTF-8.
 * Any encoding the platform's TextDecoder knows is accepted; malformed bytes are an error, not U+FFFD.
 */
function decodeBytes(bytes: Uint8Array): string | { readonly message: string } {
  let label = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
    const declared = /^<\?xml\s[^?]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    if (declared !== undefined) label = declared.toLowerCase();
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return { message: `unsupported character encoding "${label}"` };
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return { message: `the bytes are not valid ${label}` };
  }
}
