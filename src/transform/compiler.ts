import { deepFreeze } from '../config/deep-freeze.js';
import { constant, POISON, type Compiled, type Env } from './env.js';
import { didYouMean, TransformRuntimeError } from './errors.js';
import { FUNCTIONS, type ArgInfo, type CallSite, type FunctionSpec, type ParamKind } from './functions.js';
import { objectBuilder } from './object-builders.js';
import { compileOperator } from './operators.js';
import type { Node } from './parser.js';
import { RESERVED_KEYS } from './paths.js';
import { compileChain, elements } from './references.js';
import { arrayOf, describeShape, membersOf, NULL, objectOf, shapeOfValue, UNKNOWN_SHAPE, unionOf, type Shape } from './shape.js';
import type { Fn, Scope } from './types.js';
import type { Bag } from './values.js';

const EMPTY_SCOPE: Scope = Object.freeze({});

/** Compiles one AST node into a closure, checking it against the shapes in `env` and reporting every mistake. */
export function compileNode(node: Node, env: Env): Compiled {
  switch (node.type) {
    case 'literal':
      return constant(node.value, shapeOfValue(node.value));
    case 'name':
    case 'member':
    case 'project':
      return compileChain(node, env, (base) => compileNode(base, env));
    case 'call':
      return compileCall(node, env);
    case 'array':
      return compileArray(node.items.map((item) => compileNode(item, env)));
    case 'object':
      return compileObject(node, env);
    default:
      return compileOperator(node, env, (child) => compileNode(child, env));
  }
}

/** Folds a node whose inputs are all known at load; a runtime fault found while folding is a load error. */
export function fold(compiled: Compiled, inputs: readonly Compiled[], env: Env, offset: number): Compiled {
  if (!inputs.every((input) => input.constant !== undefined)) return compiled;
  try {
    return constant(deepFreeze(compiled.fn(EMPTY_SCOPE, undefined)), compiled.shape);
  } catch (error) {
    if (error instanceof TransformRuntimeError) env.report(error.reason, offset);
    return POISON;
  }
}

export function compileArray(items: readonly Compiled[]): Compiled {
  const shape = arrayOf(items.length === 0 ? unionOf() : unionOf(...items.map((i) => replaceMissing(i.shape))));
  if (items.every((i) => i.constant !== undefined)) return constant(deepFreeze(items.map((i) => i.constant?.value ?? null)), shape);
  const fns = items.map((i) => i.fn);
  return {
    shape,
    fn: (s, it) => {
      const out = new Array<unknown>(fns.length);
      for (let i = 0; i < fns.length; i++) out[i] = (fns[i] as Fn)(s, it) ?? null;
      return out;
    },
  };
}

// Inside arrays a missing value is written as null (JSON has no "missing" array item).
function replaceMissing(shape: Shape): Shape {
  return membersOf(shape).some((m) => m.kind === 'missing') ? unionOf(...membersOf(shape).map((m) => (m.kind === 'missing' ? NULL : m))) : shape;
}

function compileObject(node: Extract<Node, { type: 'object' }>, env: Env): Compiled {
  const keys: string[] = [];
  const values: Compiled[] = [];
  for (const entry of node.entries) {
    if (RESERVED_KEYS.has(entry.key)) env.report(`\`${entry.key}\` is reserved and can never be written`, entry.start);
    else if (keys.includes(entry.key)) env.report(`field \`${entry.key}\` is written twice`, entry.start);
    else {
      keys.push(entry.key);
      values.push(compileNode(entry.value, env));
      continue;
    }
    compileNode(entry.value, env);
  }
  return buildObject(keys, values);
}

/** An object with a fixed list of fields; fields whose value is missing are left out. Shared with templates. */
export function buildObject(keys: readonly string[], values: readonly Compiled[], shape?: Shape): Compiled {
  const required = keys.filter((_, i) => !membersOf((values[i] as Compiled).shape).some((m) => m.kind === 'missing'));
  const result = shape ?? objectOf(keys.map((k, i) => [k, (values[i] as Compiled).shape] as const), required);
  if (values.every((v) => v.constant !== undefined)) {
    const out: Bag = {};
    keys.forEach((k, i) => {
      const value = values[i]?.constant?.value;
      if (value !== undefined) out[k] = value;
    });
    return constant(deepFreeze(out), result);
  }
  return { shape: result, fn: objectBuilder(keys, values.map((v) => v.fn)) };
}

const ACCEPTS: Readonly<Record<ParamKind, readonly Shape['kind'][]>> = {
  any: ['unknown', 'missing', 'null', 'boolean', 'integer', 'number', 'string', 'array', 'object'],
  string: ['string'],
  number: ['integer', 'number'],
  scalar: ['string', 'integer', 'number', 'boolean'],
  array: ['array'],
  object: ['object'],
  'text-or-array': ['string', 'integer', 'number', 'boolean', 'array'],
  name: ['string'],
};
const KIND_WORDS: Readonly<Record<ParamKind, string>> = {
  any: 'anything',
  string: 'a string',
  number: 'a number',
  scalar: 'a string, number or boolean',
  array: 'an array',
  object: 'an object',
  'text-or-array': 'a string, number, boolean or array',
  name: 'a quoted field name',
};

function compileCall(node: Extract<Node, { type: 'call' }>, env: Env): Compiled {
  const spec = FUNCTIONS.get(node.name);
  if (spec === undefined) {
    const guess = didYouMean(node.name, FUNCTIONS.keys());
    const hint = guess === undefined ? `; the functions are ${[...FUNCTIONS.keys()].join(', ')}` : `; did you mean \`${guess}\`?`;
    env.report(`unknown function \`${node.name}\`${hint}`, node.start);
    for (const arg of node.args) compileNode(arg, env);
    return POISON;
  }
  const count = node.args.length;
  if (count < spec.min || count > spec.max) {
    const expected = spec.min === spec.max ? `${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
    const plural = spec.min === 1 && spec.max === 1 ? 'argument' : 'arguments';
    env.report(`${node.name}() takes ${expected} ${plural}, got ${count}: ${spec.signature}`, node.start);
    for (const arg of node.args) compileNode(arg, env);
    return POISON;
  }
  const args = compileArguments(node, spec, env);
  if (args === undefined) return POISON;
  const infos: ArgInfo[] = args.map((a, i) => ({ shape: a.shape, constant: a.constant, text: textOf(node.args[i] as Node, env) }));
  let failed = false;
  const shape = spec.result(infos, (message, arg) => {
    failed = true;
    env.report(message, arg === undefined ? node.start : (node.args[arg] as Node).start);
  });
  if (failed) return POISON;
  const offset = node.start;
  const call: CallSite = {
    fail: (message) => {
      throw new TransformRuntimeError(message, env.site(offset));
    },
    clock: env.clock,
  };
  const compiled: Compiled = { fn: spec.make(args.map((a) => a.fn), call, infos), shape };
  return spec.pure ? fold(compiled, args, env, offset) : compiled;
}

function compileArguments(node: Extract<Node, { type: 'call' }>, spec: FunctionSpec, env: Env): Compiled[] | undefined {
  const args: Compiled[] = [];
  let ok = true;
  node.args.forEach((arg, i) => {
    let compiled: Compiled;
    if (node.name === 'map' && i === 1) {
      const items = elements((args[0] as Compiled).shape) ?? UNKNOWN_SHAPE;
      compiled = compileNode(arg, { ...env, it: { shape: items, label: `the items of \`${textOf(node.args[0] as Node, env)}\`` } });
    } else {
      compiled = compileNode(arg, env);
    }
    args.push(compiled);
    const kind = spec.params[Math.min(i, spec.params.length - 1)] ?? 'any';
    if (kind === 'name' || compiled === POISON) return;
    const known = membersOf(compiled.shape).filter((m) => m.kind !== 'null' && m.kind !== 'missing');
    if (known.length === 0 || known.some((m) => m.kind === 'unknown' || ACCEPTS[kind].includes(m.kind))) return;
    ok = false;
    env.report(`argument ${i + 1} of ${node.name}() must be ${KIND_WORDS[kind]}, got ${describeShape(compiled.shape)}: ${spec.signature}`, arg.start);
  });
  return ok ? args : undefined;
}

export function textOf(node: Node, env: Env): string {
  return env.text.slice(node.start, node.end);
}
