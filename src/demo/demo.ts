import type { GatewayConfig } from '../config/load-config.js';
import type { Listener } from '../server/listeners.js';
import type { DemoService } from './demo-http.js';
import { startCartService } from './cart-service.js';
import { startDirectoryService } from './grpc-directory-service.js';
import { startInventoryService } from './inventory-service.js';
import { startUsersService } from './users-service.js';
import { startOrderService } from '../../legacy-fixtures/order-service/service.js';

/** Ports the bundled gateway.yaml points its demo upstreams at. */
export const DEMO_PORTS = { users: 9101, inventory: 9102, carts: 9103, directory: 9104, orders: 9105 } as const;

export interface DemoBackends {
  close(): Promise<void>;
}

/**
 * Starts the demo backends in this process: users and carts over HTTP/1.1, inventory over HTTP/2 cleartext, the
 * directory over gRPC (h2c), and the legacy SOAP order service of legacy-fixtures/ (WSDL at /orders?wsdl).
 */
export async function startDemoBackends(host = '127.0.0.1'): Promise<DemoBackends> {
  const started: Pick<DemoService, 'close'>[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(started.map((service) => service.close()));
  };
  try {
    started.push(await startUsersService({ host, port: DEMO_PORTS.users }));
    started.push(await startInventoryService({ host, port: DEMO_PORTS.inventory }));
    started.push(await startCartService({ host, port: DEMO_PORTS.carts }));
    started.push(await startDirectoryService({ host, port: DEMO_PORTS.directory }));
    started.push(await startOrderService({ host, port: DEMO_PORTS.orders }));
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}

/** Example requests that work against the demo, one per kind of thing the gateway does. */
export function demoExamples(listeners: readonly Listener[]): string[] {
  const plain = listeners.find((listener) => listener.protocol === 'http1');
  const tls = listeners.find((listener) => listener.protocol === 'https');
  const base = plain === undefined ? undefined : `http://${plain.host}:${plain.port}`;
  const lines: string[] = [];
  if (base !== undefined) {
    lines.push(
      `curl -i ${base}/api/users/42`,
      `curl -i '${base}/api/users?limit=2&tag=admin'`,
      `curl -i -X POST ${base}/api/users -H 'content-type: application/json' -d '{"name":"Grace Hopper","email":"grace@example.com"}'`,
      `curl -i ${base}/api/items/SKU-7`,
      `curl -i ${base}/api/cart -H 'x-user-id: 7'               # aggregation: cart + one batch product call`,
      `curl -i ${base}/m/api/cart -H 'x-user-id: 7'             # the mobile profile: same data, compact`,
      `curl -i ${base}/api/cart -H 'x-user-id: 10'              # an optional step times out: "partial"`,
      `curl -i ${base}/m/api/users                              # 404: not in the mobile profile`,
      `curl -i '${base}/api/status?echo=hi'                     # mapping: gRPC Ping (no HTTP rule) + an HTTP step, in parallel`,
      `curl -i ${base}/api/orders/ORD-1001                      # REST -> SOAP: a mapping step calls GetOrder, the answer reshaped`,
      `curl -i ${base}/api/orders/ORD-9999                      # 404: the OrderNotFound fault, through the service's fault table`,
      `curl -i -X POST ${base}/orders/GetOrder -H 'content-type: application/json' -d '{"orderId":"ORD-1003"}'   # REST -> SOAP 1.1 from the WSDL: xs:long past 2^53 and decimals as strings, nil as null`,
      `curl -i -X POST ${base}/orders/ListOrders -H 'content-type: application/json' -d '{"customerId":"C-1003"}'   # a repeated element is an array, even of one`,
      `curl -i -X POST ${base}/orders/soap12/GetOrder -H 'content-type: application/json' -d '{"orderId":"ORD-9999"}'   # 404: SOAP 1.2 fault Sender/OrderNotFound, by the fault table`,
      `curl -i -X POST ${base}/orders/CancelOrder -H 'content-type: application/json' -d '{"orderId":"ORD-1001"}'   # 409: OrderAlreadyShipped, raised as a Server fault; its detail element decides`,
      `curl -i -X POST ${base}/orders/CancelOrder -H 'content-type: application/json' -H 'x-operator: alice' -d '{"orderId":"ORD-1002"}'   # the soap:header part CallerContext from X-Operator: "cancelledBy":"alice"`,
      `curl -i -X POST ${base}/orders/GetOrder -H 'content-type: application/json' -d '{"orderId":"42"}'   # 400: the JSON does not fit the XSD (pattern), no SOAP call made`,
      `curl -i ${base}/v1/people/42                             # REST -> gRPC from a google.api.http rule`,
      `curl -i '${base}/v1/people?team=ops&minLevel=SENIOR'     # unbound fields from the query`,
      `curl -i -X POST ${base}/v1/people/7:promote -d '{"level":"PRINCIPAL"}' -H 'content-type: application/json'`,
      `curl -i ${base}/v1/people/77                             # 404: gRPC NOT_FOUND as problem+json`,
      `curl -i -X POST '${base}/v1/people:import?team=ops' -H 'content-type: application/x-ndjson' --data-binary $'{"displayName":"Grace Hopper"}\\n{"displayName":"Alan Turing","teams":["dev"]}\\n'   # client streaming: one message per NDJSON line`,
      `curl -i -N -X POST ${base}/v1/people:lookup -H 'content-type: application/x-ndjson' --data-binary $'{"id":"42"}\\n{"id":"7"}\\n'   # bidi streaming: NDJSON in, NDJSON out`,
      `curl -i '${base}/v1/people:export?team=ops'              # google.api.HttpBody stream: CSV`,
      `curl -i ${base}/v1/people/42/avatar                      # google.api.HttpBody: an SVG, raw`,
      `curl -i -X PUT ${base}/v1/people/42/avatar -H 'content-type: image/svg+xml' --data-binary '<svg xmlns="http://www.w3.org/2000/svg"/>'`,
      `curl -i -X PUT ${base}/api/users/42/avatar -H 'content-type: application/octet-stream' --data-binary @package.json`,
      `curl -i '${base}/api/users?limit=500'            # 400: validation problem`,
      `curl -i -X DELETE ${base}/api/users/42           # 405 with Allow`,
      `curl -i ${base}/api/nope                         # 404 problem`,
      `curl -i ${base}/readyz                           # readiness: every health-checked upstream has a healthy target`,
    );
  }
  if (tls !== undefined) {
    lines.push(`curl -i --http2 -k https://${tls.host}:${tls.port}/api/items?inStock=true   # HTTP/2 over TLS (ALPN)`);
  }
  return lines;
}

export function printDemoExamples(listeners: readonly Listener[], config: GatewayConfig): void {
  const examples = demoExamples(listeners);
  process.stdout.write(
    `\nprotogate is running the demo from ${config.file}: try\n\n${examples.map((line) => `  ${line}`).join('\n')}\n\n` +
      'Ctrl-C drains in-flight requests and stops.\n\n',
  );
}
