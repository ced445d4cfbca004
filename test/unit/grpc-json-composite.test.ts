import { describe, expect, it } from 'vitest';
import { createJsonCodec } from '../../src/grpc/json/index.js';
import { decodeErrors, decodeOk, T, viaBinary } from './grpc-json-fixture.js';

const Scalars = T('Scalars');
const Maps = T('Maps');
const Choice = T('Choice');
const Tree = T('Tree');

describe('maps', () => {
  it('write integer and bool keys as strings and read them back', () => {
    const json = {
      byString: { a: 1, '': -1 },
      byInt32: { '-2147483648': 'min', '2147483647': 'max' },
      byInt64: { '-9223372036854775808': 'min', '9223372036854775807': 'max' },
      byUint64: { '18446744073709551615': 'max' },
      byBool: { true: 'yes', false: 'no' },
      items: { k: { sku: 's' } },
      colors: { '-1': 'RED', '2': 'GREEN' },
    };
    expect(viaBinary(Maps, json)).toEqual(json);
  });

  it('decode keys to the form protobufjs encodes (bool false as "")', () => {
    expect(decodeOk(Maps, { byBool: { false: 'no', true: 'yes' }, byInt64: { '-5': 'x' } })).toEqual({
      by_bool: { '': 'no', true: 'yes' }, by_int64: { '-5': 'x' },
    });
    expect(decodeErrors(Maps, { byInt64: { '007': 'x' } })).toEqual([{ path: '/byInt64/007', message: 'invalid map key "007"' }]);
  });

  it('reject bad keys, out-of-range keys and null values', () => {
    expect(decodeErrors(Maps, {
      byInt32: { '2147483648': 'x', '1.0': 'y' }, byUint64: { '-1': 'z' }, byBool: { yes: 'a' },
      byString: { a: null }, colors: { '1': 'BLUE' },
    })).toEqual([
      { path: '/byInt32/2147483648', message: 'invalid map key "2147483648"' },
      { path: '/byInt32/1.0', message: 'invalid map key "1.0"' },
      { path: '/byUint64/-1', message: 'invalid map key "-1"' },
      { path: '/byBool/yes', message: 'invalid map key "yes"' },
      { path: '/byString/a', message: 'null is not allowed as a map value' },
      { path: '/colors/1', message: 'unknown value "BLUE" for enum protogate.jsontest.Color' },
    ]);
    expect(decodeErrors(Maps, { byString: [] })).toEqual([{ path: '/byString', message: 'expected an object' }]);
  });
});

describe('oneofs', () => {
  it('take one member, under either name', () => {
    expect(viaBinary(Choice, { number: 0 })).toEqual({ number: 0 });
    expect(viaBinary(Choice, { item: {} })).toEqual({ item: {} });
    expect(decodeOk(Choice, { name: 'n' })).toEqual({ name: 'n' });
  });

  it('reject two members, naming both', () => {
    expect(decodeErrors(Choice, { name: 'n', number: 1 })).toEqual([
      { path: '/number', message: 'oneof "kind" has more than one member set: "name" and "number"' },
    ]);
    expect(decodeErrors(Choice, { item: { sku: 'a' }, value: 1 })).toEqual([
      { path: '/value', message: 'oneof "kind" has more than one member set: "item" and "value"' },
    ]);
  });

  it('treat a null member as unset, except google.protobuf.Value where null is NullValue', () => {
    expect(decodeOk(Choice, { name: null, number: 2 })).toEqual({ number: 2 });
    expect(decodeOk(Choice, { value: null })).toEqual({ value: { nullValue: 0 } });
    expect(viaBinary(Choice, { value: null })).toEqual({ value: null });
    expect(decodeErrors(Choice, { value: null, name: 'n' })).toEqual([
      { path: '/name', message: 'oneof "kind" has more than one member set: "value" and "name"' },
    ]);
  });
});

describe('repeated fields and nulls', () => {
  it('null for repeated, map, message and scalar fields leaves them unset', () => {
    expect(decodeOk(Scalars, { items: null, i64List: null, item: null, i32: null, text: null })).toEqual({});
    expect(decodeOk(Maps, { byString: null })).toEqual({});
  });

  it('null inside a list is an error, and wrong shapes are named', () => {
    expect(decodeErrors(Scalars, { items: [{ sku: 'a' }, null], colors: 'RED', item: [] })).toEqual([
      { path: '/items/1', message: 'null is not allowed in a list' },
      { path: '/colors', message: 'expected an array' },
      { path: '/item', message: 'expected an object' },
    ]);
    expect(decodeErrors(Scalars, [])).toEqual([{ path: '', message: 'expected an object' }]);
  });

  it('recursive types decode and encode, with a nesting limit', () => {
    const json = { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] };
    expect(viaBinary(Tree, json)).toEqual(json);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 101; i++) deep = { children: [deep] };
    const errors = decodeErrors(Tree, deep);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('nesting too deep');
    expect(errors[0]?.path).toBe('/children/0'.repeat(100));
  });
});

describe('emitDefaults', () => {
  it('off: default scalars, empty lists and maps, the zero enum are omitted; presence fields kept', () => {
    const codec = createJsonCodec(Scalars);
    expect(codec.toJson(Scalars.fromObject({ i32: 0, i64: '0', text: '', color: 0, items: [], maybe: 0, item: {} }))).toEqual({
      maybe: 0, item: {},
    });
    expect(codec.toJson(Scalars.decode(Scalars.encode(Scalars.fromObject({ flag: false })).finish()))).toEqual({});
  });

  it('on: every field without presence is written; unset messages and optionals stay absent', () => {
    const codec = createJsonCodec(Scalars, { emitDefaults: true });
    expect(codec.toJson(Scalars.decode(new Uint8Array(0)))).toEqual({
      i32: 0, s32: 0, u32: 0, f32: 0, sf32: 0, i64: '0', s64: '0', u64: '0', f64: '0', sf64: '0', flt: 0, dbl: 0,
      flag: false, text: '', data: '', color: 'COLOR_UNSPECIFIED', fooBar: '', customName: '', i64List: [],
      items: [], nullValue: null, colors: [],
    });
    expect(createJsonCodec(Maps, { emitDefaults: true }).toJson({})).toEqual({
      byString: {}, byInt32: {}, byInt64: {}, byUint64: {}, byBool: {}, items: {}, colors: {},
    });
    expect(createJsonCodec(Scalars, { emitDefaults: true, int64AsNumber: true }).toJson({})).toMatchObject({ i64: 0, u64: 0 });
  });
});

describe('binary round trip', () => {
  it('JSON → message → bytes → message → JSON gives the same JSON', () => {
    const json = {
      i32: -1, s32: -2, u32: 3, f32: 4, sf32: -5, i64: '-6', s64: '-7', u64: '8', f64: '9', sf64: '-10',
      flt: 1.25, dbl: -0.1, flag: true, text: 't', data: 'AAE=', color: 'RED', fooBar: 'fb', customName: 'cn',
      i64List: ['1', '-1'], items: [{ sku: 'a', quantity: 1 }, {}], item: { sku: 'i' }, maybe: 0, colors: ['GREEN'],
    };
    expect(viaBinary(Scalars, json)).toEqual(json);
    expect(viaBinary(Scalars, json, { emitDefaults: true })).toEqual({
      ...json, nullValue: null, item: { sku: 'i', quantity: 0 }, items: [{ sku: 'a', quantity: 1 }, { sku: '', quantity: 0 }],
    });
  });

  it('toJson accepts the plain value fromJson produced', () => {
    const codec = createJsonCodec(Scalars);
    const value = decodeOk(Scalars, { i64: '5', data: 'AQ', color: 2 });
    expect(codec.toJson(value)).toEqual({ i64: '5', data: 'AQ==', color: 'GREEN' });
  });

  it('compiles each type once per option set', () => {
    const a = createJsonCodec(Scalars);
    const b = createJsonCodec(Scalars);
    expect(a.fromJson({ i32: 1 })).toEqual(b.fromJson({ i32: 1 }));
    expect(createJsonCodec(Scalars, { ignoreUnknownFields: true }).fromJson({ x: 1 })).toEqual({ ok: true, value: {} });
    expect(a.fromJson({ x: 1 })).toEqual({ ok: false, errors: [{ path: '/x', message: 'unknown field' }] });
  });
});
