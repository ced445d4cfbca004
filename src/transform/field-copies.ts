import type { Bag } from './values.js';

/** Copies the fields of one source object into a new object; built once per call site at load. */
export type FieldCopy = (source: Bag) => Bag;

/** Output name for a source field, or `undefined` to leave the field out. */
type Translate = (key: string) => string | undefined;

/*
 * Why a layout cache: `rename` / `omit` sit inside `map` and see objects of one layout over and over. Translating a
 * key costs a hash lookup (Map.get / Set.has) per field per object; comparing the new key list with the previous one
 * is a pointer comparison per field (Object.keys returns the same internalized strings for the same layout), so the
 * translation is done once per layout instead of once per object. The output is exactly what a direct translation of
 * each key gives, in source order; only the work is cached.
 */
function layoutCopy(translate: Translate): FieldCopy {
  let lastKeys: readonly string[] = [];
  let lastNames: readonly (string | undefined)[] = [];
  return (source) => {
    const keys = Object.keys(source);
    const n = keys.length;
    let same = n === lastKeys.length;
    for (let i = 0; same && i < n; i++) same = keys[i] === lastKeys[i];
    if (!same) {
      lastNames = keys.map(translate);
      lastKeys = keys;
    }
    const names = lastNames;
    const out: Bag = {};
    for (let i = 0; i < n; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const value = source[keys[i] as string];
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
}

// `__proto__` is an own field after JSON.parse; writing it would replace the output's prototype, so it never is.
const PROTO = '__proto__';

/** `rename(object, { old: "new" })`: a copy with the named fields renamed, in the source's field order. */
export function renameCopy(renames: ReadonlyMap<string, string>): FieldCopy {
  return layoutCopy((key) => (key === PROTO ? undefined : (renames.get(key) ?? key)));
}

/** `omit(object, …names)`: a copy without the named fields. */
export function omitCopy(names: readonly string[]): FieldCopy {
  const skip = new Set(names);
  return layoutCopy((key) => (key === PROTO || skip.has(key) ? undefined : key));
}

/** `pick(object, …names)`: only the named own fields, in the order the names are given. */
export function pickCopy(names: readonly string[]): FieldCopy {
  return (source) => {
    const out: Bag = {};
    for (const key of names) if (Object.hasOwn(source, key) && source[key] !== undefined) out[key] = source[key];
    return out;
  };
}
