import { describe, expect, it } from 'vitest';
import { createSoapCodec, type CompiledSoapOperation, type JsonValue, type SoapResponseOutcome } from '../../src/soap/codec/index.js';
import type { ComplexType, SoapOperation } from '../../src/soap/model.js';
import { TNS, attr, complex, el, envelope11, envelope12, groupOf, message, operation, port, recursive, seq, simple, top, wrapped, xs } from './soap-codec-fixture.js';
import { Customer, Party, PlaceOrder, ordersPort, placeOrder, placeOrderBody, submitBatch, updateAddress } from './soap-codec-orders.js';

function compile(op: SoapOperation, version: '1.1' | '1.2' = '1.1'): CompiledSoapOperation {
  return createSoapCodec().compileOperation(ordersPort(version), op);
}

function success(outcome: SoapResponseOutcome): JsonValue {
  if (outcome.kind !== 'success') throw new Error(`expected success, got ${outcome.kind}: ${outcome.error.detail}`);
  return outcome.body;
}

function read(op: CompiledSoapOperation, body: string, status = 200): JsonValue {
  return success(op.readResponse({ status, contentType: 'text/xml; charset=utf-8', body: envelope11(body) }));
}

/** A response operation around one type, to read its XML directly. */
function readerOf(type: ComplexType, options: Parameters<typeof createSoapCodec>[0] = {}): (inner: string) => JsonValue {
  const op = wrapped('Op', complex(), type);
  const compiled = createSoapCodec(options).compileOperation(port('1.1', [op]), op);
  return (inner) => read(compiled, `<t:OpResponse xmlns:t="${TNS}">${inner}</t:OpResponse>`);
}

const order = compile(placeOrder);

const RESPONSE = `
  <ord:PlaceOrderResponse xmlns:ord="${TNS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
    <orderId>9223372036854775807</orderId>
    <status>SHIPPED</status>
    <total currency="EUR">0012.50</total>
    <lines lineNo="7"><sku>ABC-1234</sku><qty> 2 </qty><price>19.90</price><unknownField>ignored</unknownField></lines>
    <createdAt>2024-05-01T12:00:00+02:00</createdAt>
    <shipDate i:nil="true"/>
    <weightKg>-INF</weightKg>
    <rating>4.5E0</rating>
    <express>1</express>
    <comment>&lt;&amp;&gt;&quot;&apos; caf&#233; <![CDATA[<raw & cdata>]]> 東京</comment>
    <tags>gift  fragile
      urgent</tags>
    <codes>1 2</codes>
    <notInTheSchema><deep>x</deep></notInTheSchema>
  </ord:PlaceOrderResponse>`;

describe('XSD-typed JSON from a response', () => {
  it('types every value as the XSD says, and never leaks a prefix', () => {
    expect(read(order, RESPONSE)).toEqual({
      orderId: '9223372036854775807',
      status: 'SHIPPED',
      total: { currency: 'EUR', value: '0012.50' },
      lines: [{ lineNo: 7, sku: 'ABC-1234', qty: 2, price: '19.90' }],
      createdAt: '2024-05-01T12:00:00+02:00',
      shipDate: null,
      weightKg: '-INF',
      rating: 4.5,
      express: true,
      comment: '<&>"\' café <raw & cdata> 東京',
      tags: ['gift', 'fragile', 'urgent'],
      codes: [1, 2],
    });
  });

  it('keeps integers exact: numbers while safe, digit strings beyond 2^53', () => {
    const readIds = readerOf(complex({ content: seq(el('id', xs.long, { max: Infinity }), el('big', xs.integer, { min: 0 }), el('u', xs.unsignedLong, { min: 0 })) }));
    expect(readIds('<id>9007199254740991</id><id>9007199254740992</id><id>-9007199254740993</id><id>+007</id><big>-0</big><u>18446744073709551615</u>')).toEqual({
      id: [9007199254740991, '9007199254740992', '-9007199254740993', 7],
      big: 0,
      u: '18446744073709551615',
    });
  });

  it('keeps decimals as strings and reads float and double special values', () => {
    const readNumbers = readerOf(complex({ content: seq(el('d', xs.decimal, { max: Infinity }), el('x', xs.double, { max: Infinity })) }));
    expect(readNumbers('<d>123456789012345678901234567890.123456789</d><d>+1.50</d><d>.5</d><x>INF</x><x>NaN</x><x>1e308</x><x>-0</x><x>.5e-3</x>')).toEqual({
      d: ['123456789012345678901234567890.123456789', '1.50', '.5'],
      x: ['INF', 'NaN', 1e308, -0, 0.0005],
    });
  });

  it('makes an element that may repeat an array even with one item, and omits what is absent', () => {
    const readOne = readerOf(complex({ content: seq(el('item', xs.string, { min: 0, max: Infinity }), el('opt', xs.string, { min: 0 })) }));
    expect(readOne('<item>only</item>')).toEqual({ item: ['only'] });
    expect(readOne('<opt>x</opt>')).toEqual({ opt: 'x' });
    const readGroup = readerOf(complex({ content: seq(groupOf('sequence', { min: 0, max: Infinity }, el('k', xs.string), el('v', xs.int))) }));
    expect(readGroup('<k>a</k><v>1</v>')).toEqual({ k: ['a'], v: [1] });
  });

  it('reads xsi:nil as null whatever the xsi prefix, and empty content as null (an empty string as "" on request)', () => {
    const type = complex({ content: seq(el('s', xs.string, { max: Infinity }), el('n', xs.int, { max: Infinity }), el('c', complex({ content: seq(el('a', xs.int, { min: 0 })) }), { max: Infinity })) });
    const xml =
      '<s></s><s/><s>  </s><s xmlns:x="http://www.w3.org/2001/XMLSchema-instance" x:nil="1">ignored</s>' +
      '<n/><n> </n><n xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>' +
      '<c/><c>\n  </c><c><a>1</a></c>';
    expect(readerOf(type)(xml)).toEqual({ s: [null, null, '  ', null], n: [null, null, null], c: [null, null, { a: 1 }] });
    expect(readerOf(type, { emptyStrings: 'empty-string' })(xml)).toEqual({ s: ['', '', '  ', null], n: [null, null, null], c: [null, null, { a: 1 }] });
  });

  it('relays dates as text, even a server\'s slightly-off ones', () => {
    expect(readerOf(complex({ content: seq(el('at', xs.dateTime, { max: Infinity }), el('on', xs.date)) }))('<at>2024-05-01T12:00:00.5-05:00</at><at>2024-05-01 12:00:00</at><on>2024-05-01Z</on>')).toEqual({
      at: ['2024-05-01T12:00:00.5-05:00', '2024-05-01 12:00:00'],
      on: '2024-05-01Z',
    });
  });

  it('takes an empty element\'s default from the schema', () => {
    expect(readerOf(complex({ content: seq(el('mode', xs.string, { default: 'auto' }), el('n', xs.int, { fixed: '3' })) }))('<mode/><n/>')).toEqual({ mode: 'auto', n: 3 });
  });

  it('matches elements by local name whatever their prefix or namespace, and reads choice and extension content', () => {
    const forms = [
      `<PlaceOrderResponse xmlns="${TNS}"><orderId>1</orderId><total currency="USD">1</total></PlaceOrderResponse>`,
      `<a:PlaceOrderResponse xmlns:a="${TNS}"><a:orderId>1</a:orderId><b:total xmlns:b="urn:whatever" currency="USD">1</b:total></a:PlaceOrderResponse>`,
    ];
    for (const form of forms) expect(read(order, form)).toEqual({ orderId: 1, total: { currency: 'USD', value: '1' } });

    const echo = wrapped('Echo', complex(), PlaceOrder);
    const compiled = createSoapCodec().compileOperation(port('1.1', [echo]), echo);
    const xml = `<t:EchoResponse xmlns:t="${TNS}" channel="web"><customer vip="true"><id>5</id><name>Ann</name><email>a@x</email></customer>
      <lines lineNo="1"><sku>ABC-1234</sku><qty>1</qty></lines><bankCode>B</bankCode><account>A</account></t:EchoResponse>`;
    expect(read(compiled, xml)).toEqual({ channel: 'web', customer: { vip: true, id: 5, name: 'Ann', email: 'a@x' }, lines: [{ lineNo: 1, sku: 'ABC-1234', qty: 1 }], bankCode: 'B', account: 'A' });
  });

  it('reads a recursive type and xs:any content', () => {
    const Category = recursive('Category', (self) => seq(el('name', xs.string), el('children', self, { min: 0, max: Infinity })));
    expect(readerOf(complex({ content: seq(el('root', Category)) }))('<root><name>a</name><children><name>b</name></children></root>')).toEqual({
      root: { name: 'a', children: [{ name: 'b' }] },
    });
    const open = complex({ content: seq(el('id', xs.int), { kind: 'any', minOccurs: 0, maxOccurs: Infinity }) });
    expect(readerOf(open)('<id>1</id><x:ext xmlns:x="urn:x" unit="kg"><v>2</v><v>3</v></x:ext>')).toEqual({ id: 1, ext: [{ unit: 'kg', v: ['2', '3'] }] });
  });

  it('normalizes whitespace of token types and reads an element declared without a type generically', () => {
    const anyType = { ...complex({ content: seq({ kind: 'any', minOccurs: 0, maxOccurs: Infinity }) }), mixed: true };
    const readMixed = readerOf(complex({ content: seq(el('mode', simple('token')), el('line', simple('normalizedString')), el('payload', anyType, { max: Infinity })) }));
    expect(readMixed('<mode>\n  fast   lane </mode><line>a\tb</line><payload>just text</payload><payload><a x="1">2</a><b/></payload><payload/>')).toEqual({
      mode: 'fast lane',
      line: 'a b',
      payload: ['just text', { a: { x: '1', value: '2' }, b: null }, null],
    });
  });

  it('reads an xsi:type-named derived type with its own fields, given the model\'s types', () => {
    const op = wrapped('Who', complex(), complex({ content: seq(el('party', Party, { max: Infinity })) }));
    const xml = envelope11(
      `<t:WhoResponse xmlns:t="${TNS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
        '<party><id>1</id><name>Base</name><loyaltyTier>9</loyaltyTier></party>' +
        '<party i:type="t:Customer" vip="1"><id>2</id><name>Derived</name><loyaltyTier>3</loyaltyTier></party>' +
        '<party i:type="t:Unknown"><id>3</id><name>Unknown type</name></party></t:WhoResponse>',
    );
    const withTypes = createSoapCodec({ types: [Party, Customer] }).compileOperation(port('1.1', [op]), op);
    expect(success(withTypes.readResponse({ status: 200, contentType: 'text/xml', body: xml }))).toEqual({
      party: [{ id: 1, name: 'Base' }, { id: 2, name: 'Derived', loyaltyTier: 3, vip: true }, { id: 3, name: 'Unknown type' }],
    });
    const withoutTypes = createSoapCodec().compileOperation(port('1.1', [op]), op);
    expect((success(withoutTypes.readResponse({ status: 200, contentType: 'text/xml', body: xml })) as { party: unknown[] }).party[1]).toEqual({ id: 2, name: 'Derived' });
  });

  it('reads unions by the first member that fits', () => {
    const sizeOrAuto = { kind: 'simple', builtin: 'anySimpleType', facets: {}, unionOf: [xs.int, simple('string', { enumeration: ['auto'] })] } as const;
    expect(readerOf(complex({ content: seq(el('size', sizeOrAuto, { max: Infinity })) }))('<size>12</size><size>auto</size><size>odd</size>')).toEqual({ size: [12, 'auto', 'odd'] });
  });

  it('round-trips a request: what the writer sends, the reader reads back', () => {
    const echo = wrapped('Echo', PlaceOrder, PlaceOrder);
    const compiled = createSoapCodec().compileOperation(port('1.1', [echo]), echo);
    const body = { ...placeOrderBody(), note: null, total: { currency: 'EUR', value: '24.5' }, tags: ['a', 'b'], codes: [3], ref: '18446744073709551615' };
    const envelope = compiled.writeRequest({ body }).body.replace(':Echo ', ':EchoResponse ').replace(':Echo>', ':EchoResponse>');
    const result = success(compiled.readResponse({ status: 200, contentType: 'text/xml', body: envelope }));
    expect(result).toEqual({
      ...body,
      customer: { ...(placeOrderBody().customer as object), id: '9007199254740993' },
      lines: [
        { lineNo: 1, sku: 'ABC-1234', qty: 2, price: '19.9' },
        { lineNo: 2, sku: 'XYZ-0001', qty: 1, price: '5' },
      ],
    });
  });

  it('reports a value outside its type as a bad response, with where it was', () => {
    const outcome = order.readResponse({ status: 200, contentType: 'text/xml', body: envelope11(`<o:PlaceOrderResponse xmlns:o="${TNS}"><lines lineNo="1"><qty>two</qty></lines></o:PlaceOrderResponse>`) });
    expect(outcome.kind).toBe('bad');
    if (outcome.kind !== 'bad') return;
    expect(outcome.error).toMatchObject({ code: 'upstream-bad-response', status: 502 });
    expect(outcome.error.detail).toBe('The SOAP upstream answered HTTP 200 with a SOAP response that does not fit its schema at /lines/0/qty: "two" is not a valid xs:int.');
  });
});

describe('response forms per style', () => {
  it('reads a bare single-part response as its element\'s content and an rpc response by part name', () => {
    expect(read(compile(submitBatch), `<r:Receipt xmlns:r="${TNS}"><accepted>3</accepted><batchId>b-1</batchId></r:Receipt>`)).toEqual({ accepted: 3, batchId: 'b-1' });
    expect(read(compile(updateAddress), `<m:UpdateAddressResponse xmlns:m="${TNS}"><ok>true</ok><version>4</version></m:UpdateAddressResponse>`)).toEqual({ ok: true, version: 4 });
  });

  it('reads a multi-part document response keyed by part name', () => {
    const op = operation('Split', message([]), message([
      { name: 'receipt', element: top('Receipt', complex({ content: seq(el('batchId', xs.string)) })) },
      { name: 'priority', element: top('Priority', xs.int) },
    ]));
    const compiled = createSoapCodec().compileOperation(port('1.1', [op]), op);
    expect(read(compiled, `<r:Priority xmlns:r="${TNS}">5</r:Priority><r:Receipt xmlns:r="${TNS}"><batchId>b</batchId></r:Receipt>`)).toEqual({ receipt: { batchId: 'b' }, priority: 5 });
  });

  it('reads SOAP 1.2 envelopes for a 1.2 port, and the response element even when empty', () => {
    const order12 = compile(placeOrder, '1.2');
    expect(success(order12.readResponse({ status: 200, contentType: 'application/soap+xml', body: envelope12(`<o:PlaceOrderResponse xmlns:o="${TNS}"/>`) }))).toEqual({});
  });

  it('reads soap:header parts of the response', () => {
    const op = operation('Audit', message([]), message([{ name: 'body', element: top('AuditResponse', complex({ content: seq(el('ok', xs.boolean)) })) }], {
      headers: [{ name: 'session', element: top('Session', complex({ content: seq(el('id', xs.string)), attributes: [attr('ttl', xs.int)] })) }],
    }));
    const compiled = createSoapCodec().compileOperation(port('1.1', [op]), op);
    const outcome = compiled.readResponse({
      status: 200,
      contentType: 'text/xml',
      body: envelope11(`<a:AuditResponse xmlns:a="${TNS}"><ok>0</ok></a:AuditResponse>`, `<a:Session xmlns:a="${TNS}" ttl="30"><id>s1</id></a:Session>`),
    });
    expect(outcome).toEqual({ kind: 'success', body: { ok: false }, headers: { session: { ttl: 30, id: 's1' } } });
  });
});
