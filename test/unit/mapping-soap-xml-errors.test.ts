import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mappingJsonSchema } from '../../src/config/json-schema.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { mappingIssues } from '../helpers/mapping-issues.js';

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-soap-xml-steps-'));
writeFileSync(
  path.join(dir, 'api.yaml'),
  [
    'openapi: 3.1.0',
    'info: { title: t, version: "1" }',
    'paths:',
    '  /t/{id}:',
    '    get:',
    '      operationId: probe',
    '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
    "      responses: { '200': { description: ok, content: { application/json: { schema: { type: object } } } } }",
  ].join('\n'),
);

/** Builds a gateway with the legacy order service as soap.services.orders and one mapping file from `lines`. */
const issuesOf = mappingIssues(dir, {
  openapi: [{ file: path.join(dir, 'api.yaml') }],
  soap: {
    services: {
      orders: { wsdl: 'legacy-fixtures/order-service/OrderService.wsdl', upstream: 'legacy', port: 'OrderServiceSoap11Port', publish: 'none' },
    },
  },
  upstreams: {
    legacy: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
    pox: { protocol: 'http2', targets: ['http://127.0.0.1:1'] },
    directory: { protocol: 'grpc', targets: ['http://127.0.0.1:1'] },
  },
});

/** probe with one step `o` (from line 3) and a response body reading it (`body` on the last line). */
const probe = (step: string[], body = '{ status: "=steps.o.order.status" }'): string[] => ['operationId: probe', 'steps:', '  o:', ...step, 'response:', `  body: ${body}`];
const soap = (operation = 'GetOrder', service = 'orders'): string => `    soap: { service: ${service}, operation: ${operation} }`;
const xml = (path = '/orders'): string[] => ['    upstream: pox', `    xml: { method: POST, path: "${path}" }`];

describe('SOAP steps: mistakes are config errors naming the file, the line and what exists', () => {
  it('accepts a correct step: the input checked against the XSD, reads of the output, statuses by fault name and code', async () => {
    const step = [soap(), '    message: { orderId: "=path.id" }', '    headers: { x-tenant: acme }', '    statuses:', '      OrderNotFound: { body: {} }', '      Server: { body: { order: { status: PENDING } } }'];
    expect(await issuesOf(probe(step, '{ status: "=steps.o.order.status ?? null", lines: "=length(steps.o.order.lines.line ?? [])" }'))).toEqual([]);
  });

  it('accepts soap:header parts checked against their element, built from the request', async () => {
    const step = [soap('CancelOrder'), '    message: { orderId: "=path.id" }', '    soapHeaders: { callerContext: { channel: PARTNER, operator: "=path.id" } }'];
    expect(await issuesOf(probe(step, '{ s: "=steps.o.status", by: "=steps.o.cancelledBy ?? null" }'))).toEqual([]);
  });

  const table: [string, string[], string[]][] = [
    [
      'an unknown service, with a suggestion',
      probe([soap('GetOrder', 'ordrs'), '    message: { orderId: "=path.id" }']),
      ['m.yaml:4 /steps/o/soap/service: no SOAP service "ordrs" in soap.services of gateway.yaml; did you mean "orders"?'],
    ],
    [
      'an unknown operation, with a suggestion',
      probe([soap('GetOrdr'), '    message: { orderId: "=path.id" }']),
      ['m.yaml:4 /steps/o/soap/operation: SOAP service "orders" (port OrderServiceSoap11Port) has no operation "GetOrdr"; did you mean "GetOrder"?'],
    ],
    [
      'a wrong field in the message, with a suggestion',
      probe([soap(), '    message: { ordrId: "=path.id" }']),
      [
        'm.yaml:5 /ordrId: `ordrId` is not a field of the input of step "o" (GetOrder of SOAP service "orders"); did you mean `orderId`? (in `path.id`)',
        'm.yaml:5: missing required field `orderId` of the input of step "o" (GetOrder of SOAP service "orders") (in `{"ordrId":"=path.id"}`)',
      ],
    ],
    [
      'type mismatches against the XSD (an integer may also be sent as its text)',
      probe([soap('ListOrders'), '    message: { pageSize: true, page: "=path.id", status: SENT }'], '{ n: "=steps.o.totalCount" }'),
      [
        'm.yaml:5 /pageSize: `pageSize` of the input of step "o" (ListOrders of SOAP service "orders") expects integer | string | null, got boolean; wrap it in toString(…) (in `true`)',
        'm.yaml:5 /status: `status` of the input of step "o" (ListOrders of SOAP service "orders") expects "PENDING" | "CONFIRMED" | "SHIPPED" | "DELIVERED" | "CANCELLED" | null, got "SENT" (in `"SENT"`)',
      ],
    ],
    [
      'reading a field the output does not have, with a suggestion',
      probe([soap(), '    message: { orderId: "=path.id" }'], '{ name: "=steps.o.order.custmer.name" }'),
      ['m.yaml:7 /name: `steps.o.order.custmer` is not in the response of step o (GetOrder of SOAP service "orders"); did you mean `steps.o.order.customer`? (in `steps.o.order.custmer.name`)'],
    ],
    [
      'both http and soap',
      probe([soap(), '    http: { method: GET, path: / }']),
      ['m.yaml:4 /steps/o/soap: a step calls either `http` or `soap`, not both'],
    ],
    [
      'an upstream on a soap step',
      probe(['    upstream: legacy', soap(), '    message: { orderId: "=path.id" }']),
      ['m.yaml:4 /steps/o/upstream: a soap step calls the upstream of soap.services.orders in gateway.yaml; remove `upstream`'],
    ],
    [
      'statuses: a misspelt fault name, and an HTTP status',
      probe([soap(), '    message: { orderId: "=path.id" }', '    statuses:', '      OrderNotFund: { body: {} }', '      "404": { body: {} }']),
      [
        'm.yaml:8 /steps/o/statuses/404: "404" is not a fault operation GetOrder can answer; a soap step lists wsdl:fault names or detail elements of GetOrder (OrderNotFound, OrderNotFoundFault) or SOAP 1.1 fault codes (Client, Server, VersionMismatch, MustUnderstand)',
        'm.yaml:7 /steps/o/statuses/OrderNotFund: "OrderNotFund" is not a fault operation GetOrder can answer; did you mean "OrderNotFound"?',
      ],
    ],
    [
      'statuses: a replacement with a field the output does not have',
      probe([soap(), '    message: { orderId: "=path.id" }', '    statuses:', '      Client: { body: { ordr: {} } }']),
      ['m.yaml:7 /ordr: `ordr` is not a field of the result of step "o" (GetOrder) when it answers Client; did you mean `order`? (in `{}`)'],
    ],
    [
      'a header the binding sets',
      probe([soap(), '    message: { orderId: "=path.id" }', '    headers: { SOAPAction: x }']),
      ['m.yaml:6 /steps/o/headers/SOAPAction: header "SOAPAction" is set by the gateway from the WSDL binding (SOAP 1.1) and cannot be set here'],
    ],
    [
      'HTTP fields on a soap step',
      probe([soap(), '    body: { orderId: x }']),
      ['m.yaml:5 /steps/o/body: `body` is for http and xml steps: a soap step builds its request with `message` (its soap:header parts with `soapHeaders`, HTTP headers with `headers`), and its result shape comes from the WSDL'],
    ],
    [
      'soapHeaders: a part the binding does not declare, with a suggestion',
      probe([soap('CancelOrder'), '    message: { orderId: "=path.id" }', '    soapHeaders: { callerContxt: { channel: WEB } }'], '{ s: "=steps.o.status" }'),
      ['m.yaml:6 /steps/o/soapHeaders/callerContxt: CancelOrder has no soap:header part "callerContxt"; did you mean "callerContext"?'],
    ],
    [
      'soapHeaders on an operation without header parts',
      probe([soap(), '    message: { orderId: "=path.id" }', '    soapHeaders: { auth: { token: x } }']),
      ['m.yaml:6 /steps/o/soapHeaders/auth: GetOrder has no soap:header part "auth"; its input binds no soap:header parts'],
    ],
    [
      'soapHeaders: fields checked against the header element\'s XSD',
      probe([soap('CancelOrder'), '    message: { orderId: "=path.id" }', '    soapHeaders: { callerContext: { channel: FAX, operatr: "=path.id" } }'], '{ s: "=steps.o.status" }'),
      [
        'm.yaml:6 /callerContext/channel: `callerContext.channel` of the soap:header parts of step "o" (CancelOrder of SOAP service "orders") expects "WEB" | "MOBILE" | "PARTNER" | "BATCH", got "FAX" (in `"FAX"`)',
        'm.yaml:6 /callerContext/operatr: `callerContext.operatr` is not a field of the soap:header parts of step "o" (CancelOrder of SOAP service "orders"); did you mean `callerContext.operator`? (in `path.id`)',
      ],
    ],
    [
      'soapHeaders on an http step',
      probe(['    upstream: legacy', '    http: { method: GET, path: / }', '    soapHeaders: { a: 1 }'], '{ s: "=steps.o" }'),
      ['m.yaml:6 /steps/o/soapHeaders: `soapHeaders` is for soap steps: an http step sends `body`, `path`, `query` and `headers`'],
    ],
  ];
  it.each(table)('%s', async (_name, lines, expected) => {
    expect(await issuesOf(lines)).toEqual(expected);
  });

  it('no soap.services at all', async () => {
    expect(await issuesOf(probe([soap(), '    message: { orderId: "=path.id" }']), { soap: { services: {} } })).toEqual([
      'm.yaml:4 /steps/o/soap/service: no SOAP service "orders" in soap.services of gateway.yaml: add it under soap.services (wsdl, upstream)',
    ]);
  });
});

describe('xml steps: mistakes are config errors naming the file and the line', () => {
  it('accepts a correct step', async () => {
    const step = [...xml('/stock/{sku}'), '    path: { sku: "=path.id" }', '    body:', '      o:order:', '        "@xmlns:o": urn:x', '        "@id": "=path.id"', '        o:line: [{ "#text": a }, b]', '    response: { arrays: [line] }'];
    expect(await issuesOf(probe(step, '{ n: "=steps.o.line" }'))).toEqual([]);
  });

  const table: [string, string[], string[]][] = [
    [
      'two root elements',
      probe([...xml(), '    body: { a: 1, b: 2 }']),
      ['m.yaml:6 /steps/o/body: the XML body has one root element, so one key; it has "a", "b"'],
    ],
    [
      'names that are not XML names, and an object where an attribute goes',
      probe([...xml(), '    body:', '      order:', '        1st: x', '        "@a b": x', '        "@ok": { no: 1 }', '        xmlData: x']),
      [
        'm.yaml:8 /steps/o/body/order/1st: "1st" is not an XML name',
        'm.yaml:9 /steps/o/body/order/@a b: attribute "a b" is not an XML name',
        'm.yaml:10 /steps/o/body/order/@ok: attribute `@ok` takes a string, number or boolean, not an object',
        'm.yaml:11 /steps/o/body/order/xmlData: "xmlData" is reserved: XML names may not start with "xml"',
      ],
    ],
    [
      'an arrays path the declared schema does not have, with a suggestion',
      probe([...xml(), '    response:', '      schema: { type: object, properties: { items: { type: object, properties: { item: { type: array } } } } }', '      arrays: [itmes/item, items/item]'], '{ n: "=steps.o.items" }'),
      ['m.yaml:8 /steps/o/response/arrays/0: "itmes" is not in response.schema under the root element; did you mean "items"?'],
    ],
    [
      'an arrays path the schema declares as something else',
      probe([...xml(), '    response:', '      schema: { type: object, properties: { total: { type: number } } }', '      arrays: [total]'], '{ n: "=steps.o.total" }'),
      ['m.yaml:8 /steps/o/response/arrays/0: "total" is not an array in response.schema: declare it `type: array` there (or drop it here)'],
    ],
    [
      'a placeholder without a value, and a gRPC status name',
      probe([...xml('/stock/{sku}'), '    statuses:', '      NOT_FOUND: { body: {} }']),
      [
        'm.yaml:5 /steps/o/path: {sku} in xml.path has no value: add path.sku',
        'm.yaml:7 /steps/o/statuses/NOT_FOUND: "NOT_FOUND" is not an HTTP status; an xml step lists HTTP statuses, e.g. "404"',
      ],
    ],
    [
      'reading a field the declared response does not have',
      probe([...xml(), '    response: { schema: { type: object, properties: { total: { type: number } } } }'], '{ n: "=steps.o.totl" }'),
      ['m.yaml:8 /n: `steps.o.totl` is not in the response of step o; did you mean `steps.o.total`? (in `steps.o.totl`)'],
    ],
    [
      '`response.arrays` on an http step',
      probe(['    upstream: pox', '    http: { method: GET, path: / }', '    response: { arrays: [a] }']),
      ['m.yaml:6 /steps/o/response/arrays: `response.arrays` is for xml steps: other steps\' answers are JSON already', 'm.yaml:6 /steps/o/response/schema: is required (expected object)'],
    ],
    [
      'an xml step against a gRPC upstream',
      probe(['    upstream: directory', '    xml: { method: GET, path: / }']),
      ['m.yaml:4 /steps/o/upstream: upstream "directory" is a gRPC upstream; call it with `grpc: package.Service/Method`, or use one of the HTTP upstreams: legacy, pox'],
    ],
  ];
  it.each(table)('%s', async (_name, lines, expected) => {
    expect(await issuesOf(lines)).toEqual(expected);
  });
});

it('mapping.schema.json accepts the demo SOAP mapping and rejects a soap step with an upstream', () => {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  const validate = ajv.compile(mappingJsonSchema());
  const demo = parse(readFileSync(path.join(ROOT, 'mappings/orders.yaml'), 'utf8')) as { steps: Record<string, Record<string, unknown>> };
  expect(validate(demo)).toBe(true);
  const withUpstream = { ...demo, steps: { order: { ...demo.steps['order'], upstream: 'legacy' } } };
  expect(validate(withUpstream)).toBe(false);
});
