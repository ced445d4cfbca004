import type { ArgInfo, CallSite, FunctionSpec, ParamKind } from './functions.js';
import { membersOf, STRING, unionOf, type Shape } from './shape.js';
import type { Fn } from './types.js';
import { typeName } from './values.js';

/** Building blocks of the function table: null-safe unary functions and the scalar conversions. */

/** The null and missing parts of a shape (what a null-safe function passes through). */
export function nullish(shape: Shape): Shape[] {
  return membersOf(shape).filter((m) => m.kind === 'null' || m.kind === 'missing');
}

export const first = (args: readonly Fn[]): Fn => args[0] as Fn;

/** A one-argument function that returns null / missing as they are and converts anything else with `convert`. */
export function unary(
  signature: string,
  description: string,
  kind: ParamKind,
  out: (arg: Shape) => Shape,
  convert: (value: unknown, site: CallSite) => unknown,
): FunctionSpec {
  return {
    signature,
    description,
    min: 1,
    max: 1,
    params: [kind],
    pure: true,
    result: ([a]) => unionOf(out((a as ArgInfo).shape), ...nullish((a as ArgInfo).shape)),
    make(args, site) {
      const a = first(args);
      return (s, it) => {
        const v = a(s, it);
        return v === undefined || v === null ? v : convert(v, site);
      };
    },
  };
}

const name = (signature: string): string => signature.slice(0, signature.indexOf('('));
export const wrong = (site: CallSite, signature: string, expected: string, value: unknown): never =>
  site.fail(`${name(signature)}() expects ${expected}, got ${typeName(value)}${typeof value === 'string' ? ` "${value}"` : ''}`);

const RADIX_PREFIX = /^\s*[+-]?0[xXoObB]/;

export function toNumber(value: unknown, site: CallSite): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    // Fast path for the common case, text starting with a digit 1-9: it can carry no radix prefix and is not blank,
    // so only finiteness is left to check (and saves the regular expression and trim on every call).
    const c = value.charCodeAt(0);
    if (c >= 49 && c <= 57) {
      const n = Number(value);
      if (Number.isFinite(n)) return n;
    }
    // Decimal text only: Number('') is 0 and Number('0x1f') is 31, both surprising in a mapping.
    const n = Number(value);
    if (Number.isFinite(n) && value.trim() !== '' && !RADIX_PREFIX.test(value)) return n;
  }
  return wrong(site, 'toNumber(', 'a number or numeric string', value);
}

export function toText(value: unknown, site: CallSite): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return wrong(site, 'toString(', 'a string, number or boolean', value);
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);
export function toBoolean(value: unknown, site: CallSite): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
  }
  return wrong(site, 'toBoolean(', 'a boolean, number or "true" / "false" / "1" / "0" / "yes" / "no"', value);
}

export function caseOf(upper: boolean): FunctionSpec {
  const signature = upper ? 'upper(text: string): string' : 'lower(text: string): string';
  const change = (t: string): string => (upper ? t.toUpperCase() : t.toLowerCase());
  return unary(
    signature,
    `The text in ${upper ? 'upper' : 'lower'} case (null and missing pass through).`,
    'string',
    (a) => {
      const strings = membersOf(a).filter((m) => m.kind === 'string');
      const values = strings.flatMap((m) => (m.kind === 'string' ? (m.enum ?? []) : []));
      return strings.length === 1 && values.length > 0 ? { kind: 'string', enum: values.map(change) } : STRING;
    },
    (v, site) => (typeof v === 'string' ? change(v) : wrong(site, signature, 'a string', v)),
  );
}

