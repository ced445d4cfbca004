import { generatedFunction, jsString } from './generated-code.js';
import type { Bag } from './values.js';

/** Copies the fields of one source object into a new object; built once per call site at load. */
export type FieldCopy = (source: Bag) => Bag;

/** Output name for a source field, or `undefined` to leave the field out. */
type Translate = (key: string) => string | undefined;

/** One source layout (its own keys, in order) and the copy made for it. */
interface Layout {
  readonly keys: readonly string[];
  readonly copy: FieldCopy;
}

/** The most layouts one call site generates a copy for; further layouts are copied by a loop. */
const MAX_GENERATED_LAYOUTS = 8;

/*
 * Why per layout: `rename` / `omit` sit inside `map` and see objects of one layout over and over, and which names
 * they write depends on the source's keys, known only at run time. Comparing the key list with a seen layout is a
 * pointer comparison per key (Object.keys returns the same internalized strings for the same layout); on a match
 * the copy generated for that layout runs with one named load and store per field (see generated-code.ts). A call
 * site generates at most MAX_GENERATED_LAYOUTS copies, so data with ever new layouts cannot make it compile without
 * end; beyond that it loops. The output is the same either way: the translated keys in source order.
 */
function layoutCopy(translate: Translate): FieldCopy {
  const layouts: Layout[] = [];
  let last: Layout = { keys: [], copy: () => ({}) };
  return (source) => {
    const keys = Object.keys(source);
    if (sameKeys(keys, last.keys)) return last.copy(source);
    let found = layouts.find((layout) => sameKeys(keys, layout.keys));
    if (found === undefined) {
      const names = keys.map(translate);
      const generate = layouts.length < MAX_GENERATED_LAYOUTS;
      found = { keys, copy: generate ? generatedCopy(keys, names) : loopCopy(keys, names) };
      if (generate) layouts.push(found);
    }
    last = found;
    return found.copy(source);
  };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function generatedCopy(keys: readonly string[], names: readonly (string | undefined)[]): FieldCopy {
  let body = 'return function copy(x) {\n  const o = {};\n  let v;\n';
  keys.forEach((key, i) => {
    const name = names[i];
    if (name !== undefined) body += `  v = x[${jsString(key)}];\n  if (v !== undefined) o[${jsString(name)}] = v;\n`;
  });
  body += '  return o;\n};';
  return generatedFunction<FieldCopy>([], body)();
}

function loopCopy(keys: readonly string[], names: readonly (string | undefined)[]): FieldCopy {
  return (source) => {
    const out: Bag = {};
    for (let i = 0; i < keys.length; i++) {
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
  let body = 'const hasOwn = Object.hasOwn;\nreturn function pick(x) {\n  const o = {};\n  let v;\n';
  for (const name of names) {
    const key = jsString(name);
    body += `  if (hasOwn(x, ${key})) {\n    v = x[${key}];\n    if (v !== undefined) o[${key}] = v;\n  }\n`;
  }
  body += '  return o;\n};';
  return generatedFunction<FieldCopy>([], body)();
}
