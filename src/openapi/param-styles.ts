/**
 * Parameter deserialization: the inverse of the serialization rules of OpenAPI 3.x §4.8.12.4 (Style Values) and
 * its style examples table. Values come out as strings (or arrays / objects of strings); type coercion is done
 * after, from the schema.
 */

/** Where a parameter is read from. Cookie parameters are accepted in documents but not validated. */
export type ParamLocation = 'path' | 'query' | 'header';
export type ParamStyle = 'form' | 'simple' | 'label' | 'matrix' | 'spaceDelimited' | 'pipeDelimited' | 'deepObject';
/** How the value is structured, from the schema type: array and object styles differ. */
export type ParamShape = 'primitive' | 'array' | 'object';

/** A deserialized, not yet coerced value. */
export type RawValue = string | string[] | Record<string, string>;

/** Returned when a value has an invalid percent-escape. */
export const BAD_ENCODING: unique symbol = Symbol('bad-encoding');

/** Styles allowed per location (§4.8.12.4 table) and the default (§4.8.12.2 `style`: form for query, simple else). */
export const STYLES: Readonly<Record<ParamLocation, readonly ParamStyle[]>> = {
  path: ['simple', 'label', 'matrix'],
  query: ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'],
  header: ['simple'],
};

/** How one parameter is read; built once at load. */
export interface StylePlan {
  readonly name: string;
  readonly style: ParamStyle;
  /** §4.8.12.2: defaults to true for form, false for every other style. */
  readonly explode: boolean;
  readonly shape: ParamShape;
  /** Property names of an object schema: `form` + explode spreads them as separate query keys. */
  readonly propertyNames: readonly string[];
}

/**
 * Splits a raw query string into decoded keys and still-encoded values (values are decoded after splitting on
 * delimiters, so an encoded `%2C` stays inside one array item). Undecodable keys are kept raw.
 */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (rawQuery === '') return out;
  let start = 0;
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    if (end > start) {
      const eq = rawQuery.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const rawKey = rawQuery.slice(start, hasValue ? eq : end);
      const key = decodeComponent(rawKey);
      const name = typeof key === 'string' ? key : rawKey;
      const value = hasValue ? rawQuery.slice(eq + 1, end) : '';
      const list = out.get(name);
      if (list === undefined) out.set(name, [value]);
      else list.push(value);
    }
    start = end + 1;
  }
  return out;
}

/** Decodes a query component: `+` is a space (application/x-www-form-urlencoded, as browsers send form style). */
export function decodeComponent(raw: string): string | typeof BAD_ENCODING {
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return BAD_ENCODING;
  }
}

function decodeAll(raws: readonly string[]): string[] | typeof BAD_ENCODING {
  const out: string[] = [];
  for (const raw of raws) {
    const value = decodeComponent(raw);
    if (value === BAD_ENCODING) return BAD_ENCODING;
    out.push(value);
  }
  return out;
}

/** `[k1, v1, k2, v2]` (explode false) or `[k1=v1, k2=v2]` (explode true) → object; malformed → undefined. */
function toObject(parts: readonly string[], explode: boolean): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (explode) {
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq <= 0) return undefined;
      out[part.slice(0, eq)] = part.slice(eq + 1);
    }
    return out;
  }
  if (parts.length % 2 !== 0) return undefined;
  for (let i = 0; i < parts.length; i += 2) out[parts[i] ?? ''] = parts[i + 1] ?? '';
  return out;
}

/** Reads a query parameter; undefined when absent. */
export function readQuery(plan: StylePlan, query: ReadonlyMap<string, string[]>): RawValue | undefined | typeof BAD_ENCODING {
  if (plan.style === 'deepObject') {
    // `filter[color]=red&filter[size]=M` (§4.8.12.4 deepObject row); one level deep, as the spec defines it.
    const prefix = plan.name + '[';
    let out: Record<string, string> | undefined;
    for (const [key, values] of query) {
      if (!key.startsWith(prefix) || !key.endsWith(']')) continue;
      const value = decodeComponent(values[0] ?? '');
      if (value === BAD_ENCODING) return BAD_ENCODING;
      (out ??= {})[key.slice(prefix.length, -1)] = value;
    }
    return out;
  }
  if (plan.shape === 'object' && plan.style === 'form' && plan.explode) {
    // `?R=100&G=200`: each property is its own key.
    let out: Record<string, string> | undefined;
    for (const property of plan.propertyNames) {
      const raw = query.get(property)?.[0];
      if (raw === undefined) continue;
      const value = decodeComponent(raw);
      if (value === BAD_ENCODING) return BAD_ENCODING;
      (out ??= {})[property] = value;
    }
    return out;
  }
  const values = query.get(plan.name);
  if (values === undefined) return undefined;
  const first = values[0] ?? '';
  if (plan.shape === 'primitive') return decodeComponent(first);
  if (plan.shape === 'array') {
    if (plan.style === 'form') return plan.explode ? decodeAll(values) : decodeAll(first.split(','));
    const decoded = decodeComponent(first);
    if (decoded === BAD_ENCODING) return BAD_ENCODING;
    return decoded.split(plan.style === 'spaceDelimited' ? ' ' : '|');
  }
  const parts = decodeAll(first.split(plan.style === 'form' ? ',' : plan.style === 'spaceDelimited' ? /%20|\+| / : /%7C|\|/i));
  if (parts === BAD_ENCODING) return BAD_ENCODING;
  return toObject(parts, false) ?? first;
}

/** Reads a path parameter from its already percent-decoded value (simple, label or matrix style). */
export function readPath(plan: StylePlan, value: string): RawValue {
  let text = value;
  let separator = ',';
  if (plan.style === 'label') {
    // `.blue.black` (explode) or `.blue,black`
    if (!text.startsWith('.')) return value;
    text = text.slice(1);
    if (plan.explode) separator = '.';
  } else if (plan.style === 'matrix') {
    // `;id=5`, `;id=3,4,5`, `;id=3;id=4` (explode arrays), `;R=100;G=200` (explode objects)
    if (plan.shape === 'object' && plan.explode) {
      const obj = toObject(text.split(';').slice(1), true);
      return obj ?? value;
    }
    const prefix = `;${plan.name}=`;
    if (plan.shape === 'array' && plan.explode) {
      const parts = text.split(';').slice(1);
      if (!parts.every((part) => part.startsWith(`${plan.name}=`))) return value;
      return parts.map((part) => part.slice(plan.name.length + 1));
    }
    if (!text.startsWith(prefix)) return value;
    text = text.slice(prefix.length);
  }
  if (plan.shape === 'primitive') return text;
  const parts = text.split(separator);
  if (plan.shape === 'array') return parts;
  return toObject(parts, plan.explode) ?? value;
}

/**
 * Reads a header parameter (simple style). Node joins repeated headers with `, `; list items are trimmed of the
 * optional whitespace RFC 9110 §5.6.1 allows around commas.
 */
export function readHeader(plan: StylePlan, value: string | string[] | undefined): RawValue | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (plan.shape === 'primitive') return text;
  const parts = text.split(',').map((part) => part.trim());
  if (plan.shape === 'array') return parts;
  return toObject(parts, plan.explode) ?? text;
}
