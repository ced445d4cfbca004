import http from 'node:http';
import {
  createStats,
  listen,
  methodNotAllowed,
  notFound,
  parseUrl,
  segmentAfter,
  sendJson,
  type DemoRequest,
  type DemoResponse,
  type DemoService,
} from './demo-http.js';
import { handleTestEndpoint } from './test-endpoints.js';

/** One line of a cart: the product is referenced by the inventory service's SKU only (names and prices live there). */
export interface CartItem {
  readonly productId: string;
  readonly quantity: number;
}

export interface Cart {
  readonly userId: string;
  readonly items: readonly CartItem[];
  readonly updatedAt: string;
}

/** The product the inventory service does not know: shows how the aggregation treats a dangling reference. */
export const DISCONTINUED_SKU = 'SKU-404';

/**
 * The deterministic cart of user `n` (the users service's ids 1–100). Carts hold 1–4 items of SKU-1…SKU-50; every
 * 25th user (25, 50, 75, 100) has an empty cart, and every 7th user's cart also holds {@link DISCONTINUED_SKU}.
 */
export function demoCart(n: number): Cart {
  const count = n % 25 === 0 ? 0 : 1 + ((n - 1) % 4);
  const items: CartItem[] = [];
  for (let i = 0; i < count; i++) {
    // Distinct SKUs per cart: the offsets 0, 13, 26, 39 never collide modulo 50.
    items.push({ productId: `SKU-${((n - 1 + i * 13) % 50) + 1}`, quantity: 1 + ((n + i) % 3) });
  }
  if (n % 7 === 0) items.push({ productId: DISCONTINUED_SKU, quantity: 1 });
  const day = String(1 + ((n - 1) % 28)).padStart(2, '0');
  return { userId: String(n), items, updatedAt: `2026-11-${day}T10:00:00Z` };
}

const CARTS: readonly Cart[] = Array.from({ length: 100 }, (_value, index) => demoCart(index + 1));

/**
 * Starts the demo cart service: HTTP/1.1 (node:http, keep-alive), read-only, deterministic data.
 *
 * - `GET /carts/{userId}` → 200 `{"userId":"1","items":[{"productId":"SKU-1","quantity":2}],"updatedAt":"2026-11-01T10:00:00Z"}`
 *   for the users service's ids 1–100 (see {@link demoCart}), else 404 `{"error":"not found"}`
 * - `GET /health` → `{"status":"ok"}`, plus the `/_test/` endpoints (see test-endpoints.ts).
 */
export async function startCartService(opts: { host?: string; port?: number }): Promise<DemoService> {
  const stats = createStats();
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    stats.requests++;
    const url = parseUrl(req);
    if (url.pathname.startsWith('/_test/') && handleTestEndpoint(req, res, url, stats)) return;
    route(req, res, url);
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', () => stats.connections++);
  return listen(server, opts, stats, 'http');
}

function route(req: DemoRequest, res: DemoResponse, url: URL): void {
  const path = url.pathname;
  req.resume();
  if (path === '/health') return sendJson(res, 200, { status: 'ok' });
  const userId = segmentAfter(path, '/carts/');
  if (userId === undefined) return notFound(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
  const n = /^[1-9][0-9]*$/.test(userId) ? Number(userId) : 0;
  const cart = n >= 1 && n <= CARTS.length ? CARTS[n - 1] : undefined;
  return cart === undefined ? notFound(res) : sendJson(res, 200, cart);
}
