/**
 * Map keys. ProtoJSON: map<K,V> is a JSON object and "All keys are converted to strings"; integer and bool
 * keys are written as their decimal / `true` / `false` text and parsed back with range checks.
 */
import protobuf from 'protobufjs';
import { intRange, toBigInt } from './scalars.js';
import { JsonEncodeError } from './types.js';

/** Converts between protobufjs map keys and JSON object keys. */
export interface MapKeyCodec {
  /** protobufjs key → JSON key. */
  encode(key: string, path: string): string;
  /** JSON key → protobufjs key for `fromObject`, or undefined when the key is not valid for the key type. */
  decode(key: string): string | undefined;
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * protobufjs encodes a bool map key with `writer.bool(key)`, which takes any non-empty string (`"false"` too)
 * as true. So `false` is handed over as the empty string, the one key it writes as false; `"false"` is still
 * read back as false.
 */
export const BOOL_FALSE_KEY = '';

const boolKeys: MapKeyCodec = {
  encode: (key, path) => {
    if (key === 'true') return 'true';
    if (key === 'false' || key === BOOL_FALSE_KEY) return 'false';
    throw new JsonEncodeError(path, `invalid bool map key "${key}"`);
  },
  decode: (key) => (key === 'true' ? 'true' : key === 'false' ? BOOL_FALSE_KEY : undefined),
};

/** The key codec of a map key type, or undefined for string keys (which pass unchanged). */
export function createMapKeyCodec(keyType: string): MapKeyCodec | undefined {
  if (keyType === 'string') return undefined;
  if (keyType === 'bool') return boolKeys;
  const range = intRange(keyType);
  if (range === undefined) throw new Error(`invalid map key type ${keyType}`);
  const unsigned = range.min === 0n;
  return {
    encode(key, path) {
      if (INTEGER.test(key)) return BigInt(key).toString();
      // protobufjs's decoder keys 64-bit maps by `util.longToHash`: 8 characters holding the raw bytes.
      if (range.wide && key.length === 8) return toBigInt(protobuf.util.longFromHash(key, unsigned), unsigned, path).toString();
      throw new JsonEncodeError(path, `invalid ${keyType} map key`);
    },
    decode(key) {
      if (!INTEGER.test(key)) return undefined;
      const value = BigInt(key);
      return value < range.min || value > range.max ? undefined : value.toString();
    },
  };
}
