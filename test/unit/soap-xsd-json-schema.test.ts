import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { AttributeDecl, ComplexType, ElementDecl, Facets, ModelGroup, Particle, SimpleType, SoapOperation, XsdType } from '../../src/soap/model.js';
import { XsdJsonSchemas, operationJsonSchemaDocuments, simpleTypeSchema, type JsonSchema } from '../../src/soap/xsd-json-schema.js';

/** XSD types → JSON Schema 2020-12 under the codec's JSON convention, on hand-built model types. */
const NS = 'urn:test';
const simple = (builtin: string, facets: Facets = {}, name?: string): SimpleType => ({ kind: 'simple', builtin, facets, ...(name === undefined ? {} : { name: { ns: NS, local: name } }) });
const el = (local: string, type: XsdType, options: { min?: number; max?: number; nillable?: boolean; default?: string } = {}): ElementDecl => ({
  kind: 'element',
  name: { ns: NS, local },
  type,
  minOccurs: options.min ?? 1,
  maxOccurs: options.max ?? 1,
  nillable: options.nillable ?? false,
  ...(options.default === undefined ? {} : { default: options.default }),
});
const group = (kind: ModelGroup['kind'], particles: Particle[], min = 1, max = 1): ModelGroup => ({ kind, minOccurs: min, maxOccurs: max, particles });
const attr = (local: string, type: SimpleType, required = false, fixed?: string): AttributeDecl => ({ name: { ns: '', local }, type, required, ...(fixed === undefined ? {} : { fixed }) });
const complex = (options: { name?: string; content?: ModelGroup; attributes?: AttributeDecl[]; text?: SimpleType }): ComplexType => ({
  kind: 'complex',
  ...(options.name === undefined ? {} : { name: { ns: NS, local: options.name } }),
  ...(options.content === undefined ? {} : { content: options.content }),
  attributes: options.attributes ?? [],
  ...(options.text === undefined ? {} : { text: options.text }),
  mixed: false,
  abstract: false,
});

const response = (): XsdJsonSchemas => new XsdJsonSchemas({ direction: 'response' });
const request = (): XsdJsonSchemas => new XsdJsonSchemas({ direction: 'request' });

/** Validates values against a schema plus the definitions it refers to (strict 2020-12). */
function check(schema: JsonSchema, schemas: XsdJsonSchemas, value: unknown): boolean {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.validate({ ...schema, $defs: Object.fromEntries(schemas.definitions) }, value) === true;
}

describe('simple types', () => {
  it('integers: numbers within 2^53, digit strings beyond on read; any integer as a string on write', () => {
    expect(simpleTypeSchema(simple('int'), 'response')).toEqual({ type: 'integer', minimum: -2147483648, maximum: 2147483647 });
    expect(simpleTypeSchema(simple('long'), 'response')).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] });
    expect(simpleTypeSchema(simple('unsignedLong', { maxInclusive: '100', minExclusive: '0' }), 'response')).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
    expect(simpleTypeSchema(simple('int'), 'request')).toEqual({
      anyOf: [{ type: 'integer', minimum: -2147483648, maximum: 2147483647 }, { type: 'string', pattern: '^\\s*[+-]?[0-9]+\\s*$' }],
    });
    expect(simpleTypeSchema(simple('int', { enumeration: ['1', '2', '3'] }), 'response')).toEqual({ type: 'integer', minimum: -2147483648, maximum: 2147483647, enum: [1, 2, 3] });
  });

  it('decimal: a string on read, a number or a string on write; float specials as strings', () => {
    expect(simpleTypeSchema(simple('decimal'), 'response')).toEqual({ type: 'string', pattern: '^-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)$' });
    expect(simpleTypeSchema(simple('decimal', { minInclusive: '0' }), 'request')).toEqual({
      anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\s*[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*$' }],
    });
    expect(simpleTypeSchema(simple('double'), 'response')).toEqual({ anyOf: [{ type: 'number' }, { type: 'string', enum: ['INF', '-INF', 'NaN'] }] });
  });

  it('strings: enumerations, patterns (every restriction step), lengths; lists and unions', () => {
    expect(simpleTypeSchema(simple('string', { enumeration: ['A', 'B'], pattern: ['[A-Z]', '\\i\\c*'], maxLength: 3 }), 'response')).toEqual({
      type: 'string',
      enum: ['A', 'B'],
      pattern: '^(?:[A-Z])$',
      allOf: [{ pattern: expect.stringMatching(/^\^\(\?:\[:A-Z_a-z/) }],
      maxLength: 3,
    });
    const list: SimpleType = { kind: 'simple', builtin: 'anySimpleType', facets: { maxLength: 2 }, listOf: simple('int') };
    expect(simpleTypeSchema(list, 'response')).toEqual({ type: 'array', items: { type: 'integer', minimum: -2147483648, maximum: 2147483647 }, maxItems: 2 });
    const union: SimpleType = { kind: 'simple', builtin: 'anySimpleType', facets: {}, unionOf: [simple('boolean'), simple('date')] };
    expect(simpleTypeSchema(union, 'response')).toEqual({ anyOf: [{ type: 'boolean' }, { type: 'string', pattern: expect.any(String) }] });
  });

  it('dates keep their XSD lexical form', () => {
    const schemas = response();
    const date = schemas.type(simple('dateTime'));
    expect(check(date, schemas, '2024-03-11T09:15:00+01:00')).toBe(true);
    expect(check(date, schemas, '2024-03-11T09:15:00.250')).toBe(true);
    expect(check(date, schemas, '2024-03-11')).toBe(false);
  });
});

describe('complex types', () => {
  const Money = complex({ name: 'Money', text: simple('decimal'), attributes: [attr('currency', simple('string', { length: 3 }), true)] });
  const Item = complex({
    name: 'Item',
    content: group('sequence', [
      el('sku', simple('string')),
      el('qty', simple('long')),
      el('price', Money, { min: 0 }),
      el('note', simple('string'), { min: 0, nillable: true }),
      el('tag', simple('string', { minLength: 1 }), { min: 0, max: 5 }),
      group('choice', [el('shipTo', simple('string')), el('storeId', simple('string', { pattern: ['ST-\\d{3}'] }))]),
      group('sequence', [el('k', simple('string')), el('v', simple('int'))], 0, Infinity),
    ]),
    attributes: [attr('lineNo', simple('int'), true), attr('kind', simple('string'), true, 'item')],
  });

  it('on read: fields by local name, arrays for repeats, required from minOccurs, choice alternatives optional, null where empty or nil', () => {
    const schemas = response();
    expect(schemas.type(Item)).toEqual({ $ref: '#/$defs/Item' });
    expect(schemas.definitions.get('Item')).toEqual({
      type: 'object',
      properties: {
        sku: { type: ['string', 'null'] },
        qty: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] },
        price: { $ref: '#/$defs/Money' },
        note: { type: ['string', 'null'] },
        tag: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 5 },
        shipTo: { type: ['string', 'null'] },
        storeId: { type: 'string', pattern: '^(?:ST-\\p{Nd}{3})$' },
        k: { type: 'array', items: { type: ['string', 'null'] } },
        v: { type: 'array', items: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } },
        lineNo: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
        kind: { type: ['string', 'null'] },
      },
      required: ['sku', 'qty', 'lineNo', 'kind'],
      additionalProperties: false,
    });
    expect(schemas.definitions.get('Money')).toEqual({
      type: 'object',
      properties: { currency: { type: 'string', minLength: 3, maxLength: 3 }, value: { type: 'string', pattern: '^-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)$' } },
      required: ['currency'],
      additionalProperties: false,
    });
    const item = schemas.type(Item);
    expect(check(item, schemas, { sku: 'A', qty: '9007199254740993', lineNo: 1, kind: 'item', price: { currency: 'EUR', value: '1.50' }, k: ['a'], v: [1] })).toBe(true);
    expect(check(item, schemas, { sku: 'A', qty: 1, lineNo: 1, kind: 'item', tag: 'one' })).toBe(false);
  });

  it('on write: optional fields take null, a fixed attribute may be left out, numbers may be strings', () => {
    const schemas = request();
    schemas.type(Item);
    const written = schemas.definitions.get('Item') as { properties: Record<string, unknown>; required: string[] };
    expect(written.required).toEqual(['sku', 'qty', 'lineNo']);
    expect(written.properties.note).toEqual({ type: ['string', 'null'] });
    expect(written.properties.price).toEqual({ anyOf: [{ $ref: '#/$defs/Money' }, { type: 'null' }] });
    expect(written.properties.tag).toEqual({ type: ['array', 'null'], items: { type: 'string', minLength: 1 }, maxItems: 5 });
    expect(written.properties.sku).toEqual({ type: 'string' });
    expect(check(schemas.type(Item), schemas, { sku: 'A', qty: ' 12 ', lineNo: '3', price: { currency: 'EUR', value: 1.5 }, note: null })).toBe(true);
  });

  it('with the model\'s types, a read element admits the types derived from its own (xsi:type); a write does not', () => {
    const Party = complex({ name: 'Party', content: group('sequence', [el('id', simple('int'))]) });
    const Company = { ...complex({ name: 'Company', content: group('sequence', [el('id', simple('int')), el('vatId', simple('string'))]) }), base: { ns: NS, local: 'Party' } };
    const holder = complex({ content: group('sequence', [el('party', Party)]) });
    const read = new XsdJsonSchemas({ direction: 'response', types: [Party, Company] });
    const schema = read.type(holder);
    expect(schema).toMatchObject({ properties: { party: { anyOf: [{ $ref: '#/$defs/Party' }, { $ref: '#/$defs/Company' }] } } });
    expect(check(schema, read, { party: { id: 1, vatId: 'DE1' } })).toBe(true);
    expect(check(schema, read, { party: { id: 1, vat: 'DE1' } })).toBe(false);
    const write = new XsdJsonSchemas({ direction: 'request', types: [Party, Company] });
    expect(write.type(holder)).toMatchObject({ properties: { party: { $ref: '#/$defs/Party' } } });
  });

  it('xs:anyType (nothing declared but a wildcard) is any JSON value', () => {
    const anything = complex({ name: 'Anything', content: group('sequence', [{ kind: 'any', minOccurs: 0, maxOccurs: Infinity }]) });
    const schemas = response();
    schemas.type(anything);
    expect(schemas.definitions.get('Anything')).toEqual({});
  });

  it('xs:any content: extra fields on read, none on write', () => {
    const open = complex({ name: 'Open', content: group('sequence', [el('id', simple('int')), { kind: 'any', minOccurs: 0, maxOccurs: Infinity }]) });
    const read = response();
    read.type(open);
    expect(read.definitions.get('Open')).toMatchObject({ additionalProperties: true });
    const write = request();
    write.type(open);
    expect(write.definitions.get('Open')).toMatchObject({ additionalProperties: false });
  });

  it('recursive types: a named type refers to itself; an anonymous one becomes a definition named after its element', () => {
    const node: { -readonly [K in keyof ComplexType]: ComplexType[K] } = complex({ name: 'Node' });
    node.content = group('sequence', [el('value', simple('string')), el('child', node, { min: 0, max: Infinity })]);
    const schemas = response();
    expect(schemas.type(node)).toEqual({ $ref: '#/$defs/Node' });
    expect((schemas.definitions.get('Node') as { properties: Record<string, unknown> }).properties.child).toEqual({ type: 'array', items: { $ref: '#/$defs/Node' } });

    const anonymous: { -readonly [K in keyof ComplexType]: ComplexType[K] } = complex({});
    const folder = el('folder', anonymous);
    anonymous.content = group('sequence', [el('name', simple('string')), { ...folder, minOccurs: 0, maxOccurs: Infinity }]);
    const other = response();
    expect(other.element(folder)).toEqual({ $ref: '#/$defs/folder' });
    expect(check(other.element(folder), other, { name: 'a', folder: [{ name: 'b', folder: [{ name: 'c' }] }] })).toBe(true);
    expect(check(other.element(folder), other, { name: 'a', folder: [{ nme: 'b' }] })).toBe(false);
  });

  it('two types of one local name get apart names; the prefix and ref prefix are configurable', () => {
    const a = complex({ name: 'Address', content: group('sequence', [el('city', simple('string'))]) });
    const b = complex({ name: 'Address', content: group('sequence', [el('line', simple('string'))]) });
    const schemas = new XsdJsonSchemas({ refPrefix: '#/components/schemas/', namePrefix: 'orders.' });
    expect(schemas.type(a)).toEqual({ $ref: '#/components/schemas/orders.Address' });
    expect(schemas.type(b)).toEqual({ $ref: '#/components/schemas/orders.Address_2' });
    expect(schemas.resolveRef('#/components/schemas/orders.Address_2')).toMatchObject({ properties: { line: {} } });
  });
});

describe('operation bodies, laid out as the codec lays them out', () => {
  const wrapper = (local: string, content: ModelGroup): ElementDecl => el(local, complex({ content }));
  const documentOp: SoapOperation = {
    name: 'GetOrder',
    style: 'document',
    soapAction: 'urn:GetOrder',
    input: { parts: [{ name: 'parameters', element: wrapper('GetOrder', group('sequence', [el('orderId', simple('string'))])) }], headers: [] },
    output: { parts: [{ name: 'parameters', element: wrapper('GetOrderResponse', group('sequence', [el('total', simple('decimal'))])) }], headers: [] },
    faults: [{ name: 'NotFound', element: wrapper('NotFoundFault', group('sequence', [el('id', simple('string'))])) }],
  };
  const rpcOp: SoapOperation = {
    name: 'Ping',
    style: 'rpc',
    soapAction: '',
    input: { parts: [{ name: 'text', type: simple('string') }], headers: [], rpcWrapper: { ns: NS, local: 'Ping' } },
    output: { parts: [{ name: 'echo', type: simple('string') }, { name: 'count', type: simple('long') }], headers: [], rpcWrapper: { ns: NS, local: 'PingResponse' } },
    faults: [],
  };

  it('document/literal wrapped: the body is the wrapper element\'s content', () => {
    expect(operationJsonSchemaDocuments(documentOp)).toEqual({
      input: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { orderId: { type: 'string' } },
        required: ['orderId'],
        additionalProperties: false,
      },
      output: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { total: { type: 'string', pattern: '^-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)$' } },
        required: ['total'],
        additionalProperties: false,
      },
    });
  });

  it('rpc/literal: parts by name', () => {
    const { input, output } = operationJsonSchemaDocuments(rpcOp);
    expect(input).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { text: { type: 'string' } },
      additionalProperties: false,
      required: ['text'],
    });
    expect(output).toMatchObject({ properties: { echo: { type: ['string', 'null'] }, count: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }, required: ['echo', 'count'] });
  });
});
