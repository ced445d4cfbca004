import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ORDER_SERVICES, parse, startSoapGateway, type SoapGateway } from './soap-gateway-harness.js';

/** REST → SOAP against the real legacy order service: every operation, both SOAP versions, and the rpc port. */
let soap: SoapGateway;

beforeAll(async () => {
  soap = await startSoapGateway(ORDER_SERVICES);
});
afterAll(async () => soap.close());
beforeEach(async () => soap.reset());

const janeAddress = { line: ['Hauptstraße 5', 'Hinterhaus, 2. OG'], city: 'Berlin', postalCode: '10115', countryCode: 'DE' };
const adaAddress = { line: ["12 St James's Square"], city: 'London', postalCode: 'SW1Y 4JH', countryCode: 'GB' };
const oaklandAddress = { line: ['500 Embarcadero West', 'Dock 7'], city: 'Oakland', postalCode: '94607', region: 'CA', countryCode: 'US' };

const ORD_1003 = {
  order: {
    id: 'ORD-1003',
    status: 'CONFIRMED',
    // Sent as xsi:type="BusinessCustomer", an extension of the declared Customer: read with the extension's fields.
    customer: { customerId: 'C-1003', name: 'Tom Smith', email: 'purchasing@bulk-fasteners.example', address: oaklandAddress, companyName: 'Bulk Fasteners & Co. Ltd' },
    createdAt: '2024-05-20T08:00:00-07:00',
    // xs:long 2^53 + 1: a digit string, never a rounded number.
    lines: { line: [{ lineNo: 1, sku: 'SCR-3001', description: 'Screw M4x10, stainless', quantity: '9007199254740993', unitPrice: { currency: 'USD', value: '0.01' } }] },
    // xs:decimal: always a string, every digit kept.
    total: { currency: 'USD', value: '90071992547409.93' },
    shipment: { carrier: 'UPS Freight', trackingNumber: null, shipTo: oaklandAddress },
    notes: 'Split into pallets of 1,000,000',
  },
};

describe('REST → SOAP 1.1 (document/literal wrapped)', () => {
  it('GetOrder: attributes, simple content with an attribute (value), a list of one, big integers and decimals, nil', async () => {
    const res = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-1003' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(parse(res)).toEqual(ORD_1003);
  });

  it('GetOrder: a customer sent with xsi:type (an extension of the declared type) has the extension\'s fields', async () => {
    const res = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(200);
    expect(parse(res)).toEqual({
      order: {
        id: 'ORD-1001',
        status: 'SHIPPED',
        customer: { customerId: 'C-1001', name: 'Jane Roe', email: 'jane.roe@acme-industries.example', address: janeAddress, companyName: 'ACME Industries GmbH', vatId: 'DE123456789' },
        createdAt: '2024-03-11T09:15:00+01:00',
        lines: {
          line: [
            { lineNo: 1, sku: 'WID-1001', description: 'Widget, blue', quantity: 4, unitPrice: { currency: 'EUR', value: '19.90' } },
            { lineNo: 2, sku: 'GAD-2001', description: 'Gadget Pro <2024 edition>', quantity: 1, unitPrice: { currency: 'EUR', value: '149.00' } },
            { lineNo: 3, sku: 'CAB-4001', description: 'USB-C cable, 2 m', quantity: 10, unitPrice: { currency: 'EUR', value: '9.95' } },
          ],
        },
        total: { currency: 'EUR', value: '328.10' },
        shipment: { carrier: 'DHL', trackingNumber: '00340434161094042557', shipTo: janeAddress, shippedAt: '2024-03-12T16:40:00+01:00' },
        discountCode: 'SPRING24',
        notes: 'Deliver to loading dock B',
      },
    });
  });

  it('GetOrder: the other branch of a choice (pickup), notes xsi:nil → null, an absent optional email is left out', async () => {
    const res = await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-1002' });
    expect(parse(res)).toEqual({
      order: {
        id: 'ORD-1002',
        status: 'PENDING',
        customer: { customerId: 'C-1002', name: 'Ada Lovelace', address: adaAddress },
        createdAt: '2024-04-02T14:03:27Z',
        lines: { line: [{ lineNo: 1, sku: 'WID-1002', description: 'Widget, red', quantity: 2, unitPrice: { currency: 'GBP', value: '17.50' } }] },
        total: { currency: 'GBP', value: '35.00' },
        pickup: { storeId: 'ST-002', readyFrom: '2024-04-03T10:00:00+01:00' },
        notes: null,
      },
    });
  });

  it('GetOrder: an empty element reads as null too (notes "")', async () => {
    const body = parse(await soap.post('/soap/orders/GetOrder', { orderId: 'ORD-1004' })) as { order: Record<string, unknown> };
    expect(body.order.notes).toBeNull();
    expect(body.order.createdAt).toBe('2023-12-01T11:30:00.000Z');
  });

  it('ListOrders: no body is the empty request; repeated elements straight under the wrapper are an array', async () => {
    const all = parse(await soap.post('/soap/orders/ListOrders')) as { order: { id: string }[]; totalCount: number };
    expect(all.order.map((order) => order.id)).toEqual(['ORD-1001', 'ORD-1002', 'ORD-1003', 'ORD-1004', 'ORD-1005', 'ORD-1006', 'ORD-1007']);
    expect(all.totalCount).toBe(7);
  });

  it('ListOrders: one match is an array of one; none is no field at all; pages carry nextPage', async () => {
    expect(parse(await soap.post('/soap/orders/ListOrders', { customerId: 'C-1003' }))).toEqual({
      order: [{ id: 'ORD-1003', status: 'CONFIRMED', customerId: 'C-1003', createdAt: '2024-05-20T08:00:00-07:00', lineCount: 1, total: { currency: 'USD', value: '90071992547409.93' } }],
      totalCount: 1,
    });
    expect(parse(await soap.post('/soap/orders/ListOrders', { status: 'SHIPPED', customerId: 'C-1003' }))).toEqual({ totalCount: 0 });
    const page1 = parse(await soap.post('/soap/orders/ListOrders', { pageSize: 3 })) as { order: { id: string }[]; nextPage?: number };
    expect(page1.order.map((order) => order.id)).toEqual(['ORD-1001', 'ORD-1002', 'ORD-1003']);
    expect(page1.nextPage).toBe(2);
    const page3 = parse(await soap.post('/soap/orders/ListOrders', { pageSize: 3, page: 3 }));
    expect(page3).toEqual({
      order: [{ id: 'ORD-1007', status: 'PENDING', customerId: 'C-1001', createdAt: '2024-06-03T13:45:10.250+02:00', lineCount: 2, total: { currency: 'EUR', value: '79.60' } }],
      totalCount: 7,
    });
  });

  it('CreateOrder: shipTo (one branch of a choice), an xs:long as a digit string, null for a nillable element', async () => {
    const res = await soap.post('/soap/orders/CreateOrder', {
      notes: null,
      customerId: 'C-1002',
      discountCode: 'SPRING24',
      lines: { line: [{ sku: 'WID-1001', quantity: 2 }, { quantity: '9007199254740993', sku: 'GAD-2001' }] },
      shipTo: { line: ['1 Main St'], city: 'Springfield', postalCode: '12345', countryCode: 'US', region: 'IL' },
    });
    expect(res.status).toBe(200);
    expect(parse(res)).toEqual({
      order: {
        id: 'ORD-1008',
        status: 'PENDING',
        customer: { customerId: 'C-1002', name: 'Ada Lovelace', address: adaAddress },
        createdAt: '2024-06-10T08:30:00.000Z',
        lines: {
          line: [
            { lineNo: 1, sku: 'WID-1001', description: 'Widget, blue', quantity: 2, unitPrice: { currency: 'EUR', value: '19.90' } },
            { lineNo: 2, sku: 'GAD-2001', description: 'Gadget Pro <2024 edition>', quantity: '9007199254740993', unitPrice: { currency: 'EUR', value: '149.00' } },
          ],
        },
        total: { currency: 'EUR', value: '1342072688956407996.80' },
        shipment: { carrier: 'DHL', trackingNumber: null, shipTo: { line: ['1 Main St'], city: 'Springfield', postalCode: '12345', region: 'IL', countryCode: 'US' } },
        discountCode: 'SPRING24',
        notes: null,
      },
    });
  });

  it('CancelOrder: cancels, and cancelling twice is idempotent', async () => {
    const expected = { orderId: 'ORD-1006', status: 'CANCELLED', cancelledAt: '2024-06-10T08:30:00.000Z' };
    expect(parse(await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1006', reason: 'changed my mind' }))).toEqual(expected);
    expect(parse(await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1006' }))).toEqual(expected);
  });
});

describe('REST → SOAP 1.2 (the same portType on the other port)', () => {
  it('GetOrder answers the same JSON', async () => {
    const res = await soap.post('/soap12/orders/GetOrder', { orderId: 'ORD-1003' });
    expect(res.status).toBe(200);
    expect(parse(res)).toEqual(ORD_1003);
  });

  it('ListOrders, CreateOrder (pickupStoreId branch) and CancelOrder', async () => {
    expect(parse(await soap.post('/soap12/orders/ListOrders', { status: 'SHIPPED', customerId: 'C-1003' }))).toEqual({ totalCount: 0 });
    expect(parse(await soap.post('/soap12/orders/CreateOrder', { customerId: 'C-1001', lines: { line: [{ sku: 'WID-1002', quantity: 1 }] }, pickupStoreId: 'ST-002', notes: 'ring twice' }))).toEqual({
      order: {
        id: 'ORD-1008',
        status: 'PENDING',
        customer: { customerId: 'C-1001', name: 'Jane Roe', email: 'jane.roe@acme-industries.example', address: janeAddress, companyName: 'ACME Industries GmbH', vatId: 'DE123456789' },
        createdAt: '2024-06-10T08:30:00.000Z',
        lines: { line: [{ lineNo: 1, sku: 'WID-1002', description: 'Widget, red', quantity: 1, unitPrice: { currency: 'EUR', value: '19.90' } }] },
        total: { currency: 'EUR', value: '19.90' },
        pickup: { storeId: 'ST-002', readyFrom: '2024-06-11T10:00:00+00:00' },
        notes: 'ring twice',
      },
    });
    expect(parse(await soap.post('/soap12/orders/CancelOrder', { orderId: 'ORD-1007' }))).toEqual({ orderId: 'ORD-1007', status: 'CANCELLED', cancelledAt: '2024-06-10T08:30:00.000Z' });
  });
});

describe('REST → SOAP rpc/literal (LegacyPingService)', () => {
  it('Ping: parts by name in, parts by name out', async () => {
    const res = await soap.post('/soap/ping/Ping', { text: 'hello <&> there' });
    expect(res.status).toBe(200);
    expect(parse(res)).toEqual({ echo: 'hello <&> there', serverVersion: 'OrderMiddleware 4.2.1 (build 1998)' });
  });

  it('GetServerTime: no parts in (no body at all), a simple and a complex part out', async () => {
    const res = await soap.post('/soap/ping/GetServerTime');
    expect(parse(res)).toEqual({ serverTime: '2024-06-10T08:30:00.000Z', info: { version: 'OrderMiddleware 4.2.1 (build 1998)', uptimeSeconds: 0, region: 'eu-central' } });
  });

  it('a missing part is a 400 naming it, with an empty object or no body at all', async () => {
    for (const body of [{}, undefined]) {
      const res = await soap.post('/soap/ping/Ping', body);
      expect(res.status).toBe(400);
      expect(parse(res)).toMatchObject({ type: 'urn:protogate:problem:soap-request-invalid', errors: [{ location: '/body/text', message: 'is required' }] });
    }
  });
});

describe('the route table', () => {
  it('one POST route per operation, read-body then transcode-soap', () => {
    const routes = soap.gateway.routes.map((route) => `${route.method} ${route.publicTemplate} ${route.operationId} ${route.upstreamName} ${route.stageNames.join(',')}`);
    expect(routes.sort()).toEqual([
      'POST /soap/orders/CancelOrder orders.CancelOrder orders read-body,transcode-soap',
      'POST /soap/orders/CreateOrder orders.CreateOrder orders read-body,transcode-soap',
      'POST /soap/orders/GetOrder orders.GetOrder orders read-body,transcode-soap',
      'POST /soap/orders/ListOrders orders.ListOrders orders read-body,transcode-soap',
      'POST /soap/ping/GetServerTime ping.GetServerTime orders read-body,transcode-soap',
      'POST /soap/ping/Ping ping.Ping orders read-body,transcode-soap',
      'POST /soap12/orders/CancelOrder orders12.CancelOrder orders read-body,transcode-soap',
      'POST /soap12/orders/CreateOrder orders12.CreateOrder orders read-body,transcode-soap',
      'POST /soap12/orders/GetOrder orders12.GetOrder orders read-body,transcode-soap',
      'POST /soap12/orders/ListOrders orders12.ListOrders orders read-body,transcode-soap',
    ]);
  });

  it('GET on a SOAP route is a 405 with Allow', async () => {
    const res = await fetch(`${soap.base}/soap/orders/GetOrder`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    await res.arrayBuffer();
  });
});
