import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { startUsersService, type DemoService } from '../../src/demo/users-service.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import type { HttpUpstream } from '../../src/upstreams/types.js';
import { generatedBody, h1Request, json, startH1Harness, type Harness } from './upstream-harness.js';

const upstreams: HttpUpstream[] = [];
const harnesses: Harness[] = [];

function http1Upstream(name: string, targets: string[], overrides: Record<string, unknown> = {}): HttpUpstream {
  const upstream = createHttpUpstream(name, upstreamSchema.parse({ protocol: 'http1', targets, ...overrides }), {
    baseDir: process.cwd(),
  });
  upstreams.push(upstream);
  return upstream;
}

async function harness(upstream: HttpUpstream, options: Parameters<typeof startH1Harness>[1] = {}): Promise<Harness> {
  const started = await startH1Harness(upstream, options);
  harnesses.push(started);
  return started;
}

async function stats(service: DemoService): Promise<Record<string, number>> {
  return json(await h1Request(`${service.url}/_test/stats`)) as Record<string, number>;
}

async function eventually(check: () => Promise<boolean>, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('HTTP/1.1 upstream', () => {
  let users: DemoService;
  let gateway: Harness;

  beforeAll(async () => {
    users = await startUsersService({ port: 0 });
    gateway = await harness(http1Upstream('users', [users.url]));
  });

  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await Promise.all(upstreams.map((u) => u.close()));
    await users.close();
  });

  it('forwards a GET and relays status, headers and body exactly', async () => {
    const response = await h1Request(`${gateway.url}/users/42`, { headers: { 'x-request-id': 'abc-1' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-request-id']).toBe('abc-1');
    expect(json(response)).toEqual({
      id: '42',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      tags: ['admin', 'ops', 'dev'],
    });
    expect(response.headers['content-length']).toBe(String(response.body.length));
    expect(gateway.outcomes.at(-1)).toEqual({ status: 200, bytes: response.body.length });
  });

  it('relays upstream errors as they are (404 JSON) and HEAD without a body', async () => {
    const missing = await h1Request(`${gateway.url}/users/9999`);
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({ error: 'not found' });
    const head = await h1Request(`${gateway.url}/users/42`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(50);
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    // Warm up: the first request through this path opens its pooled connection.
    expect((await h1Request(`${gateway.url}/users/1`)).status).toBe(200);
    const before = (await stats(users)).connections ?? 0;
    for (let i = 0; i < 20; i++) expect((await h1Request(`${gateway.url}/users/${i + 1}`)).status).toBe(200);
    // One more connection at most: the one the stats request itself uses.
    expect(((await stats(users)).connections ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('streams a POST body (client content-length kept) and relays 201 with location', async () => {
    const payload = JSON.stringify({ name: 'Grace Hopper', email: 'grace@example.com' });
    const response = await h1Request(`${gateway.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      body: payload,
    });
    expect(response.status).toBe(201);
    expect(response.headers.location).toMatch(/^\/users\/1\d\d$/);
    expect(json(response)).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  });

  it('streams a chunked POST as chunked, without content-length', async () => {
    const response = await h1Request(`${gateway.url}/_test/echo`, { method: 'POST', body: generatedBody(200_000) });
    const echo = json(response);
    const headers = echo.headers as Record<string, string>;
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(headers['content-length']).toBeUndefined();
    expect(echo.bodyBytes).toBe(200_000);
  });

  it.each(['GET', 'DELETE'])('sends a buffered %s body with an exact content-length and no transfer-encoding', async (method) => {
    const response = await h1Request(`${gateway.url}/_test/echo?x=1`, {
      method,
      headers: { 'transfer-encoding': 'chunked' },
      body: 'hello body',
    });
    const echo = json(response);
    const headers = echo.headers as Record<string, string>;
    expect(echo).toMatchObject({ method, path: '/_test/echo', query: { x: '1' }, bodyBytes: 10, body: 'hello body' });
    expect(headers['content-length']).toBe('10');
    expect(headers['transfer-encoding']).toBeUndefined();
  });

  it('adds x-forwarded-*, via, forwarded and the request id; strips hop-by-hop fields; sets host', async () => {
    const response = await h1Request(`${gateway.url}/_test/echo`, {
      headers: {
        host: 'api.example.test',
        'x-forwarded-for': '203.0.113.7',
        'x-request-id': 'rid-77',
        connection: 'keep-alive, x-hop',
        'x-hop': 'secret',
        'keep-alive': 'timeout=5',
      },
    });
    const headers = json(response).headers as Record<string, string>;
    expect(headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('api.example.test');
    expect(headers['x-request-id']).toBe('rid-77');
    expect(headers.host).toBe(new URL(users.url).host);
    expect(headers.via).toBe('1.1 protogate');
    expect(headers.forwarded).toMatch(/for=.*proto=http;host=api\.example\.test/);
    expect(headers['x-hop']).toBeUndefined();
    expect(headers['keep-alive']).toBeUndefined();
  });

  it('applies headerOps (remove, then add) but never lets them touch framing', async () => {
    const upstream = http1Upstream('users', [users.url]);
    const withOps = await harness(upstream, {
      headerOps: { remove: ['cookie', 'x-forwarded-host'], add: { 'X-Gateway-Route': 'getUser', 'content-length': '999' } },
    });
    const response = await h1Request(`${withOps.url}/_test/echo`, { headers: { cookie: 'a=b', 'x-keep': '1' } });
    const headers = json(response).headers as Record<string, string>;
    expect(headers['x-gateway-route']).toBe('getUser');
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-forwarded-host']).toBeUndefined();
    expect(headers['x-keep']).toBe('1');
    expect(headers['content-length']).toBeUndefined();
  });

  it('relays trailers on a chunked response', async () => {
    const response = await h1Request(`${gateway.url}/_test/trailers`);
    expect(response.body.toString()).toBe('with trailers\n');
    expect(response.trailers['x-checksum']).toBe('demo');
  });

  it('answers 502 naming only the upstream when the connection is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await harness(http1Upstream('users', [`http://127.0.0.1:${port}`]));
    const response = await h1Request(`${refused.url}/users/1`, { headers: { 'x-request-id': 'rid-502' } });
    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(json(response)).toEqual({
      type: 'urn:protogate:problem:upstream-unavailable',
      title: 'Upstream unavailable',
      status: 502,
      detail: 'upstream "users" refused the connection',
      instance: 'rid-502',
    });
    expect(response.body.toString()).not.toContain(String(port));
    expect(response.body.toString()).not.toContain('127.0.0.1');
  });

  it('answers 504 when response headers do not come within the timeout, and cancels the upstream', async () => {
    const quick = await harness(http1Upstream('users', [users.url]), { timeoutMs: 200 });
    const cancelledBefore = (await stats(users)).cancelled ?? 0;
    const response = await h1Request(`${quick.url}/_test/slow?ms=3000`);
    expect(response.status).toBe(504);
    expect(response.ms).toBeLessThan(1_500);
    expect(json(response)).toMatchObject({
      type: 'urn:protogate:problem:upstream-timeout',
      detail: 'upstream "users" did not answer within 200 ms',
    });
    await eventually(async () => ((await stats(users)).cancelled ?? 0) > cancelledBefore);
  });

  it('aborts the client transfer when the upstream breaks off mid-body', async () => {
    const before = gateway.outcomes.length;
    await expect(h1Request(`${gateway.url}/_test/reset`)).rejects.toThrow();
    await eventually(async () => gateway.outcomes.length > before);
    const outcome = gateway.outcomes.at(-1);
    expect(GatewayError.is(outcome) && outcome.code).toBe('upstream-unavailable');
  });

  it('cancels the upstream request when the client disconnects', async () => {
    const cancelledBefore = (await stats(users)).cancelled ?? 0;
    const outcomesBefore = gateway.outcomes.length;
    const req = http.get(`${gateway.url}/_test/slow?ms=5000`, { agent: false });
    req.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 150));
    req.destroy();
    await eventually(async () => ((await stats(users)).cancelled ?? 0) > cancelledBefore);
    await eventually(async () => gateway.outcomes.length > outcomesBefore);
    expect(gateway.outcomes.at(-1)).toEqual({ status: 499, bytes: 0 });
  });

  it('spreads requests round robin over targets', async () => {
    const second = await startUsersService({ port: 0 });
    try {
      const both = await harness(http1Upstream('users', [users.url, second.url]));
      const before = [(await stats(users)).requests ?? 0, (await stats(second)).requests ?? 0];
      for (let i = 0; i < 6; i++) await h1Request(`${both.url}/health`);
      const after = [(await stats(users)).requests ?? 0, (await stats(second)).requests ?? 0];
      // Each side also counts the stats request made in between.
      expect((after[0] ?? 0) - (before[0] ?? 0)).toBe(4);
      expect((after[1] ?? 0) - (before[1] ?? 0)).toBe(4);
    } finally {
      await second.close();
    }
  });
});
