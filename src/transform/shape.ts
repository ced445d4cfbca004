/**
 * Shapes: what the type checker knows about a value at load. A small structural type system, built from JSON Schema
 * (see `shapeFromJsonSchema`) or inferred from expressions. `unknown` means "not declared": it accepts and allows
 * anything, so an undeclared source never produces a false error.
 */
export type Shape =
  | UnknownShape
  | MissingShape
  | NullShape
  | BooleanShape
  | IntegerShape
  | NumberShape
  | StringShape
  | ArrayShape
  | ObjectShape
  | UnionShape;

export interface UnknownShape {
  readonly kind: 'unknown';
}
/** The value may be absent (`undefined` at runtime: an optional field that is not there). */
export interface MissingShape {
  readonly kind: 'missing';
}
export interface NullShape {
  readonly kind: 'null';
}
export interface BooleanShape {
  readonly kind: 'boolean';
}
export interface IntegerShape {
  readonly kind: 'integer';
}
export interface NumberShape {
  readonly kind: 'number';
}
export interface StringShape {
  readonly kind: 'string';
  /** The allowed values, when the schema lists them (`enum` / `const`) or the value is a literal. */
  readonly enum?: readonly string[] | undefined;
}
export interface ArrayShape {
  readonly kind: 'array';
  readonly items: Shape;
}
export interface ObjectShape {
  readonly kind: 'object';
  readonly properties: ReadonlyMap<string, Shape>;
  readonly required: ReadonlySet<string>;
  /** Shape of fields not listed in `properties`; `null` = no other field exists (a name not listed is a mistake). */
  readonly additional: Shape | null;
}
/** One of several shapes. An empty union is "nothing" (e.g. `null` with its null removed). */
export interface UnionShape {
  readonly kind: 'union';
  readonly members: readonly Shape[];
}

export const UNKNOWN_SHAPE: Shape = Object.freeze({ kind: 'unknown' });
export const MISSING: Shape = Object.freeze({ kind: 'missing' });
export const NULL: Shape = Object.freeze({ kind: 'null' });
export const BOOLEAN: Shape = Object.freeze({ kind: 'boolean' });
export const INTEGER: Shape = Object.freeze({ kind: 'integer' });
export const NUMBER: Shape = Object.freeze({ kind: 'number' });
export const STRING: Shape = Object.freeze({ kind: 'string' });
export const NOTHING: Shape = Object.freeze({ kind: 'union', members: Object.freeze([]) });

export function arrayOf(items: Shape): ArrayShape {
  return { kind: 'array', items };
}

/** An object shape; `additional` defaults to `null` (closed: only the listed fields exist). */
export function objectOf(
  properties: Iterable<readonly [string, Shape]>,
  required: Iterable<string> = [],
  additional: Shape | null = null,
): ObjectShape {
  return { kind: 'object', properties: new Map(properties), required: new Set(required), additional };
}

/** An object whose fields are not declared: any name may be read and gives `unknown`. */
export const OPEN_OBJECT: Shape = objectOf([], [], UNKNOWN_SHAPE);

export function membersOf(shape: Shape): readonly Shape[] {
  return shape.kind === 'union' ? shape.members : [shape];
}

/**
 * The union of shapes, flattened and simplified: `unknown` absorbs everything, `integer` goes into `number`, string
 * enums merge, arrays merge their items, and structurally equal shapes appear once.
 */
export function unionOf(...shapes: readonly Shape[]): Shape {
  const out: Shape[] = [];
  const add = (shape: Shape): boolean => {
    if (shape.kind === 'union') return shape.members.every(add);
    if (shape.kind === 'unknown') return false;
    for (let i = 0; i < out.length; i++) {
      const merged = mergeMember(out[i] as Shape, shape);
      if (merged !== undefined) {
        out[i] = merged;
        return true;
      }
    }
    out.push(shape);
    return true;
  };
  for (const shape of shapes) if (!add(shape)) return UNKNOWN_SHAPE;
  if (out.length === 1) return out[0] as Shape;
  return { kind: 'union', members: out };
}

function mergeMember(a: Shape, b: Shape): Shape | undefined {
  if (a.kind === 'integer' && b.kind === 'number') return b;
  if (a.kind === 'number' && b.kind === 'integer') return a;
  if (a.kind !== b.kind) return undefined;
  switch (a.kind) {
    case 'string': {
      const other = b as StringShape;
      if (a.enum === undefined || other.enum === undefined) return STRING;
      return { kind: 'string', enum: [...new Set([...a.enum, ...other.enum])] };
    }
    case 'array':
      return arrayOf(unionOf(a.items, (b as ArrayShape).items));
    case 'object':
      return sameShape(a, b) ? a : undefined;
    default:
      return a;
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'string':
      return String(a.enum) === String((b as StringShape).enum);
    case 'array':
      return sameShape(a.items, (b as ArrayShape).items);
    case 'union': {
      const other = (b as UnionShape).members;
      return a.members.length === other.length && a.members.every((m, i) => sameShape(m, other[i] as Shape));
    }
    case 'object': {
      const o = b as ObjectShape;
      if (a.properties.size !== o.properties.size || a.required.size !== o.required.size) return false;
      for (const [name, shape] of a.properties) {
        const theirs = o.properties.get(name);
        if (theirs === undefined || !sameShape(shape, theirs) || a.required.has(name) !== o.required.has(name)) return false;
      }
      if (a.additional === null || o.additional === null) return a.additional === o.additional;
      return sameShape(a.additional, o.additional);
    }
    default:
      return true;
  }
}

/** The shape without its `null` and `missing` members (what `default(x, …)` keeps of x). */
export function withoutNullish(shape: Shape): Shape {
  if (shape.kind === 'unknown') return shape;
  return unionOf(...membersOf(shape).filter((m) => m.kind !== 'null' && m.kind !== 'missing'));
}

export function withoutMissing(shape: Shape): Shape {
  if (shape.kind !== 'union') return shape.kind === 'missing' ? NOTHING : shape;
  return unionOf(...shape.members.filter((m) => m.kind !== 'missing'));
}

/** The shape of a JSON value known at load (literals, env constants). */
export function shapeOfValue(value: unknown): Shape {
  if (value === undefined) return MISSING;
  if (value === null) return NULL;
  if (typeof value === 'string') return { kind: 'string', enum: [value] };
  if (typeof value === 'number') return Number.isInteger(value) ? INTEGER : NUMBER;
  if (typeof value === 'boolean') return BOOLEAN;
  if (Array.isArray(value)) return arrayOf(value.length === 0 ? NOTHING : unionOf(...value.map(shapeOfValue)));
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return objectOf(
      entries.map(([k, v]) => [k, shapeOfValue(v)] as const),
      entries.map(([k]) => k),
    );
  }
  return UNKNOWN_SHAPE;
}

/** Field names an object-like shape declares (across union members), for messages and suggestions. */
export function fieldNames(shape: Shape): string[] {
  const names = new Set<string>();
  for (const m of membersOf(shape)) if (m.kind === 'object') for (const name of m.properties.keys()) names.add(name);
  return [...names];
}

const MAX_LISTED = 6;

/** Human-readable shape for messages: `string`, `array of integer`, `object { id, name }`, `"a" | "b" | null`. */
export function describeShape(shape: Shape, depth = 0): string {
  switch (shape.kind) {
    case 'string':
      if (shape.enum === undefined) return 'string';
      return listed(shape.enum.map((v) => JSON.stringify(v)), ' | ');
    case 'array': {
      const items = describeShape(shape.items, depth + 1);
      return `array of ${shape.items.kind === 'union' && shape.items.members.length > 1 ? `(${items})` : items}`;
    }
    case 'object': {
      const names = [...shape.properties.keys()];
      if (names.length === 0) return 'object';
      if (depth > 1) return 'object';
      return `object { ${listed(names, ', ')} }`;
    }
    case 'union':
      if (shape.members.length === 0) return 'nothing';
      return shape.members.map((m) => describeShape(m, depth)).join(' | ');
    default:
      return shape.kind;
  }
}

function listed(items: readonly string[], separator: string): string {
  if (items.length <= MAX_LISTED) return items.join(separator);
  return `${items.slice(0, MAX_LISTED).join(separator)}${separator}…`;
}
