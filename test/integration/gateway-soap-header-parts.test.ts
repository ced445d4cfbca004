import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ORDER_WSDL, parse, startSoapGateway, type SoapGateway } from './soap-gateway-harness.js';

/**
 * A published SOAP route whose operation binds a soap:header part (the legacy service's CancelOrder and its
 * CallerContext), with `soapHeaders` building it from the client's HTTP headers, against the real service.
 */
let soap: SoapGateway;

beforeAll(async () => {
  soap = await startSoapGateway({
    orders: {
      wsdl: ORDER_WSDL,
      upstream: 'orders',
      port: 'OrderServiceSoap11Port',
      basePath: '/soap/orders',
      operations: {
        CancelOrder: { soapHeaders: { callerContext: { channel: "=headers['x-channel'] ?? \"WEB\"", operator: "=headers['x-operator']" } } },
      },
    },
  });
});
afterAll(async () => soap.close());
beforeEach(async () => soap.reset());

describe('soapHeaders of a published route (soap.services.<name>.operations.<Operation>.soapHeaders)', () => {
  it('the header block reaches the service: the operator from X-Operator is recorded as who cancelled', async () => {
    const res = await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1006' }, { 'x-operator': 'carol' });
    expect(res.status).toBe(200);
    expect(parse(res)).toEqual({ orderId: 'ORD-1006', status: 'CANCELLED', cancelledAt: '2024-06-10T08:30:00.000Z', cancelledBy: 'carol' });
  });

  it('an absent request header leaves its field out; the channel falls back to WEB', async () => {
    const res = await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1007' });
    expect(parse(res)).toEqual({ orderId: 'ORD-1007', status: 'CANCELLED', cancelledAt: '2024-06-10T08:30:00.000Z', cancelledBy: 'WEB' });
  });

  it('a value outside the header element\'s enumeration is a 400 naming it, and nothing is sent', async () => {
    const res = await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1006' }, { 'x-channel': 'FAX' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const body = parse(res) as { type: string; errors: unknown };
    expect(body.type).toBe('urn:protogate:problem:soap-request-invalid');
    expect(body.errors).toEqual([{ location: '/soapHeaders/callerContext/channel', message: expect.stringContaining('WEB') }]);
    const order = parse(await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-1006' })) as { order: { status: string } };
    expect(order.order.status).toBe('PENDING');
  });

  it('the OpenAPI document declares the request headers the header parts are built from', async () => {
    const document = (await (await fetch(`${soap.base}/openapi.json`)).json()) as { paths: Record<string, { post: { parameters?: unknown[] } }> };
    const description = 'Read by the gateway for the soap:header part callerContext.';
    expect(document.paths['/soap/orders/CancelOrder']?.post.parameters).toEqual([
      { name: 'x-channel', in: 'header', required: false, description, schema: { type: 'string' } },
      { name: 'x-operator', in: 'header', required: false, description, schema: { type: 'string' } },
    ]);
    expect(document.paths['/soap/orders/GetOrder']?.post.parameters).toBeUndefined();
  });
});
