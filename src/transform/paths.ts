/** One step of a reference path, resolved at load. */
export type Segment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'all' };

/** Reads a path from a value; `undefined` when any step is missing or not an object / array. Never throws. */
export type Getter = (value: unknown) => unknown;

/** Names never resolvable, whatever the data: reading them could reach an object's prototype or constructor. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// Names that exist on every object or array through the prototype chain (toString, hasOwnProperty, map, …). Reads of
// these go through Object.hasOwn so that only the data's own fields are ever returned, never a built-in function.
const INHERITED: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
]);

type Bag = Record<string | number, unknown>;

function isPlainKey(segment: Segment): segment is { kind: 'key'; key: string } {
  return segment.kind === 'key' && !INHERITED.has(segment.key);
}

/** Compiles a path into a getter; `undefined` means the identity (an empty path). */
export function compileGetter(segments: readonly Segment[]): Getter | undefined {
  const star = segments.findIndex((s) => s.kind === 'all');
  if (star >= 0) return projection(compileGetter(segments.slice(0, star)), segments.slice(star + 1));
  if (segments.length === 0) return undefined;
  if (segments.every(isPlainKey)) return plainKeys(segments.map((s) => (s as { key: string }).key));
  const steps = segments.map(step);
  return function readPath(value) {
    let v = value;
    for (let i = 0; i < steps.length && v !== undefined; i++) v = (steps[i] as Getter)(v);
    return v;
  };
}

/**
 * `a[*].rest`: `rest` applied to each element of the array `a`; elements where it gives `undefined` are left out.
 * When `rest` holds another projection its arrays are flattened into one (`orders[*].lines[*].sku` = every sku).
 */
function projection(head: Getter | undefined, rest: readonly Segment[]): Getter {
  const tail = compileGetter(rest);
  const flatten = rest.some((s) => s.kind === 'all');
  return function project(value) {
    const array = head === undefined ? value : head(value);
    if (!Array.isArray(array)) return undefined;
    const out: unknown[] = [];
    for (let i = 0; i < array.length; i++) {
      const item: unknown = tail === undefined ? array[i] : tail(array[i]);
      if (item === undefined) continue;
      if (flatten && Array.isArray(item)) for (const inner of item) out.push(inner);
      else out.push(item);
    }
    return out;
  };
}

// The common case, one to three field names that are not built-in: a tiny closure with no loop.
function plainKeys(keys: readonly string[]): Getter {
  const [k0, k1, k2] = keys as [string, string?, string?];
  if (keys.length === 1) return (v) => (typeof v === 'object' && v !== null ? (v as Bag)[k0] : undefined);
  if (keys.length === 2) {
    const second = k1 as string;
    return (v) => {
      if (typeof v !== 'object' || v === null) return undefined;
      const a = (v as Bag)[k0];
      return typeof a === 'object' && a !== null ? (a as Bag)[second] : undefined;
    };
  }
  if (keys.length === 3) {
    const second = k1 as string;
    const third = k2 as string;
    return (v) => {
      if (typeof v !== 'object' || v === null) return undefined;
      const a = (v as Bag)[k0];
      if (typeof a !== 'object' || a === null) return undefined;
      const b = (a as Bag)[second];
      return typeof b === 'object' && b !== null ? (b as Bag)[third] : undefined;
    };
  }
  return function readKeys(value) {
    let v = value;
    for (let i = 0; i < keys.length; i++) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Bag)[keys[i] as string];
    }
    return v;
  };
}

function step(segment: Segment): Getter {
  if (segment.kind === 'index') {
    const index = segment.index;
    if (index >= 0) return (v) => (Array.isArray(v) ? (v[index] as unknown) : undefined);
    return (v) => (Array.isArray(v) ? (v[v.length + index] as unknown) : undefined);
  }
  if (segment.kind === 'all') throw new Error('projection handled by compileGetter');
  const key = segment.key;
  if (!INHERITED.has(key)) return (v) => (typeof v === 'object' && v !== null ? (v as Bag)[key] : undefined);
  return (v) => (typeof v === 'object' && v !== null && Object.hasOwn(v, key) ? (v as Bag)[key] : undefined);
}
