import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, request1, request2 } from '../helpers/clients.js';
import { mappingFaults } from '../../src/stages/run-mapping.js';
import { startHarness, type Harness } from '../helpers/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const user7Rich = {
  userId: '7',
  updatedAt: '2026-11-07T10:00:00Z',
  items: [
    { sku: 'SKU-7', name: 'Steel Grommet', quantity: 2, unitPriceCents: 2599, lineTotalCents: 5198, inStock: true },
    { sku: 'SKU-20', name: 'Brass Valve', quantity: 3, unitPriceCents: 3899, lineTotalCents: 11697, inStock: true },
    { sku: 'SKU-33', name: 'Nylon Sprocket', quantity: 1, unitPriceCents: 5199, lineTotalCents: 5199, inStock: true },
    // The cart holds a product the inventory no longer knows: its line keeps what the cart says.
    { sku: 'SKU-404', quantity: 1, inStock: false },
  ],
  itemCount: 4,
  totalCents: 22094,
  recommendations: ['SKU-22', 'SKU-39', 'SKU-6'],
};

const user7Compact = {
  items: [
    { sku: 'SKU-7', quantity: 2, lineTotalCents: 5198 },
    { sku: 'SKU-20', quantity: 3, lineTotalCents: 11697 },
    { sku: 'SKU-33', quantity: 1, lineTotalCents: 5199 },
    { sku: 'SKU-404', quantity: 1 },
  ],
  totalCents: 22094,
};

describe('aggregation: GET /api/cart = cart, then one batch product call, plus optional recommendations', () => {
  it('merges the cart with product names and prices (default route set, web shape)', async () => {
    const res = await request1(`${h.http1}/api/cart`, { headers: { 'x-user-id': '7' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-cart-items']).toBe('4');
    expect(json(res)).toEqual(user7Rich);
  });

  it('an optional step that times out is left out and named in "partial", without delaying the answer', async () => {
    const started = Date.now();
    const res = await request1(`${h.http1}/api/cart`, { headers: { 'x-user-id': '10' } });
    expect(res.status).toBe(200);
    const body = json(res);
    expect(body.partial).toEqual(['recommendations']);
    expect(body.recommendations).toBeUndefined();
    expect(body.totalCents).toBe(18395);
    expect(Date.now() - started).toBeLessThan(900); // the recommender answers after 1 s; its step times out at 300 ms
  });

  it('an upstream 404 on the cart lookup becomes an empty cart (status mapping)', async () => {
    const res = await request1(`${h.http1}/api/cart`, { headers: { 'x-user-id': '999' } });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ userId: '999', updatedAt: null, items: [], itemCount: 0, totalCents: 0, partial: ['recommendations'] });
  });

  it('the route is still validated against its contract', async () => {
    const res = await request1(`${h.http1}/api/cart`);
    expect(res.status).toBe(400);
    expect(json(res).errors).toEqual([{ location: '/header/x-user-id', message: 'is required' }]);
  });
});

describe('the route timeout bounds the whole aggregation', () => {
  it('a required step still running at the route deadline fails the request with 504 naming it', async () => {
    // A cart service that takes 400 ms; the step's own timeout (1 s) is longer than the route's 150 ms.
    const slow = http.createServer((_req, res) => {
      setTimeout(() => res.end(JSON.stringify({ userId: '7', items: [] })), 400);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = (slow.address() as import('node:net').AddressInfo).port;
    const own = await startHarness(
      { routes: { getCart: { timeoutMs: 150 } } },
      { upstreams: { carts: { protocol: 'http1', targets: [`http://127.0.0.1:${port}`] } } },
    );
    try {
      const started = Date.now();
      const res = await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '7' } });
      expect(res.status).toBe(504);
      expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-timeout' });
      expect(String(json(res).detail)).toMatch(/^step "cart" \(upstream "carts"\) timed out after 1[0-9]{2} ms$/);
      expect(Date.now() - started).toBeLessThan(400);
    } finally {
      await own.close();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe('Backend-for-Frontend profiles', () => {
  it('selected by header: mobile gets the compact shape of the same data', async () => {
    const res = await request1(`${h.http1}/api/cart`, { headers: { 'x-user-id': '7', 'x-client': 'mobile' } });
    expect(json(res)).toEqual(user7Compact);
  });

  it('selected by path prefix (stripped before routing), over HTTP/2 too', async () => {
    expect(json(await request1(`${h.http1}/m/api/cart`, { headers: { 'x-user-id': '7' } }))).toEqual(user7Compact);
    expect(json(await request2(h.h2c, '/m/api/cart', { headers: { 'x-user-id': '7' } }))).toEqual(user7Compact);
  });

  it('the web profile, selected by header, gets the rich shape', async () => {
    const res = await request1(`${h.http1}/api/cart`, { headers: { 'x-user-id': '7', 'x-client': 'web' } });
    expect(json(res)).toEqual(user7Rich);
  });

  it('an operation missing from a profile is a 404 there, and served elsewhere', async () => {
    const mobile = await request1(`${h.http1}/m/api/users`);
    expect(mobile.status).toBe(404);
    expect(json(mobile)).toMatchObject({ type: 'urn:protogate:problem:route-not-found' });
    expect((await request1(`${h.http1}/api/users`)).status).toBe(200);
  });

  it('selected by host and by listener', async () => {
    const own = await startHarness({
      listeners: [
        { name: 'plain', protocol: 'http1', port: 0 },
        { name: 'kiosk', protocol: 'h2c', port: 0 },
      ],
      profiles: {
        mobile: { select: { host: 'M.Shop.test' }, operations: ['getCart'] }, // host names compare case-insensitively
        kiosk: { select: { listener: 'kiosk' }, operations: ['getItem'] },
      },
    });
    try {
      const byHost = await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '7', host: 'm.shop.test:8080' } });
      expect(json(byHost)).toEqual(user7Compact);
      const byUpperHost = await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '7', host: 'M.SHOP.TEST' } });
      expect(json(byUpperHost)).toEqual(user7Compact);
      expect(json(await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '7' } }))).toEqual(user7Rich);
      expect((await request2(own.h2c, '/api/items/SKU-1')).status).toBe(200);
      expect((await request2(own.h2c, '/api/users/1')).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});

describe('a profile with its own OpenAPI document', () => {
  it('serves that contract instead of the top-level one', async () => {
    const own = await startHarness({
      mappings: ['mappings/cart.yaml'],
      profiles: {
        partner: {
          select: { header: { name: 'x-client', value: 'partner' } },
          openapi: [{ file: 'test/fixtures/openapi/partner.yaml', upstream: 'users' }],
        },
      },
    });
    try {
      const partner = { 'x-client': 'partner' };
      const user = await request1(`${own.http1}/partner/users/42`, { headers: partner });
      expect(user.status).toBe(200);
      expect(json(user)).toMatchObject({ id: '42', name: 'Ada Lovelace' });
      expect((await request1(`${own.http1}/api/users/42`, { headers: partner })).status).toBe(404);
      expect((await request1(`${own.http1}/partner/users/42`)).status).toBe(404);
      expect(json(await request1(`${own.http1}/partner/users/x`, { headers: partner })).errors).toEqual([
        { location: '/path/id', message: 'must match pattern "^[0-9]+$"' },
      ]);
    } finally {
      await own.close();
    }
  });
});

describe('runtime faults never crash', () => {
  it('a value of the wrong type gives a 502 problem naming the mapping and expression', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-mapping-'));
    const file = path.join(dir, 'broken-cart.yaml');
    writeFileSync(
      file,
      [
        'operationId: getCart',
        'steps:',
        '  cart:',
        '    upstream: carts',
        '    http: { method: GET, path: "/carts/{userId}" }',
        '    path: { userId: "=headers[\'x-user-id\']" }',
        'response:',
        '  body:',
        '    items: []',
        '    totalCents: "=toNumber(steps.cart.items)"',
        '',
      ].join('\n'),
    );
    const own = await startHarness({ mappings: [file], profiles: {} });
    try {
      const res = await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '7', 'x-request-id': 'fault-1' } });
      expect(res.status).toBe(502);
      expect(json(res)).toEqual({
        type: 'urn:protogate:problem:mapping-failed',
        title: 'Mapping failed',
        status: 502,
        detail: `mapping ${file} line 10: \`toNumber(steps.cart.items)\` failed: toNumber() expects a number or numeric string, got array.`,
        instance: 'fault-1',
      });
      expect(mappingFaults.get(file)).toBe(1); // counted for the metrics hook
      // The gateway keeps serving.
      expect((await request1(`${own.http1}/api/users/1`)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});


describe('status mapping the other way round', () => {
  it('a status expression turns an upstream 200 with an empty list into a 404', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-mapping-'));
    const file = path.join(dir, 'cart-or-404.yaml');
    writeFileSync(
      file,
      [
        'operationId: getCart',
        'steps:',
        '  cart:',
        '    upstream: carts',
        '    http: { method: GET, path: "/carts/{userId}" }',
        '    path: { userId: "=headers[\'x-user-id\']" }',
        'response:',
        '  status: "=length(steps.cart.items) == 0 ? 404 : 200"',
        '  body:',
        '    items: "=steps.cart.items"',
        '    totalCents: 0',
        '',
      ].join('\n'),
    );
    const own = await startHarness({ mappings: [file], profiles: {} });
    try {
      expect((await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '25' } })).status).toBe(404); // empty cart
      expect((await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '1' } })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('validateResponses', () => {
  it('the demo mappings shape responses that match the OpenAPI response schema (checked at runtime)', async () => {
    const own = await startHarness({ validateResponses: true });
    try {
      for (const [path, headers] of [
        ['/api/cart', { 'x-user-id': '7' }],
        ['/api/cart', { 'x-user-id': '10' }],
        ['/api/cart', { 'x-user-id': '999' }],
        ['/m/api/cart', { 'x-user-id': '7' }],
      ] as const) {
        const res = await request1(`${own.http1}${path}`, { headers });
        expect(`${path} ${res.status}`).toBe(`${path} 200`);
      }
    } finally {
      await own.close();
    }
  });

  it('a response that breaks the contract is a 502 listing each violation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-mapping-'));
    const file = path.join(dir, 'raw-cart.yaml');
    writeFileSync(
      file,
      [
        'operationId: getCart',
        'steps:',
        '  cart:',
        '    upstream: carts',
        '    http: { method: GET, path: "/carts/{userId}" }',
        '    path: { userId: "=headers[\'x-user-id\']" }',
        'response:',
        '  body:',
        '    items: "=steps.cart.items"',
        '    totalCents: 0',
        '',
      ].join('\n'),
    );
    const own = await startHarness({ mappings: [file], profiles: {}, validateResponses: true });
    try {
      const res = await request1(`${own.http1}/api/cart`, { headers: { 'x-user-id': '1', 'x-request-id': 'rv-1' } });
      expect(res.status).toBe(502);
      expect(json(res)).toEqual({
        type: 'urn:protogate:problem:response-validation-failed',
        title: 'Response validation failed',
        status: 502,
        detail: `mapping ${file} shaped a response that does not match the 200 response schema of getCart.`,
        instance: 'rv-1',
        errors: [{ location: '/response/items/0/sku', message: 'is required' }],
      });
    } finally {
      await own.close();
    }
  });
});
