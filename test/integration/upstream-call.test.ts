import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { startInventoryService } from '../../src/demo/inventory-service.js';
import { startUsersService, type DemoService } from '../../src/demo/users-service.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import type { HttpUpstream, UpstreamCall } from '../../src/upstreams/types.js';

/** `HttpUpstream.call`: buffered exchanges against the demo backends, HTTP/1.1 (users) and HTTP/2 (inventory). */

const upstreams: HttpUpstream[] = [];

function upstream(name: string, protocol: 'http1' | 'http2', targets: string[]): HttpUpstream {
  const created = createHttpUpstream(name, upstreamSchema.parse({ protocol, targets }), { baseDir: process.cwd() });
  upstreams.push(created);
  return created;
}

function call(overrides: Partial<UpstreamCall> & { path: string }): UpstreamCall {
  return {
    method: 'GET',
    headers: {},
    body: undefined,
    timeoutMs: 2_000,
    maxResponseBytes: 1_048_576,
    requestId: 'call-1',
    requestIdHeader: 'x-request-id',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (GatewayError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function parse(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
}

async function eventually(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let users: DemoService;
let inventory: DemoService;

beforeAll(async () => {
  users = await startUsersService({ port: 0 });
  inventory = await startInventoryService({ port: 0 });
});

afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
  await Promise.all([users.close(), inventory.close()]);
});

describe.each([
  { protocol: 'http1' as const, service: () => users, okPath: '/users/42', okName: 'Ada Lovelace' },
  { protocol: 'http2' as const, service: () => inventory, okPath: '/items/SKU-1', okName: 'Steel Widget' },
])('HttpUpstream.call over $protocol', ({ protocol, service, okPath, okName }) => {
  let target: HttpUpstream;

  beforeAll(() => {
    target = upstream(`backend-${protocol}`, protocol, [service().url]);
  });

  it('returns a 200 JSON response whole, with headers and no hop-by-hop or pseudo fields', async () => {
    const reply = await target.call(call({ path: okPath }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers[':status']).toBeUndefined();
    expect(reply.headers.connection).toBeUndefined();
    expect(parse(reply.body).name).toBe(okName);
  });

  it('resolves with non-2xx statuses: what counts as success is the caller\'s decision', async () => {
    const reply = await target.call(call({ path: '/_test/status?code=404' }));
    expect(reply.status).toBe(404);
    expect(parse(reply.body)).toEqual({ status: 404 });
  });

  it('sends a POST body with an exact content-length, the host, the request id and the caller\'s headers', async () => {
    const body = Buffer.from(JSON.stringify({ skus: ['SKU-1', 'SKU-2'] }));
    const reply = await target.call(
      call({
        method: 'POST',
        path: '/_test/echo?x=1',
        headers: { 'Content-Type': 'application/json', 'X-Tenant': 'acme', connection: 'close', 'content-length': '1' },
        body,
        requestId: 'req-77',
      }),
    );
    expect(reply.status).toBe(200);
    const echo = parse(reply.body) as { method: string; path: string; query: unknown; headers: Record<string, string>; body: string };
    expect(echo.method).toBe('POST');
    expect(echo.path).toBe('/_test/echo');
    expect(echo.query).toEqual({ x: '1' });
    expect(echo.body).toBe(body.toString('utf8'));
    expect(echo.headers['content-length']).toBe(String(body.length));
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-tenant']).toBe('acme');
    expect(echo.headers['x-request-id']).toBe('req-77');
    const authority = new URL(service().url).host;
    if (protocol === 'http1') {
      expect(echo.headers.host).toBe(authority);
      expect(echo.headers.connection).not.toBe('close');
    } else {
      expect(echo.headers[':authority']).toBe(authority);
    }
  });

  it('sends a GET without a body or content-length', async () => {
    const reply = await target.call(call({ path: '/_test/echo' }));
    const echo = parse(reply.body) as { bodyBytes: number; headers: Record<string, string> };
    expect(echo.bodyBytes).toBe(0);
    expect(echo.headers['content-length']).toBeUndefined();
  });

  it('times out with a 504 naming the upstream, and the backend sees the exchange cancelled', async () => {
    const before = service().stats.cancelled;
    const started = performance.now();
    const error = await rejection(target.call(call({ path: '/_test/slow?ms=2000', timeoutMs: 100 })));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('upstream-timeout');
    expect(error.status).toBe(504);
    expect(error.detail).toBe(`upstream "backend-${protocol}" did not answer within 100 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1_000);
    await eventually(() => service().stats.cancelled > before);
    // The pool is still usable afterwards.
    expect((await target.call(call({ path: okPath }))).status).toBe(200);
  });

  it('is cancelled through its signal: rejects at once and the backend sees the cancellation', async () => {
    const before = service().stats.cancelled;
    const controller = new AbortController();
    const pending = target.call(call({ path: '/_test/slow?ms=2000', signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    const started = performance.now();
    const error = await rejection(pending);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.code).toBe('upstream-unavailable');
    expect(error.detail).toBe(`the call to upstream "backend-${protocol}" was cancelled`);
    expect((error.cause as Error).message).toBe('client went away');
    await eventually(() => service().stats.cancelled > before);
    expect((await target.call(call({ path: okPath }))).status).toBe(200);
  });

  it('rejects a call whose signal is already aborted without sending anything', async () => {
    const before = service().stats.requests;
    const error = await rejection(target.call(call({ path: okPath, signal: AbortSignal.abort() })));
    expect(error.code).toBe('upstream-unavailable');
    expect(service().stats.requests).toBe(before);
  });

  it('fails with 502 upstream-bad-response when the body exceeds maxResponseBytes (declared length)', async () => {
    const error = await rejection(target.call(call({ path: '/_test/download?bytes=200000', maxResponseBytes: 10_000 })));
    expect(error.code).toBe('upstream-bad-response');
    expect(error.status).toBe(502);
    expect(error.detail).toBe(`upstream "backend-${protocol}" sent a response larger than 10000 bytes`);
  });

  it('fails with 502 upstream-bad-response when the received bytes exceed maxResponseBytes (no declared length)', async () => {
    // The trailers endpoint sends no Content-Length; its 14-byte body is over a 10-byte limit.
    const error = await rejection(target.call(call({ path: '/_test/trailers', maxResponseBytes: 10 })));
    expect(error.code).toBe('upstream-bad-response');
  });

  it('fails with 502 when the upstream breaks off the response', async () => {
    const error = await rejection(target.call(call({ path: '/_test/reset' })));
    expect(error.code).toBe('upstream-unavailable');
    expect(error.status).toBe(502);
    expect(error.detail).toBe(`upstream "backend-${protocol}" broke off the response`);
  });

  it('fails with 502 when the connection is refused, naming the upstream only', async () => {
    const port = await closedPort();
    const refused = upstream(`down-${protocol}`, protocol, [`http://127.0.0.1:${port}`]);
    const error = await rejection(refused.call(call({ path: '/anything' })));
    expect(error.code).toBe('upstream-unavailable');
    expect(error.status).toBe(502);
    expect(error.detail).toBe(`upstream "down-${protocol}" refused the connection`);
    expect(error.detail).not.toContain(String(port));
  });

  it('refuses a header value with CR/LF without sending anything', async () => {
    const before = service().stats.requests;
    const error = await rejection(target.call(call({ path: okPath, headers: { 'x-evil': 'a\r\nx-injected: 1' } })));
    expect(error.code).toBe('upstream-unavailable');
    expect(error.detail).toBe(`the request to upstream "backend-${protocol}" cannot be sent (invalid method, path or header)`);
    expect(service().stats.requests).toBe(before);
  });

  it('runs concurrent calls independently', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => target.call(call({ path: okPath }))));
    for (const reply of replies) expect(parse(reply.body).name).toBe(okName);
  });
});
