import type protobuf from 'protobufjs';

/** A proto3-JSON-shaped value produced from query parameters. */
export type QueryJsonValue = string | number | boolean | QueryJsonValue[] | { [key: string]: QueryJsonValue };

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const SIXTY_FOUR_BIT = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const FLOAT_MAX = 3.4028234663852886e38;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Wrapper messages are written as their wrapped value (proto3 JSON), so a query parameter sets
 * them directly; Timestamp, Duration and FieldMask are JSON strings, passed on for the JSON
 * codec to check. All other messages are set field by field (`a.b=1`).
 */
export { STRING_WKTS, WRAPPER_SCALARS } from '../well-known-types.js';

/**
 * Converts one query value to the proto3 JSON form of a scalar field: 64-bit integers as
 * decimal strings, other numbers as numbers, `NaN`/`Infinity`/`-Infinity` as those strings,
 * bytes kept as (standard or URL-safe) base64 text.
 *
 * @returns the value, or a reason the text is not a valid `type`.
 */
export function convertScalar(type: string, text: string): { value: QueryJsonValue } | { error: string } {
  const range = INT_RANGES[type];
  if (range !== undefined) {
    if (!/^-?\d+$/.test(text)) return { error: `not an integer` };
    const value = BigInt(text);
    if (value < range[0] || value > range[1]) return { error: `out of range for ${type}` };
    return { value: SIXTY_FOUR_BIT.has(type) ? value.toString() : Number(value) };
  }
  switch (type) {
    case 'double':
    case 'float': {
      if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return { value: text };
      if (!DECIMAL.test(text)) return { error: 'not a number' };
      const value = Number(text);
      if (!Number.isFinite(value) || (type === 'float' && Math.abs(value) > FLOAT_MAX)) return { error: `out of range for ${type}` };
      return { value };
    }
    case 'bool':
      // grpc-gateway also takes 1/0/t/f (Go's strconv.ParseBool); proto3 JSON has only true/false.
      if (text === 'true' || text === 'false') return { value: text === 'true' };
      return { error: 'not a boolean (true or false)' };
    case 'string':
      return { value: text };
    case 'bytes': {
      const unpadded = text.replace(/=+$/, '');
      if (!BASE64.test(text) || unpadded.length % 4 === 1) return { error: 'not base64' };
      return { value: text };
    }
    default:
      return { error: `unsupported type ${type}` };
  }
}

/** Enums by name, or by number: proto3 enums are open, so an unknown number is kept as a number. */
export function convertEnum(enumType: protobuf.Enum, text: string): { value: QueryJsonValue } | { error: string } {
  if (Object.prototype.hasOwnProperty.call(enumType.values, text)) return { value: text };
  if (/^-?\d+$/.test(text)) {
    const number = convertScalar('int32', text);
    if ('error' in number) return number;
    const name = enumType.valuesById[Number(number.value)];
    return { value: name ?? number.value };
  }
  return { error: `unknown value of enum ${enumType.fullName.replace(/^\./, '')}` };
}
