import { fold } from './compiler.js';
import type { Compiled, Env } from './env.js';
import { TransformRuntimeError } from './errors.js';
import { nullish } from './function-helpers.js';
import type { BinaryOp, Node } from './parser.js';
import { BOOLEAN, describeShape, membersOf, NUMBER, unionOf, withoutMissing, withoutNullish, type Shape } from './shape.js';
import type { Fn } from './types.js';
import { deepEqual, typeName } from './values.js';

type OperatorNode = Extract<Node, { type: 'unary' | 'binary' | 'conditional' }>;

/**
 * `!` `-` (unary), `??` `||` `&&` `==` `!=` `<` `<=` `>` `>=`, and `test ? then : otherwise`.
 * - `&&`, `||`, `!` and the test of `? :` use JavaScript truthiness and give booleans (`&&` / `||` do not return operands).
 * - `==` / `!=` compare JSON values structurally without coercion; missing equals null.
 * - `<` `<=` `>` `>=` compare two numbers or two strings; null or missing on either side gives false; other
 *   operands are a runtime error (and a load error when the shapes already show it).
 */
export function compileOperator(node: OperatorNode, env: Env, compile: (node: Node) => Compiled): Compiled {
  if (node.type === 'conditional') {
    const test = compile(node.test);
    const then = compile(node.then);
    const otherwise = compile(node.otherwise);
    if (test.constant !== undefined) return test.constant.value ? then : otherwise;
    const [t, a, b] = [test.fn, then.fn, otherwise.fn];
    return { shape: unionOf(then.shape, otherwise.shape), fn: (s, it) => (t(s, it) ? a(s, it) : b(s, it)) };
  }
  if (node.type === 'unary') {
    const operand = compile(node.operand);
    const f = operand.fn;
    if (node.op === '!') return fold({ shape: BOOLEAN, fn: (s, it) => !f(s, it) }, [operand], env, node.start);
    if (!numeric(operand.shape)) env.report(`\`-\` negates a number, got ${describeShape(operand.shape)}`, node.start);
    const fail = failer(env, node.start);
    const negate: Fn = (s, it) => {
      const v = f(s, it);
      if (v === undefined || v === null) return v;
      return typeof v === 'number' ? -v : fail(`\`-\` negates a number, got ${typeName(v)}`);
    };
    return fold({ shape: unionOf(NUMBER, ...nullish(operand.shape)), fn: negate }, [operand], env, node.start);
  }
  const left = compile(node.left);
  const right = compile(node.right);
  const compiled = binary(node.op, left, right, env, node);
  return fold(compiled, [left, right], env, node.start);
}

function binary(op: BinaryOp, left: Compiled, right: Compiled, env: Env, node: Node): Compiled {
  const l = left.fn;
  const r = right.fn;
  switch (op) {
    case '??':
      if (left.constant !== undefined && left.constant.value !== undefined && left.constant.value !== null) return left;
      return { shape: unionOf(withoutNullish(left.shape), right.shape), fn: (s, it) => l(s, it) ?? r(s, it) };
    case '||':
      return { shape: BOOLEAN, fn: (s, it) => Boolean(l(s, it)) || Boolean(r(s, it)) };
    case '&&':
      return { shape: BOOLEAN, fn: (s, it) => Boolean(l(s, it)) && Boolean(r(s, it)) };
    case '==':
    case '!=': {
      checkComparable(op, left.shape, right.shape, env, node, false);
      const negate = op === '!=';
      const scalar = [left, right].find((c) => c.constant !== undefined && typeof c.constant.value !== 'object');
      if (scalar !== undefined) {
        // Comparing with a string, number or boolean literal: identity is enough, no structural walk.
        const value = scalar.constant?.value;
        const other = scalar === left ? r : l;
        return { shape: BOOLEAN, fn: negate ? (s, it) => other(s, it) !== value : (s, it) => other(s, it) === value };
      }
      const equal = (a: unknown, b: unknown): boolean => deepEqual(a ?? null, b ?? null);
      return { shape: BOOLEAN, fn: negate ? (s, it) => !equal(l(s, it), r(s, it)) : (s, it) => equal(l(s, it), r(s, it)) };
    }
    default:
      return compileOrdering(op, left, right, env, node);
  }
}

function compileOrdering(op: BinaryOp, left: Compiled, right: Compiled, env: Env, node: Node): Compiled {
  checkComparable(op, left.shape, right.shape, env, node, true);
  const fail = failer(env, node.start);
  const test: (a: number | string, b: number | string) => boolean =
    op === '<' ? (a, b) => a < b : op === '<=' ? (a, b) => a <= b : op === '>' ? (a, b) => a > b : (a, b) => a >= b;
  const l = left.fn;
  const r = right.fn;
  return {
    shape: BOOLEAN,
    fn: (s, it) => {
      const a = l(s, it);
      const b = r(s, it);
      if (a === undefined || a === null || b === undefined || b === null) return false;
      if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return test(a, b);
      return fail(`\`${op}\` compares two numbers or two strings, got ${typeName(a)} and ${typeName(b)}`);
    },
  };
}

type Family = 'number' | 'string' | 'boolean' | 'array' | 'object';

function families(shape: Shape): Set<Family> | undefined {
  const out = new Set<Family>();
  for (const m of membersOf(shape)) {
    if (m.kind === 'unknown') return undefined;
    if (m.kind === 'integer' || m.kind === 'number') out.add('number');
    else if (m.kind === 'string' || m.kind === 'boolean' || m.kind === 'array' || m.kind === 'object') out.add(m.kind);
  }
  return out;
}

/** A comparison whose operand shapes can never match is a load error (`"1" == 1` is always false here). */
function checkComparable(op: string, a: Shape, b: Shape, env: Env, node: Node, ordering: boolean): void {
  const left = families(a);
  const right = families(b);
  if (left === undefined || right === undefined || left.size === 0 || right.size === 0) return;
  const both = [...left].filter((f) => right.has(f));
  const usable = ordering ? both.filter((f) => f === 'number' || f === 'string') : both;
  if (usable.length > 0) return;
  const what = ordering ? 'compares two numbers or two strings' : 'never holds between different types';
  env.report(`\`${op}\` ${what}, got ${describeShape(withoutMissing(a))} and ${describeShape(withoutMissing(b))}; convert one side with toNumber() or toString()`, node.start);
}

function numeric(shape: Shape): boolean {
  const known = membersOf(withoutNullish(shape));
  return known.length === 0 || known.some((m) => m.kind === 'unknown' || m.kind === 'integer' || m.kind === 'number');
}

function failer(env: Env, offset: number): (message: string) => never {
  return (message) => {
    throw new TransformRuntimeError(message, env.site(offset));
  };
}
