import { describe, expect, it } from 'vitest';
import { createJsonCodec, JsonEncodeError } from '../../src/grpc/json/index.js';
import { decodeErrors, decodeOk, loadRoot, T, viaBinary } from './grpc-json-fixture.js';

const Scalars = T('Scalars');
const toJson = (value: Record<string, unknown>, options = {}): unknown =>
  createJsonCodec(Scalars, options).toJson(Scalars.fromObject(value));

describe('64-bit integers', () => {
  it('are decimal strings out, at every limit', () => {
    const json = {
      i64: '-9223372036854775808', s64: '9223372036854775807', u64: '18446744073709551615',
      f64: '18446744073709551615', sf64: '-9223372036854775808',
    };
    expect(decodeOk(Scalars, json)).toEqual(json);
    expect(viaBinary(Scalars, json)).toEqual(json);
  });

  it('accept numbers and exponent forms that denote integers', () => {
    expect(decodeOk(Scalars, { i64: 42, u64: '1e3', s64: '-1.5e1', f64: '12.000' })).toEqual({
      i64: '42', u64: '1000', s64: '-15', f64: '12',
    });
  });

  it('reject out-of-range values, fractions and imprecise numbers', () => {
    expect(decodeErrors(Scalars, {
      i64: '9223372036854775808', s64: '-9223372036854775809', u64: '-1', f64: '18446744073709551616',
      sf64: '1.5', i64List: [2 ** 53, 'x', '1e-1'],
    })).toEqual([
      { path: '/i64', message: 'out of range for int64: 9223372036854775808' },
      { path: '/s64', message: 'out of range for sint64: -9223372036854775809' },
      { path: '/u64', message: 'out of range for uint64: -1' },
      { path: '/f64', message: 'out of range for fixed64: 18446744073709551616' },
      { path: '/sf64', message: 'invalid sfixed64 "1.5": not an integer' },
      { path: '/i64List/0', message: 'int64 given as a JSON number beyond ±(2^53−1); send it as a string' },
      { path: '/i64List/1', message: 'invalid int64 "x": not a decimal integer' },
      { path: '/i64List/2', message: 'invalid int64 "1e-1": not an integer' },
    ]);
  });

  it('int64AsNumber writes numbers up to ±(2^53−1) and refuses beyond', () => {
    const opts = { int64AsNumber: true };
    expect(toJson({ i64: '9007199254740991', s64: '-9007199254740991', i64_list: ['1'] }, opts)).toEqual({
      i64: 9007199254740991, s64: -9007199254740991, i64List: [1],
    });
    expect(() => toJson({ i64: '9007199254740992' }, opts)).toThrow(
      new JsonEncodeError('/i64', '9007199254740992 is beyond ±(2^53−1) and cannot be written as a JSON number'),
    );
    expect(() => toJson({ u64: '18446744073709551615' }, opts)).toThrow(JsonEncodeError);
    expect(decodeOk(Scalars, { i64: 9007199254740991, u64: '18446744073709551615' }, opts)).toEqual({
      i64: '9007199254740991', u64: '18446744073709551615',
    });
    expect(decodeErrors(Scalars, { i64: -9007199254740992 }, opts)).toEqual([
      { path: '/i64', message: 'int64 given as a JSON number beyond ±(2^53−1); send it as a string' },
    ]);
  });
});

describe('32-bit integers', () => {
  it('are numbers out and numbers or strings in, range-checked', () => {
    const json = { i32: -2147483648, s32: 2147483647, u32: 4294967295, f32: 4294967295, sf32: -2147483648 };
    expect(viaBinary(Scalars, json)).toEqual(json);
    expect(decodeOk(Scalars, { i32: '-7', u32: '1e2', f32: 3.0 })).toEqual({ i32: -7, u32: 100, f32: 3 });
    expect(decodeErrors(Scalars, { i32: 2147483648, u32: -1, sf32: 1.5, s32: true })).toEqual([
      { path: '/i32', message: 'out of range for int32: 2147483648' },
      { path: '/u32', message: 'out of range for uint32: -1' },
      { path: '/sf32', message: 'not an integer: 1.5' },
      { path: '/s32', message: 'expected sint32 as a number or a string' },
    ]);
  });
});

describe('float and double', () => {
  it('write specials as strings and floats in their shortest form', () => {
    expect(viaBinary(Scalars, { flt: 'NaN', dbl: '-Infinity' })).toEqual({ flt: 'NaN', dbl: '-Infinity' });
    expect(viaBinary(Scalars, { flt: 'Infinity', dbl: 1e308 })).toEqual({ flt: 'Infinity', dbl: 1e308 });
    expect(viaBinary(Scalars, { flt: 0.1, dbl: '-2.5e-3' })).toEqual({ flt: 0.1, dbl: -0.0025 });
  });

  it('read specials and numeric strings; reject overflow and junk', () => {
    const value = decodeOk(Scalars, { flt: 'NaN', dbl: 'Infinity' });
    expect(value).toEqual({ flt: NaN, dbl: Infinity });
    expect(decodeErrors(Scalars, { flt: 3.5e38, dbl: '1e400', i32: 0 })).toEqual([
      { path: '/flt', message: 'out of range for float' },
      { path: '/dbl', message: 'out of range for double' },
    ]);
    expect(decodeErrors(Scalars, { flt: 'nan', dbl: '1x' })).toEqual([
      { path: '/flt', message: 'invalid float "nan"' },
      { path: '/dbl', message: 'invalid double "1x"' },
    ]);
  });
});

describe('bytes, bools and strings', () => {
  it('bytes: standard base64 out; standard or URL-safe, padded or not, in', () => {
    const bytes = Uint8Array.from([0xfb, 0xff, 0xbf]);
    for (const text of ['+/+/', '-_-_', '+/+/']) expect(decodeOk(Scalars, { data: text })).toEqual({ data: Buffer.from([0xfb, 0xff, 0xbf]) });
    expect(toJson({ data: bytes })).toEqual({ data: '+/+/' });
    expect(viaBinary(Scalars, { data: 'AQI' })).toEqual({ data: 'AQI=' });
    expect(viaBinary(Scalars, { data: '_w' })).toEqual({ data: '/w==' });
    expect(viaBinary(Scalars, { data: 'AQI=' })).toEqual({ data: 'AQI=' });
  });

  it('bytes: invalid base64 is an error', () => {
    expect(decodeErrors(Scalars, { data: 'A' })).toEqual([{ path: '/data', message: 'invalid base64' }]);
    expect(decodeErrors(Scalars, { data: '+_' })).toEqual([{ path: '/data', message: 'invalid base64' }]);
    expect(decodeErrors(Scalars, { data: 'AQ=' })).toEqual([{ path: '/data', message: 'invalid base64' }]);
    expect(decodeErrors(Scalars, { data: 'a b' })).toEqual([{ path: '/data', message: 'invalid base64' }]);
  });

  it('bools and strings take only their own JSON types', () => {
    expect(viaBinary(Scalars, { flag: true, text: 'héllo' })).toEqual({ flag: true, text: 'héllo' });
    expect(decodeErrors(Scalars, { flag: 'true', text: 1 })).toEqual([
      { path: '/flag', message: 'expected true or false' },
      { path: '/text', message: 'expected a string' },
    ]);
  });
});

describe('enums', () => {
  it('names out, names or numbers in, unknown numbers kept as numbers', () => {
    expect(viaBinary(Scalars, { color: 'GREEN', colors: ['RED', 2, 7] })).toEqual({ color: 'GREEN', colors: ['RED', 'GREEN', 7] });
    expect(decodeOk(Scalars, { color: 1 })).toEqual({ color: 1 });
  });

  it('an unknown name is an error, or left unset with ignoreUnknownFields', () => {
    expect(decodeErrors(Scalars, { color: 'BLUE', colors: ['RED', 'BLUE'] })).toEqual([
      { path: '/color', message: 'unknown value "BLUE" for enum protogate.jsontest.Color' },
      { path: '/colors/1', message: 'unknown value "BLUE" for enum protogate.jsontest.Color' },
    ]);
    expect(decodeOk(Scalars, { color: 'BLUE', colors: ['RED', 'BLUE'] }, { ignoreUnknownFields: true })).toEqual({ colors: [1] });
    expect(decodeErrors(Scalars, { color: 1.5 })).toEqual([
      { path: '/color', message: 'expected a protogate.jsontest.Color name or an int32' },
    ]);
  });

  it('google.protobuf.NullValue is JSON null', () => {
    expect(decodeOk(Scalars, { nullValue: null })).toEqual({ null_value: 0 });
    expect(toJson({}, { emitDefaults: true })).toMatchObject({ nullValue: null });
  });
});

describe('field names', () => {
  it('lowerCamelCase or json_name out; both the JSON and the proto name in', () => {
    expect(viaBinary(Scalars, { foo_bar: 'a', renamed_field: 'b' })).toEqual({ fooBar: 'a', customName: 'b' });
    expect(decodeOk(Scalars, { fooBar: 'a', customName: 'b' })).toEqual({ foo_bar: 'a', renamed_field: 'b' });
    expect(decodeErrors(Scalars, { renamedField: 'b' })).toEqual([{ path: '/renamedField', message: 'unknown field' }]);
  });

  it('the same field under both names is an error', () => {
    expect(decodeErrors(Scalars, { foo_bar: 'a', fooBar: 'b' })).toEqual([
      { path: '/fooBar', message: 'field given twice, as "foo_bar" and "fooBar"' },
    ]);
  });

  it('works on roots loaded without keepCase (protobufjs camelCases field names)', () => {
    const camel = loadRoot(false).lookupType('protogate.jsontest.Scalars');
    const value = decodeOk(camel, { fooBar: 'a', customName: 'b', i64List: ['1'] });
    expect(value).toEqual({ fooBar: 'a', renamedField: 'b', i64List: ['1'] });
    expect(viaBinary(camel, { fooBar: 'a', customName: 'b' })).toEqual({ fooBar: 'a', customName: 'b' });
  });
});

describe('unknown fields', () => {
  it('are errors naming the field, at any depth', () => {
    expect(decodeErrors(Scalars, { nope: 1, items: [{ sku: 'a' }, { sku: 'b', size: 2 }] })).toEqual([
      { path: '/nope', message: 'unknown field' },
      { path: '/items/1/size', message: 'unknown field' },
    ]);
  });

  it('are skipped with ignoreUnknownFields', () => {
    expect(decodeOk(Scalars, { nope: 1, items: [{ sku: 'a', size: 2 }] }, { ignoreUnknownFields: true })).toEqual({
      items: [{ sku: 'a' }],
    });
  });

  it('escape "/" and "~" in pointer paths', () => {
    expect(decodeErrors(Scalars, { 'a/b~c': 1 })).toEqual([{ path: '/a~1b~0c', message: 'unknown field' }]);
  });
});
