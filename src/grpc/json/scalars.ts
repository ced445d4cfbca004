/**
 * Scalar codecs of the proto3 JSON mapping ("ProtoJSON format" table on protobuf.dev):
 * - int32, fixed32, uint32: "JSON value will be a decimal number. Either numbers or strings are accepted."
 * - int64, fixed64, uint64: "JSON value will be a decimal string. Either numbers or strings are accepted."
 * - float, double: "JSON value will be a number or one of the special string values "NaN", "Infinity", and
 *   "-Infinity". Either numbers or strings are accepted. Exponent notation is also accepted."
 * - bytes: "JSON value will be the data encoded as a string using standard base64 encoding with paddings.
 *   Either standard or URL-safe base64 encoding with/without paddings are accepted."
 *
 * 64-bit values are handed to protobufjs as decimal strings (its `fromObject` parses them with `Long`).
 */
import { fail, JsonEncodeError, type ResolvedOptions, type ValueCodec } from './types.js';

interface IntRange {
  readonly min: bigint;
  readonly max: bigint;
  readonly wide: boolean;
}

const INT_RANGES: Readonly<Record<string, IntRange>> = {
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n, wide: false },
  sint32: { min: -(2n ** 31n), max: 2n ** 31n - 1n, wide: false },
  sfixed32: { min: -(2n ** 31n), max: 2n ** 31n - 1n, wide: false },
  uint32: { min: 0n, max: 2n ** 32n - 1n, wide: false },
  fixed32: { min: 0n, max: 2n ** 32n - 1n, wide: false },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, wide: true },
  sint64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, wide: true },
  sfixed64: { min: -(2n ** 63n), max: 2n ** 63n - 1n, wide: true },
  uint64: { min: 0n, max: 2n ** 64n - 1n, wide: true },
  fixed64: { min: 0n, max: 2n ** 64n - 1n, wide: true },
};

/** The integer range of a protobuf integer type name, or undefined for other types. */
export function intRange(type: string): IntRange | undefined {
  return INT_RANGES[type];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string to an exact integer. Exponent and fraction forms are accepted only when they denote
 * an integer (`"1e3"`, `"1.50e2"`), as the mapping accepts exponent notation for numbers.
 */
export function parseIntegerString(text: string): bigint | string {
  const m = DECIMAL.exec(text);
  if (m === null) return 'not a decimal integer';
  const [, sign = '', whole = '', frac = '', expText = '0'] = m;
  const digits = (whole + frac).replace(/^0+(?=\d)/, '');
  const exp = Number(expText) - frac.length;
  let value: bigint;
  if (/^0+$/.test(digits)) value = 0n;
  else if (exp >= 0) {
    if (exp > 40) return 'out of range';
    value = BigInt(digits) * 10n ** BigInt(exp);
  } else {
    const cut = digits.length + exp;
    if (cut <= 0 || !/^0*$/.test(digits.slice(cut))) return 'not an integer';
    value = BigInt(digits.slice(0, cut));
  }
  return sign === '-' ? -value : value;
}

/** Reads a protobufjs 64-bit value (`Long`, number, decimal string or bigint) as an exact bigint. */
export function toBigInt(value: unknown, unsigned: boolean, path: string): bigint {
  let raw: bigint;
  if (typeof value === 'bigint') raw = value;
  else if (typeof value === 'number' && Number.isInteger(value)) raw = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) raw = BigInt(value);
  else if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value;
    if (typeof low !== 'number' || typeof high !== 'number') throw new JsonEncodeError(path, 'invalid Long');
    raw = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  } else throw new JsonEncodeError(path, 'expected a 64-bit integer');
  return unsigned ? BigInt.asUintN(64, raw) : BigInt.asIntN(64, raw);
}

function createIntCodec(type: string, range: IntRange, options: ResolvedOptions): ValueCodec {
  const unsigned = range.min === 0n;
  const asNumber = !range.wide || options.int64AsNumber;
  return {
    nullIsValue: false,
    encode(value, path) {
      if (!range.wide) {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new JsonEncodeError(path, `expected ${type}`);
        return value;
      }
      const big = toBigInt(value, unsigned, path);
      if (!asNumber) return big.toString();
      // int64AsNumber refuses, rather than rounds, what a double cannot hold exactly.
      if (big > MAX_SAFE || big < -MAX_SAFE) {
        throw new JsonEncodeError(path, `${big} is beyond ±(2^53−1) and cannot be written as a JSON number`);
      }
      return Number(big);
    },
    decode(json, path, state) {
      let big: bigint;
      if (typeof json === 'number') {
        if (!Number.isInteger(json)) return fail(state, path, `not an integer: ${json}`);
        // A JSON number beyond 2^53 has already been rounded by the JSON parser: refuse it rather than guess.
        if (range.wide && !Number.isSafeInteger(json)) {
          return fail(state, path, `${type} given as a JSON number beyond ±(2^53−1); send it as a string`);
        }
        big = BigInt(json);
      } else if (typeof json === 'string') {
        const parsed = parseIntegerString(json);
        if (typeof parsed === 'string') return fail(state, path, `invalid ${type} "${json}": ${parsed}`);
        big = parsed;
      } else return fail(state, path, `expected ${type} as a number or a string`);
      if (big < range.min || big > range.max) return fail(state, path, `out of range for ${type}: ${big}`);
      return range.wide ? big.toString() : Number(big);
    },
    isDefault: (value) => (range.wide ? value === 0 || value === '0' || toBigInt(value, unsigned, '') === 0n : value === 0),
    defaultJson: () => (asNumber ? 0 : '0'),
  };
}

const FLOAT_MAX = 3.4028234663852886e38;
const FLOAT_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The shortest decimal that reads back as the same float32 (a float field decodes to a widened double). */
function shortestFloat(value: number): number {
  for (let p = 1; p < 17; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function createFloatCodec(type: 'float' | 'double'): ValueCodec {
  const single = type === 'float';
  return {
    nullIsValue: false,
    encode(value, path) {
      if (typeof value !== 'number') throw new JsonEncodeError(path, `expected ${type}`);
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity) return 'Infinity';
      if (value === -Infinity) return '-Infinity';
      return single ? shortestFloat(value) : value;
    },
    decode(json, path, state) {
      let value: number;
      if (typeof json === 'number') value = json;
      else if (typeof json === 'string') {
        if (json === 'NaN') return NaN;
        if (json === 'Infinity') return Infinity;
        if (json === '-Infinity') return -Infinity;
        if (!FLOAT_TEXT.test(json)) return fail(state, path, `invalid ${type} "${json}"`);
        value = Number(json);
      } else return fail(state, path, `expected ${type} as a number or a string`);
      // JSON.parse turns 1e400 into Infinity: an overflow, not the "Infinity" string.
      if (!Number.isFinite(value) || (single && Math.abs(value) > FLOAT_MAX)) {
        return fail(state, path, `out of range for ${type}`);
      }
      return value;
    },
    isDefault: (value) => value === 0,
    defaultJson: () => 0,
  };
}

const BASE64_STD = /^[A-Za-z0-9+/]*$/;
const BASE64_URL = /^[A-Za-z0-9_-]*$/;

/** Decodes standard or URL-safe base64, padded or not; undefined when it is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const body = text.replace(/={1,2}$/, '');
  const padded = body.length !== text.length;
  if (padded && text.length % 4 !== 0) return undefined;
  if (body.length % 4 === 1) return undefined;
  if (BASE64_STD.test(body)) return Buffer.from(body, 'base64');
  if (BASE64_URL.test(body)) return Buffer.from(body, 'base64url');
  return undefined;
}

function toBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  if (Array.isArray(value)) return Uint8Array.from(value.map((b) => (typeof b === 'number' ? b : 0)));
  throw new JsonEncodeError(path, 'expected bytes');
}

const bytesCodec: ValueCodec = {
  nullIsValue: false,
  encode: (value, path) => {
    const bytes = toBytes(value, path);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  },
  decode(json, path, state) {
    if (typeof json !== 'string') return fail(state, path, 'expected bytes as a base64 string');
    return decodeBase64(json) ?? fail(state, path, 'invalid base64');
  },
  isDefault: (value) => value === '' || ((value instanceof Uint8Array || Array.isArray(value)) && value.length === 0),
  defaultJson: () => '',
};

const boolCodec: ValueCodec = {
  nullIsValue: false,
  encode: (value, path) => {
    if (typeof value !== 'boolean') throw new JsonEncodeError(path, 'expected bool');
    return value;
  },
  decode: (json, path, state) => (typeof json === 'boolean' ? json : fail(state, path, 'expected true or false')),
  isDefault: (value) => value === false,
  defaultJson: () => false,
};

const stringCodec: ValueCodec = {
  nullIsValue: false,
  encode: (value, path) => {
    if (typeof value !== 'string') throw new JsonEncodeError(path, 'expected string');
    return value;
  },
  decode: (json, path, state) => (typeof json === 'string' ? json : fail(state, path, 'expected a string')),
  isDefault: (value) => value === '',
  defaultJson: () => '',
};

/** The codec of a scalar type name (`int64`, `bytes`, …), or undefined if `type` is not a scalar. */
export function createScalarCodec(type: string, options: ResolvedOptions): ValueCodec | undefined {
  const range = INT_RANGES[type];
  if (range !== undefined) return createIntCodec(type, range, options);
  if (type === 'float' || type === 'double') return createFloatCodec(type);
  if (type === 'bool') return boolCodec;
  if (type === 'string') return stringCodec;
  if (type === 'bytes') return bytesCodec;
  return undefined;
}
