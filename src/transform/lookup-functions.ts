import type { FunctionSpec } from './functions.js';
import { INTEGER, MISSING, NUMBER, UNKNOWN_SHAPE, membersOf, unionOf, type Shape } from './shape.js';
import { isRecord, typeName } from './values.js';

/**
 * `find(array, "field", value)`: the join an aggregation needs, e.g. a cart line's product from a batch lookup:
 * `map(steps.cart.items, { sku: it.productId, name: find(steps.products.items, "sku", it.productId).name })`.
 * Linear in the array, which is what a batch response of a page of ids is.
 */
export const FIND: FunctionSpec = {
  signature: 'find(array: array of object, field: string, value: any): object | missing',
  description: 'The first element of the array whose named field equals the value (as ==), or missing when none does.',
  min: 3,
  max: 3,
  params: ['array', 'name', 'any'],
  pure: true,
  result: ([array]) => {
    const items: Shape[] = [];
    for (const member of membersOf(array?.shape ?? UNKNOWN_SHAPE)) {
      if (member.kind === 'array') items.push(member.items);
      else if (member.kind === 'unknown') items.push(UNKNOWN_SHAPE);
    }
    return unionOf(...items, MISSING);
  },
  make(args, site) {
    const [list, field, wanted] = args as [(typeof args)[number], (typeof args)[number], (typeof args)[number]];
    return (scope, it) => {
      const values = list(scope, it);
      if (values === undefined || values === null) return undefined;
      if (!Array.isArray(values)) return site.fail(`find( expects an array, got ${typeName(values)}`);
      const name = field(scope, it);
      const target = wanted(scope, it);
      if (typeof name !== 'string') return site.fail(`find( expects a field name, got ${typeName(name)}`);
      for (const item of values) {
        if (isRecord(item) && Object.hasOwn(item, name) && item[name] === target) return item;
      }
      return undefined;
    };
  },
};

/** `sum(array)`: totals for aggregated responses (a cart's total from its line totals). */
export const SUM: FunctionSpec = {
  signature: 'sum(values: array of number): number',
  description: 'The sum of the numbers in the array (missing and null items count as 0); 0 for an empty array.',
  min: 1,
  max: 1,
  params: ['array'],
  pure: true,
  result: () => NUMBER,
  make(args, site) {
    const list = args[0] as (typeof args)[number];
    return (scope, it) => {
      const values = list(scope, it);
      if (values === undefined || values === null) return undefined;
      if (!Array.isArray(values)) return site.fail(`sum( expects an array, got ${typeName(values)}`);
      let total = 0;
      for (const value of values) {
        if (value === undefined || value === null) continue;
        if (typeof value !== 'number') return site.fail(`sum( expects numbers, got ${typeName(value)}`);
        total += value;
      }
      return total;
    };
  },
};

/** `multiply(a, b)`: computed fields such as a line total (quantity × unit price). */
export const MULTIPLY: FunctionSpec = {
  signature: 'multiply(a: number, b: number): number',
  description: 'The product of two numbers; missing or null when either is.',
  min: 2,
  max: 2,
  params: ['number', 'number'],
  pure: true,
  result: ([a, b]) => {
    const integer = (info: typeof a): boolean => membersOf(info?.shape ?? UNKNOWN_SHAPE).every((m) => m.kind === 'integer' || m.kind === 'missing' || m.kind === 'null');
    const nullable = [a, b].flatMap((info) => membersOf(info?.shape ?? UNKNOWN_SHAPE).filter((m) => m.kind === 'missing' || m.kind === 'null'));
    return unionOf(integer(a) && integer(b) ? INTEGER : NUMBER, ...nullable);
  },
  make(args, site) {
    const [left, right] = args as [(typeof args)[number], (typeof args)[number]];
    return (scope, it) => {
      const a = left(scope, it);
      const b = right(scope, it);
      if (a === undefined || a === null || b === undefined || b === null) return a === null || b === null ? null : undefined;
      if (typeof a !== 'number' || typeof b !== 'number') return site.fail(`multiply( expects numbers, got ${typeName(typeof a !== 'number' ? a : b)}`);
      return a * b;
    };
  },
};
