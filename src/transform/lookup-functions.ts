import type { FunctionSpec } from './functions.js';
import { MISSING, UNKNOWN_SHAPE, membersOf, unionOf, type Shape } from './shape.js';
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
