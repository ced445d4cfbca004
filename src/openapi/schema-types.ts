import type { Dialect } from './create-ajv.js';
import type { DocumentSet, Located } from './document-set.js';
import { child, isRecord } from './json-pointer.js';

/**
 * What a parameter's schema says about the JSON types of its value, as far as deserialization needs it: which
 * primitive types a string may be coerced to, and the item / property types of arrays and objects.
 */
export interface TypeInfo {
  /** JSON types the schema allows (`integer`, `number`, `boolean`, `string`, `null`, `array`, `object`); empty = any. */
  readonly types: ReadonlySet<string>;
  readonly items: TypeInfo | undefined;
  readonly properties: ReadonlyMap<string, TypeInfo> | undefined;
}

const ANY: TypeInfo = { types: new Set(), items: undefined, properties: undefined };

/**
 * Reads the type information of the schema at `at`, following `$ref`s and looking through `allOf` / `oneOf` /
 * `anyOf` (the union of their branches). 3.0 `nullable: true` adds `null`; 3.1 `type` arrays are taken as they are.
 */
export function typeInfoOf(at: Located, set: DocumentSet, dialect: Dialect, depth = 0): TypeInfo {
  const found = set.deref(at);
  if ('error' in found || !isRecord(found.value) || depth > 8) return ANY;
  const schema = found.value;
  const types = new Set<string>();
  const type = schema['type'];
  if (typeof type === 'string') types.add(type);
  else if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  if (dialect === '3.0' && schema['nullable'] === true) types.add('null');

  let items: TypeInfo | undefined;
  let properties: Map<string, TypeInfo> | undefined;
  const sub = (value: unknown, ...tokens: string[]): TypeInfo =>
    typeInfoOf({ value, url: found.url, pointer: child(found.pointer, ...tokens) }, set, dialect, depth + 1);

  if (schema['items'] !== undefined) items = sub(schema['items'], 'items');
  if (isRecord(schema['properties'])) {
    properties = new Map();
    for (const [name, value] of Object.entries(schema['properties'])) properties.set(name, sub(value, 'properties', name));
  }
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    branches.forEach((branch: unknown, index) => {
      const info = sub(branch, keyword, String(index));
      for (const t of info.types) types.add(t);
      items ??= info.items;
      if (info.properties !== undefined) {
        properties ??= new Map();
        for (const [name, value] of info.properties) if (!properties.has(name)) properties.set(name, value);
      }
    });
  }
  if (types.size === 0) {
    // An untyped schema with items / properties is used as an array / object (common in hand-written documents).
    if (items !== undefined) types.add('array');
    else if (properties !== undefined) types.add('object');
  }
  return { types, items, properties };
}

const INTEGER = /^-?(0|[1-9]\d*)$/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Converts one string from a path, query or header to the type the schema wants. A string the schema allows stays a
 * string (like ajv's own coercion); an empty string or `null` becomes `null` when the schema allows null and not string.
 * A value that cannot be converted stays the original string, so ajv reports it ("must be integer").
 */
export function coerceScalar(value: string, info: TypeInfo): unknown {
  const types = info.types;
  if (types.size === 0 || types.has('string')) return value;
  if (types.has('null') && (value === '' || value === 'null')) return null;
  if ((types.has('integer') && INTEGER.test(value)) || (types.has('number') && NUMBER.test(value))) return Number(value);
  if (types.has('boolean')) {
    if (value === 'true') return true;
    if (value === 'false') return false;
  }
  return value;
}

/** Coerces the parts of a deserialized array or object value with the item and property types. */
export function coerceValue(value: string | string[] | Record<string, string>, info: TypeInfo): unknown {
  if (typeof value === 'string') return coerceScalar(value, info);
  if (Array.isArray(value)) {
    const items = info.items ?? ANY;
    return value.map((item) => coerceScalar(item, items));
  }
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) out[name] = coerceScalar(item, info.properties?.get(name) ?? ANY);
  return out;
}
