import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ORDER_SERVICES, ORDER_WSDL, parse, startSoapGateway, type SoapGateway } from './soap-gateway-harness.js';

/** SOAP faults and bad input through the gateway, against the real legacy order service. */
let soap: SoapGateway;

const bare = { wsdl: ORDER_WSDL, upstream: 'orders' };
beforeAll(async () => {
  soap = await startSoapGateway({
    ...ORDER_SERVICES,
    // No fault table: only the default code table applies.
    plain: { ...bare, port: 'OrderServiceSoap11Port', basePath: '/plain/orders' },
    plain12: { ...bare, port: 'OrderServiceSoap12Port', basePath: '/plain12/orders' },
    // A table keyed by fault code.
    bycode: { ...bare, port: 'OrderServiceSoap11Port', basePath: '/bycode/orders', operations: { CreateOrder: { faults: { Client: 422 } }, GetOrder: { faults: { Server: 503 } } } },
    // A service-wide table, with one operation's own entry over it.
    wide: {
      ...bare,
      port: 'OrderServiceSoap12Port',
      basePath: '/wide/orders',
      faults: { OrderNotFound: 410, Receiver: 503, ValidationFault: 422 },
      operations: { CancelOrder: { faults: { OrderNotFound: 404 } } },
    },
    // A WS-Security header the service does not understand (it understands no header blocks): MustUnderstand.
    secured: {
      ...bare,
      port: 'OrderServiceSoap11Port',
      basePath: '/secured/orders',
      security: { usernameToken: { username: 'gateway', password: 's3cret', digest: true } },
    },
    // The same without mustUnderstand: the service ignores the block and answers.
    lenient: {
      ...bare,
      port: 'OrderServiceSoap12Port',
      basePath: '/lenient/orders',
      security: { usernameToken: { username: 'gateway', password: 's3cret', mustUnderstand: false } },
      headers: [{ namespace: 'urn:acme:tenant', name: 'Tenant', value: 'acme' }, { xml: '<t:Trace xmlns:t="urn:acme:trace">abc</t:Trace>' }],
    },
    strictHeader: { ...bare, port: 'OrderServiceSoap12Port', basePath: '/strict/orders', headers: [{ namespace: 'urn:acme:tenant', name: 'Tenant', value: 'acme', mustUnderstand: true }] },
  });
});
afterAll(async () => soap.close());
beforeEach(async () => soap.reset());

/** The problem of a fault the service answered, as the client sees it without `instance`. */
const soapFault = (status: number, detail: string, fault: Record<string, unknown>) => ({ type: 'urn:protogate:problem:soap-fault', title: 'SOAP fault', status, detail, ...fault });

const problemOf = (body: string): Record<string, unknown> => {
  const { instance, ...rest } = JSON.parse(body) as Record<string, unknown>;
  expect(instance).toMatch(/^[0-9a-f-]{36}$/);
  return rest;
};

describe('faults mapped by the fault table', () => {
  it('SOAP 1.1 OrderNotFound (a Client fault carrying OrderNotFoundFault): the wsdl:fault name maps its detail element → 404', async () => {
    const res = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-9999' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res.body)).toEqual(
      soapFault(404, 'The SOAP service answered with a fault (Client): Order ORD-9999 not found', {
        soapVersion: '1.1',
        faultCode: 'Client',
        faultSubcodes: [],
        faultReason: 'Order ORD-9999 not found',
        faultDetail: { OrderNotFoundFault: { orderId: 'ORD-9999', message: 'No order with id ORD-9999' } },
      }),
    );
  });

  it('SOAP 1.2 OrderNotFound (Sender with an OrderNotFound subcode) → 404', async () => {
    const res = await soap.post('/soap12/orders/GetOrder', { orderId: 'ORD-9999' });
    expect(res.status).toBe(404);
    expect(problemOf(res.body)).toEqual(
      soapFault(404, 'The SOAP service answered with a fault (Sender/OrderNotFound): Order ORD-9999 not found', {
        soapVersion: '1.2',
        faultCode: 'Sender',
        faultSubcodes: ['OrderNotFound'],
        faultReason: 'Order ORD-9999 not found',
        faultDetail: { OrderNotFoundFault: { orderId: 'ORD-9999', message: 'No order with id ORD-9999' } },
      }),
    );
  });

  it('OrderAlreadyShipped, raised as a Server fault: the detail element decides → 409 on both versions', async () => {
    const v11 = await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1001' });
    expect(v11.status).toBe(409);
    expect(problemOf(v11.body)).toEqual(
      soapFault(409, 'The SOAP service answered with a fault (Server): Order ORD-1001 has already been shipped and cannot be cancelled', {
        soapVersion: '1.1',
        faultCode: 'Server',
        faultSubcodes: [],
        faultReason: 'Order ORD-1001 has already been shipped and cannot be cancelled',
        faultDetail: { OrderAlreadyShippedFault: { orderId: 'ORD-1001', status: 'SHIPPED', shippedAt: '2024-03-12T16:40:00+01:00' } },
      }),
    );
    const v12 = await soap.post('/soap12/orders/CancelOrder', { orderId: 'ORD-1001' });
    expect(v12.status).toBe(409);
    expect(parse(v12)).toMatchObject({ faultCode: 'Receiver', faultSubcodes: ['OrderAlreadyShipped'] });
  });

  it('CancelOrder of an unknown order → 404', async () => {
    expect((await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-9999' })).status).toBe(404);
    expect((await soap.post('/soap12/orders/CancelOrder', { orderId: 'ORD-9999' })).status).toBe(404);
  });

  it('a table keyed by fault code', async () => {
    const res = await soap.post('/bycode/orders/CreateOrder', { customerId: 'C-9999', lines: { line: [{ sku: 'WID-1001', quantity: 1 }] }, pickupStoreId: 'ST-001' });
    expect(res.status).toBe(422);
    expect((await soap.post('/bycode/orders/GetOrder', { orderId: 'ORD-0000' })).status).toBe(503);
  });

  it('a service-wide table applies to every operation that can answer the fault; an operation\'s own entry wins', async () => {
    expect((await soap.post('/wide/orders/GetOrder', { orderId: 'ORD-9999' })).status).toBe(410);
    expect((await soap.post('/wide/orders/CancelOrder', { orderId: 'ORD-9999' })).status).toBe(404);
    expect((await soap.post('/wide/orders/GetOrder', { orderId: 'ORD-0000' })).status).toBe(503);
    // OrderAlreadyShipped has no entry: a Receiver fault, so the code's entry.
    expect((await soap.post('/wide/orders/CancelOrder', { orderId: 'ORD-1001' })).status).toBe(503);
    const invalid = await soap.post('/wide/orders/CreateOrder', { customerId: 'C-9999', lines: { line: [{ sku: 'WID-1001', quantity: 1 }] }, pickupStoreId: 'ST-001' });
    expect(invalid.status).toBe(422);
    expect(problemOf(invalid.body)).toMatchObject({ faultCode: 'Sender', faultDetail: { ValidationFault: expect.anything() } });
    // The generated OpenAPI document declares the statuses each operation can now answer.
    const document = (await (await fetch(`${soap.base}/openapi.json`)).json()) as { paths: Record<string, { post: { responses: Record<string, unknown> } }> };
    const statuses = (operation: string): string[] => Object.keys(document.paths[`/wide/orders/${operation}`]?.post.responses ?? {}).filter((status) => status !== '200');
    expect(statuses('GetOrder')).toEqual(expect.arrayContaining(['410', '503']));
    expect(statuses('GetOrder')).not.toContain('422'); // GetOrder cannot answer a ValidationFault
    expect(statuses('CancelOrder')).toEqual(expect.arrayContaining(['404', '503']));
    expect(statuses('CancelOrder')).not.toContain('410'); // its own entry replaced the service's
  });
});

describe('faults by the default table', () => {
  it('Client → 400, with the typed detail as JSON (every violation, an array even of one)', async () => {
    const res = await soap.post('/plain/orders/CreateOrder', { customerId: 'C-9999', lines: { line: [{ sku: 'ZZZ-999', quantity: 0 }] }, pickupStoreId: 'ST-999' });
    expect(res.status).toBe(400);
    expect(problemOf(res.body)).toEqual(
      soapFault(400, 'The SOAP service answered with a fault (Client): Order rejected: 4 validation errors', {
        soapVersion: '1.1',
        faultCode: 'Client',
        faultSubcodes: [],
        faultReason: 'Order rejected: 4 validation errors',
        faultDetail: {
          ValidationFault: {
            violation: [
              { field: 'customerId', code: 'UNKNOWN_CUSTOMER', message: 'No customer with id C-9999' },
              { field: 'lines/line[1]/sku', code: 'UNKNOWN_SKU', message: 'SKU ZZZ-999 is not in the catalog' },
              { field: 'lines/line[1]/quantity', code: 'QUANTITY_NOT_POSITIVE', message: 'Quantity must be at least 1' },
              { field: 'pickupStoreId', code: 'UNKNOWN_STORE', message: 'No pickup store ST-999' },
            ],
          },
        },
      }),
    );
    const one = await soap.post('/plain12/orders/CreateOrder', { customerId: 'C-9999', lines: { line: [{ sku: 'WID-1001', quantity: 1 }] }, pickupStoreId: 'ST-001' });
    expect(one.status).toBe(400);
    expect(parse(one)).toMatchObject({
      faultCode: 'Sender',
      faultSubcodes: ['ValidationFault'],
      faultDetail: { ValidationFault: { violation: [{ field: 'customerId', code: 'UNKNOWN_CUSTOMER', message: 'No customer with id C-9999' }] } },
    });
  });

  it('without a table, OrderNotFound is a Client fault (400) and OrderAlreadyShipped a Server fault (502)', async () => {
    expect((await soap.post('/plain/orders/GetOrder', { orderId: 'ORD-9999' })).status).toBe(400);
    expect((await soap.post('/plain/orders/CancelOrder', { orderId: 'ORD-1001' })).status).toBe(502);
    expect((await soap.post('/plain12/orders/CancelOrder', { orderId: 'ORD-1001' })).status).toBe(502);
  });

  it('Server / Receiver without detail → 502, faultDetail null', async () => {
    const v11 = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-0000' });
    expect(v11.status).toBe(502);
    expect(problemOf(v11.body)).toEqual(
      soapFault(502, 'The SOAP service answered with a fault (Server): ORA-12170: TNS:Connect timeout occurred (order database unavailable)', {
        soapVersion: '1.1',
        faultCode: 'Server',
        faultSubcodes: [],
        faultReason: 'ORA-12170: TNS:Connect timeout occurred (order database unavailable)',
        faultDetail: null,
      }),
    );
    const v12 = await soap.post('/soap12/orders/GetOrder', { orderId: 'ORD-0000' });
    expect(v12.status).toBe(502);
    expect(parse(v12)).toMatchObject({ soapVersion: '1.2', faultCode: 'Receiver', faultDetail: null });
  });

  it('a Client fault without detail (a business rule) → 400', async () => {
    const res = await soap.post('/soap/orders/ListOrders', { page: 0 });
    expect(res.status).toBe(400);
    expect(parse(res)).toMatchObject({ faultCode: 'Client', faultReason: 'page must be 1 or more, got 0', faultDetail: null });
  });
});

describe('SOAP headers the gateway adds', () => {
  it('a WS-Security block with mustUnderstand reaches the service, which does not understand it: MustUnderstand → 502', async () => {
    const res = await soap.post('/secured/orders/GetOrder', { orderId: 'ORD-1002' });
    expect(res.status).toBe(502);
    expect(parse(res)).toMatchObject({
      type: 'urn:protogate:problem:soap-fault',
      faultCode: 'MustUnderstand',
      faultReason: 'header block {http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}Security was not understood',
    });
  });

  it('blocks without mustUnderstand are ignored by the service: the call succeeds', async () => {
    const res = await soap.post('/lenient/orders/GetOrder', { orderId: 'ORD-1002' });
    expect(res.status).toBe(200);
    expect(parse(res)).toMatchObject({ order: { id: 'ORD-1002' } });
  });

  it('a static header with mustUnderstand: MustUnderstand (SOAP 1.2) → 502', async () => {
    const res = await soap.post('/strict/orders/GetOrder', { orderId: 'ORD-1002' });
    expect(res.status).toBe(502);
    expect(parse(res)).toMatchObject({ soapVersion: '1.2', faultCode: 'MustUnderstand', faultReason: 'header block {urn:acme:tenant}Tenant was not understood' });
  });
});

describe('bad input is refused before the service is called', () => {
  it('a field the XSD does not have, a value outside its type: 400 naming each field', async () => {
    const res = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-12', extra: true });
    expect(res.status).toBe(400);
    expect(problemOf(res.body)).toEqual({
      type: 'urn:protogate:problem:soap-request-invalid',
      title: 'SOAP request invalid',
      status: 400,
      detail: 'The request does not fit SOAP operation GetOrder: /body/extra is not a field of this type (and 1 more).',
      errors: [
        { location: '/body/extra', message: 'is not a field of this type' },
        { location: '/body/orderId', message: 'must match the pattern ORD-[0-9]{4,10}' },
      ],
    });
  });

  it('a missing required field, a number beyond 2^53, both branches of a choice', async () => {
    const res = await soap.post('/soap/orders/CreateOrder', {
      lines: { line: [{ sku: 'WID-1001', quantity: 9007199254740993 }] },
      shipTo: { line: ['x'], city: 'y', postalCode: '12345', countryCode: 'US' },
      pickupStoreId: 'ST-001',
    });
    expect(res.status).toBe(400);
    expect((parse(res) as { errors: unknown[] }).errors).toEqual([
      { location: '/body/customerId', message: 'is required' },
      { location: '/body/lines/line/0/quantity', message: 'is beyond 2^53 and lost precision in JSON: send it as a string of digits' },
      { location: '/body', message: 'only one of shipTo, pickupStoreId may be given (xs:choice)' },
    ]);
  });

  it('not JSON: 400 malformed-json; not application/json: 415; too large: 413', async () => {
    const malformed = await soap.post('/soap/orders/GetOrder', '{"orderId": ');
    expect(malformed.status).toBe(400);
    expect(parse(malformed)).toMatchObject({ type: 'urn:protogate:problem:malformed-json' });
    const xml = await soap.post('/soap/orders/GetOrder', '<GetOrder/>', { 'content-type': 'text/xml' });
    expect(xml.status).toBe(415);
    expect(xml.headers['accept-post']).toBe('application/json');
    const big = await soap.post('/soap/orders/GetOrder', { orderId: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('a JSON body that is not an object', async () => {
    const res = await soap.post('/soap/orders/GetOrder', [1, 2]);
    expect(res.status).toBe(400);
    expect(parse(res)).toMatchObject({ type: 'urn:protogate:problem:soap-request-invalid', errors: [{ location: '/body', message: 'must be an object (an anonymous type)' }] });
  });
});
