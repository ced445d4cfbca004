import { didYouMean } from './errors.js';
import type { FieldCopy } from './field-copies.js';
import type { ArgInfo, CallSite, FunctionSpec, ParamKind } from './functions.js';
import { RESERVED_KEYS } from './paths.js';
import { membersOf, objectOf, OPEN_OBJECT, UNKNOWN_SHAPE, unionOf, type ObjectShape, type Shape } from './shape.js';
import type { Fn } from './types.js';
import { isRecord, typeName } from './values.js';

type Renames = ReadonlyMap<string, string>;

/** Applies `change` to each object member of a shape; `unknown` becomes `open`; null and missing pass through. */
function eachObject(shape: Shape, change: (member: ObjectShape) => Shape, open: Shape): Shape {
  if (shape.kind === 'unknown') return open;
  return unionOf(
    ...membersOf(shape).map((m) => (m.kind === 'object' ? change(m) : m.kind === 'unknown' ? open : m)),
  );
}

export function pickShape(shape: Shape, names: readonly string[]): Shape {
  const open = objectOf(names.map((n) => [n, UNKNOWN_SHAPE] as const));
  return eachObject(
    shape,
    (m) => {
      const kept = names.flatMap((n) => {
        const field = m.properties.get(n) ?? m.additional;
        return field === null || field === undefined ? [] : [[n, field] as const];
      });
      return objectOf(kept, names.filter((n) => m.required.has(n)));
    },
    open,
  );
}

export function omitShape(shape: Shape, names: readonly string[]): Shape {
  const drop = new Set(names);
  return eachObject(
    shape,
    (m) => objectOf([...m.properties].filter(([n]) => !drop.has(n)), [...m.required].filter((n) => !drop.has(n)), m.additional),
    OPEN_OBJECT,
  );
}

export function renameShape(shape: Shape, _names: readonly string[], renames: Renames): Shape {
  const to = (n: string): string => renames.get(n) ?? n;
  const open = objectOf([...renames.values()].map((n) => [n, UNKNOWN_SHAPE] as const), [], UNKNOWN_SHAPE);
  return eachObject(
    shape,
    (m) => objectOf([...m.properties].map(([n, s]) => [to(n), s] as const), [...m.required].map(to), m.additional),
    open,
  );
}

/** Fields of all object arguments, later ones winning; an undeclared argument opens the result. */
export function mergeShape(shapes: readonly Shape[]): Shape {
  const properties = new Map<string, Shape>();
  const required = new Set<string>();
  let additional: Shape | null = null;
  for (const shape of shapes) {
    const objects = membersOf(shape).filter((m) => m.kind === 'object' || m.kind === 'unknown');
    const always = membersOf(shape).every((m) => m.kind === 'object');
    for (const m of objects) {
      if (m.kind === 'unknown') {
        additional = UNKNOWN_SHAPE;
        continue;
      }
      if (m.kind !== 'object') continue;
      for (const [n, s] of m.properties) properties.set(n, objects.length > 1 && properties.has(n) ? unionOf(properties.get(n) as Shape, s) : s);
      if (always && objects.length === 1) for (const n of m.required) required.add(n);
      if (m.additional !== null) additional = additional === null ? m.additional : unionOf(additional, m.additional);
    }
  }
  return objectOf(properties, required, additional);
}

type ShapeFn = (shape: Shape, names: readonly string[], renames: Renames) => Shape;
/** Builds, once per call site, the copy for the site's field names (known at load). */
type MakeCopy = (names: readonly string[], renames: Renames) => FieldCopy;

/**
 * `pick` / `omit` / `rename`: an object and field names known at load (quoted literals, or a literal object of
 * renames). The names are checked against the object's shape, so a typo is a load error with a suggestion.
 */
export function objectResult(signature: string, description: string, rest: ParamKind, shapeOf: ShapeFn, makeCopy: MakeCopy): FunctionSpec {
  const fname = signature.slice(0, signature.indexOf('('));
  const renaming = rest === 'object';
  const namesOf = (infos: readonly ArgInfo[]): { names: string[]; renames: Map<string, string>; bad: number[] } => {
    const names: string[] = [];
    const renames = new Map<string, string>();
    const bad: number[] = [];
    infos.slice(1).forEach((info, i) => {
      const value = info.constant?.value;
      if (renaming && isRecord(value) && Object.values(value).every((v) => typeof v === 'string')) {
        for (const [from, to] of Object.entries(value)) {
          names.push(from);
          renames.set(from, to as string);
        }
      } else if (!renaming && typeof value === 'string') names.push(value);
      else bad.push(i + 1);
    });
    return { names, renames, bad };
  };
  return {
    signature,
    description,
    min: 2,
    max: renaming ? 2 : Infinity,
    params: ['object', rest],
    pure: true,
    result(infos, report) {
      const { names, renames, bad } = namesOf(infos);
      for (const index of bad) {
        report(renaming ? `${fname}() takes a literal object of "old": "new" names` : `${fname}() takes field names as quoted literals`, index);
      }
      const source = infos[0] as ArgInfo;
      const objects = membersOf(source.shape).filter((m): m is ObjectShape => m.kind === 'object');
      const closed = source.shape.kind !== 'unknown' && objects.length > 0 && objects.every((m) => m.additional === null);
      const known = new Set(objects.flatMap((m) => [...m.properties.keys()]));
      for (const n of [...names, ...renames.values()]) {
        if (RESERVED_KEYS.has(n)) report(`\`${n}\` is reserved and can never be read or written`);
      }
      for (const n of names) {
        if (!closed || known.has(n)) continue;
        const guess = didYouMean(n, known);
        report(`\`${n}\` is not a field of \`${source.text}\`${guess === undefined ? `; it has: ${[...known].join(', ')}` : `; did you mean \`${guess}\`?`}`);
      }
      return shapeOf(source.shape, names, renames);
    },
    make(args: readonly Fn[], site: CallSite, infos: readonly ArgInfo[]): Fn {
      const object = args[0] as Fn;
      const { names, renames } = namesOf(infos);
      const copy = makeCopy(names, renames);
      return (s, it) => {
        const v = object(s, it);
        if (v === undefined || v === null) return v;
        if (!isRecord(v)) return site.fail(`${fname}() expects an object, got ${typeName(v)}`);
        return copy(v);
      };
    },
  };
}
