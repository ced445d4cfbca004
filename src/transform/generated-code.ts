/*
 * The one place the transform engine turns text into a function, and the rules that keep it safe.
 *
 * Why at all: the engine compiles expressions into closures, but objects built by closures share their store sites
 * between every mapping, and V8 caches a store site by the field names it sees: past four names it turns
 * megamorphic and each store costs ~15 ns instead of ~2. A function of its own per object layout gives every field
 * its own named store, as hand-written code has. Measured with `node bench/transform.mjs`: 0.33× hand-written
 * speed with closures only, ~0.7× with generated object builders and field copies.
 *
 * What is generated is fixed text around field names, and nothing else: every name is emitted through
 * {@link jsString} (JSON.stringify: quotes, backslashes and line terminators escaped, so any string is exactly one
 * string literal), every computed value comes from a closure passed in as an argument. No text of an expression,
 * and no value, ever becomes code. ajv, which already compiles this process's schemas, works the same way.
 */

/** `value` as a JavaScript string literal; JSON string syntax is a subset of JavaScript's since ES2019. */
export function jsString(value: string): string {
  return JSON.stringify(value);
}

/** Makes a function from generated `body` (strict mode) taking `parameters`; see the rules at the top of this file. */
export function generatedFunction<T>(parameters: readonly string[], body: string): (...args: never[]) => T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one sanctioned use, see above
  return new Function(...parameters, `"use strict";\n${body}`) as (...args: never[]) => T;
}
