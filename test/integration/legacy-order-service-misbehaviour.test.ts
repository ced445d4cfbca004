import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEP_NESTING_LEVELS } from '../../legacy-fixtures/order-service/misbehaviour.js';
import { startOrderService, type RunningOrderService } from '../../legacy-fixtures/order-service/service.js';
import { send, SOAP11_HEADERS, soap11 } from './legacy-order-client.js';

let service: RunningOrderService;

beforeAll(async () => {
  service = await startOrderService({ port: 0 });
});

afterAll(async () => {
  await service.close();
});

const GET_ORDER = soap11('<urn:GetOrder><urn:orderId>ORD-1001</urn:orderId></urn:GetOrder>');

function withMode(mode: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...SOAP11_HEADERS('GetOrder'), 'x-fixture-mode': mode, ...extra };
}

describe('legacy order service: misbehaviour switches', () => {
  it('html-error: a servlet container error page, HTTP 500, text/html', async () => {
    const response = await send(service.url, { path: '/orders', headers: withMode('html-error'), body: GET_ORDER });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('text/html;charset=utf-8');
    expect(response.body.toString()).toMatch(/^<!doctype html><html lang="en"><head><title>HTTP Status 500/);
  });

  it('selects a mode by path prefix too, onto the endpoint after it', async () => {
    const response = await send(service.url, { path: '/fixture/html-error/orders/soap12', headers: { 'content-type': 'application/soap+xml' }, body: '' });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('text/html;charset=utf-8');
    const unknown = await send(service.url, { path: '/orders', headers: withMode('explode'), body: GET_ORDER });
    expect([unknown.status, unknown.body.toString()]).toEqual([400, 'unknown fixture mode "explode"\n']);
  });

  it('not-xml: HTTP 200 announced as XML with a plain-text body', async () => {
    const response = await send(service.url, { path: '/orders', headers: withMode('not-xml'), body: GET_ORDER });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(response.body.toString()).toBe('Service temporarily unavailable. Please try again later.\n');
  });

  it('xxe: a response with a DOCTYPE declaring an external entity, referenced in the customer name', async () => {
    const response = await send(service.url, { path: '/orders', headers: withMode('xxe'), body: GET_ORDER });
    expect(response.status).toBe(200);
    const body = response.body.toString();
    expect(body).toContain('<!DOCTYPE soap:Envelope [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>');
    expect(body).toContain('<ns2:name>&xxe;Jane Roe</ns2:name>');
  });

  it('billion-laughs: nine levels of entities, a few hundred bytes that expand to 10^9 "lol"s', async () => {
    const response = await send(service.url, { path: '/orders/soap12', headers: { 'content-type': 'application/soap+xml', 'x-fixture-mode': 'billion-laughs' }, body: '' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    const body = response.body.toString();
    expect(body).toContain(`<!ENTITY lol9 "${'&lol8;'.repeat(10)}">`);
    expect(body).toContain('<ns2:name>&lol9;Jane Roe</ns2:name>');
    expect(response.body.length).toBeLessThan(5_000);
  });

  it(`deep-nesting: ${DEEP_NESTING_LEVELS} nested elements in the body`, async () => {
    const response = await send(service.url, { path: '/orders', headers: withMode('deep-nesting'), body: GET_ORDER });
    expect(response.status).toBe(200);
    const body = response.body.toString();
    expect(body.split('<ns2:order>').length - 1).toBe(DEEP_NESTING_LEVELS);
    expect(body).toContain(`${'<ns2:order>'.repeat(3)}${'</ns2:order>'.repeat(3)}`);
  });

  it('huge: a chunked 100 MiB response (read 256 KiB, then abort) and the service stays fine', async () => {
    const head = await new Promise<{ status: number; encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      const req = http.request(`${service.url}/orders`, { method: 'POST', agent: false, headers: withMode('huge') }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= 262_144) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, encoding: res.headers['transfer-encoding'], bytes: Buffer.concat(chunks) });
          }
        });
        res.once('error', () => undefined);
      });
      req.once('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end(GET_ORDER);
    });
    expect(head.status).toBe(200);
    expect(head.encoding).toBe('chunked');
    expect(head.bytes.toString('utf8', 0, 150)).toMatch(/^<\?xml version='1.0' encoding='UTF-8'\?><soap:Envelope [^>]+><soap:Body><ns2:ListOrdersResponse /);
    const after = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('GetOrder'), body: GET_ORDER });
    expect(after.status).toBe(200);
  });

  it('slow: the normal answer after the delay (header or ?delayMs= on a /fixture/ path)', async () => {
    let started = Date.now();
    const normal = await send(service.url, { path: '/orders', headers: SOAP11_HEADERS('GetOrder'), body: GET_ORDER });
    const slow = await send(service.url, { path: '/orders', headers: withMode('slow', { 'x-fixture-delay-ms': '300' }), body: GET_ORDER });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect([slow.status, slow.body.toString()]).toEqual([200, normal.body.toString()]);
    started = Date.now();
    const byPath = await send(service.url, { path: '/fixture/slow/orders?delayMs=250', headers: SOAP11_HEADERS('GetOrder'), body: GET_ORDER });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(byPath.body.toString()).toBe(normal.body.toString());
  });

  it('slow-body: headers and half the body at once, the rest after the delay', async () => {
    const started = Date.now();
    const timeline = await new Promise<{ headersAt: number; endAt: number; body: string }>((resolve, reject) => {
      const req = http.request(`${service.url}/orders`, { method: 'POST', agent: false, headers: withMode('slow-body', { 'x-fixture-delay-ms': '400' }) }, (res) => {
        const headersAt = Date.now() - started;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ headersAt, endAt: Date.now() - started, body }));
      });
      req.once('error', reject);
      req.end(GET_ORDER);
    });
    expect(timeline.headersAt).toBeLessThan(300);
    expect(timeline.endAt).toBeGreaterThanOrEqual(400);
    expect(timeline.body).toMatch(/<\/soap:Envelope>$/);
  });

  it('connection-reset: the socket is reset instead of answered', async () => {
    await expect(send(service.url, { path: '/orders', headers: withMode('connection-reset'), body: GET_ORDER })).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
