import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  compileTemplate,
  formatTransformIssue,
  shapeFromJsonSchema,
  TransformError,
  UNKNOWN_SHAPE,
  type CompileContext,
} from '../../src/transform/index.js';

const body = shapeFromJsonSchema({
  type: 'object',
  required: ['items'],
  properties: {
    customerId: { type: 'string' },
    items: { type: 'array', items: { $ref: '#/components/schemas/Line' } },
    note: { type: 'string', nullable: true },
  },
}, (ref) => (ref === '#/components/schemas/Line' ? { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, quantity: { type: 'string' } } } : undefined));

const context: CompileContext = {
  file: 'mappings/orders.yaml',
  line: 12,
  sources: {
    body,
    path: shapeFromJsonSchema({ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }),
    steps: { cart: UNKNOWN_SHAPE, products: shapeFromJsonSchema({ type: 'object', properties: { items: { type: 'array' } } }) },
  },
  labels: { body: 'the request schema of createOrder', target: 'the request message of shop.CreateOrder' },
  env: { REGION: 'eu-west-1' },
};

const target = shapeFromJsonSchema({
  type: 'object',
  required: ['orderId', 'lines'],
  properties: {
    orderId: { type: 'integer' },
    customer: { type: 'string' },
    lines: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, quantity: { type: 'integer' } } } },
  },
});

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof TransformError) return error.issues.map(formatTransformIssue);
    throw error;
  }
  return [];
}

describe('load-time type errors name the file, line, column, expression and what exists instead', () => {
  const expressions: [string, string, string[]][] = [
    ['typo with did-you-mean', 'body.itms', ['mappings/orders.yaml:12:6: `body.itms` is not in the request schema of createOrder; did you mean `body.items`? (in `body.itms`)']],
    ['nested typo through a $ref and a projection', 'body.items[*].skus', ['mappings/orders.yaml:12:15: `body.items[*].skus` is not in the request schema of createOrder; did you mean `body.items[*].sku`? (in `body.items[*].skus`)']],
    ['no close name: lists what exists', 'body.zzzzzz', ['mappings/orders.yaml:12:6: `body.zzzzzz` is not in the request schema of createOrder; it has: customerId, items, note (in `body.zzzzzz`)']],
    ['field of an array', 'body.items.sku', ['mappings/orders.yaml:12:12: `body.items.sku` cannot be read: `body.items` is array of object { sku, quantity }, not an object; use `body.items[*].sku` for every item or `body.items[0].sku` for the first (in `body.items.sku`)']],
    ['unknown function', 'uper(body.customerId)', ['mappings/orders.yaml:12:1: unknown function `uper`; did you mean `upper`? (in `uper(body.customerId)`)']],
    ['wrong arity', 'toNumber(path.id, 10)', ['mappings/orders.yaml:12:1: toNumber() takes 1 argument, got 2: toNumber(value: string | number | boolean): number (in `toNumber(path.id, 10)`)']],
    ['wrong argument type', 'upper(body.items)', ['mappings/orders.yaml:12:7: argument 1 of upper() must be a string, got array of object { sku, quantity }: upper(text: string): string (in `upper(body.items)`)']],
    ['unknown step', 'steps.crt.items', ['mappings/orders.yaml:12:1: `steps.crt` is not an earlier step; did you mean `steps.cart`? (in `steps.crt.items`)']],
    ['__proto__', 'body.__proto__.x', ['mappings/orders.yaml:12:6: `body.__proto__` can never be read: `__proto__` is reserved (in `body.__proto__.x`)']],
    ['constructor through brackets', 'steps.cart["constructor"]', ['mappings/orders.yaml:12:12: `steps.cart["constructor"]` can never be read: `constructor` is reserved (in `steps.cart["constructor"]`)']],
    ['__proto__ as an object key', '{ __proto__: 1 }', ['mappings/orders.yaml:12:3: `__proto__` is reserved and can never be written (in `{ __proto__: 1 }`)']],
    ['unknown root with suggestion', 'bdy.items', ['mappings/orders.yaml:12:1: unknown name `bdy`; did you mean `body`? (in `bdy.items`)']],
    ['it outside map', 'it.sku', ['mappings/orders.yaml:12:1: `it` is only defined inside map(items, expression), where it is the current item (in `it.sku`)']],
    ['typo inside map', 'map(body.items, it.skuu)', ['mappings/orders.yaml:12:20: `it.skuu` is not in the items of `body.items`; did you mean `it.sku`? (in `map(body.items, it.skuu)`)']],
    ['unknown env constant', 'env.REGON', ['mappings/orders.yaml:12:1: `env.REGON` is not a configured constant; did you mean `env.REGION`? (in `env.REGON`)']],
    ['pick of an unknown field', 'pick(body, "customerId", "itemz")', ['mappings/orders.yaml:12:1: `itemz` is not a field of `body`; did you mean `items`? (in `pick(body, "customerId", "itemz")`)']],
    ['comparison that never holds', 'body.customerId == 3', ['mappings/orders.yaml:12:1: `==` never holds between different types, got string and integer; convert one side with toNumber() or toString() (in `body.customerId == 3`)']],
    ['literal fault found while folding', 'toNumber("ten")', ['mappings/orders.yaml:12:1: toNumber() expects a number or numeric string, got string "ten" (in `toNumber("ten")`)']],
    ['syntax error with column', 'body.items[', ['mappings/orders.yaml:12:12: syntax error: expected "]" after an index, found the end of the expression (in `body.items[`)']],
    ['single = is not equality', 'path.id = 1', ['mappings/orders.yaml:12:9: syntax error: unexpected character "=" (equality is `==`) (in `path.id = 1`)']],
    ['several issues at once', 'concat(body.itms, steps.nope)', [
      'mappings/orders.yaml:12:13: `body.itms` is not in the request schema of createOrder; did you mean `body.items`? (in `concat(body.itms, steps.nope)`)',
      'mappings/orders.yaml:12:19: `steps.nope` is not an earlier step; earlier steps: cart, products (in `concat(body.itms, steps.nope)`)',
    ]],
  ];
  for (const [name, text, expected] of expressions) {
    it(name, () => expect(issuesOf(() => compileExpression(text, context))).toEqual(expected));
  }

  const templates: [string, unknown, string[]][] = [
    ['string into an integer target', { orderId: '=path.id', lines: [] }, [
      'mappings/orders.yaml:20: `orderId` of the request message of shop.CreateOrder expects integer, got string; wrap it in toNumber(…) (in `path.id`)',
    ]],
    ['unknown target field with did-you-mean', { orderId: '=toNumber(path.id)', lines: [], custmer: '=body.customerId' }, [
      'mappings/orders.yaml:12: `custmer` is not a field of the request message of shop.CreateOrder; did you mean `customer`? (in `body.customerId`)',
    ]],
    ['missing required target field', { orderId: 1 }, [
      'mappings/orders.yaml:12: missing required field `lines` of the request message of shop.CreateOrder (in `{"orderId":1}`)',
    ]],
    ['optional source into a required target field', { orderId: '=toNumber(body.customerId)', lines: [] }, [
      'mappings/orders.yaml:20: `orderId` of the request message of shop.CreateOrder is required, but the value may be missing; use default(…, fallback) or `??` (in `toNumber(body.customerId)`)',
    ]],
    ['mapped items checked field by field', { orderId: 1, lines: '=map(body.items, { sku: it.sku, qty: it.quantity })' }, [
      'mappings/orders.yaml:12: `lines[].qty` is not a field of the request message of shop.CreateOrder; it has: sku, quantity (in `map(body.items, { sku: it.sku, qty: it.quantity })`)',
    ]],
    ['nullable into a non-nullable field', { orderId: 1, lines: [], customer: '=body.note ?? body.customerId' }, []],
    ['null check', { orderId: 1, lines: [], customer: '=default(body.note, null)' }, [
      'mappings/orders.yaml:12: `customer` of the request message of shop.CreateOrder is not nullable, but the value may be null; use default(…, fallback) or `??` (in `default(body.note, null)`)',
    ]],
    ['literal of the wrong type', { orderId: 'abc', lines: [] }, [
      'mappings/orders.yaml:20: `orderId` of the request message of shop.CreateOrder expects integer, got "abc"; wrap it in toNumber(…) (in `"abc"`)',
    ]],
    ['every issue of the template, with lines from lineOf', { orderId: '=path.idd', lines: [{ sku: 1 }] }, [
      'mappings/orders.yaml:20:6: `path.idd` is not in the path parameters; did you mean `path.id`? (in `path.idd`)',
      'mappings/orders.yaml:22: `lines[0].sku` of the request message of shop.CreateOrder expects string, got integer; wrap it in toString(…) (in `1`)',
    ]],
  ];
  const lines: Record<string, number> = { '/orderId': 20, '/lines/0/sku': 22 };
  for (const [name, template, expected] of templates) {
    it(name, () => expect(issuesOf(() => compileTemplate(template, { ...context, lineOf: (p) => lines[p] }, target))).toEqual(expected));
  }

  it('issues carry file, line, column, expression and pointer for config error lists', () => {
    try {
      compileTemplate({ orderId: '=1', lines: '=body.itms' }, context, target);
      expect.unreachable();
    } catch (error) {
      expect((error as TransformError).issues).toEqual([
        { file: 'mappings/orders.yaml', line: 12, column: 6, expression: 'body.itms', pointer: '/lines', message: '`body.itms` is not in the request schema of createOrder; did you mean `body.items`?' },
      ]);
    }
  });

  it('reports the result shape so a later step can be checked', () => {
    const compiled = compileExpression('map(body.items, { sku: it.sku, qty: toNumber(it.quantity) })', context);
    expect(compiled.shape.kind).toBe('array');
    const later = compileExpression('steps.shaped[0].qty', { ...context, sources: { steps: { shaped: compiled.shape } } });
    expect(later.evaluate({ steps: { shaped: [{ sku: 'a', qty: 2 }] } })).toBe(2);
    expect(issuesOf(() => compileExpression('steps.shaped[0].quantity', { ...context, sources: { steps: { shaped: compiled.shape } } }))).toEqual([
      'mappings/orders.yaml:12:17: `steps.shaped[0].quantity` is not in the response of step shaped; it has: sku, qty (in `steps.shaped[0].quantity`)',
    ]);
  });
});

describe('JSON Schema null branches', () => {
  // An OpenAPI 3.1 optional reference is written `anyOf: [{$ref}, {type: "null"}]`: the null branch must not make
  // the whole union unknown, or every read through it would go unchecked.
  const nullableRef = shapeFromJsonSchema({
    type: 'object',
    properties: { customer: { anyOf: [{ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, { type: 'null' }] } },
  });
  const scoped: CompileContext = { ...context, sources: { body: nullableRef } };

  it('checks reads through an anyOf with a null branch', () => {
    expect(issuesOf(() => compileExpression('body.customer.idd', scoped))).toEqual([
      'mappings/orders.yaml:12:15: `body.customer.idd` is not in the request schema of createOrder; did you mean `body.customer.id`? (in `body.customer.idd`)',
    ]);
    expect(compileExpression('body.customer.id', scoped).evaluate({ body: { customer: null } })).toBeUndefined();
  });

  it('reads {type: "null"} and enum [null] as null, not as unknown', () => {
    expect(shapeFromJsonSchema({ type: 'null' }).kind).toBe('null');
    expect(shapeFromJsonSchema({ enum: [null] }).kind).toBe('null');
    expect(shapeFromJsonSchema({}).kind).toBe('unknown');
  });
});
