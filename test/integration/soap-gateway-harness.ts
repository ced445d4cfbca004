import type { Gateway } from '../../src/app.js';
import { startOrderService, type RunningOrderService } from '../../legacy-fixtures/order-service/service.js';
import { request1, type SimpleResponse } from '../helpers/clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

/** The fixture's WSDL, relative to the repository root (the config's baseDir in these tests). */
export const ORDER_WSDL = 'legacy-fixtures/order-service/OrderService.wsdl';
/** The clock the fixture is pinned to, as in its recordings. */
export const FIXTURE_CLOCK = '2024-06-10T08:30:00.000Z';

/** The gateway (one HTTP/1.1 listener) publishing `soap.services` in front of a real legacy order service. */
export interface SoapGateway {
  readonly gateway: Gateway;
  readonly fixture: RunningOrderService;
  /** `http://127.0.0.1:PORT` of the gateway. */
  readonly base: string;
  /** POSTs JSON (a value, or raw text when a string) to a gateway path. */
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<SimpleResponse>;
  /** Back to the seeded orders, clock pinned. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface SoapGatewayOptions {
  /** Upstreams beside "orders" (the fixture). */
  readonly upstreams?: Record<string, unknown>;
  /** The "orders" upstream's timeouts.requestMs. */
  readonly requestMs?: number;
}

/** Starts the fixture on port 0 and the gateway with `services` under `soap.services`; "orders" is the fixture. */
export async function startSoapGateway(services: Record<string, unknown>, options: SoapGatewayOptions = {}): Promise<SoapGateway> {
  const fixture = await startOrderService({ port: 0, now: () => new Date(FIXTURE_CLOCK) });
  let started: StartedGateway;
  try {
    started = await startGateway({
      listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
      upstreams: { orders: { protocol: 'http1', targets: [fixture.url], timeouts: { connectMs: 1000, requestMs: options.requestMs ?? 5000 } }, ...options.upstreams },
      soap: { services },
    });
  } catch (error) {
    await fixture.close();
    throw error;
  }
  const { gateway, http1: base } = started;
  return {
    gateway,
    fixture,
    base,
    post(path, body, headers = {}) {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      return request1(`${base}${path}`, {
        method: 'POST',
        headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(text === undefined ? {} : { body: text }),
      });
    },
    async reset() {
      const res = await fetch(`${fixture.url}/_admin/reset?now=${encodeURIComponent(FIXTURE_CLOCK)}`, { method: 'POST' });
      await res.arrayBuffer();
    },
    async close() {
      await gateway.close(500);
      await fixture.close();
    },
  };
}

/** The order service's SOAP 1.1 port as `orders` and its SOAP 1.2 port as `orders12`, with the demo's fault table. */
export const ORDER_SERVICES = {
  orders: {
    wsdl: ORDER_WSDL,
    upstream: 'orders',
    port: 'OrderServiceSoap11Port',
    basePath: '/soap/orders',
    operations: {
      GetOrder: { faults: { OrderNotFound: 404 } },
      CancelOrder: { faults: { OrderNotFound: 404, OrderAlreadyShipped: 409 } },
    },
  },
  orders12: {
    wsdl: ORDER_WSDL,
    upstream: 'orders',
    port: 'OrderServiceSoap12Port',
    basePath: '/soap12/orders',
    operations: {
      GetOrder: { faults: { OrderNotFound: 404 } },
      CancelOrder: { faults: { OrderNotFound: 404, OrderAlreadyShipped: 409 } },
    },
  },
  ping: { wsdl: ORDER_WSDL, upstream: 'orders', service: 'LegacyPingService', basePath: '/soap/ping' },
} as const;

export function parse(res: SimpleResponse): unknown {
  return JSON.parse(res.body) as unknown;
}
