import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/app.js';
import { ConfigError } from '../../src/config/config-error.js';
import { validateConfigData } from '../../src/config/load-config.js';
import { createLogging } from '../../src/observability/logger.js';
import { fetchSoapWsdls } from '../../src/pipeline/soap-services.js';
import { startOrderService } from '../../legacy-fixtures/order-service/service.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { ORDER_WSDL } from './soap-gateway-harness.js';

/** Mistakes in `soap.services` are config errors naming gateway.yaml's pointer (and the WSDL file:line); nothing starts. */
const UPSTREAMS = {
  orders: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
  directory: { protocol: 'grpc', targets: ['http://127.0.0.1:1'] },
};

/** The problems of a config, as `gateway validate` prints them; [] when it builds. */
function problems(services: Record<string, unknown>, extra: Record<string, unknown> = {}, baseDir = ROOT): string[] {
  try {
    const config = validateConfigData({ upstreams: UPSTREAMS, soap: { services }, ...extra }, { file: 'gateway.yaml', baseDir, env: {} });
    void buildGateway(config, createLogging('silent', false)).close(0);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.file}${issue.line === undefined ? '' : `:${issue.line}`} ${issue.pointer}: ${issue.message}`);
  }
}

const order11 = { wsdl: ORDER_WSDL, upstream: 'orders', port: 'OrderServiceSoap11Port' };

describe('the WSDL and the port', () => {
  it('a WSDL file that does not exist', () => {
    expect(problems({ orders: { ...order11, wsdl: 'legacy-fixtures/nope.wsdl' } })).toEqual(['gateway.yaml /soap/services/orders/wsdl: legacy-fixtures/nope.wsdl: no such file']);
  });

  it('a WSDL with an unsupported construct: the WSDL file and line, under the gateway.yaml pointer', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-soap-'));
    const source = readFileSync(path.join(ROOT, ORDER_WSDL), 'utf8');
    // The SOAP 1.1 binding of GetOrder, input and output, in SOAP encoding.
    const encoded = source.replace('<wsdl:input><soap:body use="literal"/></wsdl:input>', '<wsdl:input><soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input>');
    writeFileSync(path.join(dir, 'Encoded.wsdl'), encoded);
    copyFileSync(path.join(ROOT, 'legacy-fixtures/order-service/common.xsd'), path.join(dir, 'common.xsd'));
    const line = encoded.split('\n').findIndex((text) => text.includes('use="encoded"')) + 1;
    expect(problems({ orders: { ...order11, wsdl: 'Encoded.wsdl' } }, {}, dir)).toEqual([
      `gateway.yaml /soap/services/orders/wsdl: Encoded.wsdl:${line}: soap:body in input in operation "GetOrder" in binding "OrderServiceSoap11Binding": ` +
        'use="encoded" (SOAP encoding) is not supported: only literal use is',
    ]);
  });

  it('a URL needs allowFetch, and is read before the build', () => {
    expect(problems({ orders: { ...order11, wsdl: 'http://127.0.0.1:1/orders?wsdl' } })).toEqual([
      'gateway.yaml /soap/services/orders/wsdl: http://127.0.0.1:1/orders?wsdl is a URL: set allowFetch: true to fetch it at load, or point wsdl at a local copy',
    ]);
    expect(problems({ orders: { ...order11, wsdl: 'http://127.0.0.1:1/orders?wsdl', allowFetch: true } })).toEqual([
      'gateway.yaml /soap/services/orders/wsdl: http://127.0.0.1:1/orders?wsdl was not fetched: an http(s) WSDL is imported by fetchSoapWsdls() before the gateway is built',
    ]);
  });

  it('a URL with allowFetch: fetched (with its imported XSD) by fetchSoapWsdls, then built; a fetch failure names the URL', async () => {
    const fixture = await startOrderService({ port: 0 });
    try {
      const data = {
        upstreams: { orders: { protocol: 'http1', targets: [fixture.url] } },
        soap: { services: { orders: { wsdl: fixture.wsdlUrl, allowFetch: true, upstream: 'orders', port: 'OrderServiceSoap12Port' } } },
      };
      const config = validateConfigData(data, { file: 'gateway.yaml', baseDir: ROOT, env: {} });
      const gateway = buildGateway(config, createLogging('silent', false), { wsdls: await fetchSoapWsdls(config) });
      expect(gateway.routes.map((route) => route.publicTemplate)).toEqual(['/orders/GetOrder', '/orders/ListOrders', '/orders/CreateOrder', '/orders/CancelOrder']);
      const [listener] = await gateway.listen();
      const res = await fetch(`http://127.0.0.1:${listener?.port}/orders/GetOrder`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":"ORD-1002"}' });
      expect(((await res.json()) as { order: { id: string } }).order.id).toBe('ORD-1002');
      await gateway.close(0);

      const missing = validateConfigData({ ...data, soap: { services: { orders: { ...data.soap.services.orders, wsdl: `${fixture.url}/nothing?wsdl` } } } }, { file: 'gateway.yaml', baseDir: ROOT, env: {} });
      const fetched = await fetchSoapWsdls(missing);
      expect(() => buildGateway(missing, createLogging('silent', false), { wsdls: fetched })).toThrow(
        `gateway.yaml /soap/services/orders/wsdl: ${fixture.url}/nothing?wsdl: HTTP 404`,
      );
    } finally {
      await fixture.close();
    }
  });

  it('several ports and none chosen, an unknown port, an unknown service', () => {
    expect(problems({ orders: { wsdl: ORDER_WSDL, upstream: 'orders' } })).toEqual([
      'gateway.yaml /soap/services/orders/port: legacy-fixtures/order-service/OrderService.wsdl has 3 SOAP ports; choose one: ' +
        'OrderServiceSoap11Port (SOAP 1.1, service OrderService), OrderServiceSoap12Port (SOAP 1.2, service OrderService), LegacyPingPort (SOAP 1.1, service LegacyPingService)',
    ]);
    expect(problems({ orders: { ...order11, port: 'OrderServiceSoap13Port' } })).toEqual([
      'gateway.yaml /soap/services/orders/port: no SOAP port "OrderServiceSoap13Port" in legacy-fixtures/order-service/OrderService.wsdl; did you mean "OrderServiceSoap11Port"?',
    ]);
    expect(problems({ orders: { ...order11, service: 'PingService' } })).toEqual([
      'gateway.yaml /soap/services/orders/service: no service "PingService" in legacy-fixtures/order-service/OrderService.wsdl; expected one of: OrderService, LegacyPingService',
    ]);
    // A service with one port needs no port name.
    expect(problems({ ping: { wsdl: ORDER_WSDL, upstream: 'orders', service: 'LegacyPingService' } })).toEqual([]);
  });

  it('the upstream must be an http1 / http2 upstream of gateway.yaml', () => {
    expect(problems({ orders: { ...order11, upstream: 'ordrs' } })).toEqual(['gateway.yaml /soap/services/orders/upstream: upstream "ordrs" is not defined; expected one of: orders']);
    expect(problems({ orders: { ...order11, upstream: 'directory' } })).toEqual([
      'gateway.yaml /soap/services/orders/upstream: upstream "directory" is a grpc upstream; a SOAP service needs an http1 or http2 one',
    ]);
  });
});

describe('operations and fault tables', () => {
  it('an unknown operation, an unknown fault, a code of the other SOAP version', () => {
    expect(
      problems({
        orders: {
          ...order11,
          operations: {
            GetOrdr: { faults: { OrderNotFound: 404 } },
            CancelOrder: { faults: { OrderAlreadyShiped: 409, Sender: 400, 'Client.Authentication': 401, Server: 503, OrderNotFoundFault: 410 } },
            ListOrders: { faults: { Nope: 400 } },
          },
        },
      }),
    ).toEqual([
      'gateway.yaml /soap/services/orders/operations/GetOrdr: no operation "GetOrdr" in port OrderServiceSoap11Port; did you mean "GetOrder"?',
      'gateway.yaml /soap/services/orders/operations/ListOrders/faults/Nope: operation ListOrders has no fault "Nope"; expected a wsdl:fault name or detail element (none declared) or a fault code (Client, Server, VersionMismatch, MustUnderstand)',
      'gateway.yaml /soap/services/orders/operations/CancelOrder/faults/OrderAlreadyShiped: operation CancelOrder has no fault "OrderAlreadyShiped"; did you mean "OrderAlreadyShipped"?',
      'gateway.yaml /soap/services/orders/operations/CancelOrder/faults/Sender: Sender is a SOAP 1.2 fault code; port OrderServiceSoap11Port speaks SOAP 1.1 (codes: Client, Server, VersionMismatch, MustUnderstand)',
    ]);
  });

  it('a service-wide table: keys checked against every operation of the port', () => {
    expect(problems({ orders: { ...order11, faults: { OrderNotFound: 404, ValidationFault: 422, 'Client.Authentication': 401 } } })).toEqual([]);
    expect(problems({ orders: { ...order11, faults: { OrderNotFund: 404, Sender: 400, Nope: 400 } } })).toEqual([
      'gateway.yaml /soap/services/orders/faults/OrderNotFund: no operation of port OrderServiceSoap11Port has a fault "OrderNotFund"; did you mean "OrderNotFound"?',
      'gateway.yaml /soap/services/orders/faults/Sender: Sender is a SOAP 1.2 fault code; port OrderServiceSoap11Port speaks SOAP 1.1 (codes: Client, Server, VersionMismatch, MustUnderstand)',
      'gateway.yaml /soap/services/orders/faults/Nope: no operation of port OrderServiceSoap11Port has a fault "Nope"; expected a wsdl:fault name or detail element (OrderNotFound, OrderNotFoundFault, ValidationFault, OrderAlreadyShipped, OrderAlreadyShippedFault) or a fault code (Client, Server, VersionMismatch, MustUnderstand)',
    ]);
  });

  it('a status that is not an HTTP error status', () => {
    expect(problems({ orders: { ...order11, operations: { GetOrder: { faults: { OrderNotFound: 200 } } } } })).toEqual([
      'gateway.yaml /soap/services/orders/operations/GetOrder/faults/OrderNotFound: Too small: expected number to be >=400',
    ]);
  });
});

describe('the rest of the entry', () => {
  it('schema errors name the field', () => {
    expect(problems({ orders: { ...order11, publish: 'all', basePath: 'orders/', limits: { maxDepth: 5000 }, extra: 1 } })).toEqual([
      'gateway.yaml /soap/services/orders/basePath: expected a path like "/orders" (leading "/", no trailing "/", no "{")',
      'gateway.yaml /soap/services/orders/extra: unknown field "extra"',
      'gateway.yaml /soap/services/orders/limits/maxDepth: Too big: expected number to be <=1000',
      'gateway.yaml /soap/services/orders/publish: Invalid option: expected one of "default"|"none"',
    ]);
  });

  it('a static header that is not one element, once for the service', () => {
    expect(problems({ orders: { ...order11, headers: [{ namespace: 'urn:x', name: 'Ok', value: 'v' }, { xml: '<a>' }] } })).toEqual([
      'gateway.yaml /soap/services/orders/headers/1: SOAP header 1 is not one well-formed, self-contained element: <a> is never closed (truncated document?)',
    ]);
  });

  it('a route policy may set timeoutMs and maxBodyBytes of a SOAP route, nothing else', () => {
    expect(problems({ orders: order11 }, { routes: { 'orders.GetOrder': { timeoutMs: 500, maxBodyBytes: 1000 } } })).toEqual([]);
    expect(problems({ orders: order11 }, { routes: { 'orders.GetOrder': { path: '/elsewhere' } } })).toEqual([
      'gateway.yaml /routes/orders.GetOrder/path: does not apply to a SOAP route; a SOAP route takes timeoutMs and maxBodyBytes',
    ]);
  });

  it('a mapping file cannot bind a published SOAP operation (it would never run)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'protogate-soap-')), 'm.yaml');
    writeFileSync(file, 'operationId: orders.GetOrder\nsteps:\n  a: { upstream: orders, http: { method: GET, path: /x } }\nresponse: { body: {} }\n');
    expect(problems({ orders: order11 }, { mappings: [file] })).toEqual([
      `${file}:1 /operationId: orders.GetOrder is a SOAP route published from soap.services; a mapping binds an OpenAPI operation (call the SOAP operation from a step with soap: { service, operation })`,
    ]);
  });

  it('publish: none compiles the service (and checks it) but publishes no route', () => {
    expect(problems({ orders: { ...order11, publish: 'none', operations: { GetOrdr: {} } } })).toEqual([
      'gateway.yaml /soap/services/orders/operations/GetOrdr: no operation "GetOrdr" in port OrderServiceSoap11Port; did you mean "GetOrder"?',
    ]);
    const config = validateConfigData({ upstreams: UPSTREAMS, soap: { services: { orders: { ...order11, publish: 'none' } } } }, { file: 'gateway.yaml', baseDir: ROOT, env: {} });
    const gateway = buildGateway(config, createLogging('silent', false));
    expect(gateway.routes).toEqual([]);
    void gateway.close(0);
  });
});

describe('route collisions', () => {
  it('two services on one basePath', () => {
    expect(problems({ a: { ...order11, basePath: '/orders' }, b: { ...order11, port: 'OrderServiceSoap12Port', basePath: '/orders' } })).toEqual([
      'gateway.yaml /soap/services/b/basePath: POST /orders/GetOrder (operation b.GetOrder) collides with /orders/GetOrder (operation a.GetOrder in gateway.yaml): one request would match both',
    ]);
  });

  it('a SOAP route on the path of an OpenAPI operation', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-soap-'));
    writeFileSync(
      path.join(dir, 'api.yaml'),
      'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /orders/GetOrder:\n    post:\n      operationId: getOrderRest\n      responses: { "200": { description: ok } }\n',
    );
    copyFileSync(path.join(ROOT, ORDER_WSDL), path.join(dir, 'OrderService.wsdl'));
    copyFileSync(path.join(ROOT, 'legacy-fixtures/order-service/common.xsd'), path.join(dir, 'common.xsd'));
    expect(problems({ orders: { ...order11, wsdl: 'OrderService.wsdl' } }, { openapi: [{ file: 'api.yaml', upstream: 'orders' }] }, dir)).toEqual([
      'gateway.yaml /soap/services/orders/basePath: POST /orders/GetOrder (operation orders.GetOrder) collides with /orders/GetOrder (operation getOrderRest in api.yaml): one request would match both',
    ]);
  });
});

describe('soapHeaders of a published operation', () => {
  const cancel = (soapHeaders: unknown, extra: Record<string, unknown> = {}) => ({ orders: { ...order11, ...extra, operations: { CancelOrder: { soapHeaders } } } });

  it('accepts header parts checked against their element, built from the request', () => {
    expect(problems(cancel({ callerContext: { channel: "=headers['x-channel'] ?? \"WEB\"", operator: "=headers['x-operator']" } }))).toEqual([]);
  });

  it('a part the binding does not declare, with a suggestion; an operation without header parts', () => {
    expect(problems(cancel({ callerContxt: { channel: 'WEB' } }))).toEqual([
      'gateway.yaml /soap/services/orders/operations/CancelOrder/soapHeaders/callerContxt: CancelOrder has no soap:header part "callerContxt"; did you mean "callerContext"?',
    ]);
    expect(problems({ orders: { ...order11, operations: { GetOrder: { soapHeaders: { auth: 'x' } } } } })).toEqual([
      'gateway.yaml /soap/services/orders/operations/GetOrder/soapHeaders/auth: GetOrder has no soap:header part "auth"; its input binds no soap:header parts',
    ]);
  });

  it('values checked against the header element: a wrong enumeration value, an unknown field, a missing required one', () => {
    expect(problems(cancel({ callerContext: { channel: 'FAX' } }))).toEqual([
      'gateway.yaml /soap/services/orders/operations/CancelOrder/soapHeaders/callerContext/channel: `callerContext.channel` of the soap:header parts of CancelOrder (SOAP service "orders") expects "WEB" | "MOBILE" | "PARTNER" | "BATCH", got "FAX" (in `"FAX"`)',
    ]);
    expect(problems(cancel({ callerContext: { operatr: "=headers['x-operator']" } }))).toEqual([
      expect.stringMatching(/^gateway\.yaml \/soap\/services\/orders\/operations\/CancelOrder\/soapHeaders\/callerContext\/operatr: `callerContext\.operatr` is not a field of the soap:header parts of CancelOrder \(SOAP service "orders"\); did you mean `callerContext\.operator`\?/),
      expect.stringMatching(/^gateway\.yaml \/soap\/services\/orders\/operations\/CancelOrder\/soapHeaders\/callerContext: missing required field `callerContext\.channel`/),
    ]);
  });

  it('on a service with publish: none (there is no route to take them from)', () => {
    expect(problems(cancel({ callerContext: { channel: 'WEB' } }, { publish: 'none' }))).toEqual([
      'gateway.yaml /soap/services/orders/operations/CancelOrder/soapHeaders: applies to the published route, and this service has publish: none; set `soapHeaders` on the mapping step that calls the operation',
    ]);
  });
});
