/** Runtime helpers over JSON-like values, shared by functions and operators. None of them throws. */

export type Bag = Record<string, unknown>;

export function isRecord(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a runtime value, for messages: `missing`, `null`, `string`, `number`, `boolean`, `array`, `object`. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Structural equality of JSON values: no coercion (`"1" == 1` is false), arrays by position, objects by own fields. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !deepEqual((a as Bag)[key], (b as Bag)[key])) return false;
  return true;
}

/**
 * Copies the own fields of `source` into `target`, skipping `__proto__` (JSON.parse creates it as an own field, and
 * assigning it would replace the target's prototype) and missing values. (`rename` and `omit` copy through
 * field-copies.ts.)
 */
export function copyFields(target: Bag, source: Bag): Bag {
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = source[key];
    if (value !== undefined && key !== '__proto__') target[key] = value;
  }
  return target;
}
