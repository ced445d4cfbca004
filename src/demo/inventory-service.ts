import http2 from 'node:http2';
import {
  createStats,
  listen,
  methodNotAllowed,
  notFound,
  parseUrl,
  readJsonObject,
  segmentAfter,
  sendJson,
  type DemoRequest,
  type DemoResponse,
  type DemoService,
} from './demo-http.js';
import { handleTestEndpoint } from './test-endpoints.js';

export interface Item {
  readonly sku: string;
  readonly name: string;
  readonly stock: number;
  readonly priceCents: number;
}

const PRODUCTS = ['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey', 'Flange', 'Grommet', 'Bracket', 'Coupler', 'Valve'];
const FINISHES = ['Steel', 'Brass', 'Copper', 'Nylon', 'Titanium'];

/** The 50 deterministic items SKU-1…SKU-50 (SKU-17 and SKU-34 are out of stock). */
export function demoItem(n: number): Item {
  return {
    sku: `SKU-${n}`,
    name: `${FINISHES[Math.floor((n - 1) / PRODUCTS.length) % FINISHES.length] as string} ${PRODUCTS[(n - 1) % PRODUCTS.length] as string}`,
    stock: (n * 12) % 17,
    priceCents: 1999 + (n - 1) * 100,
  };
}

const ITEMS: readonly Item[] = Array.from({ length: 50 }, (_value, index) => demoItem(index + 1));

/**
 * Starts the demo inventory service over HTTP/2 (node:http2): h2c with prior knowledge when `tls` is absent, TLS
 * with ALPN `h2` only (no HTTP/1.1 fallback) when `tls` gives PEM strings.
 *
 * - `GET /items/{sku}` → 200 `{"sku":"SKU-1","name":"Steel Widget","stock":12,"priceCents":1999}` (SKU-1…SKU-50), else 404
 * - `GET /items?inStock=true|false` → `{"items":[...]}` (all items without the parameter)
 * - `POST /items:batchGet` with `{"skus":["SKU-1","SKU-9"]}` → `{"items":[...]}` in request order, each SKU once,
 *   unknown SKUs left out (the AIP-231 batch-get shape); at most {@link MAX_BATCH} SKUs, else 400
 * - `GET /health` → `{"status":"ok"}`, plus the `/_test/` endpoints (see test-endpoints.ts).
 */
export async function startInventoryService(opts: {
  host?: string;
  port?: number;
  tls?: { cert: string; key: string };
}): Promise<DemoService> {
  const stats = createStats();
  const handler = (req: DemoRequest, res: DemoResponse): void => {
    stats.requests++;
    const url = parseUrl(req);
    if (url.pathname.startsWith('/_test/') && handleTestEndpoint(req, res, url, stats)) return;
    route(req, res, url);
  };
  const server =
    opts.tls === undefined
      ? http2.createServer(handler)
      : http2.createSecureServer({ cert: opts.tls.cert, key: opts.tls.key, allowHTTP1: false }, handler);
  server.on('session', () => stats.sessions++);
  // A broken client session must not take the demo down.
  server.on('sessionError', () => {});
  return listen(server, opts, stats, opts.tls === undefined ? 'http' : 'https');
}

/** Largest `skus` list `POST /items:batchGet` accepts. */
export const MAX_BATCH = 100;

function route(req: DemoRequest, res: DemoResponse, url: URL): void {
  const path = url.pathname;
  if (path === '/items:batchGet') {
    if (req.method !== 'POST') {
      req.resume();
      return methodNotAllowed(res, 'POST');
    }
    void batchGet(req, res);
    return;
  }
  req.resume();
  if (path === '/health') return sendJson(res, 200, { status: 'ok' });
  const isRead = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/items') {
    if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
    const inStock = url.searchParams.get('inStock');
    const items =
      inStock === 'true' ? ITEMS.filter((item) => item.stock > 0) : inStock === 'false' ? ITEMS.filter((item) => item.stock === 0) : ITEMS;
    return sendJson(res, 200, { items });
  }
  const sku = segmentAfter(path, '/items/');
  if (sku !== undefined) {
    if (!isRead) return methodNotAllowed(res, 'GET, HEAD');
    const item = findItem(sku);
    return item === undefined ? notFound(res) : sendJson(res, 200, item);
  }
  notFound(res);
}

function findItem(sku: string): Item | undefined {
  const match = /^SKU-([1-9][0-9]*)$/.exec(sku);
  const n = match === null ? 0 : Number(match[1]);
  return n >= 1 && n <= ITEMS.length ? ITEMS[n - 1] : undefined;
}

async function batchGet(req: DemoRequest, res: DemoResponse): Promise<void> {
  const input = await readJsonObject(req);
  const skus = input?.skus;
  if (!Array.isArray(skus) || !skus.every((sku) => typeof sku === 'string') || skus.length > MAX_BATCH) {
    sendJson(res, 400, { error: `expected a JSON object {"skus": [string, ...]} with at most ${MAX_BATCH} SKUs` });
    return;
  }
  const items: Item[] = [];
  for (const sku of new Set(skus as string[])) {
    const item = findItem(sku);
    if (item !== undefined) items.push(item);
  }
  sendJson(res, 200, { items });
}
