import {
  arrayOf,
  BOOLEAN,
  INTEGER,
  membersOf,
  NULL,
  NUMBER,
  objectOf,
  STRING,
  UNKNOWN_SHAPE,
  unionOf,
  type ObjectShape,
  type Shape,
} from './shape.js';
import { isRecord } from './values.js';

type Json = Record<string, unknown>;

const MAX_DEPTH = 40;

/**
 * Converts an OpenAPI 3.0 / 3.1 schema (a JSON Schema object) into a `Shape`.
 *
 * - `type` (string or 3.1 array), 3.0 `nullable: true`, `enum` / `const` (string values become a string enum; a
 *   `null` in the enum makes it nullable), `properties`, `required`, `items`, `additionalProperties`.
 * - An object schema that lists `properties` and does not set `additionalProperties` is treated as closed: reading or
 *   writing a name it does not list is reported as a mistake. `additionalProperties: true` or a schema opens it; an
 *   object schema with no `properties` at all is open (any name gives `unknown`).
 * - `allOf` branches are merged (properties and required lists combined); `oneOf` / `anyOf` become unions.
 * - `$ref` is followed through `resolveRef` (given the ref string); without it, or when it returns `undefined`, the
 *   referenced schema is `unknown`. A recursive schema is cut at its first repetition (the inner reference is
 *   `unknown`), so conversion always ends.
 */
export function shapeFromJsonSchema(schema: unknown, resolveRef?: (ref: string) => unknown): Shape {
  const active = new Set<unknown>();
  const convert = (node: unknown, depth: number): Shape => {
    if (node === true || node === undefined) return UNKNOWN_SHAPE;
    if (!isRecord(node) || depth > MAX_DEPTH || active.has(node)) return UNKNOWN_SHAPE;
    active.add(node);
    try {
      return convertRecord(node, depth);
    } finally {
      active.delete(node);
    }
  };

  const convertRecord = (node: Json, depth: number): Shape => {
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const target = resolveRef?.(ref);
      // OpenAPI 3.1 allows siblings next to $ref; they narrow the referenced schema.
      const rest = Object.fromEntries(Object.entries(node).filter(([key]) => key !== '$ref'));
      const referenced = convert(target, depth + 1);
      return Object.keys(rest).length === 0 ? referenced : intersect(referenced, convertRecord(rest, depth));
    }
    let shape = ownShape(node, (child) => convert(child, depth + 1));
    const allOf = node['allOf'];
    if (Array.isArray(allOf)) for (const branch of allOf) shape = intersect(shape, convert(branch, depth + 1));
    for (const keyword of ['oneOf', 'anyOf']) {
      const branches = node[keyword];
      if (!Array.isArray(branches) || branches.length === 0) continue;
      const base = shape;
      shape = unionOf(...branches.map((branch) => intersect(base, convert(branch, depth + 1))));
    }
    return shape;
  };

  return convert(schema, 0);
}

function ownShape(node: Json, convert: (child: unknown) => Shape): Shape {
  const declared = new Set<string>();
  const type = node['type'];
  if (typeof type === 'string') declared.add(type);
  else if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') declared.add(t);
  const nullable = node['nullable'] === true || declared.has('null');
  declared.delete('null');

  const values = Array.isArray(node['enum']) ? (node['enum'] as unknown[]) : 'const' in node ? [node['const']] : undefined;
  const strings = values?.filter((v): v is string => typeof v === 'string');
  const enumNullable = values?.includes(null) === true;

  if (declared.size === 0) {
    if (node['properties'] !== undefined || node['additionalProperties'] !== undefined || node['required'] !== undefined) {
      declared.add('object');
    } else if (node['items'] !== undefined) declared.add('array');
    else if (strings !== undefined && strings.length > 0 && strings.length === values?.filter((v) => v !== null).length) {
      declared.add('string');
    }
  }
  // `{type: "null"}` (or an enum of only null) is the null branch of a union, not an unconstrained schema.
  const onlyNull = (type === 'null' || (Array.isArray(type) && type.length > 0 && type.every((t) => t === 'null'))) || (values !== undefined && values.length > 0 && values.every((v) => v === null));
  if (declared.size === 0) return onlyNull ? NULL : UNKNOWN_SHAPE;

  const members: Shape[] = [];
  for (const t of declared) {
    switch (t) {
      case 'string':
        members.push(strings !== undefined && strings.length > 0 ? { kind: 'string', enum: strings } : STRING);
        break;
      case 'integer':
        members.push(INTEGER);
        break;
      case 'number':
        members.push(NUMBER);
        break;
      case 'boolean':
        members.push(BOOLEAN);
        break;
      case 'array':
        members.push(arrayOf(convert(node['items'])));
        break;
      case 'object':
        members.push(objectShape(node, convert));
        break;
    }
  }
  if (nullable || enumNullable) members.push(NULL);
  return unionOf(...members);
}

function objectShape(node: Json, convert: (child: unknown) => Shape): ObjectShape {
  const properties = isRecord(node['properties']) ? node['properties'] : {};
  const entries = Object.entries(properties).map(([name, child]) => [name, convert(child)] as const);
  const required = Array.isArray(node['required']) ? node['required'].filter((r): r is string => typeof r === 'string') : [];
  const extra = node['additionalProperties'];
  let additional: Shape | null;
  if (extra === false) additional = null;
  else if (extra === undefined) additional = entries.length === 0 ? UNKNOWN_SHAPE : null;
  else additional = convert(extra);
  return objectOf(entries, required, additional);
}

/** What both shapes allow, as far as the checker needs it (used for allOf and for siblings of $ref). */
function intersect(a: Shape, b: Shape): Shape {
  if (a.kind === 'unknown') return b;
  if (b.kind === 'unknown') return a;
  if (a.kind === 'union' || b.kind === 'union') {
    const left = membersOf(a);
    const right = membersOf(b);
    const out: Shape[] = [];
    for (const l of left) for (const r of right) if (compatibleKinds(l, r)) out.push(intersect(l, r));
    return out.length === 0 ? a : unionOf(...out);
  }
  if (a.kind === 'object' && b.kind === 'object') {
    const properties = new Map(a.properties);
    for (const [name, shape] of b.properties) {
      const mine = properties.get(name);
      properties.set(name, mine === undefined ? shape : intersect(mine, shape));
    }
    const additional =
      a.additional === null && b.additional === null
        ? null
        : a.properties.size === 0 && a.additional?.kind === 'unknown'
          ? b.additional
          : b.properties.size === 0 && b.additional?.kind === 'unknown'
            ? a.additional
            : (a.additional ?? b.additional);
    return objectOf(properties, [...a.required, ...b.required], additional);
  }
  if (a.kind === 'array' && b.kind === 'array') return arrayOf(intersect(a.items, b.items));
  if (a.kind === 'number' && b.kind === 'integer') return b;
  return a;
}

function compatibleKinds(a: Shape, b: Shape): boolean {
  if (a.kind === b.kind || a.kind === 'unknown' || b.kind === 'unknown') return true;
  return (a.kind === 'integer' && b.kind === 'number') || (a.kind === 'number' && b.kind === 'integer');
}
