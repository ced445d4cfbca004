import { describe, expect, it } from 'vitest';
import { toProblem } from '../../src/errors/problem.js';
import { createSoapCodec, faultStatus, soapFaultToError, type FaultStatusTable, type SoapFault, type SoapResponseOutcome } from '../../src/soap/codec/index.js';
import { TNS, envelope11, envelope12 } from './soap-codec-fixture.js';
import { ordersPort, ping, placeOrder } from './soap-codec-orders.js';

const TABLE: FaultStatusTable = { OrderNotFound: 404, 'Client.Authentication': 401, Timeout: 504, Conflict: 409 };

function classify(body: string | Uint8Array, options: { status?: number; contentType?: string; version?: '1.1' | '1.2'; table?: FaultStatusTable; op?: typeof placeOrder } = {}): SoapResponseOutcome {
  const compiled = createSoapCodec().compileOperation(ordersPort(options.version ?? '1.1'), options.op ?? placeOrder, options.table === undefined ? {} : { faultStatuses: options.table });
  return compiled.readResponse({ status: options.status ?? 500, contentType: 'contentType' in options ? options.contentType : 'text/xml; charset=utf-8', body });
}

function fault(outcome: SoapResponseOutcome): Extract<SoapResponseOutcome, { kind: 'fault' }> {
  if (outcome.kind !== 'fault') throw new Error(`expected a fault, got ${outcome.kind}${outcome.kind === 'bad' ? `: ${outcome.error.detail}` : ''}`);
  return outcome;
}

function badDetail(outcome: SoapResponseOutcome): string {
  if (outcome.kind !== 'bad') throw new Error(`expected a bad response, got ${outcome.kind}`);
  expect(outcome.error).toMatchObject({ code: 'upstream-bad-response', status: 502 });
  return outcome.error.detail;
}

const fault11 = (code: string, detail = '', ns = '') =>
  envelope11(`<s:Fault${ns}><faultcode>${code}</faultcode><faultstring>Order 42 does not exist</faultstring><faultactor>urn:orders</faultactor>${detail}</s:Fault>`);

describe('SOAP 1.1 faults', () => {
  it('reads Client with a typed detail, maps it to 400, and to 404 by the detail element', () => {
    const xml = fault11('s:Client', `<detail><o:OrderNotFound xmlns:o="${TNS}"><orderId>42</orderId></o:OrderNotFound></detail>`);
    const { fault: parsed, error } = fault(classify(xml));
    expect(parsed).toEqual({
      version: '1.1',
      code: 'Client',
      codeNamespace: 'http://schemas.xmlsoap.org/soap/envelope/',
      subcodes: [],
      reason: 'Order 42 does not exist',
      actor: 'urn:orders',
      node: undefined,
      detail: { OrderNotFound: { orderId: 42 } },
    });
    expect(error).toMatchObject({ code: 'soap-fault', status: 400 });
    expect(fault(classify(xml, { table: TABLE })).error.status).toBe(404);
    expect(toProblem(fault(classify(xml, { table: TABLE })).error, 'req-1')).toEqual({
      type: 'urn:protogate:problem:soap-fault',
      title: 'SOAP fault',
      status: 404,
      detail: 'The SOAP service answered with a fault (Client): Order 42 does not exist',
      instance: 'req-1',
      soapVersion: '1.1',
      faultCode: 'Client',
      faultSubcodes: [],
      faultReason: 'Order 42 does not exist',
      faultDetail: { OrderNotFound: { orderId: 42 } },
    });
  });

  it('maps Server to 502, and reads a detail no declaration matches generically', () => {
    const xml = fault11('soapenv:Server', '<detail><ex:Stack xmlns:ex="urn:x" level="2"><frame>a</frame><frame>b</frame></ex:Stack><note/></detail>', ' xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"');
    const { fault: parsed, error } = fault(classify(xml, { status: 500 }));
    expect(parsed.detail).toEqual({ Stack: { level: '2', frame: ['a', 'b'] }, note: null });
    expect(error.status).toBe(502);
  });

  it('reads a dotted code as a code with subcodes, and the table picks the most specific key', () => {
    const parsed = fault(classify(fault11('s:Client.Authentication.Expired'))).fault;
    expect(parsed).toMatchObject({ code: 'Client', subcodes: ['Authentication', 'Expired'] });
    expect(faultStatus(parsed, undefined)).toBe(400);
    expect(faultStatus(parsed, TABLE)).toBe(401);
    expect(faultStatus(parsed, { ...TABLE, Expired: 403 })).toBe(403);
    expect(faultStatus(parsed, { Client: 422 })).toBe(422);
  });

  it('keeps an application fault code in its own namespace and maps it by name', () => {
    const parsed = fault(classify(fault11('app:Timeout', '', ' xmlns:app="urn:app"'))).fault;
    expect(parsed).toMatchObject({ code: 'Timeout', codeNamespace: 'urn:app', subcodes: [] });
    expect(faultStatus(parsed, undefined)).toBe(502);
    expect(faultStatus(parsed, TABLE)).toBe(504);
  });

  it('treats a Fault as a Fault under any HTTP status, even 200, and qualified children too', () => {
    const qualified = envelope11('<s:Fault><s:faultcode>s:Client</s:faultcode><s:faultstring>bad</s:faultstring></s:Fault>');
    expect(fault(classify(qualified, { status: 200 })).fault).toMatchObject({ code: 'Client', reason: 'bad', detail: null });
  });

  it('maps VersionMismatch and MustUnderstand to 502: the gateway\'s envelope, not the client\'s request', () => {
    expect(fault(classify(fault11('s:VersionMismatch'))).error.status).toBe(502);
    expect(fault(classify(fault11('s:MustUnderstand'))).error.status).toBe(502);
  });

  it('reads a 1.1 fault that answers a 1.2 request', () => {
    expect(fault(classify(fault11('s:VersionMismatch'), { version: '1.2' })).fault).toMatchObject({ version: '1.1', code: 'VersionMismatch' });
  });
});

describe('SOAP 1.2 faults', () => {
  const fault12 = (value: string, subcodes: string[], detail = '') => {
    const nested = subcodes.reduceRight((inner, code) => `<env:Subcode><env:Value>${code}</env:Value>${inner}</env:Subcode>`, '');
    return envelope12(
      `<env:Fault xmlns:m="urn:app"><env:Code><env:Value>${value}</env:Value>${nested}</env:Code>` +
        '<env:Reason><env:Text xml:lang="de">Zeitüberschreitung</env:Text><env:Text xml:lang="en-GB">Sender timed out</env:Text></env:Reason>' +
        `<env:Node>urn:node</env:Node><env:Role>urn:role</env:Role>${detail}</env:Fault>`,
    );
  };

  it('reads Code/Value, nested Subcodes, the English Reason, Node, Role and Detail', () => {
    const xml = fault12('env:Sender', ['m:MessageTimeout', 'm:Conflict'], '<env:Detail><m:MaxTime>P5M</m:MaxTime></env:Detail>');
    const { fault: parsed, error } = fault(classify(xml, { version: '1.2', status: 400, contentType: 'application/soap+xml' }));
    expect(parsed).toEqual({
      version: '1.2',
      code: 'Sender',
      codeNamespace: 'http://www.w3.org/2003/05/soap-envelope',
      subcodes: ['MessageTimeout', 'Conflict'],
      reason: 'Sender timed out',
      actor: 'urn:role',
      node: 'urn:node',
      detail: { MaxTime: 'P5M' },
    });
    expect(error.status).toBe(400);
    expect(error.detail).toBe('The SOAP service answered with a fault (Sender/MessageTimeout/Conflict): Sender timed out');
    expect(fault(classify(xml, { version: '1.2', table: TABLE })).error.status).toBe(409);
  });

  it('maps Receiver to 502 and types a declared detail', () => {
    const xml = fault12('env:Receiver', [], `<env:Detail><o:OrderNotFound xmlns:o="${TNS}"><orderId>9007199254740993</orderId></o:OrderNotFound></env:Detail>`);
    const { fault: parsed, error } = fault(classify(xml, { version: '1.2' }));
    expect(error.status).toBe(502);
    expect(parsed.detail).toEqual({ OrderNotFound: { orderId: '9007199254740993' } });
    expect(fault(classify(xml, { version: '1.2', table: TABLE })).error.status).toBe(404);
  });

  it('relays a declared detail that does not fit its type generically rather than failing', () => {
    const xml = fault12('env:Sender', [], `<env:Detail><o:OrderNotFound xmlns:o="${TNS}"><orderId>abc</orderId></o:OrderNotFound></env:Detail>`);
    expect(fault(classify(xml, { version: '1.2' })).fault.detail).toEqual({ OrderNotFound: { orderId: 'abc' } });
  });

  it('builds the problem from a fault value directly', () => {
    const value: SoapFault = { version: '1.2', code: 'Sender', codeNamespace: '', subcodes: [], reason: 'x'.repeat(300), actor: undefined, node: undefined, detail: null };
    const error = soapFaultToError(value);
    expect(error.status).toBe(400);
    expect(error.detail).toHaveLength('The SOAP service answered with a fault (Sender): '.length + 201);
    expect(error.extensions?.faultReason).toBe('x'.repeat(300));
  });
});

describe('responses that are not SOAP', () => {
  it('an HTML error page is a 502 that says so, well-formed or not', () => {
    const page = '<!DOCTYPE html><html><head><title>500</title></head><body><h1>Internal Server Error</h1><br></body></html>';
    expect(badDetail(classify(page, { status: 500, contentType: 'text/html' }))).toBe('The SOAP upstream answered HTTP 500 with an HTML page, not a SOAP envelope.');
    expect(badDetail(classify('<html><body><p>Bad gateway</p></body></html>', { status: 502, contentType: 'text/html; charset=utf-8' }))).toMatch(/HTML page/);
    expect(badDetail(classify('<html><body><p>down</p></body></html>', { status: 503, contentType: undefined }))).toMatch(/HTTP 503 with an HTML page/);
  });

  it('a non-XML body is a 502 naming its media type', () => {
    expect(badDetail(classify('Internal Server Error', { status: 500, contentType: 'text/plain' }))).toBe(
      'The SOAP upstream answered HTTP 500 with a text/plain body that is not well-formed XML (text outside the root element (at offset 0)).',
    );
    expect(badDetail(classify('{"error":"boom"}', { status: 200, contentType: 'application/json' }))).toMatch(/^The SOAP upstream answered HTTP 200 with a application\/json body that is not well-formed XML/);
  });

  it('a 500 with an envelope but no Fault, XML that is no envelope, a truncated envelope', () => {
    const ok = envelope11(`<o:PlaceOrderResponse xmlns:o="${TNS}"><orderId>1</orderId></o:PlaceOrderResponse>`);
    expect(badDetail(classify(ok, { status: 500 }))).toBe('The SOAP upstream answered HTTP 500 with a SOAP envelope but no Fault.');
    expect(badDetail(classify('<error><code>42</code></error>', { status: 200 }))).toBe('The SOAP upstream answered HTTP 200 with XML whose root element is <error>, not a SOAP Envelope.');
    expect(badDetail(classify(ok.slice(0, ok.indexOf('</s:Body>')), { status: 200 }))).toMatch(/not well-formed XML \(<s:Body> is never closed/);
    expect(badDetail(classify('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>', { status: 200 }))).toMatch(/without a Body/);
  });

  it('a success envelope of the other SOAP version is refused', () => {
    const ok = envelope12(`<o:PlaceOrderResponse xmlns:o="${TNS}"><orderId>1</orderId></o:PlaceOrderResponse>`);
    expect(badDetail(classify(ok, { status: 200 }))).toBe('The SOAP upstream answered HTTP 200 with a SOAP 1.2 envelope from a SOAP 1.1 endpoint.');
  });

  it('an empty body is a success only for a one-way operation', () => {
    expect(badDetail(classify('', { status: 200 }))).toBe('The SOAP upstream answered HTTP 200 with an empty body where a SOAP envelope was expected.');
    expect(classify('', { status: 202, op: ping })).toEqual({ kind: 'success', body: null, headers: undefined });
    expect(badDetail(classify('', { status: 500, op: ping }))).toBe('The SOAP upstream answered HTTP 500 with an empty body.');
  });

  it('a response with a DOCTYPE or over the size limit is refused without being parsed', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope11('&x;').replace('<?xml version="1.0"?>', '')}`;
    expect(badDetail(classify(xxe, { status: 200 }))).toBe('The SOAP upstream answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing).');
    const compiled = createSoapCodec().compileOperation(ordersPort('1.1'), placeOrder, { xmlLimits: { maxBytes: 1000 } });
    const start = performance.now();
    const outcome = compiled.readResponse({ status: 200, contentType: 'text/xml', body: Buffer.allocUnsafe(20 * 1024 * 1024) });
    expect(performance.now() - start).toBeLessThan(20);
    expect(badDetail(outcome)).toBe('The SOAP upstream answered HTTP 200 with a response over the configured limit: the XML document is larger than 1000 bytes.');
    expect(outcome.kind === 'bad' && outcome.error.extensions).toEqual({ upstreamStatus: 200 });
  });

  it('decodes a byte body in the charset it declares', () => {
    const latin1 = Buffer.from(envelope11(`<o:PlaceOrderResponse xmlns:o="${TNS}"><comment>caf\xe9</comment></o:PlaceOrderResponse>`), 'latin1');
    const outcome = classify(latin1, { status: 200, contentType: 'text/xml; charset=ISO-8859-1' });
    expect(outcome.kind === 'success' && outcome.body).toEqual({ comment: 'café' });
  });
});
