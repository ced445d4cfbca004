import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { SoapCodecCompileError, createSoapCodec, type CompiledSoapOperation } from '../../src/soap/codec/index.js';
import type { SoapOperation, SoapVersion } from '../../src/soap/model.js';
import { parseXml } from '../../src/xml/index.js';
import { TNS, attr, choice, complex, el, golden, groupOf, message, operation, port, recursive, seq, simple, top, wrapped, xs } from './soap-codec-fixture.js';
import { ordersPort, ping, placeOrder, placeOrderBody, submitBatch, updateAddress } from './soap-codec-orders.js';

function compile(op: SoapOperation, version: SoapVersion = '1.1'): CompiledSoapOperation {
  return createSoapCodec().compileOperation(ordersPort(version), op);
}

/** Compiles a one-operation port around a request type; the response type does not matter here. */
function requestOf(type: ReturnType<typeof complex>): CompiledSoapOperation {
  const op = wrapped('Op', type, complex());
  return createSoapCodec().compileOperation(port('1.1', [op]), op);
}

/** The body element of a written envelope, without the envelope. */
function bodyXml(compiled: CompiledSoapOperation, body: unknown): string {
  const xml = compiled.writeRequest({ body }).body;
  return xml.slice(xml.indexOf('<soap:Body>') + 11, xml.lastIndexOf('</soap:Body>'));
}

function violations(run: () => unknown): { location: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (GatewayError.is(error) && error.code === 'soap-request-invalid') {
      expect(error.status).toBe(400);
      return [...(error.violations ?? [])];
    }
    throw error;
  }
  throw new Error('expected a soap-request-invalid error');
}

describe('envelopes per style and SOAP version (golden)', () => {
  it.each(['1.1', '1.2'] as const)('document/literal wrapped, SOAP %s', (version) => {
    const request = compile(placeOrder, version).writeRequest({ body: placeOrderBody() });
    const { expected, actual } = golden(`doc-wrapped-${version}.xml`, request.body);
    expect(actual).toBe(expected);
    expect(() => parseXml(request.body)).not.toThrow();
  });

  it.each(['1.1', '1.2'] as const)('document/literal bare with two parts, SOAP %s', (version) => {
    const request = compile(submitBatch, version).writeRequest({ body: { priority: 5, order: { lineNo: 1, qty: 3, sku: 'ABC-0001' } } });
    const { expected, actual } = golden(`doc-bare-${version}.xml`, request.body);
    expect(actual).toBe(expected);
  });

  it.each(['1.1', '1.2'] as const)('rpc/literal, SOAP %s', (version) => {
    const request = compile(updateAddress, version).writeRequest({ body: { address: { zip: '10115', city: 'Berlin', street: 'Unter den Linden 1' }, customerId: 42 } });
    const { expected, actual } = golden(`rpc-literal-${version}.xml`, request.body);
    expect(actual).toBe(expected);
  });

  it('SOAP 1.1 sends SOAPAction quoted (even when empty) and text/xml', () => {
    expect(compile(placeOrder, '1.1').writeRequest({ body: placeOrderBody() }).headers).toEqual({
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"${TNS}/PlaceOrder"`,
    });
    expect(compile(updateAddress, '1.1').writeRequest({ body: { customerId: 1, address: { street: 's', city: 'c' } } }).headers.soapaction).toBe('""');
  });

  it('SOAP 1.2 puts the action in the media type, and sends no SOAPAction', () => {
    expect(compile(placeOrder, '1.2').writeRequest({ body: placeOrderBody() }).headers).toEqual({
      'content-type': `application/soap+xml; charset=utf-8; action="${TNS}/PlaceOrder"`,
    });
    expect(compile(updateAddress, '1.2').writeRequest({ body: { customerId: 1, address: { street: 's', city: 'c' } } }).headers).toEqual({
      'content-type': 'application/soap+xml; charset=utf-8',
    });
  });

  it('an operation without fields may be called with no body', () => {
    expect(bodyXml(compile(ping), undefined)).toBe('<ns1:Ping/>');
  });
});

describe('XSD constructs on the way out', () => {
  const order = compile(placeOrder);

  it('writes elements in sequence order whatever the JSON key order, base content before extension content', () => {
    const forward = bodyXml(order, placeOrderBody());
    const shuffled = Object.fromEntries(Object.entries(placeOrderBody()).reverse());
    expect(bodyXml(order, shuffled)).toBe(forward);
    expect(forward).toContain('<customer kind="person" vip="true"><id>9007199254740993</id><name>');
    expect(forward).toMatch(/<name>.*<\/name><loyaltyTier>3<\/loyaltyTier><email>ann@example.test<\/email><\/customer><status>OPEN<\/status>/);
    expect(forward.indexOf('<lines')).toBeLessThan(forward.indexOf('<invoiceRef>'));
    expect(forward.indexOf('<invoiceRef>')).toBeLessThan(forward.indexOf('<express>'));
  });

  it('escapes <&>"\' in text and attributes and sends non-ASCII as UTF-8', () => {
    const xml = bodyXml(order, { ...placeOrderBody(), channel: 'a"<&>\'\tb' });
    expect(xml).toContain('<name>Ann &lt;&amp;&gt; "Quotes" \'Apos\'</name>');
    expect(xml).toContain('channel="a&quot;&lt;&amp;&gt;\'&#x9;b"');
    expect(xml).toContain('<note>Leave at the door – Zürich 東京 😀</note>');
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), note: 'bell\u0007' } }))).toEqual([
      { location: '/body/note', message: 'contains a character XML cannot carry (U+0007 at index 4)' },
    ]);
  });

  it('qualifies a namespaced attribute with its prefix, declared on the envelope', () => {
    const xml = order.writeRequest({ body: placeOrderBody() }).body;
    expect(xml).toContain('xmlns:ns2="urn:example:trace"');
    expect(xml).toContain('<ns1:PlaceOrder channel="web" ns2:trace="t-1">');
  });

  it('writes a choice from the one alternative given, and refuses none or two', () => {
    const base = placeOrderBody();
    delete base.invoiceRef;
    expect(bodyXml(order, { ...base, card: { number: '4111111111111111', expires: '2027-09' } })).toContain('<card><number>4111111111111111</number><expires>2027-09</expires></card><express>');
    expect(bodyXml(order, { ...base, account: 'DE00', bankCode: 'B1' })).toContain('</lines><bankCode>B1</bankCode><account>DE00</account><express>');
    expect(violations(() => order.writeRequest({ body: base }))).toEqual([{ location: '/body', message: 'needs one of: card, invoiceRef, bankCode, account' }]);
    expect(violations(() => order.writeRequest({ body: { ...base, invoiceRef: 'X', bankCode: 'B1', account: 'A' } }))).toEqual([
      { location: '/body', message: 'only one of invoiceRef, bankCode, account may be given (xs:choice)' },
    ]);
    // The nested sequence alternative keeps its own required fields.
    expect(violations(() => order.writeRequest({ body: { ...base, bankCode: 'B1' } }))).toEqual([{ location: '/body/account', message: 'is required' }]);
  });

  it('writes an array of one, and refuses a single value where the schema repeats', () => {
    const one = { ...placeOrderBody(), lines: [{ lineNo: 1, sku: 'ABC-1234', qty: 1 }] };
    expect(bodyXml(order, one)).toContain('<lines lineNo="1"><sku>ABC-1234</sku><qty>1</qty></lines><invoiceRef>');
    expect(violations(() => order.writeRequest({ body: { ...one, lines: one.lines[0] } }))).toEqual([{ location: '/body/lines', message: 'must be an array' }]);
    expect(violations(() => order.writeRequest({ body: { ...one, lines: [] } }))).toEqual([{ location: '/body/lines', message: 'must have at least 1 items' }]);
  });

  it('nil for null where nillable; omitted where optional; a violation where required', () => {
    expect(bodyXml(order, { ...placeOrderBody(), note: null })).toContain('<note xsi:nil="true"/>');
    expect(bodyXml(order, { ...placeOrderBody(), status: null })).not.toContain('<status');
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), customer: null } }))).toEqual([{ location: '/body/customer', message: 'cannot be null' }]);
  });

  it('refuses enumeration and pattern violations, naming the JSON field', () => {
    const body = placeOrderBody();
    (body.lines as Record<string, unknown>[])[1] = { lineNo: 2, sku: 'xyz-1', qty: 1 };
    expect(violations(() => order.writeRequest({ body: { ...body, status: 'LOST' } }))).toEqual([
      { location: '/body/status', message: 'must be one of "OPEN", "SHIPPED", "CANCELLED"' },
      { location: '/body/lines/1/sku', message: 'must match the pattern [A-Z]{3}-\\d{4}' },
    ]);
  });

  it('checks bounds, integer and decimal forms, booleans and dates', () => {
    const body = placeOrderBody();
    const lines = body.lines as Record<string, unknown>[];
    lines[0] = { lineNo: 1.5, sku: 'ABC-1234', qty: 1000, price: '19.999' };
    lines[1] = { lineNo: 2, sku: 'ABC-1234', qty: '12x', price: -1 };
    expect(violations(() => order.writeRequest({ body: { ...body, express: 'yes', requestedAt: '2024-13-01T00:00:00Z' } }))).toEqual([
      { location: '/body/lines/0/lineNo', message: 'must be an integer (xs:int)' },
      { location: '/body/lines/0/qty', message: 'must be at most 999' },
      { location: '/body/lines/0/price', message: 'must have at most 2 fraction digits' },
      { location: '/body/lines/1/qty', message: '"12x" is not a valid xs:int' },
      { location: '/body/lines/1/price', message: 'must be at least 0' },
      { location: '/body/express', message: 'must be true or false' },
      { location: '/body/requestedAt', message: '"2024-13-01T00:00:00Z" is not a valid xs:dateTime (e.g. 2024-01-31T12:00:00Z)' },
    ]);
  });

  it('keeps big integers exact: digit strings beyond 2^53 pass, unsafe JSON numbers and out-of-range values do not', () => {
    expect(bodyXml(order, { ...placeOrderBody(), ref: '18446744073709551615' })).toContain('<ref>18446744073709551615</ref>');
    const customer = placeOrderBody().customer as Record<string, unknown>;
    expect(bodyXml(order, { ...placeOrderBody(), customer: { ...customer, id: '-9223372036854775808' } })).toContain('<id>-9223372036854775808</id>');
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), customer: { ...customer, id: 2 ** 60 }, ref: '18446744073709551616' } }))).toEqual([
      { location: '/body/customer/id', message: 'is beyond 2^53 and lost precision in JSON: send it as a string of digits' },
      { location: '/body/ref', message: 'must be at most 18446744073709551615' },
    ]);
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), customer: { ...customer, id: '9223372036854775808' } } }))[0]?.message).toBe('must be at most 9223372036854775807');
  });

  it('writes decimals in plain notation, exactly', () => {
    const total = (value: unknown): string => bodyXml(order, { ...placeOrderBody(), total: { value, currency: 'EUR' } });
    expect(total('0012.50')).toContain('<total currency="EUR">12.5</total>');
    expect(total(1e21)).toContain('>1000000000000000000000<');
    const plain = requestOf(complex({ content: seq(el('amount', xs.decimal, { max: Infinity })) }));
    expect(bodyXml(plain, { amount: [1e-7, -2.5e-10, 123.456, '+0.50', '-0'] })).toBe(
      '<ns1:Op><amount>0.0000001</amount><amount>-0.00000000025</amount><amount>123.456</amount><amount>0.5</amount><amount>0</amount></ns1:Op>',
    );
    expect(total('123456789012345678901234567890.12')).toContain('>123456789012345678901234567890.12<');
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), total: { value: '1e5', currency: 'EURO' } } }))).toEqual([
      { location: '/body/total/currency', message: 'must have exactly 3 characters' },
      { location: '/body/total/value', message: '"1e5" is not a valid xs:decimal' },
    ]);
  });

  it('writes simple content with attributes as `value`, and lists as space-separated items', () => {
    const xml = bodyXml(order, { ...placeOrderBody(), total: { currency: 'EUR', value: 24.9 }, tags: ['gift', 'fragile'], codes: [1, 2, 3] });
    expect(xml).toContain('<total currency="EUR">24.9</total><tags>gift fragile</tags><codes>1 2 3</codes>');
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), tags: ['two words'], codes: [1, 2, 3, 4] } }))).toEqual([
      { location: '/body/tags/0', message: 'a list item cannot be empty or contain whitespace' },
      { location: '/body/codes', message: 'must have at most 3 characters' },
    ]);
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), codes: [1, 'x'] } }))).toEqual([{ location: '/body/codes/1', message: '"x" is not a valid xs:int' }]);
  });

  it('names unknown fields and missing required ones, at any depth, and lists every violation', () => {
    const body = placeOrderBody();
    (body.lines as Record<string, unknown>[])[0] = { lineNo: 1, sku: 'ABC-1234', qty: 1, colour: 'red' };
    delete body.customer;
    expect(violations(() => order.writeRequest({ body: { ...body, discount: 5 } }))).toEqual([
      { location: '/body/discount', message: 'is not a field of this type' },
      { location: '/body/customer', message: 'is required' },
      { location: '/body/lines/0/colour', message: 'is not a field of this type' },
    ]);
    const error = (() => {
      try {
        order.writeRequest({ body: 'text' });
      } catch (caught) {
        return caught as GatewayError;
      }
      return undefined;
    })();
    expect(error?.detail).toBe('The request does not fit SOAP operation PlaceOrder: /body must be an object (an anonymous type).');
  });

  it('caps the violations of a hostile body', () => {
    const lines = Array.from({ length: 500 }, () => ({ lineNo: 'x', sku: 1, qty: 0 }));
    expect(violations(() => order.writeRequest({ body: { ...placeOrderBody(), lines } }))).toHaveLength(20);
  });
});

describe('nested and repeated groups, recursion', () => {
  it('writes a repeated sequence by index and a repeated choice alternative by alternative', () => {
    const type = complex({
      content: seq(
        groupOf('sequence', { min: 0, max: Infinity }, el('key', xs.string), el('val', xs.int, { min: 0 })),
        groupOf('choice', { min: 0, max: Infinity }, el('a', xs.int), el('b', xs.string)),
        groupOf('sequence', { min: 0 }, el('from', xs.date), el('to', xs.date)),
      ),
    });
    const op = requestOf(type);
    expect(bodyXml(op, { b: ['x'], a: [1, 2], val: [10, 20], key: ['k1', 'k2', 'k3'] })).toBe(
      '<ns1:Op><key>k1</key><val>10</val><key>k2</key><val>20</val><key>k3</key><a>1</a><a>2</a><b>x</b></ns1:Op>',
    );
    expect(bodyXml(op, { to: '2024-02-01', from: '2024-01-01' })).toBe('<ns1:Op><from>2024-01-01</from><to>2024-02-01</to></ns1:Op>');
    expect(violations(() => op.writeRequest({ body: { to: '2024-02-01' } }))).toEqual([{ location: '/body/from', message: 'is required' }]);
    expect(violations(() => op.writeRequest({ body: { key: 'k1' } }))).toEqual([{ location: '/body/key', message: 'must be an array (its group repeats)' }]);
    expect(violations(() => op.writeRequest({ body: { key: ['k1'], val: [1, 2] } }))).toEqual([{ location: '/body/key/1', message: 'is required in each repetition of its group' }]);
  });

  it('compiles and writes a type that contains itself', () => {
    const Category = recursive('Category', (self) => seq(el('name', xs.string), el('children', self, { min: 0, max: Infinity })));
    const op = requestOf(complex({ content: seq(el('root', Category)) }));
    expect(bodyXml(op, { root: { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] } })).toBe(
      '<ns1:Op><root><name>a</name><children><name>b</name><children><name>c</name></children></children></root></ns1:Op>',
    );
  });

  it('refuses JSON nested without bound in a recursive type, without overflowing the stack', () => {
    const Category = recursive('Category', (self) => seq(el('name', xs.string, { min: 0 }), el('child', self, { min: 0 })));
    const op = requestOf(complex({ content: seq(el('root', Category)) }));
    let deep: Record<string, unknown> = { name: 'leaf' };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    const [first] = violations(() => op.writeRequest({ body: { root: deep } }));
    expect(first?.message).toBe('is nested deeper than 256 levels');
    expect(first?.location.split('/')).toHaveLength(259);
  });

  it('writes qualified local elements with their prefix (elementFormDefault="qualified")', () => {
    const op = requestOf(complex({ content: seq(el('id', xs.int, { ns: TNS }), el('other', xs.int, { ns: 'urn:other' })) }));
    const xml = op.writeRequest({ body: { other: 2, id: 1 } }).body;
    expect(xml).toContain('xmlns:ns1="urn:example:orders" xmlns:ns2="urn:other"');
    expect(xml).toContain('<ns1:Op><ns1:id>1</ns1:id><ns2:other>2</ns2:other></ns1:Op>');
  });

  it('writes fixed attributes, refuses other values, and requires required attributes', () => {
    const op = requestOf(complex({ attributes: [attr('version', xs.string, { fixed: '2.0' }), attr('id', xs.int, { required: true })] }));
    expect(bodyXml(op, { id: 1 })).toBe('<ns1:Op version="2.0" id="1"/>');
    expect(violations(() => op.writeRequest({ body: { version: '3.0' } }))).toEqual([
      { location: '/body/version', message: 'must be "2.0" (fixed by the schema)' },
      { location: '/body/id', message: 'is a required attribute' },
    ]);
  });

  it('writes a union through the first member that takes the value', () => {
    const sizeOrAuto = { kind: 'simple', builtin: 'anySimpleType', facets: {}, unionOf: [xs.int, simple('string', { enumeration: ['auto'] })] } as const;
    const op = requestOf(complex({ content: seq(el('size', sizeOrAuto)) }));
    expect(bodyXml(op, { size: 12 })).toContain('<size>12</size>');
    expect(bodyXml(op, { size: 'auto' })).toContain('<size>auto</size>');
    expect(violations(() => op.writeRequest({ body: { size: 'big' } }))[0]?.message).toBe('does not fit any member of xs:anySimpleType (xs:int, xs:string)');
  });

  it('requires every pattern entry (one per restriction step) to match', () => {
    const op = requestOf(complex({ content: seq(el('code', simple('string', { pattern: ['[A-Z0-9]+', '.{3}|.{5}'] }))) }));
    expect(bodyXml(op, { code: 'AB1' })).toContain('<code>AB1</code>');
    expect(violations(() => op.writeRequest({ body: { code: 'ABCD' } }))).toEqual([{ location: '/body/code', message: 'must match the pattern .{3}|.{5}' }]);
    expect(violations(() => op.writeRequest({ body: { code: 'ab1' } }))).toEqual([{ location: '/body/code', message: 'must match the pattern [A-Z0-9]+' }]);
  });

  it('normalizes whitespace as the built-in type defines before checking facets and sending', () => {
    const op = requestOf(
      complex({
        content: seq(
          el('mode', simple('token', { enumeration: ['fast lane', 'slow'] })),
          el('line', simple('normalizedString')),
          el('text', xs.string),
        ),
      }),
    );
    expect(bodyXml(op, { mode: '  fast\t\n lane ', line: 'a\tb\nc', text: ' as\tis ' })).toBe('<ns1:Op><mode>fast lane</mode><line>a b c</line><text> as\tis </text></ns1:Op>');
  });

  it('writes an element declared without a type (xs:anyType) from any JSON, generically', () => {
    const anyType = complex({ content: seq({ kind: 'any', minOccurs: 0, maxOccurs: Infinity }) });
    const op = requestOf(complex({ content: seq(el('payload', { ...anyType, mixed: true }, { max: Infinity })) }));
    expect(bodyXml(op, { payload: ['text & more', 42, { a: 1, list: ['x', 'y'], none: null, nested: { b: true } }, {}] })).toBe(
      '<ns1:Op><payload>text &amp; more</payload><payload>42</payload>' +
        '<payload><a>1</a><list>x</list><list>y</list><none xsi:nil="true"/><nested><b>true</b></nested></payload><payload/></ns1:Op>',
    );
    expect(violations(() => op.writeRequest({ body: { payload: [{ 'bad name': 1, xmlThing: 2, ok: [[1]] }] } }))).toEqual([
      { location: '/body/payload/0/bad name', message: 'is not a name an XML element can have' },
      { location: '/body/payload/0/xmlThing', message: 'is not a name an XML element can have' },
      { location: '/body/payload/0/ok/0', message: 'must be text, a number, a boolean or an object' },
    ]);
  });

  it('writes float and double special values', () => {
    const op = requestOf(complex({ content: seq(el('d', xs.double, { max: Infinity }), el('f', xs.float, { min: 0 })) }));
    expect(bodyXml(op, { d: [1.5, 'INF', '-INF', 'NaN', 1e300] })).toBe('<ns1:Op><d>1.5</d><d>INF</d><d>-INF</d><d>NaN</d><d>1e+300</d></ns1:Op>');
    expect(violations(() => op.writeRequest({ body: { d: [1], f: 1e300 } }))).toEqual([{ location: '/body/f', message: 'is too large for xs:float' }]);
  });
});

describe('rpc and bare messages', () => {
  it('refuses unknown and missing parts', () => {
    expect(violations(() => compile(updateAddress).writeRequest({ body: { customerId: 1, extra: true } }))).toEqual([
      { location: '/body/extra', message: 'is not a part of this message' },
      { location: '/body/address', message: 'is required' },
    ]);
    expect(violations(() => compile(submitBatch).writeRequest({ body: [] }))).toEqual([{ location: '/body', message: 'must be an object with the fields order, priority' }]);
  });

  it('writes soap:header parts given by the caller', () => {
    const op = operation('Audit', message([{ name: 'body', element: top('Audit', complex({ content: seq(el('x', xs.int)) })) }], {
      headers: [{ name: 'tenant', element: top('Tenant', xs.string) }],
    }), message([]));
    const compiled = createSoapCodec().compileOperation(port('1.1', [op]), op);
    const xml = compiled.writeRequest({ body: { x: 1 }, headers: { tenant: 'acme' } }).body;
    expect(xml).toContain('<soap:Header><ns1:Tenant>acme</ns1:Tenant></soap:Header><soap:Body><ns1:Audit><x>1</x></ns1:Audit>');
    expect(violations(() => compiled.writeRequest({ body: { x: 1 }, headers: { tenant: 5 } }))).toEqual([{ location: '/soapHeaders/tenant', message: 'must be a string' }]);
  });
});

describe('what has no JSON form is refused at load', () => {
  it.each([
    ['an attribute and an element of one name', complex({ content: seq(el('id', xs.int)), attributes: [attr('id', xs.int)] }), /attribute "id" and child element "id"/],
    ['an attribute named value beside simple content', complex({ text: xs.string, attributes: [attr('value', xs.string)] }), /collides with the field that holds the simple content/],
    ['one element name twice', complex({ content: seq(el('a', xs.int), choice(el('a', xs.int), el('b', xs.int))) }), /element "a" appears twice/],
    ['a pattern with a block escape', complex({ content: seq(el('a', simple('string', { pattern: ['\\p{IsBasicLatin}+'] }))) }), /Unicode block escapes/],
    ['class subtraction', complex({ content: seq(el('a', simple('string', { pattern: ['[a-z-[aeiou]]'] }))) }), /subtraction/],
  ])('%s', (_name, type, message) => {
    expect(() => requestOf(type)).toThrow(SoapCodecCompileError);
    expect(() => requestOf(type)).toThrow(message);
  });

  it('refuses a bad fault status table and an action that cannot be quoted', () => {
    expect(() => createSoapCodec().compileOperation(ordersPort('1.1'), placeOrder, { faultStatuses: { OrderNotFound: 200 } })).toThrow(/400-599/);
    const bad = { ...placeOrder, soapAction: 'urn:"x"' };
    expect(() => createSoapCodec().compileOperation(port('1.1', [bad]), bad)).toThrow(/quoted/);
  });

  it('translates XSD patterns: implicit anchors, literal ^ and $, \\i \\c name classes', () => {
    const op = requestOf(
      complex({ content: seq(el('a', simple('string', { pattern: ['$\\d+^'] }), { min: 0 }), el('b', simple('NCName', { pattern: ['\\i\\c*'] }), { min: 0 })) }),
    );
    expect(bodyXml(op, { a: '$12^', b: 'x-1' })).toContain('<a>$12^</a><b>x-1</b>');
    expect(violations(() => op.writeRequest({ body: { a: 'x$12^', b: '1x' } })).map((v) => v.location)).toEqual(['/body/a', '/body/b']);
  });
});
