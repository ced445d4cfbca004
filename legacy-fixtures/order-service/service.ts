import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DELAY_MS, isFixtureMode, misbehave, sendReply, type FixtureMode, type Reply } from './misbehaviour.js';
import { ORDER_OPERATIONS, type OperationContext } from './operations.js';
import { PING_OPERATIONS } from './ping-operations.js';
import { answerSoap, type Endpoint } from './soap-endpoint.js';
import { SOAP11, SOAP12 } from './soap-protocol.js';
import { OrderStore, type Order } from './store.js';

/**
 * ACME's legacy order management service: a standalone SOAP server on node:http, a peer of the gateway (it imports
 * nothing from src/). See legacy-fixtures/README.md for its endpoints, operations and misbehaviour switches.
 */

export interface OrderServiceOptions {
  /** 0 (the default) for an ephemeral port. */
  readonly port?: number;
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** The service clock (createdAt of new orders, GetServerTime); pin it for reproducible responses. */
  readonly now?: () => Date;
}

export interface RunningOrderService {
  /** Origin, e.g. http://127.0.0.1:9105. */
  readonly url: string;
  readonly port: number;
  /** Where the WSDL is served, e.g. http://127.0.0.1:9105/orders?wsdl. */
  readonly wsdlUrl: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

export const ENDPOINTS: readonly Endpoint[] = [
  { path: '/orders', version: SOAP11, prefix: 'soap', operations: ORDER_OPERATIONS },
  { path: '/orders/soap12', version: SOAP12, prefix: 'env', operations: ORDER_OPERATIONS },
  { path: '/legacy/ping', version: SOAP11, prefix: 'soapenv', operations: PING_OPERATIONS },
];

const MAX_REQUEST_BYTES = 1_048_576;
/** The address the WSDL on disk names; the served copy names the address it was fetched from. */
const WSDL_ORIGIN = 'http://localhost:9105';

/** This folder, from the sources or from dist/ (the WSDL and the XSD are not copied by tsc). */
function fixtureDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  if (existsSync(path.join(dir, 'OrderService.wsdl'))) return dir;
  for (;;) {
    const candidate = path.join(dir, 'legacy-fixtures', 'order-service');
    if (existsSync(path.join(candidate, 'OrderService.wsdl'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find legacy-fixtures/order-service/OrderService.wsdl');
    dir = parent;
  }
}

export async function startOrderService(options: OrderServiceOptions = {}): Promise<RunningOrderService> {
  const dir = fixtureDir();
  const [wsdl, xsd] = await Promise.all([readFile(path.join(dir, 'OrderService.wsdl'), 'utf8'), readFile(path.join(dir, 'common.xsd'), 'utf8')]);
  const store = new OrderStore();
  let now = options.now ?? ((): Date => new Date());
  let startedAt = now();
  const context: OperationContext = {
    store,
    now: () => now(),
    get startedAt() {
      return startedAt;
    },
  };

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendReply(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `${(error as Error).message}\n` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fixture.invalid');
    let pathname = url.pathname;
    let mode = headerValue(req, 'x-fixture-mode');
    const prefixed = /^\/fixture\/([^/]+)(\/.*)?$/.exec(pathname);
    if (prefixed !== null) {
      mode = prefixed[1];
      pathname = prefixed[2] ?? '/orders';
    }
    if (pathname === '/_admin/reset' && req.method === 'POST') {
      await readRequestBody(req);
      const pinned = url.searchParams.get('now');
      if (pinned !== null) now = () => new Date(pinned);
      startedAt = now();
      store.reset();
      res.writeHead(204).end();
      return;
    }
    const endpoint = ENDPOINTS.find((candidate) => candidate.path === pathname);
    if (endpoint === undefined) return sendReply(res, htmlReply(404, 'Not Found', `No service is deployed at ${pathname}.`));
    if (mode !== undefined && !isFixtureMode(mode)) {
      return sendReply(res, { status: 400, headers: { 'content-type': 'text/plain' }, body: `unknown fixture mode "${mode}"\n` });
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      await readRequestBody(req);
      return sendReply(res, { ...htmlReply(405, 'Method Not Allowed', 'Use POST for SOAP, GET for ?wsdl.'), headers: { 'content-type': 'text/html;charset=utf-8', allow: 'GET, POST' } });
    }
    let body: Buffer;
    try {
      body = await readRequestBody(req);
    } catch {
      return sendReply(res, { ...htmlReply(413, 'Payload Too Large', `Requests are limited to ${MAX_REQUEST_BYTES} bytes.`), headers: { 'content-type': 'text/html;charset=utf-8', connection: 'close' } });
    }
    const reply = (): Reply => (req.method === 'GET' ? answerGet(endpoint, url, req) : answerSoap(endpoint, req.headers, body, context));
    if (mode === undefined) return sendReply(res, reply());
    misbehave(mode as FixtureMode, req, res, { version: endpoint.version, sample: store.get('ORD-1001') as Order, delayMs: delayOf(req, url), reply });
  }

  function answerGet(endpoint: Endpoint, url: URL, req: IncomingMessage): Reply {
    const query = url.search.toLowerCase();
    const origin = `http://${safeHost(req.headers.host) ?? `127.0.0.1:${port}`}`;
    if (query === '?wsdl') {
      const served = wsdl
        .replaceAll(WSDL_ORIGIN, origin)
        .replace('schemaLocation="common.xsd"', `schemaLocation="${origin}${endpoint.path}?xsd=common.xsd"`);
      return { status: 200, headers: { 'content-type': 'text/xml;charset=utf-8' }, body: served };
    }
    if (url.searchParams.get('xsd') === 'common.xsd') return { status: 200, headers: { 'content-type': 'text/xml;charset=utf-8' }, body: xsd };
    if (url.searchParams.has('xsd')) return htmlReply(404, 'Not Found', 'No such schema document.');
    return htmlReply(200, 'Web Services', `${endpoint.path}: SOAP ${endpoint.version.id} endpoint, ${endpoint.operations.map((op) => op.name).join(', ')}. WSDL: ${origin}${endpoint.path}?wsdl`);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    wsdlUrl: `${url}/orders?wsdl`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function delayOf(req: IncomingMessage, url: URL): number {
  const raw = headerValue(req, 'x-fixture-delay-ms') ?? url.searchParams.get('delayMs') ?? undefined;
  const delay = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_DELAY_MS;
}

/** The Host header, if it is a plain host[:port] we can put into a URL. */
function safeHost(host: string | undefined): string | undefined {
  return host !== undefined && /^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/.test(host) ? host : undefined;
}

function htmlReply(status: number, title: string, message: string): Reply {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return {
    status,
    headers: { 'content-type': 'text/html;charset=utf-8' },
    body: `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${escaped}</p></body></html>`,
  };
}

function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        rejectBody(new Error('request too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolveBody(Buffer.concat(chunks, size)));
    req.once('error', rejectBody);
  });
}
