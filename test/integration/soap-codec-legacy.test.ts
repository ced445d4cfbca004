/**
 * The codec against the legacy order service (legacy-fixtures/order-service): its real WSDL through the importer,
 * requests sent to the strict service on a real socket, and every recorded response replayed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrderService, type RunningOrderService } from '../../legacy-fixtures/order-service/service.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { createSoapCodec, type CompiledSoapOperation, type FaultStatusTable, type SoapOperationOptions, type SoapResponseOutcome } from '../../src/soap/codec/index.js';
import { importWsdlSync } from '../../src/soap/wsdl/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'legacy-fixtures/order-service');
const model = importWsdlSync('legacy-fixtures/order-service/OrderService.wsdl', { baseDir: ROOT });
const codec = createSoapCodec({ types: model.types ?? [] });
const FAULTS: FaultStatusTable = { OrderNotFoundFault: 404, OrderAlreadyShippedFault: 409, ValidationFault: 422 };

const PATHS: Readonly<Record<string, string>> = { OrderServiceSoap11Port: '/orders', OrderServiceSoap12Port: '/orders/soap12', LegacyPingPort: '/legacy/ping' };

function compile(portName: string, operation: string, options: SoapOperationOptions = { faultStatuses: FAULTS }): CompiledSoapOperation {
  const port = model.services.flatMap((service) => service.ports).find((candidate) => candidate.name === portName);
  const op = port?.operations.find((candidate) => candidate.name === operation);
  if (port === undefined || op === undefined) throw new Error(`no ${portName}/${operation}`);
  return codec.compileOperation(port, op, options);
}

let service: RunningOrderService;
beforeAll(async () => {
  service = await startOrderService({ port: 0, now: () => new Date('2024-06-10T08:30:00.000Z') });
});
afterAll(async () => {
  await service.close();
});

async function call(portName: string, operation: string, body: unknown, options?: SoapOperationOptions): Promise<SoapResponseOutcome> {
  const compiled = compile(portName, operation, options);
  const request = compiled.writeRequest({ body });
  const response = await fetch(service.url + PATHS[portName], { method: 'POST', headers: request.headers, body: request.body });
  return compiled.readResponse({ status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) });
}

function ok(outcome: SoapResponseOutcome): Record<string, unknown> {
  if (outcome.kind !== 'success') throw new Error(`expected success, got ${outcome.kind}: ${outcome.error.detail}`);
  return outcome.body as Record<string, unknown>;
}

function failure(outcome: SoapResponseOutcome): GatewayError {
  if (outcome.kind === 'success') throw new Error('expected a failure');
  return outcome.error;
}

describe('live: requests the strict legacy service accepts, responses typed by its XSD', () => {
  it('GetOrder: a BusinessCustomer by xsi:type, two namespaces, Money as value + currency, lines always an array', async () => {
    const body = ok(await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-1001' }));
    expect(body).toMatchObject({
      order: {
        id: 'ORD-1001',
        status: 'SHIPPED',
        customer: { customerId: 'C-1001', companyName: 'ACME Industries GmbH', vatId: 'DE123456789', address: { line: ['Hauptstraße 5', 'Hinterhaus, 2. OG'], countryCode: 'DE' } },
        createdAt: '2024-03-11T09:15:00+01:00',
        total: { currency: 'EUR', value: '328.10' },
        shipment: { carrier: 'DHL', trackingNumber: '00340434161094042557' },
        discountCode: 'SPRING24',
      },
    });
    const lines = (body.order as { lines: { line: unknown[] } }).lines.line;
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual({ lineNo: 2, sku: 'GAD-2001', description: 'Gadget Pro <2024 edition>', quantity: 1, unitPrice: { currency: 'EUR', value: '149.00' } });
  });

  it('nil and empty are null, absent is left out; an xs:long beyond 2^53 stays exact', async () => {
    const nil = ok(await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-1002' })).order as Record<string, unknown>;
    expect(nil.notes).toBeNull();
    expect(nil).not.toHaveProperty('discountCode');
    expect(nil.pickup).toMatchObject({ storeId: expect.stringMatching(/^ST-/) });
    const empty = ok(await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-1004' })).order as Record<string, unknown>;
    expect(empty.notes).toBeNull(); // the default: empty and nil elements are both null
    const big = ok(await call('OrderServiceSoap12Port', 'GetOrder', { orderId: 'ORD-1003' })).order as { lines: { line: { quantity: unknown }[] }; shipment: Record<string, unknown> };
    expect(big.lines.line.map((line) => line.quantity)).toContain('9007199254740993');
    expect(big.shipment.trackingNumber).toBeNull();
  });

  it('ListOrders: one match is an array of one, no match no field at all', async () => {
    const one = ok(await call('OrderServiceSoap11Port', 'ListOrders', { customerId: 'C-1003' }));
    expect(one.order).toHaveLength(1);
    const none = ok(await call('OrderServiceSoap11Port', 'ListOrders', { pageSize: 5, status: 'CONFIRMED', customerId: 'C-9999' }));
    expect(none).toEqual({ totalCount: 0 });
  });

  it('CreateOrder from JSON in any key order: sequence order, the choice, common-namespace children, nil notes', async () => {
    const created = ok(
      await call('OrderServiceSoap11Port', 'CreateOrder', {
        notes: null,
        shipTo: { countryCode: 'GB', city: 'London', line: ['221B Baker Street'], postalCode: 'NW1 6XE' },
        lines: { line: [{ quantity: '9223372036854775807', sku: 'WID-1001' }] },
        customerId: 'C-1002',
      }),
    );
    expect(created.order).toMatchObject({ status: 'PENDING', notes: null, shipment: { shipTo: { city: 'London' } }, lines: { line: [{ quantity: '9223372036854775807' }] } });
  });

  it('refuses what the XSD refuses before anything is sent', () => {
    const compiled = compile('OrderServiceSoap11Port', 'CreateOrder');
    expect(() => compiled.writeRequest({ body: { customerId: 'X', lines: { line: [] }, shipTo: { city: 'c' }, pickupStoreId: 'ST-001' } })).toThrow(GatewayError);
    const error = ((): unknown => {
      try {
        return compiled.writeRequest({ body: { customerId: 'X', lines: { line: [] }, pickupStoreId: 'ST-1' } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(GatewayError.is(error) && error.violations).toEqual([
      { location: '/body/customerId', message: 'must match the pattern C-[0-9]{4,8}' },
      { location: '/body/lines/line', message: 'must have at least 1 items' },
      { location: '/body/pickupStoreId', message: 'must match the pattern ST-[0-9]{3}' },
    ]);
  });

  it('faults: typed details, the table, Client/Sender 400 and Server/Receiver 502 otherwise', async () => {
    const notFound = failure(await call('OrderServiceSoap11Port', 'CancelOrder', { orderId: 'ORD-9999' }));
    expect(notFound).toMatchObject({ code: 'soap-fault', status: 404, extensions: { faultCode: 'Client', faultDetail: { OrderNotFoundFault: { orderId: 'ORD-9999' } } } });
    expect(failure(await call('OrderServiceSoap11Port', 'CancelOrder', { orderId: 'ORD-9999' }, {})).status).toBe(400);
    const shipped = failure(await call('OrderServiceSoap12Port', 'CancelOrder', { orderId: 'ORD-1001' }));
    expect(shipped).toMatchObject({ status: 409, extensions: { faultCode: 'Receiver', faultSubcodes: ['OrderAlreadyShipped'], faultDetail: { OrderAlreadyShippedFault: { orderId: 'ORD-1001', status: 'SHIPPED' } } } });
    expect(failure(await call('OrderServiceSoap12Port', 'CancelOrder', { orderId: 'ORD-1001' }, {})).status).toBe(502);
    const invalid = failure(await call('OrderServiceSoap12Port', 'CreateOrder', { customerId: 'C-1002', lines: { line: [{ sku: 'NOPE-000', quantity: 0 }] }, pickupStoreId: 'ST-001' }));
    expect(invalid.status).toBe(422);
    expect((invalid.extensions?.faultDetail as { ValidationFault: { violation: unknown[] } }).ValidationFault.violation).toHaveLength(2);
    expect(failure(await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-0000' }))).toMatchObject({ status: 502, extensions: { faultCode: 'Server' } });
  });

  it('a mustUnderstand WS-Security header the service does not know comes back as MustUnderstand: 502', async () => {
    const outcome = await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-1001' }, { security: { username: 'gw', password: 'pw', passwordType: 'PasswordDigest' } });
    expect(failure(outcome)).toMatchObject({ status: 502, extensions: { faultCode: 'MustUnderstand' } });
    const tolerated = await call('OrderServiceSoap11Port', 'GetOrder', { orderId: 'ORD-1001' }, { security: { username: 'gw', password: 'pw', passwordType: 'PasswordText', mustUnderstand: false } });
    expect(tolerated.kind).toBe('success');
  });

  it('soap:header parts: CallerContext in the Header in XSD order, decoded by the service and recorded', async () => {
    const compiled = compile('OrderServiceSoap11Port', 'CancelOrder');
    const request = compiled.writeRequest({ body: { orderId: 'ORD-1002' }, headers: { callerContext: { operator: 'bob', channel: 'WEB' } } });
    expect(request.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="urn:acme:orders:v1"><soap:Header><ns1:CallerContext>' +
        '<ns1:channel>WEB</ns1:channel><ns1:operator>bob</ns1:operator></ns1:CallerContext></soap:Header><soap:Body>' +
        '<ns1:CancelOrder><ns1:orderId>ORD-1002</ns1:orderId></ns1:CancelOrder></soap:Body></soap:Envelope>',
    );
    const response = await fetch(`${service.url}/orders`, { method: 'POST', headers: request.headers, body: request.body });
    const outcome = compiled.readResponse({ status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) });
    expect(ok(outcome)).toEqual({ orderId: 'ORD-1002', status: 'CANCELLED', cancelledAt: '2024-06-10T08:30:00.000Z', cancelledBy: 'bob' });
    // SOAP 1.2: a header value outside its enumeration is refused before anything is sent, under /soapHeaders.
    const refused = (() => {
      try {
        compile('OrderServiceSoap12Port', 'CancelOrder').writeRequest({ body: { orderId: 'ORD-1003' }, headers: { callerContext: { channel: 'FAX' } } });
      } catch (error) {
        return error as GatewayError;
      }
      throw new Error('expected a refusal');
    })();
    expect(refused.violations).toEqual([{ location: '/soapHeaders/callerContext/channel', message: expect.stringContaining('WEB') }]);
  });

  it('rpc/literal: unqualified parts out, parts and schema-qualified children back', async () => {
    expect(ok(await call('LegacyPingPort', 'Ping', { text: 'hi <&>' }))).toMatchObject({ echo: 'hi <&>' });
    const time = ok(await call('LegacyPingPort', 'GetServerTime', {}));
    expect(time).toMatchObject({ serverTime: '2024-06-10T08:30:00.000Z', info: { version: expect.stringContaining('OrderMiddleware'), uptimeSeconds: expect.any(Number) } });
  });
});

describe('replay: every recorded response classifies as its status says', () => {
  interface Exchange {
    readonly name: string;
    readonly path: string;
    readonly status: number;
    readonly contentType: string;
  }
  const manifest = JSON.parse(readFileSync(path.join(FIXTURE, 'recordings/manifest.json'), 'utf8')) as { exchanges: Exchange[] };
  const portOf = (exchange: Exchange): string => Object.keys(PATHS).find((name) => PATHS[name] === exchange.path) as string;
  const operationOf = (exchange: Exchange): string => {
    const request = readFileSync(path.join(FIXTURE, `recordings/${exchange.name}.request.xml`), 'utf8');
    const operations = model.services.flatMap((service) => service.ports).find((port) => port.name === portOf(exchange))?.operations ?? [];
    return operations.find((op) => new RegExp(`<(\\w+:)?${op.name}[\\s>/]`).test(request))?.name ?? (operations[0]?.name as string);
  };

  it.each(manifest.exchanges.map((exchange) => [exchange.name, exchange] as const))('%s', (_name, exchange) => {
    const body = readFileSync(path.join(FIXTURE, `recordings/${exchange.name}.response.xml`));
    const outcome = compile(portOf(exchange), operationOf(exchange)).readResponse({ status: exchange.status, contentType: exchange.contentType, body });
    if (exchange.status === 200) expect(outcome.kind, outcome.kind === 'success' ? '' : outcome.error.detail).toBe('success');
    else if (exchange.contentType.startsWith('text/plain')) expect(outcome).toMatchObject({ kind: 'bad', error: { status: 502 } });
    else expect(outcome.kind).toBe('fault');
  });
});
