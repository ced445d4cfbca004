import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/openapi/load-document.js';
import { ORDER_SERVICES, parse, startSoapGateway, type SoapGateway } from './soap-gateway-harness.js';

/**
 * The generated OpenAPI document of the SOAP routes: loadable by the project's own loader, its schemas valid
 * JSON Schema 2020-12 (ajv strict mode), and true to what the gateway really answers and accepts.
 */
let soap: SoapGateway;
let doc: Record<string, any>;

beforeAll(async () => {
  soap = await startSoapGateway(ORDER_SERVICES);
  doc = soap.gateway.openApiDocument() as Record<string, any>;
});
afterAll(async () => soap.close());

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2020) => void;

/** A strict 2020-12 validator for one schema of the document, its component refs rewritten to $defs. */
function validator(schema: unknown): (value: unknown) => { ok: boolean; errors: unknown } {
  const rewrite = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('#/components/schemas/', '#/$defs/'));
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ $defs: rewrite(doc.components.schemas) as object, ...(rewrite(schema) as object) });
  return (value) => ({ ok: validate(value) === true, errors: validate.errors });
}

const okSchema = (route: string): unknown => doc.paths[route].post.responses['200'].content['application/json'].schema;
const requestSchema = (route: string): unknown => doc.paths[route].post.requestBody.content['application/json'].schema;

describe('the generated document', () => {
  it('has every SOAP route as a POST with a JSON body, a 200 and the problem responses', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/soap/orders/CancelOrder',
      '/soap/orders/CreateOrder',
      '/soap/orders/GetOrder',
      '/soap/orders/ListOrders',
      '/soap/ping/GetServerTime',
      '/soap/ping/Ping',
      '/soap12/orders/CancelOrder',
      '/soap12/orders/CreateOrder',
      '/soap12/orders/GetOrder',
      '/soap12/orders/ListOrders',
    ]);
    const cancel = doc.paths['/soap/orders/CancelOrder'].post;
    expect(cancel.operationId).toBe('orders.CancelOrder');
    expect(cancel.tags).toEqual(['orders']);
    // The fault table's statuses are listed beside the defaults.
    expect(Object.keys(cancel.responses)).toEqual(['200', '400', '404', '409', '413', '415', '502', '504']);
    expect(cancel.responses['409'].content['application/problem+json'].schema.properties.faultDetail.anyOf[0].properties).toHaveProperty('OrderAlreadyShippedFault');
  });

  it('loads with the project\'s OpenAPI loader, without a single issue', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'protogate-soap-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const loaded = loadOpenApiDocument(file, 'openapi.json');
    expect(loaded.issues).toEqual([]);
    expect(loaded.operations.map((operation) => `${operation.method} ${operation.publicTemplate} ${operation.operationId}`).sort()).toEqual([
      'POST /soap/orders/CancelOrder orders.CancelOrder',
      'POST /soap/orders/CreateOrder orders.CreateOrder',
      'POST /soap/orders/GetOrder orders.GetOrder',
      'POST /soap/orders/ListOrders orders.ListOrders',
      'POST /soap/ping/GetServerTime ping.GetServerTime',
      'POST /soap/ping/Ping ping.Ping',
      'POST /soap12/orders/CancelOrder orders12.CancelOrder',
      'POST /soap12/orders/CreateOrder orders12.CreateOrder',
      'POST /soap12/orders/GetOrder orders12.GetOrder',
      'POST /soap12/orders/ListOrders orders12.ListOrders',
    ]);
  });

  it('every schema is valid JSON Schema 2020-12 (ajv strict mode)', () => {
    for (const name of Object.keys(doc.components.schemas)) expect(() => validator({ $ref: `#/components/schemas/${name}` }), name).not.toThrow();
  });

  it('is served at GET /openapi.json', async () => {
    const res = await fetch(`${soap.base}/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(served.paths)).toContain('/soap12/orders/GetOrder');
  });
});

describe('the schemas say what the gateway really does', () => {
  it('every seeded order, as answered, fits the 200 schema of GetOrder', async () => {
    const check = validator(okSchema('/soap/orders/GetOrder'));
    for (const id of ['ORD-1001', 'ORD-1002', 'ORD-1003', 'ORD-1004', 'ORD-1005', 'ORD-1006', 'ORD-1007']) {
      const res = await soap.post('/soap/orders/GetOrder', { orderId: id });
      expect(check(parse(res)), id).toEqual({ ok: true, errors: null });
    }
  });

  it('ListOrders, CreateOrder, CancelOrder, Ping and GetServerTime answers fit theirs', async () => {
    await soap.reset();
    const create = { customerId: 'C-1002', lines: { line: [{ sku: 'GAD-2001', quantity: '9007199254740993' }] }, pickupStoreId: 'ST-001', notes: null };
    const cases: [string, unknown][] = [
      ['/soap/orders/ListOrders', {}],
      ['/soap/orders/ListOrders', { customerId: 'C-1003' }],
      ['/soap/orders/ListOrders', { status: 'SHIPPED', customerId: 'C-1003' }],
      ['/soap12/orders/CreateOrder', create],
      ['/soap/orders/CancelOrder', { orderId: 'ORD-1006' }],
      ['/soap/ping/Ping', { text: 'hi' }],
      ['/soap/ping/GetServerTime', {}],
    ];
    for (const [route, body] of cases) {
      expect(validator(requestSchema(route))(body), `request ${route}`).toEqual({ ok: true, errors: null });
      const res = await soap.post(route, body);
      expect(res.status, route).toBe(200);
      expect(validator(okSchema(route))(parse(res)), route).toEqual({ ok: true, errors: null });
    }
  });

  it('fault problems fit their response schema', async () => {
    const res = await soap.post('/soap/orders/CancelOrder', { orderId: 'ORD-1001' });
    expect(res.status).toBe(409);
    const schema = doc.paths['/soap/orders/CancelOrder'].post.responses['409'].content['application/problem+json'].schema;
    expect(validator(schema)(parse(res))).toEqual({ ok: true, errors: null });
  });

  it('request schemas refuse what the codec refuses', () => {
    const getOrder = validator(requestSchema('/soap/orders/GetOrder'));
    expect(getOrder({ orderId: 'ORD-12' }).ok).toBe(false); // pattern
    expect(getOrder({ orderId: 'ORD-1001', extra: 1 }).ok).toBe(false); // unknown field
    expect(getOrder({}).ok).toBe(false); // required
    const create = validator(requestSchema('/soap/orders/CreateOrder'));
    expect(create({ customerId: 'C-1002', lines: { line: [] }, pickupStoreId: 'ST-001' }).ok).toBe(false); // minItems
    expect(create({ customerId: 'C-1002', lines: { line: [{ sku: 'GAD-2001', quantity: '12x' }] } }).ok).toBe(false);
    expect(create({ customerId: 'C-1002', lines: { line: [{ sku: 'GAD-2001', quantity: ' 12 ' }] } }).ok).toBe(true); // digits, as the codec trims
    const list = validator(requestSchema('/soap/orders/ListOrders'));
    expect(list({ pageSize: 51 }).ok).toBe(false); // PageSize maxInclusive
    expect(list({ status: 'LOST' }).ok).toBe(false); // enumeration
  });
});
