import { objectResult, pickShape, omitShape, renameShape, mergeShape } from './function-shapes.js';
import {
  arrayOf,
  BOOLEAN,
  INTEGER,
  membersOf,
  MISSING,
  NUMBER,
  STRING,
  UNKNOWN_SHAPE,
  unionOf,
  withoutNullish,
  type Shape,
} from './shape.js';
import type { Fn } from './types.js';
import { caseOf, nullish, toBoolean, toNumber, toText, unary, wrong } from './function-helpers.js';
import { copyFields, isRecord, typeName, type Bag } from './values.js';
import { FIND, MULTIPLY, SUM } from './lookup-functions.js';
import { omitCopy, pickCopy, renameCopy } from './field-copies.js';

/** What the checker knows about one argument of a call. */
export interface ArgInfo {
  readonly shape: Shape;
  /** Present when the argument's value is known at load (a literal or an `env` constant). */
  readonly constant?: { readonly value: unknown } | undefined;
  /** The argument's source text, for messages. */
  readonly text: string;
}

/** The runtime side of one call site. */
export interface CallSite {
  /** Throws a `TransformRuntimeError` naming the expression and its location. */
  fail(message: string): never;
  readonly clock: () => Date;
}

/** Which values a parameter accepts; `null` and missing are accepted by all (the function passes them through). */
export type ParamKind = 'any' | 'string' | 'number' | 'scalar' | 'array' | 'object' | 'text-or-array' | 'name';

export interface FunctionSpec {
  readonly signature: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  /** Accepted kinds per parameter; the last one repeats for a variadic function. */
  readonly params: readonly ParamKind[];
  /** False for `now()`: never folded at load. */
  readonly pure: boolean;
  /** Result shape; `report` adds a load error (the argument index points the column at that argument). */
  result(args: readonly ArgInfo[], report: (message: string, arg?: number) => void): Shape;
  make(args: readonly Fn[], site: CallSite, infos: readonly ArgInfo[]): Fn;
}

/** The built-in functions, by name. `map` is listed here for its docs and type rules; the compiler binds `it` itself. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  [
    'default',
    {
      signature: 'default(value: any, fallback: any): any',
      description: 'The value, or the fallback when the value is null or missing.',
      min: 2,
      max: 2,
      params: ['any', 'any'],
      pure: true,
      result: ([a, b]) => unionOf(withoutNullish((a as ArgInfo).shape), (b as ArgInfo).shape),
      make([a, b]) {
        const value = a as Fn;
        const fallback = b as Fn;
        return (s, it) => value(s, it) ?? fallback(s, it);
      },
    },
  ],
  [
    'coalesce',
    {
      signature: 'coalesce(value: any, ...more: any): any',
      description: 'The first argument that is neither null nor missing (missing when all are).',
      min: 1,
      max: Infinity,
      params: ['any'],
      pure: true,
      result: (args) => unionOf(...args.map((a, i) => (i === args.length - 1 ? a.shape : withoutNullish(a.shape)))),
      make(args) {
        return (s, it) => {
          for (const arg of args) {
            const v = arg(s, it);
            if (v !== undefined && v !== null) return v;
          }
          return undefined;
        };
      },
    },
  ],
  ['toNumber', unary('toNumber(value: string | number | boolean): number', 'A number from numeric text ("12", "-1.5e3"), a number, or a boolean (1 / 0); other text is a runtime error.', 'scalar', () => NUMBER, toNumber)],
  ['toString', unary('toString(value: string | number | boolean): string', 'The text of a scalar (numbers in JavaScript notation, booleans as "true" / "false").', 'scalar', () => STRING, toText)],
  ['toBoolean', unary('toBoolean(value: string | number | boolean): boolean', 'A boolean from a boolean, a number (0 is false) or the text "true" / "false" / "1" / "0" / "yes" / "no" (any case).', 'scalar', () => BOOLEAN, toBoolean)],
  ['upper', caseOf(true)],
  ['lower', caseOf(false)],
  [
    'concat',
    {
      signature: 'concat(...values: string | number | boolean | array): string | array',
      description: 'Joins texts (numbers and booleans are written as text) or concatenates arrays; null and missing arguments are skipped, and all of them missing gives missing.',
      min: 1,
      max: Infinity,
      params: ['text-or-array'],
      pure: true,
      result(args, report) {
        const known = args.flatMap((a) => membersOf(withoutNullish(a.shape))).filter((m) => m.kind !== 'unknown');
        const arrays = known.filter((m) => m.kind === 'array');
        const allMissing = args.every((a) => a.shape.kind !== 'unknown' && membersOf(a.shape).every((m) => m.kind === 'missing' || m.kind === 'null'));
        if (arrays.length > 0 && arrays.length < known.length) report('concat() joins either texts or arrays, not both');
        const base = arrays.length > 0 ? arrayOf(unionOf(...arrays.map((m) => (m.kind === 'array' ? m.items : UNKNOWN_SHAPE)))) : known.length > 0 ? STRING : UNKNOWN_SHAPE;
        return allMissing ? unionOf(base, MISSING) : base;
      },
      make(args, site) {
        return (s, it) => {
          let text: string | undefined;
          let list: unknown[] | undefined;
          for (const arg of args) {
            const v = arg(s, it);
            if (v === undefined || v === null) continue;
            if (Array.isArray(v)) {
              if (text !== undefined) site.fail('concat() joins either texts or arrays, got both');
              list = list === undefined ? v.slice() : (list.push(...v), list);
            } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
              if (list !== undefined) site.fail('concat() joins either texts or arrays, got both');
              text = text === undefined ? String(v) : text + String(v);
            } else {
              wrong(site, 'concat(', 'texts or arrays', v);
            }
          }
          return list ?? text;
        };
      },
    },
  ],
  [
    'join',
    {
      signature: 'join(items: array, separator: string): string',
      description: 'The items (texts, numbers, booleans; null items are empty) joined with the separator.',
      min: 2,
      max: 2,
      params: ['array', 'string'],
      pure: true,
      result: ([a]) => unionOf(STRING, ...nullish((a as ArgInfo).shape)),
      make([a, b], site) {
        const items = a as Fn;
        const separator = b as Fn;
        return (s, it) => {
          const list = items(s, it);
          if (list === undefined || list === null) return list;
          if (!Array.isArray(list)) return wrong(site, 'join(', 'an array', list);
          const sep = separator(s, it);
          if (typeof sep !== 'string') return wrong(site, 'join(', 'a string separator', sep);
          let out = '';
          for (let i = 0; i < list.length; i++) {
            const item: unknown = list[i];
            if (i > 0) out += sep;
            if (item === null || item === undefined) continue;
            if (typeof item === 'object') return site.fail(`join() expects items that are texts, numbers or booleans, got ${typeName(item)}`);
            out += String(item);
          }
          return out;
        };
      },
    },
  ],
  [
    'split',
    {
      signature: 'split(text: string, separator: string): array of string',
      description: 'The text cut at each separator ("" splits into characters).',
      min: 2,
      max: 2,
      params: ['string', 'string'],
      pure: true,
      result: ([a]) => unionOf(arrayOf(STRING), ...nullish((a as ArgInfo).shape)),
      make([a, b], site) {
        const text = a as Fn;
        const separator = b as Fn;
        return (s, it) => {
          const v = text(s, it);
          if (v === undefined || v === null) return v;
          if (typeof v !== 'string') return wrong(site, 'split(', 'a string', v);
          const sep = separator(s, it);
          if (typeof sep !== 'string') return wrong(site, 'split(', 'a string separator', sep);
          return v.split(sep);
        };
      },
    },
  ],
  [
    'map',
    {
      signature: 'map(items: array, expression with `it`): array',
      description: 'A new array with the expression evaluated for each item, bound to `it` (an inner map shadows `it`); missing results become null.',
      min: 2,
      max: 2,
      params: ['array', 'any'],
      pure: true,
      result: ([a, b]) => unionOf(arrayOf((b as ArgInfo).shape), ...nullish((a as ArgInfo).shape)),
      make([a, b], site) {
        const items = a as Fn;
        const body = b as Fn;
        return (s, it) => {
          // `items` may read the outer `it` (a map inside a map); the body sees the inner item.
          const list = items(s, it);
          if (list === undefined || list === null) return list;
          if (!Array.isArray(list)) return wrong(site, 'map(', 'an array', list);
          const out = new Array<unknown>(list.length);
          for (let i = 0; i < list.length; i++) out[i] = body(s, list[i]) ?? null;
          return out;
        };
      },
    },
  ],
  ['pick', objectResult('pick(object: object, ...names: string): object', 'A new object with only the named fields (names are quoted literals).', 'name', pickShape, pickCopy)],
  ['omit', objectResult('omit(object: object, ...names: string): object', 'A copy of the object without the named fields (names are quoted literals).', 'name', omitShape, omitCopy)],
  ['rename', objectResult('rename(object: object, renames: { old: "new", … }): object', 'A copy of the object with fields renamed; the renames are a literal object of old name → new name.', 'object', renameShape, (_names, renames) => renameCopy(renames))],
  [
    'merge',
    {
      signature: 'merge(...objects: object): object',
      description: 'A new object with the fields of every argument, later ones winning; null and missing arguments are skipped.',
      min: 1,
      max: Infinity,
      params: ['object'],
      pure: true,
      result: (args) => mergeShape(args.map((a) => a.shape)),
      make(args, site) {
        return (s, it) => {
          const out: Bag = {};
          for (const arg of args) {
            const v = arg(s, it);
            if (v === undefined || v === null) continue;
            if (!isRecord(v)) return wrong(site, 'merge(', 'objects', v);
            copyFields(out, v);
          }
          return out;
        };
      },
    },
  ],
  [
    'now',
    {
      signature: 'now(): string',
      description: 'The current time as an RFC 3339 UTC timestamp with milliseconds ("2024-05-01T12:00:00.000Z").',
      min: 0,
      max: 0,
      params: [],
      pure: false,
      result: () => STRING,
      make(_args, site) {
        const clock = site.clock;
        return () => clock().toISOString();
      },
    },
  ],
  ['length', unary('length(value: string | array | object): integer', 'The number of characters, items or fields.', 'any', () => INTEGER, (v, site) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    return isRecord(v) ? Object.keys(v).length : wrong(site, 'length(', 'a string, array or object', v);
  })],
  ['find', FIND],
  ['sum', SUM],
  ['multiply', MULTIPLY],
  ['keys', unary('keys(object: object): array of string', 'The field names of the object, in order.', 'object', () => arrayOf(STRING), (v, site) => (isRecord(v) ? Object.keys(v) : wrong(site, 'keys(', 'an object', v)))],
  ['values', unary('values(object: object): array', 'The field values of the object, in order.', 'object', (a) => arrayOf(unionOf(...membersOf(a).flatMap((m) => (m.kind === 'object' ? [...m.properties.values(), ...(m.additional ? [m.additional] : [])] : m.kind === 'unknown' ? [UNKNOWN_SHAPE] : [])))), (v, site) => (isRecord(v) ? Object.values(v) : wrong(site, 'values(', 'an object', v)))],
]);

/** The documentation of every function, by name: its signature (as the type checker reads it) and what it does. */
export const FUNCTION_DOCS: Readonly<Record<string, { readonly signature: string; readonly description: string }>> = Object.freeze(
  Object.fromEntries([...FUNCTIONS].map(([n, spec]) => [n, Object.freeze({ signature: spec.signature, description: spec.description })])),
);
