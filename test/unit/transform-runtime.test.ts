import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  compileTemplate,
  shapeFromJsonSchema,
  TransformRuntimeError,
  UNKNOWN_SHAPE,
  type CompileContext,
  type Scope,
} from '../../src/transform/index.js';

const context: CompileContext = {
  file: 'mappings/cart.yaml',
  line: 7,
  sources: { steps: { cart: UNKNOWN_SHAPE } },
};

const references = [
  'body.items[0].sku',
  'body.items[*].sku',
  'body.a.b.c.d.e',
  'body.items[-1]',
  'body["content-type"]',
  'headers["x-tenant"]',
  'steps.cart.items[*].productId',
  'query.limit ?? 10',
  'auth.sub',
  'profile',
  'body.orders[*].lines[*].sku',
];
const wrongData: Scope[] = [
  {},
  { body: null, headers: null, steps: null, query: null, auth: null },
  { body: 'text', headers: 'x', steps: 'x', query: 1, auth: true },
  { body: [1, 2], steps: { cart: 'x' } },
  { body: { items: 'oops', a: { b: 5 }, orders: [null, 1, { lines: 'x' }] } },
  { body: { items: [null, 'x', 3] }, steps: { cart: { items: { productId: 1 } } } },
  { body: JSON.parse('{"__proto__": {"polluted": true}, "items": {"0": {"sku": "x"}}}') },
];

describe('runtime faults never crash', () => {
  it('references into wrong-shaped data give undefined, never throw', () => {
    for (const text of references) {
      const compiled = compileExpression(text, context);
      for (const scope of wrongData) expect(() => compiled.evaluate(scope), `${text} on ${JSON.stringify(scope)}`).not.toThrow();
    }
    expect(compileExpression('body.items[0].sku', context).evaluate({ body: { items: 'oops' } })).toBeUndefined();
    expect(compileExpression('body.items[*].sku', context).evaluate({ body: { items: 'oops' } })).toBeUndefined();
    expect(compileExpression('body.a.b.c', context).evaluate({ body: { a: { b: 5 } } })).toBeUndefined();
  });

  it('templates over wrong-shaped data leave missing fields out', () => {
    const template = compileTemplate({ id: '=path.id', lines: '=body.items[*].sku', nested: { city: '=body.address.city' } }, context);
    expect(template.evaluate({ path: {}, body: { items: 'x', address: [] } })).toEqual({ nested: {} });
  });

  it('a function given the wrong type throws TransformRuntimeError with the expression and location', () => {
    const compiled = compileExpression('concat("#", upper(body.code))', context);
    let caught: unknown;
    try {
      compiled.evaluate({ body: { code: 42 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TransformRuntimeError);
    const error = caught as TransformRuntimeError;
    expect(error.code).toBe('TRANSFORM_RUNTIME');
    expect(error.expression).toBe('concat("#", upper(body.code))');
    expect(error.file).toBe('mappings/cart.yaml');
    expect(error.line).toBe(7);
    expect(error.column).toBe(13);
    expect(error.reason).toBe('upper() expects a string, got number');
    expect(error.message).toBe('mappings/cart.yaml:7:13: upper() expects a string, got number (in `concat("#", upper(body.code))`)');
  });

  it('inside a template the error names the field expression and its line', () => {
    const template = compileTemplate({ a: 1, total: '=toNumber(steps.cart.total)' }, { ...context, lineOf: (p) => (p === '/total' ? 9 : undefined) });
    expect(() => template.evaluate({ steps: { cart: { total: 'n/a' } } })).toThrowError(
      'mappings/cart.yaml:9:1: toNumber() expects a number or numeric string, got string "n/a" (in `toNumber(steps.cart.total)`)',
    );
  });

  it('default, coalesce and ?? recover from missing values', () => {
    expect(compileExpression('default(toNumber(query.limit), 20)', context).evaluate({})).toBe(20);
    expect(compileExpression('coalesce(body.a.b, body.c, "x")', context).evaluate({ body: 'wrong' })).toBe('x');
    expect(compileExpression('body.items[*].sku ?? []', context).evaluate({ body: { items: 3 } })).toEqual([]);
  });

  it('a required target field without a value at runtime fails with the field and expression', () => {
    const target = shapeFromJsonSchema({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } });
    const template = compileTemplate({ id: '=path.id' }, { ...context, sources: { path: shapeFromJsonSchema({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }) } }, target);
    expect(template.evaluate({ path: { id: 'a' } })).toEqual({ id: 'a' });
    expect(() => template.evaluate({ path: {} })).toThrowError('mappings/cart.yaml:7: required field `id` of the target has no value (in `path.id`)');
  });

  it('never reads prototypes or writes __proto__', () => {
    const polluted = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    const merged = compileExpression('merge(body, { x: 1 })', context).evaluate({ body: polluted }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged).toEqual({ ok: 1, x: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(compileExpression('[body.constructor2, body.toString, body.valueOf]', context).evaluate({ body: {} })).toEqual([null, null, null]);
  });

  it('constant expressions are computed once at load', () => {
    const compiled = compileExpression('concat(upper("a"), "-", toString(2))', context);
    expect(compiled.evaluate({})).toBe('A-2');
    expect(compiled.shape).toEqual({ kind: 'string' });
  });

  it('now() reads the injected clock per call', () => {
    let t = 0;
    const compiled = compileExpression('now()', { ...context, clock: () => new Date(t) });
    expect(compiled.evaluate({})).toBe('1970-01-01T00:00:00.000Z');
    t = 1000;
    expect(compiled.evaluate({})).toBe('1970-01-01T00:00:01.000Z');
  });
});

describe('generated object builders and field copies', () => {
  // Field names are the only text that reaches generated code; each must stay exactly one string literal.
  const hostile = ['a"b', "c'd", 'e\\', 'f\u2028g', 'h\ni', '"]; globalThis.pwned = 1; //', '${x}', '\ud800', '0', 'constructor'];

  it('writes hostile field names of a template verbatim and runs none of them', () => {
    const names = hostile.filter((name) => name !== 'constructor'); // reserved in templates
    const template = Object.fromEntries(names.map((name, i) => [name, `=body.v${i}`]));
    const compiled = compileTemplate(template, { ...context, sources: {} });
    const body = Object.fromEntries(names.map((_, i) => [`v${i}`, i]));
    const out = compiled.evaluate({ body }) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual([...names].sort());
    names.forEach((name, i) => expect(out[name]).toBe(i));
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('renames, omits and picks hostile field names of the data verbatim', () => {
    const source = Object.fromEntries(hostile.map((name, i) => [name, i]));
    const renamed = compileExpression('rename(body.x, { "a\\"b": "renamed" })', context).evaluate({ body: { x: source } });
    expect(renamed).toEqual({ ...Object.fromEntries(hostile.filter((n) => n !== 'a"b').map((n) => [n, source[n]])), renamed: 0 });
    const omitted = compileExpression('omit(body.x, "e\\\\", "h\\ni")', context).evaluate({ body: { x: source } });
    expect(Object.keys(omitted as object).sort()).toEqual(hostile.filter((n) => n !== 'e\\' && n !== 'h\ni').sort());
    const picked = compileExpression('pick(body.x, "f\u2028g", "0", "missing")', context).evaluate({ body: { x: source } });
    expect(picked).toEqual({ 'f\u2028g': 3, 0: 8 });
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('copies data of ever new layouts the same way once the per-site budget of generated copies is spent', () => {
    const rename = compileExpression('map(body.rows, rename(it, { a: "A" }))', context);
    const rows = Array.from({ length: 40 }, (_, i) => ({ a: i, [`k${i}`]: i, ...(i % 3 === 0 ? { z: undefined } : {}) }));
    const out = rename.evaluate({ body: { rows } }) as Record<string, unknown>[];
    expect(out).toEqual(rows.map((row, i) => ({ A: i, [`k${i}`]: i })));
    // Layouts seen before are still copied correctly, in source order, from whichever copy holds them.
    expect(rename.evaluate({ body: { rows: [{ k0: 1, a: 2 }, { a: 0, k0: 0 }] } })).toEqual([{ k0: 1, A: 2 }, { A: 0, k0: 0 }]);
    expect(Object.keys((rename.evaluate({ body: { rows: [{ k0: 1, a: 2 }] } }) as object[])[0] as object)).toEqual(['k0', 'A']);
  });

  it('leaves out a __proto__ field of the data instead of replacing the prototype', () => {
    const source = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    for (const expression of ['rename(body.x, { a: "b" })', 'omit(body.x, "z")', 'pick(body.x, "a")']) {
      const out = compileExpression(expression, context).evaluate({ body: { x: source } }) as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(out.polluted).toBeUndefined();
    }
  });
});
