import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http2 from 'node:http2';
import tls from 'node:tls';
import { json, rawExchange, request1 } from '../helpers/clients.js';
import { startHarness, type Harness } from '../helpers/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    limits: { maxBodyBytes: 2048, maxHeaderBytes: 4096, headersTimeoutMs: 800, requestTimeoutMs: 1500 },
  });
});
afterAll(async () => {
  await h.close();
});

const jsonHeaders = { 'content-type': 'application/json', 'x-request-id': 'v-1' };

describe('request validation', () => {
  it('lists every query violation with its location', async () => {
    const res = await request1(`${h.http1}/api/users?limit=500&tag=admin&tag=root`, { headers: { 'x-request-id': 'v-q' } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:validation-failed',
      title: 'Request validation failed',
      status: 400,
      detail: 'The request does not match operation listUsers: 2 violations.',
      instance: 'v-q',
      errors: [
        { location: '/query/limit', message: 'must be <= 100' },
        { location: '/query/tag/1', message: 'must be equal to one of the allowed values: admin, ops, dev, sales' },
      ],
    });
  });

  it('coerces a valid query and forwards it untouched', async () => {
    const res = await request1(`${h.http1}/api/users?limit=2&tag=admin`);
    expect(res.status).toBe(200);
    expect((json(res).items as unknown[]).length).toBeLessThanOrEqual(2);
  });

  it('reports a bad path parameter', async () => {
    const res = await request1(`${h.http1}/api/items/not-a-sku`);
    expect(res.status).toBe(400);
    expect(json(res).errors).toEqual([{ location: '/path/sku', message: 'must match pattern "^SKU-[0-9]+$"' }]);
  });

  it('reports body violations with JSON pointers into the body', async () => {
    const res = await request1(`${h.http1}/api/users`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ name: '', email: 'not-an-email', tags: ['admin', 'boss'], extra: 1 }),
    });
    expect(res.status).toBe(400);
    expect(json(res).errors).toEqual([
      { location: '/body/extra', message: 'is not allowed' },
      { location: '/body/name', message: 'must NOT have fewer than 1 characters' },
      { location: '/body/email', message: 'must match format "email"' },
      { location: '/body/tags/1', message: 'must be equal to one of the allowed values: admin, ops, dev, sales' },
    ]);
  });

  it('reports a missing required body', async () => {
    const res = await request1(`${h.http1}/api/users`, { method: 'POST', headers: jsonHeaders });
    expect(res.status).toBe(400);
    expect(json(res).errors).toEqual([{ location: '/body', message: 'request body is required' }]);
  });

  it('forwards a valid body', async () => {
    const res = await request1(`${h.http1}/api/users`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ name: 'Grace Hopper', email: 'grace@example.com' }),
    });
    expect(res.status).toBe(201);
    expect(json(res)).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  });

  it('400 malformed-json', async () => {
    const res = await request1(`${h.http1}/api/users`, { method: 'POST', headers: jsonHeaders, body: '{"name": "x",' });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:malformed-json', status: 400, instance: 'v-1' });
    expect(json(res).detail).toMatch(/^The body is not valid JSON: /);
  });

  it('415 for a content type the operation does not accept', async () => {
    const res = await request1(`${h.http1}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-request-id': 'v-415' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'Content-Type text/plain is not accepted here; expected one of: application/json.',
      instance: 'v-415',
    });
  });

  it('413 over the body limit, by Content-Length and by counting a chunked body', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(4000), email: 'a@b.co' });
    const declared = await request1(`${h.http1}/api/users`, { method: 'POST', headers: jsonHeaders, body: big });
    expect(declared.status).toBe(413);
    expect(json(declared).detail).toBe(`The body is ${big.length} bytes; the limit for this route is 2048 bytes.`);
    expect(declared.headers.connection).toBe('close');

    const chunked = await rawExchange(
      Number(new URL(h.http1).port),
      'POST /api/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n' +
        `${(3000).toString(16)}\r\n${'a'.repeat(3000)}\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked).toContain('The body exceeds the limit for this route of 2048 bytes.');
  });
});

describe('HTTP/1.1 framing (RFC 9112) is enforced before anything is forwarded', () => {
  const port = (): number => Number(new URL(h.http1).port);

  it('rejects Content-Length together with Transfer-Encoding', async () => {
    const reply = await rawExchange(
      port(),
      'POST /api/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain('content-type: application/problem+json');
    expect(reply).toContain('"type":"urn:protogate:problem:bad-request"');
  });

  it('rejects conflicting Content-Length headers', async () => {
    const reply = await rawExchange(port(), 'POST /api/users HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('rejects a malformed chunk size line', async () => {
    const reply = await rawExchange(
      port(),
      'POST /api/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('431 for oversized headers', async () => {
    const reply = await rawExchange(port(), `GET /api/users/1 HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(reply).toContain('"type":"urn:protogate:problem:headers-too-large"');
  });

  it('a GET body is re-framed with an exact Content-Length, never smuggled as a second request', async () => {
    // The body looks like a request of its own; upstream must see it as body bytes of one GET.
    const smuggled = 'GET /_test/echo HTTP/1.1\r\nhost: y\r\n\r\n';
    const reply = await rawExchange(
      port(),
      `GET /api/users/42 HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('a client that sends headers too slowly gets 408 within the header timeout', async () => {
    const started = Date.now();
    const reply = await rawExchange(port(), 'GET /api/users/1 HTTP/1.1\r\nhost: x\r\n', 4000);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  function tlsExchange(bytes: string): Promise<string> {
    const port = Number(new URL(h.https).port);
    return new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
        socket.write(bytes);
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(), 4000);
    });
  }

  it('the TLS listener applies the header limit to HTTP/1.1 too', async () => {
    const reply = await tlsExchange(`GET /api/users/1 HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('the TLS listener bounds slow HTTP/1.1 headers too', async () => {
    const started = Date.now();
    const reply = await tlsExchange('GET /api/users/1 HTTP/1.1\r\nhost: x\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('HTTP/2 clients are bounded by total request time too', () => {
  it('a body trickled past the request timeout gets a 408 problem and the stream is closed', async () => {
    const session = http2.connect(h.h2c);
    const started = Date.now();
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/api/users', 'content-type': 'application/json' });
      stream.write('{"name":');
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('close', () => resolve({ status, body }));
      stream.on('error', reject);
    });
    session.close();
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toMatchObject({ type: 'urn:protogate:problem:request-timeout', status: 408 });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
