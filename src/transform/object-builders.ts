import { generatedFunction, jsString } from './generated-code.js';
import type { Fn } from './types.js';

/** The most fields one generated builder takes as separate parameters; bigger templates pass an array. */
const MAX_PARAMETERS = 64;

/**
 * A function that builds an object with the given fields in template order, leaving out fields whose value is
 * missing. Generated per template (see generated-code.ts for why, and for what may be generated).
 */
export function objectBuilder(keys: readonly string[], fns: readonly Fn[]): Fn {
  if (keys.length === 0) return () => ({});
  const direct = keys.length <= MAX_PARAMETERS;
  let body = 'return function build(s, it) {\n  const o = {};\n  let v;\n';
  for (let i = 0; i < keys.length; i++) {
    body += `  v = ${direct ? `f${i}` : `f[${i}]`}(s, it);\n  if (v !== undefined) o[${jsString(keys[i] as string)}] = v;\n`;
  }
  body += '  return o;\n};';
  const factory = generatedFunction<Fn>(direct ? keys.map((_, i) => `f${i}`) : ['f'], body) as (...closures: unknown[]) => Fn;
  return direct ? factory(...fns) : factory(fns);
}
