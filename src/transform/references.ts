import { constant, POISON, type Compiled, type Env } from './env.js';
import { didYouMean } from './errors.js';
import { FUNCTIONS } from './functions.js';
import type { Node } from './parser.js';
import { compileGetter, RESERVED_KEYS, type Segment } from './paths.js';
import { arrayOf, describeShape, membersOf, MISSING, objectOf, STRING, UNKNOWN_SHAPE, unionOf, withoutMissing, type Shape } from './shape.js';
import type { Fn, SourceName } from './types.js';

const SOURCES: readonly SourceName[] = ['path', 'query', 'headers', 'body', 'auth', 'profile'];
const DEFAULT_LABELS: Readonly<Record<SourceName, string>> = {
  path: 'the path parameters',
  query: 'the query parameters',
  headers: 'the request headers',
  body: 'the request body',
  auth: "the caller's claims",
  profile: 'the profile',
};
const ROOTS: Readonly<Record<SourceName | 'steps', Fn>> = {
  path: (s) => s.path,
  query: (s) => s.query,
  headers: (s) => s.headers,
  body: (s) => s.body,
  auth: (s) => s.auth,
  profile: (s) => s.profile,
  steps: (s) => s.steps,
};
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

interface Step {
  readonly segment: Segment;
  /** End offset of this segment in the text (the reference up to here is `text.slice(start, end)`). */
  readonly end: number;
}

function render(segment: Segment): string {
  if (segment.kind === 'all') return '[*]';
  if (segment.kind === 'index') return `[${segment.index}]`;
  return IDENTIFIER.test(segment.key) ? `.${segment.key}` : `[${JSON.stringify(segment.key)}]`;
}

/**
 * Compiles a reference or a member chain (`body.items[*].sku`, `steps.cart.total`, `merge(a, b).id`): checks every
 * step against the source's shape at load and builds a getter that never throws.
 */
export function compileChain(node: Node, env: Env, compileBase: (node: Node) => Compiled): Compiled {
  const steps: Step[] = [];
  let base = node;
  while (base.type === 'member' || base.type === 'project') {
    const segment: Segment =
      base.type === 'project' ? { kind: 'all' } : typeof base.key === 'number' ? { kind: 'index', index: base.key } : { kind: 'key', key: base.key };
    steps.unshift({ segment, end: base.end });
    base = base.object;
  }
  const start = base.start;
  const textTo = (end: number): string => env.text.slice(start, end);

  let root: Fn;
  let shape: Shape;
  let label: string;
  let known: Compiled | undefined;
  let first = 0;
  if (base.type !== 'name') {
    known = compileBase(base);
    root = known.fn;
    shape = known.shape;
    label = `the value of \`${textTo(base.end)}\``;
  } else if ((SOURCES as readonly string[]).includes(base.name)) {
    const source = base.name as SourceName;
    root = ROOTS[source];
    shape = env.ctx.sources[source] ?? (source === 'profile' ? STRING : UNKNOWN_SHAPE);
    label = env.ctx.labels?.[source] ?? DEFAULT_LABELS[source];
    if (source === 'headers') lowerHeaderName(steps);
  } else if (base.name === 'steps') {
    const declared = env.ctx.sources.steps ?? {};
    root = ROOTS.steps;
    const stepName = steps[0]?.segment;
    if (stepName === undefined) {
      shape = objectOf(Object.entries(declared));
      label = 'the earlier steps';
    } else {
      const name = stepName.kind === 'key' ? stepName.key : render(stepName);
      if (stepName.kind !== 'key' || !Object.hasOwn(declared, name) || RESERVED_KEYS.has(name)) {
        const names = Object.keys(declared);
        const guess = didYouMean(name, names);
        const rest = guess !== undefined ? `; did you mean \`steps.${guess}\`?` : names.length === 0 ? ' (no step runs before this one)' : `; earlier steps: ${names.join(', ')}`;
        env.report(`\`${textTo(steps[0]?.end ?? base.end)}\` is not an earlier step${rest}`, base.start);
        return POISON;
      }
      shape = declared[name] as Shape;
      label = env.ctx.labels?.steps?.[name] ?? `the response of step ${name}`;
      first = 1;
    }
  } else if (base.name === 'env') {
    return envConstant(steps, env, start, textTo);
  } else if (base.name === 'it' && env.it !== undefined) {
    root = (_s, it) => it;
    shape = env.it.shape;
    label = env.it.label;
  } else {
    unknownName(base.name, base.start, env);
    return POISON;
  }

  const result = walk(shape, steps, first, { env, label, textTo, start, baseEnd: base.end });
  if (result === undefined) return POISON;
  const getter = compileGetter(steps.map((s) => s.segment));
  if (getter === undefined) return known ?? { fn: root, shape: result };
  if (known?.constant !== undefined) return constant(getter(known.constant.value), result);
  return { fn: rooted(base.type === 'name' ? base.name : undefined, root, getter), shape: result };
}

// One closure per root, so the common `body.a.b` / `it.sku` reads the scope field directly and calls the getter once.
function rooted(name: string | undefined, root: Fn, getter: (value: unknown) => unknown): Fn {
  switch (name) {
    case 'it':
      return (_s, it) => getter(it);
    case 'body':
      return (s) => getter(s.body);
    case 'path':
      return (s) => getter(s.path);
    case 'query':
      return (s) => getter(s.query);
    case 'headers':
      return (s) => getter(s.headers);
    case 'auth':
      return (s) => getter(s.auth);
    case 'steps':
      return (s) => getter(s.steps);
    default:
      return (s, it) => getter(root(s, it));
  }
}

// Node lower-cases incoming header names, so `headers["X-Tenant"]` means the same as `headers["x-tenant"]`.
function lowerHeaderName(steps: Step[]): void {
  const head = steps[0];
  if (head?.segment.kind === 'key') steps[0] = { ...head, segment: { kind: 'key', key: head.segment.key.toLowerCase() } };
}

function envConstant(steps: readonly Step[], env: Env, start: number, textTo: (end: number) => string): Compiled {
  const head = steps[0];
  const values = env.ctx.env ?? {};
  if (head === undefined || head.segment.kind !== 'key') {
    env.report('`env` is followed by the name of a constant, like `env.REGION`', start);
    return POISON;
  }
  const name = head.segment.key;
  if (!Object.hasOwn(values, name) || RESERVED_KEYS.has(name)) {
    const guess = didYouMean(name, Object.keys(values));
    env.report(`\`${textTo(head.end)}\` is not a configured constant${guess === undefined ? '' : `; did you mean \`env.${guess}\`?`}`, start);
    return POISON;
  }
  if (steps.length > 1) {
    env.report(`\`${textTo(steps[1]?.end ?? head.end)}\` cannot be read: \`${textTo(head.end)}\` is a string`, start);
    return POISON;
  }
  return constant(values[name], STRING);
}

function unknownName(name: string, offset: number, env: Env): void {
  if (name === 'it') {
    env.report('`it` is only defined inside map(items, expression), where it is the current item', offset);
    return;
  }
  if (FUNCTIONS.has(name)) {
    env.report(`\`${name}\` is a function; call it as ${name}(…)`, offset);
    return;
  }
  const roots = [...SOURCES, 'steps', 'env', ...(env.it === undefined ? [] : ['it'])];
  const guess = didYouMean(name, roots);
  const hint = guess === undefined ? `; a reference starts with ${roots.join(', ')}` : `; did you mean \`${guess}\`?`;
  env.report(`unknown name \`${name}\`${hint}`, offset);
}

interface WalkContext {
  readonly env: Env;
  readonly label: string;
  readonly textTo: (end: number) => string;
  readonly start: number;
  readonly baseEnd: number;
}

/** The shape at the end of the path, or `undefined` after reporting the first step that cannot be taken. */
function walk(shape: Shape, steps: readonly Step[], from: number, w: WalkContext): Shape | undefined {
  let current = shape;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i] as Step;
    const prefixEnd = i === 0 ? undefined : (steps[i - 1] as Step).end;
    const prefix = w.textTo(prefixEnd ?? w.baseEnd);
    const reference = w.textTo(step.end);
    // Point at the failing name: after the "." of `.name`, at the "[" of `["name"]`, `[0]` or `[*]`.
    const offset = (prefixEnd ?? w.baseEnd) + (render(step.segment).startsWith('.') ? 1 : 0);
    const segment = step.segment;
    if (segment.kind === 'all') {
      const items = elements(current);
      if (items === undefined) {
        w.env.report(`\`${reference}\` cannot be read: \`${prefix}\` is ${describeShape(current)}, not an array`, offset);
        return undefined;
      }
      const rest = walk(items, steps, i + 1, w);
      if (rest === undefined) return undefined;
      let inner = withoutMissing(rest);
      if (steps.slice(i + 1).some((s) => s.segment.kind === 'all')) inner = elements(inner) ?? UNKNOWN_SHAPE;
      const alwaysArray = membersOf(current).every((m) => m.kind === 'array');
      return alwaysArray ? arrayOf(inner) : unionOf(arrayOf(inner), MISSING);
    }
    if (segment.kind === 'key' && RESERVED_KEYS.has(segment.key)) {
      w.env.report(`\`${reference}\` can never be read: \`${segment.key}\` is reserved`, offset);
      return undefined;
    }
    const next = segment.kind === 'key' ? field(current, segment.key) : index(current);
    if (typeof next !== 'string') {
      current = next;
      continue;
    }
    if (next === 'absent' && segment.kind === 'key') {
      const names = [...new Set(membersOf(current).flatMap((m) => (m.kind === 'object' ? [...m.properties.keys()] : [])))];
      const guess = didYouMean(segment.key, names);
      const rest =
        guess !== undefined ? `; did you mean \`${prefix}${render({ kind: 'key', key: guess })}\`?` : names.length === 0 ? ' (it has no fields)' : `; it has: ${names.join(', ')}`;
      w.env.report(`\`${reference}\` is not in ${w.label}${rest}`, offset);
    } else {
      const arrayHint =
        segment.kind === 'key' && elements(current) !== undefined
          ? `; use \`${prefix}[*]${render(segment)}\` for every item or \`${prefix}[0]${render(segment)}\` for the first`
          : '';
      const expected = segment.kind === 'key' ? 'an object' : 'an array';
      w.env.report(`\`${reference}\` cannot be read: \`${prefix}\` is ${describeShape(current)}, not ${expected}${arrayHint}`, offset);
    }
    return undefined;
  }
  return current;
}

/** The shape of a field, `'absent'` when no object member has it, `'wrong'` when no member is an object. */
function field(shape: Shape, key: string): Shape | 'absent' | 'wrong' {
  const results: Shape[] = [];
  let objects = 0;
  let others = 0;
  for (const m of membersOf(shape)) {
    if (m.kind === 'unknown') return UNKNOWN_SHAPE;
    if (m.kind === 'missing' || m.kind === 'null') results.push(MISSING);
    else if (m.kind === 'object') {
      objects++;
      const property = m.properties.get(key);
      if (property !== undefined) results.push(m.required.has(key) ? property : unionOf(property, MISSING));
      else if (m.additional !== null) results.push(unionOf(m.additional, MISSING));
    } else {
      others++;
      results.push(MISSING);
    }
  }
  if (objects === 0) return others > 0 ? 'wrong' : MISSING;
  if (!results.some((r) => r !== MISSING)) return 'absent';
  return unionOf(...results);
}

function index(shape: Shape): Shape | 'wrong' {
  const results: Shape[] = [];
  let arrays = 0;
  let others = 0;
  for (const m of membersOf(shape)) {
    if (m.kind === 'unknown') return UNKNOWN_SHAPE;
    if (m.kind === 'array') {
      arrays++;
      results.push(m.items, MISSING);
    } else {
      if (m.kind !== 'missing' && m.kind !== 'null') others++;
      results.push(MISSING);
    }
  }
  if (arrays === 0 && others > 0) return 'wrong';
  return unionOf(...results);
}

/** The item shape of an array-like shape, `undefined` when no member can be an array. */
export function elements(shape: Shape): Shape | undefined {
  const items: Shape[] = [];
  for (const m of membersOf(shape)) {
    if (m.kind === 'unknown') return UNKNOWN_SHAPE;
    if (m.kind === 'array') items.push(m.items);
  }
  return items.length === 0 ? undefined : unionOf(...items);
}
