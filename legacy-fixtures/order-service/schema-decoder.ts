import { attribute, clark, type XmlElement } from './xml-reader.js';

/**
 * Strict XSD-style validation of request payloads, for the few content models the fixture's requests use:
 * sequences of elements and choices, simple types with pattern / maxLength / enumeration / range facets, and
 * nillable elements. Like the schema-validating unmarshallers of legacy stacks, an element out of sequence order,
 * a missing required element, an unknown element or a bad lexical value is refused, never guessed at.
 */

export type Builtin = 'string' | 'long' | 'int' | 'decimal' | 'dateTime' | 'boolean';

export interface SimpleType {
  readonly kind: 'simple';
  readonly name: string;
  readonly base: Builtin;
  /** An XSD pattern; implicitly anchored at both ends, as XSD patterns are. */
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly enumeration?: readonly string[];
  readonly minInclusive?: bigint;
  readonly maxInclusive?: bigint;
}

export interface ComplexType {
  readonly kind: 'complex';
  readonly name: string;
  readonly content: readonly Particle[];
}

export interface ElementDecl {
  readonly kind: 'element';
  readonly name: string;
  /** "" for the unqualified part accessors of rpc/literal. */
  readonly ns: string;
  readonly type: SimpleType | ComplexType;
  readonly min: number;
  /** Infinity for maxOccurs="unbounded". */
  readonly max: number;
  readonly nillable?: boolean;
}

/** An `xs:choice` of single elements, occurring exactly once. */
export interface ChoiceDecl {
  readonly kind: 'choice';
  readonly options: readonly ElementDecl[];
}

export type Particle = ElementDecl | ChoiceDecl;

/**
 * The decoded payload: simple values as their (whitespace-processed) text, nil as null, repeatable elements
 * (maxOccurs > 1) always as arrays, absent optional elements as missing keys.
 */
export type Decoded = string | null | readonly Decoded[] | DecodedObject;
export interface DecodedObject {
  readonly [name: string]: Decoded | undefined;
}

/** A request that does not match the schema: a Client fault. */
export class SchemaViolation extends Error {
  override readonly name = 'SchemaViolation';
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

/** Validates `element` against `decl` (its name included) and decodes it; `here` is its path, for messages. */
export function decodeElement(element: XmlElement, decl: ElementDecl, here = `/${element.local}`): Decoded {
  if (element.ns !== decl.ns || element.local !== decl.name) {
    throw new SchemaViolation(`unexpected element ${clark(element.ns, element.local)}; expected ${clark(decl.ns, decl.name)}`);
  }
  const nil = attribute(element, XSI, 'nil');
  if (nil === 'true' || nil === '1') {
    if (decl.nillable !== true) throw new SchemaViolation(`${here}: element ${decl.name} is not nillable`);
    if (element.children.length > 0 || element.text.trim() !== '') {
      throw new SchemaViolation(`${here}: an element with xsi:nil="true" must be empty`);
    }
    return null;
  }
  if (decl.type.kind === 'simple') {
    if (element.children.length > 0) throw new SchemaViolation(`${here}: element ${decl.name} has a simple type and cannot contain elements`);
    return checkSimple(element.text, decl.type, here);
  }
  if (element.text.trim() !== '') throw new SchemaViolation(`${here}: text is not allowed in the element-only content of ${decl.name}`);
  return decodeContent(element.children, decl.type.content, here);
}

/** Validates a sequence of child elements against a content model and decodes them into an object. */
export function decodeContent(children: readonly XmlElement[], content: readonly Particle[], path: string): DecodedObject {
  const out: Record<string, Decoded> = {};
  let index = 0;
  // Names that could have come next since the last element we consumed: what the fault says was expected.
  let expected: string[] = [];
  let last: ElementDecl | undefined;
  for (const particle of content) {
    const options = particle.kind === 'choice' ? particle.options : [particle];
    const next = children[index];
    const chosen = next === undefined ? undefined : options.find((option) => option.ns === next.ns && option.name === next.local);
    const required = particle.kind === 'choice' || particle.min > 0;
    expected.push(...options.map((option) => clark(option.ns, option.name)));
    if (chosen === undefined) {
      if (required) throw misplaced(next, expected, last, content, path);
      continue;
    }
    const values: Decoded[] = [];
    while (index < children.length && values.length < chosen.max) {
      const child = children[index] as XmlElement;
      if (child.ns !== chosen.ns || child.local !== chosen.name) break;
      const here = chosen.max > 1 ? `${path}/${child.local}[${values.length + 1}]` : `${path}/${child.local}`;
      values.push(decodeElement(child, chosen, here));
      index++;
    }
    if (values.length < chosen.min) throw misplaced(children[index], [clark(chosen.ns, chosen.name)], last, content, path);
    out[chosen.name] = chosen.max > 1 ? values : (values[0] as Decoded);
    expected = [];
    last = chosen;
  }
  const extra = children[index];
  if (extra !== undefined) throw misplaced(extra, expected, last, content, path);
  return out;
}

function declares(content: readonly Particle[], element: XmlElement): boolean {
  return content.some((particle) =>
    (particle.kind === 'choice' ? particle.options : [particle]).some((option) => option.ns === element.ns && option.name === element.local),
  );
}

/** An element the model has, but not at this point: the strict-server answer to a reordered sequence. */
function outOfOrder(found: XmlElement, hint: string, content: readonly Particle[], path: string): SchemaViolation {
  const order = content.map((particle) => (particle.kind === 'choice' ? `(${particle.options.map((o) => o.name).join(' | ')})` : particle.name));
  return new SchemaViolation(
    `element ${clark(found.ns, found.local)} is out of sequence order in ${path}; ${hint} (the sequence is ${order.join(', ')})`,
  );
}

function oneOf(names: readonly string[]): string {
  return names.length === 1 ? (names[0] as string) : `one of ${names.join(', ')}`;
}

/**
 * The fault for an element where the model wants something else (or nothing, or more): a repeat past maxOccurs,
 * an element of the model in the wrong place, or one the model does not have.
 */
function misplaced(
  found: XmlElement | undefined,
  expected: readonly string[],
  last: ElementDecl | undefined,
  content: readonly Particle[],
  path: string,
): SchemaViolation {
  const hint = expected.length === 0 ? 'no further element is expected here' : `expected ${oneOf(expected)}`;
  if (found === undefined) return new SchemaViolation(`the content of ${path} is incomplete; ${hint}`);
  if (last !== undefined && found.ns === last.ns && found.local === last.name) {
    return new SchemaViolation(`element ${clark(found.ns, found.local)} occurs more than ${last.max} time${last.max === 1 ? '' : 's'} in ${path}`);
  }
  if (declares(content, found)) return outOfOrder(found, hint, content, path);
  return new SchemaViolation(`unexpected element ${clark(found.ns, found.local)} in ${path}; ${hint}`);
}

const LEXICAL: Record<Exclude<Builtin, 'string'>, RegExp> = {
  long: /^[+-]?[0-9]+$/,
  int: /^[+-]?[0-9]+$/,
  decimal: /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/,
  dateTime: /^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?$/,
  boolean: /^(true|false|1|0)$/,
};

const compiledPatterns = new Map<string, RegExp>();

function checkSimple(raw: string, type: SimpleType, path: string): string {
  // Every built-in type but xs:string collapses whitespace before checking (XSD part 2, whiteSpace facet).
  const value = type.base === 'string' ? raw : raw.replace(/[\t\n\r ]+/g, ' ').trim();
  const fail = (why: string): SchemaViolation => new SchemaViolation(`${path}: '${value}' is not a valid value of ${type.name}: ${why}`);
  let canonical = value;
  if (type.base !== 'string') {
    if (!LEXICAL[type.base].test(value)) throw fail(`not a lexical ${type.base === 'dateTime' ? 'xs:dateTime' : `xs:${type.base}`}`);
    if (type.base === 'long' || type.base === 'int') {
      const number = BigInt(value);
      const [min, max] = type.base === 'long' ? [LONG_MIN, LONG_MAX] : [INT_MIN, INT_MAX];
      if (number < min || number > max) throw fail(`out of the range of xs:${type.base}`);
      if (type.minInclusive !== undefined && number < type.minInclusive) throw fail(`less than ${type.minInclusive}`);
      if (type.maxInclusive !== undefined && number > type.maxInclusive) throw fail(`greater than ${type.maxInclusive}`);
      canonical = number.toString();
    }
  }
  if (type.maxLength !== undefined && [...value].length > type.maxLength) throw fail(`longer than ${type.maxLength} characters`);
  if (type.pattern !== undefined) {
    let regex = compiledPatterns.get(type.pattern);
    if (regex === undefined) {
      regex = new RegExp(`^(?:${type.pattern})$`, 'u');
      compiledPatterns.set(type.pattern, regex);
    }
    if (!regex.test(value)) throw fail(`does not match the pattern ${type.pattern}`);
  }
  if (type.enumeration !== undefined && !type.enumeration.includes(value)) {
    throw fail(`not one of ${type.enumeration.join(', ')}`);
  }
  return canonical;
}
