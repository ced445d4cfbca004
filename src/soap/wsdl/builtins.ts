import type { AttributeDecl, ComplexType, SimpleType } from '../model.js';
import { XML_NS, XSD_NS } from './namespaces.js';

/** The built-in simple types of XSD 1.0 Part 2 §3, plus the XSD 1.1 additions that need no new machinery. */
const ATOMIC = new Set([
  'anySimpleType', 'anyAtomicType',
  'string', 'normalizedString', 'token', 'language', 'Name', 'NCName', 'ID', 'IDREF', 'NMTOKEN',
  'boolean', 'base64Binary', 'hexBinary', 'float', 'double', 'decimal',
  'integer', 'nonPositiveInteger', 'negativeInteger', 'long', 'int', 'short', 'byte',
  'nonNegativeInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte', 'positiveInteger',
  'duration', 'dayTimeDuration', 'yearMonthDuration', 'dateTime', 'dateTimeStamp', 'time', 'date',
  'gYearMonth', 'gYear', 'gMonthDay', 'gDay', 'gMonth', 'anyURI', 'QName',
]);

/** The built-in list types and their item types. */
const LISTS: Readonly<Record<string, string>> = { NMTOKENS: 'NMTOKEN', IDREFS: 'IDREF' };

/** Built-ins whose values only mean something with a DTD, which the importer refuses to read. */
const NEED_DTD = new Set(['ENTITY', 'ENTITIES', 'NOTATION']);

export type BuiltinLookup = { readonly type: SimpleType | ComplexType } | { readonly error: string };

/** Builds the types of one import; the caller memoises them so every reference shares one object. */
export function builtinType(local: string): BuiltinLookup {
  if (local === 'anyType') return { type: anyType() };
  if (ATOMIC.has(local)) return { type: simple(local) };
  const item = LISTS[local];
  if (item !== undefined) return { type: { ...simple(local), listOf: simple(item) } };
  if (NEED_DTD.has(local)) return { error: `the built-in type xs:${local} is not supported: its values refer to DTD declarations` };
  return { error: `xs:${local} is not an XML Schema built-in type` };
}

/** All built-in names, for "did you mean". */
export function builtinNames(): Iterable<string> {
  return [...ATOMIC, ...Object.keys(LISTS), 'anyType'];
}

/**
 * xs:anyType, the type of an element declared without one: any attributes (not modelled, see README) and any
 * mixed content, which the codec keeps opaque.
 */
function anyType(): ComplexType {
  return {
    kind: 'complex',
    name: { ns: XSD_NS, local: 'anyType' },
    content: { kind: 'sequence', minOccurs: 1, maxOccurs: 1, particles: [{ kind: 'any', minOccurs: 0, maxOccurs: Infinity }] },
    attributes: [],
    mixed: true,
    abstract: false,
  };
}

function simple(local: string): SimpleType {
  return { kind: 'simple', name: { ns: XSD_NS, local }, builtin: local, facets: {} };
}

/**
 * The attributes of the XML namespace (xml:lang, xml:space, …), which schemas reference without importing a schema
 * for them (the W3C's xml.xsd is rarely reachable, and never needed).
 */
export function xmlAttribute(local: string): AttributeDecl | undefined {
  const type = XML_ATTRIBUTE_TYPES[local];
  if (type === undefined) return undefined;
  const simpleType: SimpleType =
    local === 'space' ? { kind: 'simple', builtin: 'NCName', facets: { enumeration: ['default', 'preserve'] } } : simple(type);
  return { name: { ns: XML_NS, local }, type: simpleType, required: false };
}

const XML_ATTRIBUTE_TYPES: Readonly<Record<string, string>> = { lang: 'language', space: 'NCName', base: 'anyURI', id: 'ID' };
