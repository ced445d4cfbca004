/**
 * JSON Schema (2020-12) of XSD simple types under the SOAP codec's JSON convention (src/soap/codec/simple-type.ts),
 * in each direction: what the codec READS from a response and what it ACCEPTS to write into a request differ
 * (xs:decimal is always a string on read, a number or a string on write; any integer may be sent as a string).
 */
import type { SimpleType } from './model.js';
import { HEX_LEXICAL, builtinFamily, integerBounds, temporalLexical } from './codec/builtins.js';
import { compileSimpleType } from './codec/simple-type.js';
import { compileXsdPattern } from './codec/xsd-pattern.js';

export type JsonSchema = { [keyword: string]: unknown };

/** 'response': the JSON the codec reads from XML; 'request': the JSON it accepts to write XML. */
export type SchemaDirection = 'request' | 'response';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Whitespace the codec trims (String.prototype.trim) before reading a number from a request string. */
const WS = '\\s*';
const DIGITS_READ = '^-?[0-9]+$';
const DIGITS_WRITE = `^${WS}[+-]?[0-9]+${WS}$`;
const DECIMAL_READ = '^-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)$';
const DECIMAL_WRITE = `^${WS}[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)${WS}$`;
const FLOAT_WRITE = `^${WS}(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)${WS}$`;
const FLOAT_SPECIALS = ['INF', '-INF', 'NaN'];

/** The schema of one value of a simple type (never null: nullability belongs to the element). */
export function simpleTypeSchema(type: SimpleType, direction: SchemaDirection): JsonSchema {
  if (type.listOf !== undefined) {
    const schema: JsonSchema = { type: 'array', items: simpleTypeSchema(type.listOf, direction) };
    const { length, minLength, maxLength } = type.facets;
    // Length facets of a list count items (XSD Part 2 §4.3.1).
    if (length !== undefined || minLength !== undefined) schema.minItems = length ?? minLength;
    if (length !== undefined || maxLength !== undefined) schema.maxItems = length ?? maxLength;
    return schema;
  }
  if (type.unionOf !== undefined) return { anyOf: type.unionOf.map((member) => simpleTypeSchema(member, direction)) };
  const family = builtinFamily(type.builtin);
  switch (family) {
    case 'string':
      return withStringFacets({ type: 'string' }, type);
    case 'integer':
      return integerSchema(type, direction);
    case 'decimal':
      return decimalSchema(type, direction);
    case 'float':
    case 'double': {
      const number = withBounds({ type: 'number' }, type);
      if (type.facets.enumeration !== undefined) number.enum = type.facets.enumeration.map(Number).filter(Number.isFinite);
      // The special values travel as strings both ways; a request may send any number as its lexical text too.
      return { anyOf: [number, direction === 'response' ? { type: 'string', enum: FLOAT_SPECIALS } : { type: 'string', pattern: FLOAT_WRITE }] };
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'temporal': {
      const lexical = temporalLexical(type.builtin);
      const schema: JsonSchema = { type: 'string' };
      if (lexical !== undefined) schema.pattern = lexical.source;
      return withStringFacets(schema, type);
    }
    case 'base64Binary':
      return withStringFacets({ type: 'string', contentEncoding: 'base64' }, type, false);
    case 'hexBinary':
      return withStringFacets({ type: 'string', pattern: HEX_LEXICAL.source }, type, false);
    case 'any':
      return direction === 'response' ? { type: 'string' } : { type: ['string', 'number', 'boolean'] };
  }
}

/**
 * Whether an empty element (or attribute) of this type is a valid value: then the codec reads it as null. A type
 * whose facets refuse the empty string (a pattern, minLength, an enumeration) and the non-string types do not.
 */
export function admitsEmpty(type: SimpleType): boolean {
  return compileSimpleType(type).accepts('');
}

/** enum, pattern(s) and code-point lengths (JSON Schema counts code points, as XSD does). */
function withStringFacets(schema: JsonSchema, type: SimpleType, lengths = true): JsonSchema {
  const { enumeration, pattern, length, minLength, maxLength } = type.facets;
  if (enumeration !== undefined && enumeration.length > 0) schema.enum = [...enumeration];
  const patterns = (pattern ?? []).map((entry) => ecmaPattern(entry, type)).filter((entry): entry is string => entry !== undefined);
  if (patterns.length > 0) {
    // JSON Schema has one `pattern` per schema object; XSD ANDs its restriction steps, so extra ones go to allOf.
    const all = schema.pattern === undefined ? patterns : [schema.pattern as string, ...patterns];
    schema.pattern = all[0];
    if (all.length > 1) schema.allOf = all.slice(1).map((entry) => ({ pattern: entry }));
  }
  if (lengths) {
    if (length !== undefined || minLength !== undefined) schema.minLength = length ?? minLength;
    if (length !== undefined || maxLength !== undefined) schema.maxLength = length ?? maxLength;
  }
  return schema;
}

/** The codec's own translation of an XSD pattern (implicitly anchored, \i \c classes), as ECMA-262 source. */
function ecmaPattern(pattern: string, type: SimpleType): string | undefined {
  try {
    return compileXsdPattern(pattern, type.name?.local ?? `xs:${type.builtin}`).source;
  } catch {
    // The codec refuses such a type when an operation uses it; a schema without the pattern is still true.
    return undefined;
  }
}

/**
 * xs:integer and its kin: numbers while they are safe integers, digit strings beyond 2^53 (on read exactly then;
 * on write whenever the client likes). Types whose bounds stay within 2^53 are plain integers on read.
 */
function integerSchema(type: SimpleType, direction: SchemaDirection): JsonSchema {
  const { min, max } = integerRange(type);
  const number: JsonSchema = { type: 'integer' };
  if (min !== undefined && min >= -MAX_SAFE) number.minimum = Number(min);
  if (max !== undefined && max <= MAX_SAFE) number.maximum = Number(max);
  const enumeration = type.facets.enumeration;
  if (enumeration !== undefined && enumeration.length > 0) {
    const values = enumeration.map((value) => value.trim().replace(/^\+/, ''));
    const numbers = values.filter((value) => Number.isSafeInteger(Number(value))).map(Number);
    const big = values.filter((value) => !Number.isSafeInteger(Number(value)));
    if (direction === 'response') {
      if (big.length === 0) return { ...number, enum: numbers };
      return numbers.length === 0 ? { type: 'string', enum: big } : { anyOf: [{ ...number, enum: numbers }, { type: 'string', enum: big }] };
    }
    return { anyOf: [number, { type: 'string', pattern: DIGITS_WRITE }] };
  }
  const safe = min !== undefined && max !== undefined && min >= -MAX_SAFE && max <= MAX_SAFE;
  if (direction === 'response') return safe ? number : { anyOf: [number, { type: 'string', pattern: DIGITS_READ }] };
  return { anyOf: [number, { type: 'string', pattern: DIGITS_WRITE }] };
}

/** The tightest inclusive range from the built-in's implicit bounds and the facets (exclusive bounds ± 1). */
function integerRange(type: SimpleType): { min: bigint | undefined; max: bigint | undefined } {
  const implicit = integerBounds(type.builtin);
  const { minInclusive, maxInclusive, minExclusive, maxExclusive } = type.facets;
  const candidatesMin = [implicit.min, minInclusive].map(toBigInt);
  const candidatesMax = [implicit.max, maxInclusive].map(toBigInt);
  const exclusiveMin = toBigInt(minExclusive);
  const exclusiveMax = toBigInt(maxExclusive);
  if (exclusiveMin !== undefined) candidatesMin.push(exclusiveMin + 1n);
  if (exclusiveMax !== undefined) candidatesMax.push(exclusiveMax - 1n);
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const value of candidatesMin) if (value !== undefined && (min === undefined || value > min)) min = value;
  for (const value of candidatesMax) if (value !== undefined && (max === undefined || value < max)) max = value;
  return { min, max };
}

function toBigInt(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  // A bound of an integer type may be written as a decimal ("10.0"); its integer part is the bound.
  const match = /^([+-]?\d+)(?:\.0*)?$/.exec(trimmed);
  return match === null ? undefined : BigInt(match[1] as string);
}

/** xs:decimal: a string on read (no digit lost); a number or a string of one on write. */
function decimalSchema(type: SimpleType, direction: SchemaDirection): JsonSchema {
  const text: JsonSchema = { type: 'string', pattern: direction === 'response' ? DECIMAL_READ : DECIMAL_WRITE };
  const enumeration = type.facets.enumeration;
  if (enumeration !== undefined && enumeration.length > 0) text.enum = [...enumeration];
  if (direction === 'response') return text;
  return { anyOf: [withBounds({ type: 'number' }, type), text] };
}

/** Number bounds from the facets, for the number branch only (a double may round the last digits of a bound). */
function withBounds(schema: JsonSchema, type: SimpleType): JsonSchema {
  const { minInclusive, maxInclusive, minExclusive, maxExclusive } = type.facets;
  const set = (keyword: string, value: string | undefined): void => {
    const number = value === undefined ? NaN : Number(value);
    if (Number.isFinite(number)) schema[keyword] = number;
  };
  set('minimum', minInclusive);
  set('maximum', maxInclusive);
  set('exclusiveMinimum', minExclusive);
  set('exclusiveMaximum', maxExclusive);
  return schema;
}
