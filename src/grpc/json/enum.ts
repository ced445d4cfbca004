/**
 * Enum values. ProtoJSON: "The name of the enum value as specified in proto is used. Parsers accept both enum
 * names and integer values." `google.protobuf.NullValue` is JSON `null`.
 */
import protobuf from 'protobufjs';
import { fail, hasOwn, JsonEncodeError, OMIT, type ResolvedOptions, type ValueCodec } from './types.js';

/** The codec of one enum type; unknown numbers pass through (proto3 enums are open). */
export function createEnumCodec(e: protobuf.Enum, options: ResolvedOptions): ValueCodec {
  const zeroName = e.valuesById[0];
  if (e.fullName === '.google.protobuf.NullValue') {
    // ProtoJSON: NullValue is written as JSON null.
    return {
      nullIsValue: true,
      encode: () => null,
      decode: (json, path, state) =>
        json === null || json === 'NULL_VALUE' || json === 0 ? 0 : fail(state, path, 'expected null'),
      isDefault: () => true,
      defaultJson: () => null,
    };
  }
  const label = e.fullName.slice(1);
  return {
    nullIsValue: false,
    // ProtoJSON: "The name of the enum value as specified in proto is used." An unknown number stays a number.
    encode(value, path) {
      if (typeof value === 'string' && hasOwn(e.values, value)) return value;
      if (typeof value !== 'number') throw new JsonEncodeError(path, `expected a ${label} value`);
      return e.valuesById[value] ?? value;
    },
    // ProtoJSON: "Parsers accept both enum names and integer values."
    decode(json, path, state) {
      if (typeof json === 'string') {
        if (hasOwn(e.values, json)) return e.values[json];
        return options.ignoreUnknownFields ? OMIT : fail(state, path, `unknown value "${json}" for enum ${label}`);
      }
      if (typeof json === 'number' && Number.isInteger(json) && json >= -(2 ** 31) && json < 2 ** 31) return json;
      return fail(state, path, `expected a ${label} name or an int32`);
    },
    isDefault: (value) => value === 0 || (value !== undefined && value === zeroName),
    defaultJson: () => zeroName ?? 0,
  };
}
