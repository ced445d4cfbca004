import type { Fn, Scope } from './types.js';
import type { Bag } from './values.js';

/** Writes a fixed run of fields into an object; a field whose value is missing is left out. */
type Fill = (out: Bag, scope: Scope, it: unknown) => void;

/*
 * Why one function per run length, written out by hand: a loop `out[keys[i]] = value` is a single store site that
 * sees every field name of every object, so V8 treats it as megamorphic and each store costs ~15 ns. Unrolled, each
 * store site sees the names at one position only, stays monomorphic or polymorphic, and costs ~2 ns: the difference
 * between a compiled mapping far slower than hand-written code and one close to it. (Generating code with
 * `new Function` would be faster still, and is ruled out: the language never evaluates source text.)
 */
function fill1(k: readonly string[], f: readonly Fn[], at: number): Fill {
  const k0 = k[at] as string;
  const f0 = f[at] as Fn;
  return (o, s, it) => {
    const v = f0(s, it);
    if (v !== undefined) o[k0] = v;
  };
}

function fill2(k: readonly string[], f: readonly Fn[], at: number): Fill {
  const [k0, k1] = k.slice(at) as [string, string];
  const [f0, f1] = f.slice(at) as [Fn, Fn];
  return (o, s, it) => {
    let v = f0(s, it);
    if (v !== undefined) o[k0] = v;
    v = f1(s, it);
    if (v !== undefined) o[k1] = v;
  };
}

function fill3(k: readonly string[], f: readonly Fn[], at: number): Fill {
  const [k0, k1, k2] = k.slice(at) as [string, string, string];
  const [f0, f1, f2] = f.slice(at) as [Fn, Fn, Fn];
  return (o, s, it) => {
    let v = f0(s, it);
    if (v !== undefined) o[k0] = v;
    v = f1(s, it);
    if (v !== undefined) o[k1] = v;
    v = f2(s, it);
    if (v !== undefined) o[k2] = v;
  };
}

function fill4(k: readonly string[], f: readonly Fn[], at: number): Fill {
  const [k0, k1, k2, k3] = k.slice(at) as [string, string, string, string];
  const [f0, f1, f2, f3] = f.slice(at) as [Fn, Fn, Fn, Fn];
  return (o, s, it) => {
    let v = f0(s, it);
    if (v !== undefined) o[k0] = v;
    v = f1(s, it);
    if (v !== undefined) o[k1] = v;
    v = f2(s, it);
    if (v !== undefined) o[k2] = v;
    v = f3(s, it);
    if (v !== undefined) o[k3] = v;
  };
}

function fill6(k: readonly string[], f: readonly Fn[], at: number): Fill {
  const [k0, k1, k2, k3, k4, k5] = k.slice(at) as [string, string, string, string, string, string];
  const [f0, f1, f2, f3, f4, f5] = f.slice(at) as [Fn, Fn, Fn, Fn, Fn, Fn];
  return (o, s, it) => {
    let v = f0(s, it);
    if (v !== undefined) o[k0] = v;
    v = f1(s, it);
    if (v !== undefined) o[k1] = v;
    v = f2(s, it);
    if (v !== undefined) o[k2] = v;
    v = f3(s, it);
    if (v !== undefined) o[k3] = v;
    v = f4(s, it);
    if (v !== undefined) o[k4] = v;
    v = f5(s, it);
    if (v !== undefined) o[k5] = v;
  };
}

const FILLS = [fill6, fill4, fill3, fill2, fill1] as const;
const SIZES = [6, 4, 3, 2, 1] as const;

/** A closure that builds an object with the given fields in order, leaving out fields whose value is missing. */
export function objectBuilder(keys: readonly string[], fns: readonly Fn[]): Fn {
  const fills: Fill[] = [];
  for (let at = 0; at < keys.length; ) {
    const index = SIZES.findIndex((size) => size <= keys.length - at);
    fills.push((FILLS[index] as (typeof FILLS)[number])(keys, fns, at));
    at += SIZES[index] as number;
  }
  if (fills.length === 0) return () => ({});
  if (fills.length === 1) {
    const only = fills[0] as Fill;
    return (s, it) => {
      const out: Bag = {};
      only(out, s, it);
      return out;
    };
  }
  return (s, it) => {
    const out: Bag = {};
    for (let i = 0; i < fills.length; i++) (fills[i] as Fill)(out, s, it);
    return out;
  };
}
