import { describe, expect, it } from 'vitest';
import { createJsonCodec, JsonEncodeError } from '../../src/grpc/json/index.js';
import { decodeErrors, decodeOk, root, T, viaBinary } from './grpc-json-fixture.js';

const W = T('WellKnown');
const toJson = (value: Record<string, unknown>): unknown => createJsonCodec(W).toJson(W.fromObject(value));
const ITEM_URL = 'type.googleapis.com/protogate.jsontest.Item';

describe('Timestamp', () => {
  it('is RFC 3339 with Z and 0, 3, 6 or 9 fractional digits out', () => {
    expect(viaBinary(W, { ts: '1970-01-01T00:00:00Z' })).toEqual({ ts: '1970-01-01T00:00:00Z' });
    expect(viaBinary(W, { ts: '1972-01-01T10:00:20.021Z' })).toEqual({ ts: '1972-01-01T10:00:20.021Z' });
    expect(viaBinary(W, { ts: '2024-02-29T23:59:59.1234Z' })).toEqual({ ts: '2024-02-29T23:59:59.123400Z' });
    expect(viaBinary(W, { ts: '0001-01-01T00:00:00.000000001Z' })).toEqual({ ts: '0001-01-01T00:00:00.000000001Z' });
    expect(viaBinary(W, { ts: '9999-12-31T23:59:59.999999999Z' })).toEqual({ ts: '9999-12-31T23:59:59.999999999Z' });
  });

  it('accepts offsets and normalizes them to Z', () => {
    expect(decodeOk(W, { ts: '1970-01-01T01:00:00.5+01:00' })).toEqual({ ts: { seconds: '0', nanos: 500000000 } });
    expect(viaBinary(W, { ts: '0001-01-01T00:30:00+00:30' })).toEqual({ ts: '0001-01-01T00:00:00Z' });
  });

  it('rejects malformed and out-of-range input', () => {
    expect(decodeErrors(W, { ts: '2024-02-30T00:00:00Z', values: [], dur: 1 })).toEqual([
      { path: '/ts', message: 'invalid Timestamp "2024-02-30T00:00:00Z": not a valid date and time' },
      { path: '/dur', message: 'expected Duration as a string' },
    ]);
    expect(decodeErrors(W, { ts: '2024-01-01t00:00:00z' })).toEqual([
      { path: '/ts', message: 'invalid Timestamp "2024-01-01t00:00:00z": not an RFC 3339 timestamp' },
    ]);
    expect(decodeErrors(W, { ts: '0001-01-01T00:00:00+00:01' })).toEqual([
      { path: '/ts', message: 'invalid Timestamp "0001-01-01T00:00:00+00:01": outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z' },
    ]);
    expect(() => toJson({ ts: { seconds: '253402300800' } })).toThrow(new JsonEncodeError('/ts', 'Timestamp out of range'));
  });
});

describe('Duration', () => {
  it('is seconds with an "s" suffix both ways, negative included', () => {
    expect(viaBinary(W, { dur: '1.5s' })).toEqual({ dur: '1.500s' });
    expect(viaBinary(W, { dur: '-0.000001s' })).toEqual({ dur: '-0.000001s' });
    expect(viaBinary(W, { dur: '315576000000.999999999s' })).toEqual({ dur: '315576000000.999999999s' });
    expect(viaBinary(W, { dur: '-315576000000s' })).toEqual({ dur: '-315576000000s' });
    expect(decodeOk(W, { dur: '-1.5s' })).toEqual({ dur: { seconds: '-1', nanos: -500000000 } });
  });

  it('rejects out-of-range, missing suffix and too many digits', () => {
    expect(decodeErrors(W, { dur: '315576000001s' })).toEqual([
      { path: '/dur', message: 'invalid Duration "315576000001s": outside ±315576000000s' },
    ]);
    expect(decodeErrors(W, { dur: '1.0000000001s' })).toEqual([
      { path: '/dur', message: 'invalid Duration "1.0000000001s": not a duration such as "1.5s"' },
    ]);
    expect(() => toJson({ dur: { seconds: 1, nanos: -1 } })).toThrow(new JsonEncodeError('/dur', 'Duration out of range'));
  });
});

describe('FieldMask', () => {
  it('joins lowerCamelCase paths with commas, converting to and from snake_case', () => {
    expect(decodeOk(W, { mask: 'a.fooBar,bazQux' })).toEqual({ mask: { paths: ['a.foo_bar', 'baz_qux'] } });
    expect(viaBinary(W, { mask: 'a.fooBar,bazQux' })).toEqual({ mask: 'a.fooBar,bazQux' });
    expect(viaBinary(W, { mask: '' })).toEqual({ mask: '' });
  });

  it('rejects paths that do not round-trip', () => {
    expect(decodeErrors(W, { mask: 'foo_bar' })).toEqual([{ path: '/mask', message: 'invalid FieldMask path "foo_bar"' }]);
    expect(() => toJson({ mask: { paths: ['foo__bar'] } })).toThrow(
      new JsonEncodeError('/mask', 'FieldMask path "foo__bar" cannot be written in lowerCamelCase'),
    );
  });
});

describe('wrappers', () => {
  it('are their bare JSON values, Int64Value as a string', () => {
    const json = {
      i32: -5, i64: '-9223372036854775808', u64: '18446744073709551615', u32: 0, flt: 'NaN', dbl: 2.5,
      flag: false, text: '', data: 'AQID',
    };
    expect(viaBinary(W, json)).toEqual(json);
    expect(decodeOk(W, { i64: 7, u32: '3', flag: true })).toEqual({ i64: { value: '7' }, u32: { value: 3 }, flag: { value: true } });
    expect(decodeOk(W, { i32: null })).toEqual({});
    expect(decodeErrors(W, { i32: '1.5', data: '!' })).toEqual([
      { path: '/i32', message: 'invalid int32 "1.5": not an integer' },
      { path: '/data', message: 'invalid base64' },
    ]);
  });
});

describe('Struct, Value, ListValue', () => {
  const doc = { a: 1.5, b: 'x', c: true, d: null, e: [1, [2], { f: null }], g: {} };

  it('carry arbitrary JSON both ways', () => {
    expect(viaBinary(W, { struct: doc, value: doc, list: [doc, null] })).toEqual({ struct: doc, value: doc, list: [doc, null] });
    expect(viaBinary(W, { value: 'text', values: [null, 0, false, []] })).toEqual({ value: 'text', values: [null, 0, false, []] });
  });

  it('decode to the protobufjs field form', () => {
    expect(decodeOk(W, { value: null, struct: { k: [true] } })).toEqual({
      value: { nullValue: 0 },
      struct: { fields: { k: { listValue: { values: [{ boolValue: true }] } } } },
    });
  });

  it('take only their JSON kinds', () => {
    expect(decodeErrors(W, { struct: [], list: {} })).toEqual([
      { path: '/struct', message: 'expected an object' },
      { path: '/list', message: 'expected an array' },
    ]);
    expect(() => toJson({ value: {} })).toThrow(new JsonEncodeError('/value', 'google.protobuf.Value has no kind set'));
    expect(() => toJson({ value: { numberValue: NaN } })).toThrow(JsonEncodeError);
  });
});

describe('Empty', () => {
  it('is {} both ways and takes no fields', () => {
    expect(viaBinary(W, { empty: {} })).toEqual({ empty: {} });
    expect(decodeErrors(W, { empty: { x: 1 } })).toEqual([{ path: '/empty/x', message: 'unknown field' }]);
  });
});

describe('Any', () => {
  it('inlines the packed message fields beside "@type"', () => {
    const json = { any: { '@type': ITEM_URL, sku: 'A-1', quantity: 3 } };
    expect(viaBinary(W, json)).toEqual(json);
    const value = decodeOk(W, { any: { sku: 'A-1', '@type': ITEM_URL } });
    const item = root.lookupType('protogate.jsontest.Item');
    expect(value).toEqual({ any: { type_url: ITEM_URL, value: item.encode({ sku: 'A-1' }).finish() } });
  });

  it('uses the "value" form for well-known types, nested Any included', () => {
    const json = {
      anys: [
        { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '1.500s' },
        { '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '2000-01-01T00:00:00Z' },
        { '@type': 'type.googleapis.com/google.protobuf.FieldMask', value: 'a,bC' },
        { '@type': 'type.googleapis.com/google.protobuf.Struct', value: { k: [1] } },
        { '@type': 'type.googleapis.com/google.protobuf.Int64Value', value: '-1' },
        { '@type': 'type.googleapis.com/google.protobuf.Empty', value: {} },
        { '@type': 'type.googleapis.com/google.protobuf.Any', value: { '@type': ITEM_URL, sku: 'x' } },
      ],
    };
    expect(viaBinary(W, json)).toEqual(json);
  });

  it('is {} when empty', () => {
    expect(viaBinary(W, { any: {} })).toEqual({ any: {} });
  });

  it('reports missing or unresolvable types and errors inside the packed message', () => {
    expect(decodeErrors(W, { anys: [{ sku: 'x' }, { '@type': 'type.googleapis.com/nope.Missing' }] })).toEqual([
      { path: '/anys/0', message: 'Any needs "@type"' },
      { path: '/anys/1/@type', message: 'cannot resolve type URL "type.googleapis.com/nope.Missing"' },
    ]);
    expect(decodeErrors(W, { any: { '@type': ITEM_URL, quantity: 'many', extra: 1 } })).toEqual([
      { path: '/any/quantity', message: 'invalid int32 "many": not a decimal integer' },
      { path: '/any/extra', message: 'unknown field' },
    ]);
    expect(decodeErrors(W, { any: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '1s', x: 1 } })).toEqual([
      { path: '/any/x', message: 'unknown field' },
    ]);
    expect(() => toJson({ any: { type_url: 'type.googleapis.com/nope.Missing', value: Buffer.from([8, 1]) } })).toThrow(
      new JsonEncodeError('/any', 'cannot resolve Any type URL "type.googleapis.com/nope.Missing"'),
    );
  });
});
