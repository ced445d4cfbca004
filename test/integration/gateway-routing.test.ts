import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, request1, request2 } from '../helpers/clients.js';
import { startHarness, type Harness } from '../helpers/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const PROBLEM = 'application/problem+json';

describe('routing', () => {
  it('404 for an unknown path, as problem+json with the request id as instance', async () => {
    const res = await request1(`${h.http1}/api/nope`, { headers: { 'x-request-id': 'req-404' } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['x-request-id']).toBe('req-404');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:route-not-found',
      title: 'Route not found',
      status: 404,
      detail: 'No route matches GET /api/nope.',
      instance: 'req-404',
    });
  });

  it('405 with Allow for a known path and a wrong method', async () => {
    const res = await request1(`${h.http1}/api/users/42`, { method: 'DELETE', headers: { 'x-request-id': 'r405' } });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: 'DELETE is not allowed on /api/users/42; allowed: GET, HEAD, OPTIONS.',
      instance: 'r405',
    });
  });

  it('OPTIONS answers 204 with Allow', async () => {
    const res = await request1(`${h.http1}/api/users`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(res.body).toBe('');
  });

  it('HEAD runs the GET route and returns headers only', async () => {
    const res = await request1(`${h.http1}/api/users/42`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toBe('');
  });

  it('generates a request id when none (or an unsafe one) is sent, and propagates it upstream', async () => {
    const res = await request1(`${h.http1}/api/users/42`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setImmediate(resolve)); // access lines are handed over once per loop turn
    const line = h.logs.find((entry) => entry.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/api/users/42', operationId: 'getUser', status: 200, upstream: 'users' });
    expect(typeof line?.durationMs).toBe('number');
    expect(line?.bytesOut).toBe(Buffer.byteLength(res.body));
  });
});

describe('forwarding', () => {
  it('HTTP/1.1 client → HTTP/1.1 upstream, with the route\'s header rules', async () => {
    const res = await request1(`${h.http1}/api/users/42`, { headers: { cookie: 'secret=1' } });
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ id: '42' });
  });

  it('HTTP/1.1 client → HTTP/2 upstream', async () => {
    const res = await request1(`${h.http1}/api/items/SKU-7`);
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ sku: 'SKU-7' });
  });

  it('h2c client → both upstreams', async () => {
    const users = await request2(h.h2c, '/api/users/42');
    expect(users.status).toBe(200);
    expect(json(users)).toMatchObject({ id: '42' });
    const items = await request2(h.h2c, '/api/items/SKU-3');
    expect(items.status).toBe(200);
    expect(json(items)).toMatchObject({ sku: 'SKU-3' });
  });

  it('TLS listener serves h2 and http/1.1 on one port (ALPN)', async () => {
    const viaH2 = await request2(h.https, '/api/users/7');
    expect(viaH2.status).toBe(200);
    expect(json(viaH2)).toMatchObject({ id: '7' });
    const viaH1 = await fetchInsecure(`${h.https}/api/items/SKU-1`);
    expect(viaH1.status).toBe(200);
    expect(viaH1.protocol).toBe('http/1.1');
  });

  it('upstream 404 is relayed as it is (not a gateway problem)', async () => {
    const res = await request1(`${h.http1}/api/users/999`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).not.toBe(PROBLEM);
  });
});

async function fetchInsecure(url: string): Promise<{ status: number; protocol: string | false }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const options: import('node:https').RequestOptions & import('node:tls').ConnectionOptions = { rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], agent: false };
    const req = https.request(url, options, (res) => {
      const protocol = (res.socket as import('node:tls').TLSSocket).alpnProtocol ?? false;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}
