import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrderService, type RunningOrderService } from '../../legacy-fixtures/order-service/service.js';
import type { Gateway } from '../../src/app.js';
import type { DemoService } from '../../src/demo/demo-http.js';
import { startUsersService } from '../../src/demo/users-service.js';
import { json, request1 } from '../helpers/clients.js';
import { startGateway, writeRouteFiles } from '../helpers/start-gateway.js';

/**
 * Mapping steps that call SOAP operations, through the gateway against the real legacy order service
 * (legacy-fixtures/order-service, SOAP 1.1 and 1.2 ports) and the demo users service, all on port 0. The demo route
 * GET /api/orders/{orderId} (openapi/orders.yaml + mappings/orders.yaml) is tested as shipped.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-soap-steps-'));
const OPEN = '{ description: ok, content: { application/json: { schema: { type: object } } } }';

const api = [
  'openapi: 3.1.0',
  'info: { title: SOAP steps, version: "1" }',
  'paths:',
  ...[
    ['/t/optional/{id}', 'optionalOrder'],
    ['/t/lookup/{id}', 'lookup'],
    ['/t/lookup12/{id}', 'lookup12'],
    ['/t/both/{id}', 'both'],
    ['/t/slow/{id}', 'slowOrder'],
    ['/t/mode/{id}', 'modeOrder'],
    ['/t/raw/{id}', 'rawOrder'],
    ['/t/cancel/{id}', 'cancelAs'],
    ['/t/cancel12/{id}', 'cancelAs12'],
  ].flatMap(([route, operationId]) => [
    `  ${route}:`,
    '    get:',
    `      operationId: ${operationId}`,
    '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }, { name: mode, in: query, schema: { type: string } }, { name: who, in: query, schema: { type: string } }]',
    `      responses: { '200': ${OPEN} }`,
  ]),
].join('\n');

const getOrder = (service = 'orders', extra: string[] = []): string[] => [
  '  order:',
  `    soap: { service: ${service}, operation: GetOrder }`,
  '    message: { orderId: "=path.id" }',
  ...extra,
];

const mappings: Record<string, string[]> = {
  optionalOrder: [
    'operationId: optionalOrder',
    'steps:',
    ...getOrder('orders', ['    required: false']),
    '  user:',
    '    upstream: users',
    '    http: { method: GET, path: /users/42 }',
    'response:',
    '  body: { status: "=steps.order.order.status", user: "=steps.user.name" }',
  ],
  lookup: [
    'operationId: lookup',
    'steps:',
    ...getOrder('orders', ['    statuses:', '      OrderNotFound: { body: {} }        # no such order: an empty result, not an error']),
    'response:',
    '  body: { found: "=steps.order.order != null", status: "=steps.order.order.status ?? null" }',
  ],
  lookup12: [
    'operationId: lookup12',
    'steps:',
    ...getOrder('orders12', ['    statuses:', '      OrderNotFoundFault: { body: { order: { status: "=concat(\\"none for \\", path.id)" } } }']),
    'response:',
    '  body: { status: "=steps.order.order.status ?? null", lines: "=length(steps.order.order.lines.line ?? [])" }',
  ],
  both: [
    'operationId: both',
    'steps:',
    ...getOrder('orders', ['    headers: { x-fixture-mode: slow, x-fixture-delay-ms: "300" }']),
    '  pause:',
    '    upstream: users',
    '    http: { method: GET, path: /_test/slow }',
    '    query: { ms: 300 }',
    'response:',
    '  body: { status: "=steps.order.order.status", sleptMs: "=steps.pause.sleptMs" }',
  ],
  slowOrder: [
    'operationId: slowOrder',
    'steps:',
    ...getOrder('orders', ['    headers: { x-fixture-mode: slow, x-fixture-delay-ms: "2000" }', '    timeoutMs: 150']),
    'response:',
    '  body: { status: "=steps.order.order.status" }',
  ],
  modeOrder: [
    'operationId: modeOrder',
    'steps:',
    ...getOrder('orders', ['    headers: { x-fixture-mode: "=query.mode" }']),
    'response:',
    '  body: { status: "=steps.order.order.status" }',
  ],
  rawOrder: ['operationId: rawOrder', 'steps:', ...getOrder(), 'response:', '  body: { status: "=steps.order.order.status" }'],
  cancelAs: [
    'operationId: cancelAs',
    'steps:',
    '  cancel:',
    '    soap: { service: orders, operation: CancelOrder }',
    '    message: { orderId: "=path.id" }',
    '    soapHeaders:',
    '      callerContext: { channel: MOBILE, operator: "=query.who" }',
    'response:',
    '  body: { status: "=steps.cancel.status", by: "=steps.cancel.cancelledBy ?? null" }',
  ],
  cancelAs12: [
    'operationId: cancelAs12',
    'steps:',
    '  cancel:',
    '    soap: { service: orders12, operation: CancelOrder }',
    '    message: { orderId: "=path.id" }',
    '    soapHeaders: { callerContext: { channel: "=query.who ?? \\"BATCH\\"" } }',
    'response:',
    '  body: { status: "=steps.cancel.status", by: "=steps.cancel.cancelledBy ?? null" }',
  ],
};

let gateway: Gateway;
let base: string;
let legacy: RunningOrderService;
let users: DemoService;

beforeAll(async () => {
  [legacy, users] = await Promise.all([startOrderService({ port: 0 }), startUsersService({ host: '127.0.0.1', port: 0 })]);
  const files = writeRouteFiles(dir, api, mappings);
  const wsdl = 'legacy-fixtures/order-service/OrderService.wsdl';
  ({ gateway, http1: base } = await startGateway({
    listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
    openapi: [{ file: files.api }, { file: 'openapi/orders.yaml' }],
    mappings: [...files.mappings, 'mappings/orders.yaml'],
    soap: {
      services: {
        orders: { wsdl, upstream: 'legacy', port: 'OrderServiceSoap11Port', publish: 'none', operations: { GetOrder: { faults: { OrderNotFound: 404 } } } },
        orders12: { wsdl, upstream: 'legacy', port: 'OrderServiceSoap12Port', publish: 'none' },
      },
    },
    upstreams: {
      legacy: { protocol: 'http1', targets: [legacy.url], timeouts: { connectMs: 500, requestMs: 2000 } },
      users: { protocol: 'http1', targets: [users.url], timeouts: { connectMs: 500, requestMs: 2000 } },
    },
  }));
});

afterAll(async () => {
  await gateway.close(500);
  await Promise.all([legacy.close(), users.close()]);
});

const address = (lines: string[], city: string, postalCode: string, countryCode: string, region?: string) => ({
  lines,
  city,
  postalCode,
  ...(region === undefined ? {} : { region }),
  countryCode,
});

describe('GET /api/orders/{orderId}: REST over the SOAP GetOrder, reshaped (openapi/orders.yaml, mappings/orders.yaml)', () => {
  it('a shipped order: camelCase, money as { amount, currency }, lines flattened, the shipment as `delivery`', async () => {
    const res = await request1(`${base}/api/orders/ORD-1001`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const berlin = address(['Hauptstraße 5', 'Hinterhaus, 2. OG'], 'Berlin', '10115', 'DE');
    expect(res.body).toBe(
      JSON.stringify({
        id: 'ORD-1001',
        status: 'SHIPPED',
        createdAt: '2024-03-11T09:15:00+01:00',
        customer: { id: 'C-1001', name: 'Jane Roe', email: 'jane.roe@acme-industries.example', address: berlin },
        lines: [
          { lineNo: 1, sku: 'WID-1001', description: 'Widget, blue', quantity: 4, unitPrice: { amount: '19.90', currency: 'EUR' } },
          { lineNo: 2, sku: 'GAD-2001', description: 'Gadget Pro <2024 edition>', quantity: 1, unitPrice: { amount: '149.00', currency: 'EUR' } },
          { lineNo: 3, sku: 'CAB-4001', description: 'USB-C cable, 2 m', quantity: 10, unitPrice: { amount: '9.95', currency: 'EUR' } },
        ],
        total: { amount: '328.10', currency: 'EUR' },
        delivery: { method: 'shipment', carrier: 'DHL', trackingNumber: '00340434161094042557', address: berlin, shippedAt: '2024-03-12T16:40:00+01:00' },
        discountCode: 'SPRING24',
        notes: 'Deliver to loading dock B',
      }),
    );
  });

  it('a pickup order: nil notes are null, absent email and discount code are left out', async () => {
    const res = await request1(`${base}/api/orders/ORD-1002`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({
      id: 'ORD-1002',
      status: 'PENDING',
      createdAt: '2024-04-02T14:03:27Z',
      customer: { id: 'C-1002', name: 'Ada Lovelace', address: address(["12 St James's Square"], 'London', 'SW1Y 4JH', 'GB') },
      lines: [{ lineNo: 1, sku: 'WID-1002', description: 'Widget, red', quantity: 2, unitPrice: { amount: '17.50', currency: 'GBP' } }],
      total: { amount: '35.00', currency: 'GBP' },
      delivery: { method: 'pickup', storeId: 'ST-002', readyFrom: '2024-04-03T10:00:00+01:00' },
      notes: null,
    });
  });

  it('a quantity beyond 2^53 stays an exact digit string', async () => {
    const body = json(await request1(`${base}/api/orders/ORD-1003`));
    expect((body.lines as { quantity: unknown }[])[0]?.quantity).toBe('9007199254740993');
  });

  it('the OrderNotFound fault is the 404 of the service\'s fault table, naming the step and carrying the fault', async () => {
    const res = await request1(`${base}/api/orders/ORD-9999`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:soap-fault',
      title: 'SOAP fault',
      status: 404,
      detail: 'step "order" (SOAP service "orders", GetOrder) answered with a fault (Client): Order ORD-9999 not found',
      instance: res.headers['x-request-id'],
      soapVersion: '1.1',
      faultCode: 'Client',
      faultSubcodes: [],
      faultReason: 'Order ORD-9999 not found',
      faultDetail: { OrderNotFoundFault: { orderId: 'ORD-9999', message: 'No order with id ORD-9999' } },
    });
  });

  it('a Server fault (ORD-0000 breaks the service\'s database) is a 502 from the default table', async () => {
    const res = await request1(`${base}/api/orders/ORD-0000`);
    expect(res.status).toBe(502);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:soap-fault', faultCode: 'Server' });
    expect(String(json(res).detail)).toMatch(/^step "order" \(SOAP service "orders", GetOrder\) answered with a fault \(Server\)/);
  });

  it('an id the OpenAPI pattern refuses is a 400 before any SOAP call', async () => {
    const res = await request1(`${base}/api/orders/12345`);
    expect(res.status).toBe(400);
    expect(json(res).type).toBe('urn:protogate:problem:validation-failed');
  });
});

describe('SOAP steps: faults, statuses, optional steps, timeouts, parallel steps, hostile answers', () => {
  it('a fault listed in statuses (by wsdl:fault name) is a success with the replacement', async () => {
    expect(json(await request1(`${base}/t/lookup/ORD-9999`))).toEqual({ found: false, status: null });
    expect(json(await request1(`${base}/t/lookup/ORD-1004`))).toEqual({ found: true, status: 'DELIVERED' });
  });

  it('SOAP 1.2: a fault listed by its detail element, with a replacement built from the request', async () => {
    expect(json(await request1(`${base}/t/lookup12/ORD-4242`))).toEqual({ status: 'none for ORD-4242', lines: 0 });
    expect(json(await request1(`${base}/t/lookup12/ORD-1001`))).toEqual({ status: 'SHIPPED', lines: 3 });
  });

  it('an optional step answering a fault is left out and named in `partial`', async () => {
    const res = await request1(`${base}/t/optional/ORD-9999`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ user: 'Ada Lovelace', partial: ['order'] });
    expect(json(await request1(`${base}/t/optional/ORD-1005`))).toEqual({ status: 'CANCELLED', user: 'Ada Lovelace' });
  });

  it('a step past its timeout (the fixture\'s slow switch) is a 504 naming it', async () => {
    const started = performance.now();
    const res = await request1(`${base}/t/slow/ORD-1001`);
    expect(res.status).toBe(504);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-timeout', detail: 'step "order" (upstream "legacy") timed out after 150 ms' });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('a SOAP step and an HTTP step run in parallel', async () => {
    const started = performance.now();
    const res = await request1(`${base}/t/both/ORD-1001`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ status: 'SHIPPED', sleptMs: 300 });
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(550); // one after the other would take 600 ms or more
  });

  const hostile: [string, number, string][] = [
    ['html-error', 500, 'the SOAP upstream answered HTTP 500 with an HTML page, not a SOAP envelope.'],
    ['xxe', 200, 'the SOAP upstream answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing).'],
    ['billion-laughs', 200, 'the SOAP upstream answered HTTP 200 with XML with a DOCTYPE, which is refused (no DTD processing).'],
    ['deep-nesting', 200, 'the SOAP upstream answered HTTP 200 with a response over the configured limit: the XML document nests elements deeper than 100 levels.'],
  ];
  it.each(hostile)('a hostile answer (%s) is a 502 naming the step', async (mode, upstreamStatus, rest) => {
    const res = await request1(`${base}/t/mode/ORD-1001?mode=${mode}`);
    expect(res.status).toBe(502);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:upstream-bad-response',
      detail: `step "order" (SOAP service "orders", GetOrder): ${rest}`,
      upstreamStatus,
    });
  });

  it('a plain-text answer is a 502 naming the step', async () => {
    const res = await request1(`${base}/t/mode/ORD-1001?mode=not-xml`);
    expect(res.status).toBe(502);
    expect(String(json(res).detail)).toMatch(/^step "order" \(SOAP service "orders", GetOrder\): the SOAP upstream answered HTTP 200 with a text\/xml body that is not well-formed XML/);
  });

  it('a value outside the XSD facets is a mapping fault naming the file, the line and the expression', async () => {
    const res = await request1(`${base}/t/raw/12345`);
    expect(res.status).toBe(502);
    const body = json(res);
    expect(body.type).toBe('urn:protogate:problem:mapping-failed');
    expect(body.detail).toBe(
      `mapping ${path.join(dir, 'rawOrder.yaml')} line 5: \`path.id\` does not fit the input of step "order" (GetOrder of SOAP service "orders") at /orderId: ${(body.errors as { message: string }[])[0]?.message}.`,
    );
    expect(body.errors).toEqual([{ location: '/orderId', message: expect.stringContaining('ORD-[0-9]{4,10}') }]);
  });
});

describe('SOAP steps: soap:header parts from `soapHeaders` (CancelOrder binds a CallerContext header)', () => {
  it('SOAP 1.1: the header block reaches the service, which records the operator as who cancelled', async () => {
    const res = await request1(`${base}/t/cancel/ORD-1006?who=alice`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ status: 'CANCELLED', by: 'alice' });
  });

  it('SOAP 1.2: a part built from the request; without an operator the service records the channel', async () => {
    const res = await request1(`${base}/t/cancel12/ORD-1007?who=PARTNER`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ status: 'CANCELLED', by: 'PARTNER' });
  });

  it('a header value outside the XSD (not a Channel) is a mapping fault at the soapHeaders line, before any call', async () => {
    const res = await request1(`${base}/t/cancel12/ORD-1003?who=FAX`);
    expect(res.status).toBe(502);
    const body = json(res);
    expect(body.type).toBe('urn:protogate:problem:mapping-failed');
    expect(body.detail).toBe(
      `mapping ${path.join(dir, 'cancelAs12.yaml')} line 6: \`query.who ?? "BATCH"\` does not fit the soap:header parts of step "cancel" (CancelOrder of SOAP service "orders12") at /callerContext/channel: ${(body.errors as { message: string }[])[0]?.message}.`,
    );
    expect(body.errors).toEqual([{ location: '/callerContext/channel', message: expect.stringContaining('MOBILE') }]);
    // Nothing reached the service: the order is still as it was.
    expect(json(await request1(`${base}/t/raw/ORD-1003`))).toEqual({ status: 'CONFIRMED' });
  });
});
