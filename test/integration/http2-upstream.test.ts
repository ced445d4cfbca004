import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import { startUsersService, type DemoService } from '../../src/demo/users-service.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import type { HttpUpstream } from '../../src/upstreams/types.js';
import {
  generatedBody,
  h1Request,
  h2Request,
  json,
  startH1Harness,
  startH2cHarness,
  type Harness,
} from './upstream-harness.js';

const TLS_DIR = resolve(process.cwd(), 'test/fixtures/tls');
const CERT = readFileSync(resolve(TLS_DIR, 'localhost-cert.pem'), 'utf8');
const KEY = readFileSync(resolve(TLS_DIR, 'localhost-key.pem'), 'utf8');

const upstreams: HttpUpstream[] = [];
const harnesses: Harness[] = [];

function upstream(name: string, protocol: 'http1' | 'http2', targets: string[], overrides: Record<string, unknown> = {}): HttpUpstream {
  const created = createHttpUpstream(name, upstreamSchema.parse({ protocol, targets, ...overrides }), { baseDir: TLS_DIR });
  upstreams.push(created);
  return created;
}

async function track(started: Promise<Harness>): Promise<Harness> {
  const harness = await started;
  harnesses.push(harness);
  return harness;
}

/** Over the backend's own `/_test/stats` endpoint (one extra h2c session per call). */
async function stats(service: DemoService): Promise<Record<string, number>> {
  return json(await h2Request(service.url, '/_test/stats')) as Record<string, number>;
}

async function eventually(check: () => Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HTTP/2 upstream', () => {
  let inventory: DemoService;
  let inventoryTls: DemoService;
  let gateway: Harness;

  beforeAll(async () => {
    inventory = await startInventoryService({ port: 0 });
    inventoryTls = await startInventoryService({ port: 0, tls: { cert: CERT, key: KEY } });
    gateway = await track(startH1Harness(upstream('inventory', 'http2', [inventory.url])));
  });

  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await Promise.all(upstreams.map((u) => u.close()));
    await Promise.all([inventory.close(), inventoryTls.close()]);
  });

  it('forwards over h2c and relays status, headers and body exactly', async () => {
    const response = await h1Request(`${gateway.url}/items/SKU-1`, { headers: { 'x-request-id': 'h2-1' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-request-id']).toBe('h2-1');
    expect(response.headers[':status']).toBeUndefined();
    expect(json(response)).toEqual({ sku: 'SKU-1', name: 'Steel Widget', stock: 12, priceCents: 1999 });
    const missing = await h1Request(`${gateway.url}/items/SKU-99`);
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({ error: 'not found' });
  });

  it('uses one long-lived session for many sequential and concurrent requests', async () => {
    const before = (await stats(inventory)).sessions ?? 0;
    for (let i = 1; i <= 10; i++) expect((await h1Request(`${gateway.url}/items/SKU-${i}`)).status).toBe(200);
    const concurrent = await Promise.all(
      Array.from({ length: 30 }, (_v, i) => h1Request(`${gateway.url}/items/SKU-${(i % 50) + 1}`)),
    );
    expect(concurrent.every((r) => r.status === 200)).toBe(true);
    // Only the stats request's own session is new: the gateway opened its one session before `before` or now.
    const after = (await stats(inventory)).sessions ?? 0;
    expect(after - before).toBeLessThanOrEqual(2);
    const again = (await stats(inventory)).sessions ?? 0;
    for (let i = 0; i < 10; i++) await h1Request(`${gateway.url}/health`);
    expect(((await stats(inventory)).sessions ?? 0) - again).toBe(1); // just the stats request's session
  });

  it('forwards over TLS with ALPN h2, verifying the server against the configured CA', async () => {
    const tlsGateway = await track(
      startH1Harness(upstream('inventory', 'http2', [inventoryTls.url], { tls: { ca: 'localhost-cert.pem' } })),
    );
    const before = inventoryTls.stats.sessions;
    for (let i = 0; i < 5; i++) {
      const response = await h1Request(`${tlsGateway.url}/items/SKU-2`);
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({ sku: 'SKU-2' });
    }
    const echo = json(await h1Request(`${tlsGateway.url}/_test/echo`));
    expect((echo.headers as Record<string, string>)[':scheme']).toBe('https');
    expect(inventoryTls.stats.sessions - before).toBe(1);
  });

  it('fails with 502 when the TLS certificate is not trusted', async () => {
    const untrusted = await track(startH1Harness(upstream('inventory', 'http2', [inventoryTls.url])));
    const response = await h1Request(`${untrusted.url}/items/SKU-2`);
    expect(response.status).toBe(502);
    expect(json(response).detail).toBe('the TLS handshake with upstream "inventory" failed');
  });

  it('fails clearly when a TLS server does not negotiate h2', async () => {
    const h1Only = https.createServer({ cert: CERT, key: KEY, ALPNProtocols: [] }, (_req, res) => res.end('h1'));
    await new Promise<void>((r) => h1Only.listen(0, '127.0.0.1', r));
    try {
      const port = (h1Only.address() as AddressInfo).port;
      const noH2 = await track(
        startH1Harness(upstream('legacy', 'http2', [`https://127.0.0.1:${port}`], { tls: { ca: 'localhost-cert.pem' } })),
      );
      const response = await h1Request(`${noH2.url}/x`);
      expect(response.status).toBe(502);
      expect(json(response).detail).toMatch(/^(upstream "legacy" does not speak HTTP\/2|the TLS handshake with upstream "legacy" failed)/);
      expect(response.body.toString()).not.toContain(String(port));
    } finally {
      h1Only.close();
      h1Only.closeAllConnections();
    }
  });

  it.each(['GET', 'DELETE'])('sends a buffered %s body as DATA with an exact content-length', async (method) => {
    const response = await h1Request(`${gateway.url}/_test/echo`, { method, headers: { 'content-length': 8 }, body: 'h2 body!' });
    const echo = json(response);
    const headers = echo.headers as Record<string, string>;
    expect(echo).toMatchObject({ method, bodyBytes: 8, body: 'h2 body!' });
    expect(headers['content-length']).toBe('8');
    expect(headers['transfer-encoding']).toBeUndefined();
  });

  it('streams a chunked POST body and sends only HTTP/2-legal headers', async () => {
    const response = await h1Request(`${gateway.url}/_test/echo`, {
      method: 'POST',
      headers: { host: 'shop.example.test', te: 'trailers', connection: 'keep-alive', 'keep-alive': 'timeout=5' },
      body: generatedBody(100_000),
    });
    const echo = json(response);
    const headers = echo.headers as Record<string, string>;
    expect(echo.bodyBytes).toBe(100_000);
    expect(headers[':authority']).toBe(new URL(inventory.url).host);
    expect(headers.host).toBeUndefined();
    for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']) {
      expect(headers[name]).toBeUndefined();
    }
    expect(headers.te).toBe('trailers');
    expect(headers['x-forwarded-host']).toBe('shop.example.test');
    expect(headers.via).toBe('1.1 protogate');
  });

  it('relays trailers from an HTTP/2 upstream to an HTTP/2 client', async () => {
    const h2Front = await track(startH2cHarness(upstream('inventory', 'http2', [inventory.url])));
    const response = await h2Request(h2Front.url, '/_test/trailers');
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('with trailers\n');
    expect(response.trailers['x-checksum']).toBe('demo');
  });

  it('serves an h2c client from an HTTP/1.1 upstream (x-forwarded-host from :authority)', async () => {
    const users = await startUsersService({ port: 0 });
    try {
      const h2Front = await track(startH2cHarness(upstream('users', 'http1', [users.url])));
      const response = await h2Request(h2Front.url, '/users/42');
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({ id: '42', name: 'Ada Lovelace' });
      const echo = json(await h2Request(h2Front.url, '/_test/echo'));
      const headers = echo.headers as Record<string, string>;
      expect(headers['x-forwarded-host']).toBe(new URL(h2Front.url).host);
      expect(headers.via).toBe('2.0 protogate');
    } finally {
      await users.close();
    }
  });

  it('answers 504 on a slow stream and resets it upstream', async () => {
    const quick = await track(startH1Harness(upstream('inventory', 'http2', [inventory.url]), { timeoutMs: 200 }));
    const before = inventory.stats.cancelled;
    const response = await h1Request(`${quick.url}/_test/slow?ms=3000`);
    expect(response.status).toBe(504);
    expect(response.ms).toBeLessThan(1_500);
    expect(json(response).detail).toBe('upstream "inventory" did not answer within 200 ms');
    await eventually(async () => inventory.stats.cancelled > before);
  });

  it('answers 502 naming only the upstream when nothing listens', async () => {
    const refusedPort = inventory.port === 1 ? 2 : 1; // privileged, nothing listens there
    const refused = await track(startH1Harness(upstream('inventory', 'http2', [`http://127.0.0.1:${refusedPort}`])));
    const response = await h1Request(`${refused.url}/items/SKU-1`);
    expect(response.status).toBe(502);
    expect(json(response).detail).toBe('upstream "inventory" refused the connection');
  });

  it('aborts the client transfer on RST_STREAM mid-body, and cancels on client disconnect', async () => {
    const before = gateway.outcomes.length;
    await expect(h1Request(`${gateway.url}/_test/reset`)).rejects.toThrow();
    await eventually(async () => gateway.outcomes.length > before);
    const outcome = gateway.outcomes.at(-1);
    expect(GatewayError.is(outcome) && outcome.code).toBe('upstream-unavailable');

    const cancelledBefore = inventory.stats.cancelled;
    const h2Front = await track(startH2cHarness(upstream('inventory', 'http2', [inventory.url])));
    const pending = h2Request(h2Front.url, '/_test/slow?ms=5000');
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 150));
    await h2Front.close(); // destroys the client sessions
    await eventually(async () => inventory.stats.cancelled > cancelledBefore);
  });
});
