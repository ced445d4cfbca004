import { escapeToken } from '../openapi/json-pointer.js';
import { assignIssues, mayBeMissingMessage, missingFieldMessage, unknownFieldMessage, joinField } from './assign.js';
import { buildObject, compileArray } from './compiler.js';
import { constant, POISON, type Compiled } from './env.js';
import { TransformRuntimeError, type TransformIssue } from './errors.js';
import { compileSource } from './expression.js';
import { RESERVED_KEYS } from './paths.js';
import { describeShape, membersOf, shapeOfValue, unionOf, withoutMissing, type ObjectShape, type Shape } from './shape.js';
import type { CompileContext, Fn } from './types.js';
import { isRecord } from './values.js';

interface State {
  readonly ctx: CompileContext;
  readonly issues: TransformIssue[];
  readonly label: string;
}

/**
 * Compiles a template tree. A string starting with `=` is an expression; `==` starts a literal string that begins
 * with `=` (`"==x"` is the text `=x`); every other value is a literal. Against `target`, every field written is
 * checked (unknown fields, type compatibility, required fields present and never missing).
 */
export function compileTree(template: unknown, ctx: CompileContext, target: Shape | undefined, issues: TransformIssue[]): Compiled {
  const state: State = { ctx, issues, label: ctx.labels?.target ?? 'the target' };
  return node(template, '', '', target, state);
}

/** True for a template string that is an expression: it starts with `=`, and `==` escapes a literal `=`. */
export function isTemplateExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=') && !value.startsWith('==');
}

/**
 * The keys of `root` that a template's expressions read by name, `root.key` or `root['key']`, in order of first
 * use (literal text, `"==root.x"`, reads nothing). A textual scan done at load, for what needs the names before or
 * besides compiling: a mapping's step dependencies, the request headers a route documents. A key computed at run
 * time is not seen.
 */
export function namedReads(template: unknown, root: 'steps' | 'headers' | 'query'): string[] {
  const reference = new RegExp(`\\b${root}\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*["']([^"']+)["']\\s*\\])`, 'g');
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!isTemplateExpression(value)) return;
      for (const match of value.matchAll(reference)) names.add((match[1] ?? match[2]) as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(template);
  return [...names];
}

function push(state: State, pointer: string, expression: string, message: string): void {
  state.issues.push({ file: state.ctx.file, line: lineOf(state, pointer), expression, pointer, message });
}

function lineOf(state: State, pointer: string): number {
  return state.ctx.lineOf?.(pointer) ?? state.ctx.line;
}

function node(value: unknown, pointer: string, field: string, target: Shape | undefined, state: State): Compiled {
  if (isTemplateExpression(value)) {
    const text = value.slice(1);
    const compiled = compileSource(text, state.ctx, lineOf(state, pointer), pointer, state.issues);
    if (target !== undefined && compiled !== POISON) {
      for (const message of assignIssues(withoutMissing(compiled.shape), target, field, state.label)) push(state, pointer, text, message);
    }
    return compiled;
  }
  if (Array.isArray(value)) return arrayNode(value, pointer, field, target, state);
  if (isRecord(value)) return objectNode(value, pointer, field, target, state);
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const literal = typeof value === 'string' && value.startsWith('==') ? value.slice(1) : value;
    const shape = shapeOfValue(literal);
    if (target !== undefined) for (const message of assignIssues(shape, target, field, state.label)) push(state, pointer, JSON.stringify(value), message);
    return constant(literal, shape);
  }
  push(state, pointer, String(value), `a template holds objects, arrays, strings, numbers, booleans and null, not ${typeof value}`);
  return POISON;
}

/** The members of `target` of one kind; reports a mismatch when the target is known and has none. */
function expect<K extends 'array' | 'object'>(kind: K, target: Shape | undefined, pointer: string, field: string, value: unknown, state: State): Extract<Shape, { kind: K }>[] | undefined {
  if (target === undefined) return undefined;
  const members = membersOf(target);
  if (members.some((m) => m.kind === 'unknown')) return undefined;
  const found = members.filter((m): m is Extract<Shape, { kind: K }> => m.kind === kind);
  if (found.length === 0) {
    const where = field === '' ? `the value for ${state.label}` : `\`${field}\` of ${state.label}`;
    push(state, pointer, JSON.stringify(value), `${where} expects ${describeShape(target)}, got ${kind === 'array' ? 'an array' : 'an object'}`);
  }
  return found;
}

function arrayNode(value: readonly unknown[], pointer: string, field: string, target: Shape | undefined, state: State): Compiled {
  const arrays = expect('array', target, pointer, field, value, state);
  const items = arrays === undefined || arrays.length === 0 ? undefined : unionOf(...arrays.map((a) => a.items));
  return compileArray(value.map((item, i) => node(item, `${pointer}/${i}`, `${field}[${i}]`, items, state)));
}

function objectNode(value: Readonly<Record<string, unknown>>, pointer: string, field: string, target: Shape | undefined, state: State): Compiled {
  const objects = expect('object', target, pointer, field, value, state);
  const names = Object.keys(value);
  // Of several object shapes (oneOf), check against the one that declares the most of the template's fields.
  const shape: ObjectShape | undefined = objects?.reduce<ObjectShape | undefined>((best, m) => {
    const score = (o: ObjectShape): number => names.filter((n) => o.properties.has(n)).length;
    return best === undefined || score(m) > score(best) ? m : best;
  }, undefined);
  const keys: string[] = [];
  const values: Compiled[] = [];
  for (const name of names) {
    const at = `${pointer}/${escapeToken(name)}`;
    const path = joinField(field, name);
    const child = value[name];
    if (RESERVED_KEYS.has(name)) {
      push(state, at, name, `\`${name}\` is reserved and can never be written`);
      continue;
    }
    let declared: Shape | undefined;
    if (shape !== undefined) {
      declared = shape.properties.get(name) ?? shape.additional ?? undefined;
      if (declared === undefined) push(state, at, expressionText(child), unknownFieldMessage(field, name, shape, state.label));
    }
    let compiled = node(child, at, path, declared, state);
    if (shape?.required.has(name) === true && compiled.constant === undefined && compiled !== POISON) {
      if (membersOf(compiled.shape).some((m) => m.kind === 'missing')) push(state, at, expressionText(child), mayBeMissingMessage(path, state.label));
      compiled = requirePresent(compiled, path, state, at, expressionText(child));
    }
    keys.push(name);
    values.push(compiled);
  }
  if (shape !== undefined) {
    for (const name of shape.required) {
      if (!Object.hasOwn(value, name)) push(state, pointer, JSON.stringify(value), missingFieldMessage(joinField(field, name), state.label));
    }
  }
  return buildObject(keys, values);
}

function expressionText(value: unknown): string {
  return isTemplateExpression(value) ? value.slice(1) : JSON.stringify(value) ?? String(value);
}

/**
 * A required target field computed by an expression: if the data turns out not to match its declared shape and the
 * value is missing at runtime, fail with the field and the expression instead of sending an incomplete message.
 */
function requirePresent(compiled: Compiled, path: string, state: State, pointer: string, text: string): Compiled {
  const f: Fn = compiled.fn;
  const site = { expression: text, file: state.ctx.file, line: lineOf(state, pointer) };
  const message = `required field \`${path}\` of ${state.label} has no value`;
  return {
    shape: compiled.shape,
    fn: (s, it) => {
      const v = f(s, it);
      if (v === undefined) throw new TransformRuntimeError(message, site);
      return v;
    },
  };
}
