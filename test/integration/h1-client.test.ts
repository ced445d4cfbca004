import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { upstreamSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { createHttpUpstream } from '../../src/upstreams/http/index.js';
import { sendRequest, type RequestController, type ResponseHandler, type SendOptions } from '../../src/upstreams/http/h1/client.js';
import { createH1ConnectionPool, type H1ConnectionPool, type H1PoolOptions } from '../../src/upstreams/http/h1/connection-pool.js';
import {
  H1_BAD_RESPONSE_CODE,
  H1_BODY_TIMEOUT_CODE,
  H1_HEADERS_TIMEOUT_CODE,
  H1_INVALID_REQUEST_CODE,
  H1_POOL_CLOSED_CODE,
  H1_SOCKET_CLOSED_CODE,
} from '../../src/upstreams/http/h1/errors.js';
import type { ResponseHeaders } from '../../src/upstreams/http/h1/fields.js';
import { CONNECT_TIMEOUT_CODE, parseTarget } from '../../src/upstreams/http/targets.js';
import { h1Request, json, startH1Harness, type Harness } from './upstream-harness.js';

// Real loopback sockets only: raw `net` servers we drive byte by byte, and node:http / node:https servers.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Result {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: Buffer;
  readonly trailers: ResponseHeaders;
  readonly chunks: number;
}

/** Collects one response; counts callbacks so tests can assert "exactly once". */
class Collector implements ResponseHandler {
  status = 0;
  headers: ResponseHeaders = {};
  chunks: Buffer[] = [];
  settled = 0;
  afterSettle = 0;
  controller: RequestController | undefined;
  readonly done: Promise<Result>;
  #resolve!: (result: Result) => void;
  #reject!: (error: Error) => void;
  constructor() {
    this.done = new Promise<Result>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }
  onRequestStart(controller: RequestController): void {
    this.controller = controller;
  }
  onResponseStart(_c: RequestController, status: number, headers: ResponseHeaders): void {
    if (this.settled > 0) this.afterSettle++;
    this.status = status;
    this.headers = headers;
  }
  onResponseData(_c: RequestController, chunk: Buffer): void {
    if (this.settled > 0) this.afterSettle++;
    this.chunks.push(chunk);
  }
  onResponseEnd(_c: RequestController, trailers: ResponseHeaders): void {
    if (this.settled++ > 0) this.afterSettle++;
    const body = Buffer.concat(this.chunks);
    this.#resolve({ status: this.status, headers: this.headers, body, trailers, chunks: this.chunks.length });
  }
  onResponseError(_c: RequestController, error: Error): void {
    if (this.settled++ > 0) this.afterSettle++;
    this.#reject(error);
  }
}

function pool(port: number, options: Partial<H1PoolOptions> = {}, scheme = 'http'): H1ConnectionPool {
  const created = createH1ConnectionPool(parseTarget(`${scheme}://127.0.0.1:${port}`), {
    maxConnections: 4,
    connectMs: 1_000,
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

function send(target: H1ConnectionPool, options: Partial<SendOptions> = {}, handler = new Collector()): Promise<Result> {
  sendRequest(
    target,
    {
      method: 'GET',
      path: '/',
      headers: {},
      authority: 'upstream.test',
      body: null,
      headersTimeoutMs: 2_000,
      bodyTimeoutMs: 2_000,
      ...options,
    },
    handler,
  );
  return handler.done;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

interface RawRequest {
  readonly head: string;
  readonly body: Buffer;
  readonly socket: net.Socket;
  /** 0-based index of the socket's connection on the server. */
  readonly connection: number;
  /** 0-based index of the request on its connection. */
  readonly index: number;
}

/** A raw TCP server that frames requests (head + content-length body) and lets the test answer byte by byte. */
async function rawServer(onRequest: (request: RawRequest) => void): Promise<{ port: number; sockets: net.Socket[]; requests: RawRequest[] }> {
  const sockets: net.Socket[] = [];
  const requests: RawRequest[] = [];
  const server = net.createServer((socket) => {
    const connection = sockets.push(socket) - 1;
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let index = 0;
    socket.on('data', (data) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffered.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = { head, body: buffered.subarray(end + 4, end + 4 + length), socket, connection, index: index++ };
        buffered = buffered.subarray(end + 4 + length);
        requests.push(request);
        onRequest(request);
      }
    });
  });
  const port = await listen(server);
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  return { port, sockets, requests };
}

async function writeSlowly(socket: net.Socket, text: string, size: number, delayMs: number): Promise<void> {
  for (let i = 0; i < text.length; i += size) {
    socket.write(Buffer.from(text.slice(i, i + size), 'latin1'));
    await sleep(delayMs);
  }
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

describe('h1 client against a raw server', () => {
  it('serialises the request head as expected: host, content-length, no transfer-encoding', async () => {
    const raw = await rawServer(({ socket }) => socket.write(OK));
    const upstream = pool(raw.port);
    await send(upstream, {
      method: 'POST',
      path: '/a?b=1',
      headers: { 'x-list': ['1', '2'], 'transfer-encoding': 'chunked', 'content-length': '99', accept: 'a/b' },
      body: Buffer.from('hello'),
    });
    await send(upstream, { method: 'PUT', headers: { Host: 'explicit.test', 'Content-Length': '7', 'Transfer-Encoding': 'chunked' } });
    await send(upstream, { method: 'DELETE' });
    expect(raw.requests.map((r) => `${r.head}|${r.body.toString()}`)).toEqual([
      'POST /a?b=1 HTTP/1.1\r\nx-list: 1\r\nx-list: 2\r\naccept: a/b\r\nhost: upstream.test\r\ncontent-length: 5|hello',
      'PUT / HTTP/1.1\r\nHost: explicit.test\r\ncontent-length: 0|',
      'DELETE / HTTP/1.1\r\nhost: upstream.test|',
    ]);
    expect(raw.sockets).toHaveLength(1);
  });

  it('chunked response with trailers', async () => {
    const raw = await rawServer(({ socket }) =>
      socket.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nTrailer: x-sum\r\n\r\n' +
          '4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Sum: 42\r\nSet-Cookie: t=1\r\n\r\n',
      ),
    );
    const upstream = pool(raw.port);
    const result = await send(upstream);
    expect(result.body.toString()).toBe('wikipedia');
    expect({ ...result.trailers }).toEqual({ 'x-sum': '42', 'set-cookie': ['t=1'] });
    expect(upstream.idle).toBe(1); // reusable
    await send(upstream);
    expect(raw.sockets).toHaveLength(1);
  });

  it('close-delimited body: complete at EOF, the socket is not reused', async () => {
    const raw = await rawServer(({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ');
      setTimeout(() => socket.end('close'), 20);
    });
    const upstream = pool(raw.port);
    const result = await send(upstream);
    expect(result.body.toString()).toBe('until close');
    expect(upstream.size).toBe(0);
  });

  it('1xx interim responses before the final one are skipped', async () => {
    const raw = await rawServer(({ socket }) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      setTimeout(() => socket.write(`HTTP/1.1 103 Early Hints\r\nlink: </s.css>; rel=preload\r\n\r\n${OK}`), 10);
    });
    const result = await send(pool(raw.port));
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('ok');
  });

  it('a response split into tiny writes with delays', async () => {
    const response =
      'HTTP/1.1 200 OK\r\nx-a: 1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nx-t: y\r\n\r\n';
    const raw = await rawServer(({ socket }) => void writeSlowly(socket, response, 2, 2));
    const upstream = pool(raw.port);
    const result = await send(upstream);
    expect(result.headers['x-a']).toBe('1');
    expect(result.body.toString()).toBe('abc0123456789abcdef');
    expect({ ...result.trailers }).toEqual({ 'x-t': 'y' });
    expect(upstream.idle).toBe(1);
  });

  it('a kept-alive socket closed by the server: GET is retried once on a new connection, transparently', async () => {
    const raw = await rawServer(({ socket, connection, index }) => {
      if (connection === 0 && index === 1) socket.destroy(); // the stale keep-alive race: request received, no answer
      else socket.write(OK);
    });
    const upstream = pool(raw.port);
    await send(upstream);
    const result = await send(upstream);
    expect(result.body.toString()).toBe('ok');
    expect(raw.sockets).toHaveLength(2);
    expect(raw.requests.map((r) => `${r.connection}.${r.index}`)).toEqual(['0.0', '0.1', '1.0']);
  });

  it('a reset (RST) kept-alive socket is retried for GET too', async () => {
    const raw = await rawServer(({ socket, connection, index }) => {
      if (connection === 0 && index === 1) socket.resetAndDestroy();
      else socket.write(OK);
    });
    const upstream = pool(raw.port);
    await send(upstream);
    expect((await send(upstream)).status).toBe(200);
    expect(raw.sockets).toHaveLength(2);
  });

  it('no retry for POST: the error is reported, the request was sent once', async () => {
    const raw = await rawServer(({ socket, connection, index }) => {
      if (connection === 0 && index === 1) socket.destroy();
      else socket.write(OK);
    });
    const upstream = pool(raw.port);
    await send(upstream, { method: 'POST', body: Buffer.from('{}') });
    const error = await send(upstream, { method: 'POST', body: Buffer.from('{}') }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(H1_SOCKET_CLOSED_CODE);
    expect(raw.requests).toHaveLength(2);
    expect(raw.sockets).toHaveLength(1);
  });

  it('no retry on a fresh connection, and only one retry', async () => {
    const raw = await rawServer(({ socket, connection, index }) => {
      if (connection === 0 && index === 0) socket.write(OK);
      else socket.destroy();
    });
    const upstream = pool(raw.port);
    await send(upstream);
    const error = await send(upstream).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(H1_SOCKET_CLOSED_CODE);
    expect(raw.requests.map((r) => `${r.connection}.${r.index}`)).toEqual(['0.0', '0.1', '1.0']);
  });

  it('no retry once response bytes arrived; closed mid-head is a closed connection', async () => {
    const raw = await rawServer(({ socket, index }) => {
      if (index === 0) socket.write(OK);
      else socket.end('HTTP/1.1 200 OK\r\ncontent-le');
    });
    const upstream = pool(raw.port);
    await send(upstream);
    const error = await send(upstream).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(H1_SOCKET_CLOSED_CODE);
    expect(raw.requests).toHaveLength(2);
  });

  it('bytes after a complete response: the response is delivered, the socket is closed', async () => {
    const raw = await rawServer(({ socket }) => socket.write(`${OK}HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n`));
    const upstream = pool(raw.port);
    const result = await send(upstream);
    expect(result.body.toString()).toBe('ok');
    expect(upstream.size).toBe(0);
  });

  it('stray bytes on an idle socket drop it from the pool', async () => {
    const raw = await rawServer(({ socket }) => {
      socket.write(OK);
      setTimeout(() => socket.write('garbage'), 20);
    });
    const upstream = pool(raw.port);
    await send(upstream);
    expect(upstream.idle).toBe(1);
    await sleep(80);
    expect(upstream.size).toBe(0);
    await send(upstream);
    expect(raw.sockets).toHaveLength(2);
  });

  it('a malformed response is reported with its reason; mid-body failures after the head', async () => {
    const raw = await rawServer(({ socket, connection }) => {
      if (connection === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nok');
      else socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n');
    });
    const upstream = pool(raw.port);
    const first = new Collector();
    const error = await send(upstream, {}, first).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: H1_BAD_RESPONSE_CODE, reason: 'conflicting-content-length' });
    expect(first.status).toBe(0);
    const second = new Collector();
    const later = await send(upstream, {}, second).catch((e: unknown) => e);
    expect(later).toMatchObject({ code: H1_BAD_RESPONSE_CODE, reason: 'bad-chunk-size' });
    expect(second.status).toBe(200);
    expect(Buffer.concat(second.chunks).toString()).toBe('ok');
    expect(second.settled).toBe(1);
    expect(upstream.size).toBe(0);
  });

  it('body idle timeout', async () => {
    const raw = await rawServer(({ socket }) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'));
    const started = Date.now();
    const error = await send(pool(raw.port), { bodyTimeoutMs: 150 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(H1_BODY_TIMEOUT_CODE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('header injection is refused before anything is sent', async () => {
    const raw = await rawServer(({ socket }) => socket.write(OK));
    const upstream = pool(raw.port);
    for (const options of [
      { headers: { 'x-a': 'a\r\nx-injected: 1' } },
      { headers: { 'x-a': ['ok', 'b\nc'] } },
      { headers: { 'x-a': 'a\0' } },
      { headers: { 'x a': 'b' } },
      { headers: { 'x-a\r\nx-b': 'b' } },
      { path: '/a HTTP/1.1\r\nx: y' },
      { path: '/a b' },
      { method: 'GET /x' },
      { headers: { 'x-a': '\u2028' } },
    ]) {
      expect(() => send(upstream, options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: H1_INVALID_REQUEST_CODE }));
    }
    await sleep(20);
    expect(raw.sockets).toHaveLength(0);
  });
});

describe('h1 client against node:http', () => {
  async function httpServer(handler: http.RequestListener): Promise<{ port: number; connections: () => number }> {
    let connections = 0;
    const server = http.createServer(handler);
    server.on('connection', () => connections++);
    const port = await listen(server);
    return { port, connections: () => connections };
  }

  it('keep-alive: N sequential requests use one socket; HEAD too', async () => {
    const server = await httpServer((req, res) => res.end(`hello ${req.url}`));
    const upstream = pool(server.port);
    for (let i = 0; i < 20; i++) {
      const result = await send(upstream, { method: i % 5 === 4 ? 'HEAD' : 'GET', path: `/${i}` });
      expect(result.body.toString()).toBe(i % 5 === 4 ? '' : `hello /${i}`);
    }
    expect(server.connections()).toBe(1);
    expect(upstream.size).toBe(1);
  });

  it('concurrency is bounded by maxConnections; the rest queue FIFO', async () => {
    let active = 0;
    let peak = 0;
    const order: string[] = [];
    const server = await httpServer((req, res) => {
      order.push(req.url ?? '');
      peak = Math.max(peak, ++active);
      setTimeout(() => {
        active--;
        res.end(req.url);
      }, 30);
    });
    const upstream = pool(server.port, { maxConnections: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => send(upstream, { path: `/${i}` })));
    expect(results.map((r) => r.body.toString())).toEqual(Array.from({ length: 12 }, (_, i) => `/${i}`));
    expect(peak).toBe(3);
    expect(server.connections()).toBe(3);
    expect(order.slice(3)).toEqual(Array.from({ length: 9 }, (_, i) => `/${i + 3}`));
  });

  it('the headers timeout also bounds the wait for a pooled connection', async () => {
    const server = await httpServer((_req, res) => setTimeout(() => res.end('late'), 600));
    const upstream = pool(server.port, { maxConnections: 1 });
    const busy = send(upstream, { headersTimeoutMs: 2_000 });
    const started = Date.now();
    const queued = await send(upstream, { headersTimeoutMs: 150 }).catch((e: unknown) => e);
    expect((queued as { code?: string }).code).toBe(H1_HEADERS_TIMEOUT_CODE);
    expect(Date.now() - started).toBeLessThan(500);
    expect(upstream.queued).toBe(0);
    expect((await busy).body.toString()).toBe('late');
  });

  it('headers timeout', async () => {
    const server = await httpServer(() => {});
    const upstream = pool(server.port);
    const started = Date.now();
    const error = await send(upstream, { headersTimeoutMs: 150 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(H1_HEADERS_TIMEOUT_CODE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(upstream.size).toBe(0);
  });

  it('abort: reported once with the reason, the socket is destroyed, never reused', async () => {
    let closed = 0;
    const server = await httpServer((_req, res) => {
      res.on('close', () => closed++);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const upstream = pool(server.port);
    const handler = new Collector();
    const reason = new Error('client went away');
    const pending = send(upstream, {}, handler).catch((e: unknown) => e);
    while (handler.chunks.length === 0) await sleep(5);
    handler.controller?.abort(reason);
    handler.controller?.abort(new Error('again'));
    expect(await pending).toBe(reason);
    expect(handler.controller?.aborted).toBe(true);
    expect(handler.settled).toBe(1);
    await sleep(30);
    expect(closed).toBe(1);
    expect(upstream.size).toBe(0);
    expect(handler.afterSettle).toBe(0);
  });

  it('abort while queued and while connecting', async () => {
    const server = await httpServer((_req, res) => setTimeout(() => res.end('x'), 50));
    const upstream = pool(server.port, { maxConnections: 1 });
    const first = send(upstream);
    const queued = new Collector();
    const second = send(upstream, {}, queued).catch((e: unknown) => e);
    expect(upstream.queued).toBe(1);
    queued.controller?.abort(new Error('stop'));
    expect(upstream.queued).toBe(0);
    expect(((await second) as Error).message).toBe('stop');
    expect((await first).body.toString()).toBe('x');
    expect(server.connections()).toBe(1);
  });

  it('backpressure: a 50 MB body, paused reads deliver nothing until resumed', async () => {
    const total = 50 * 1024 * 1024;
    let serverBlocked = 0;
    let sent = 0;
    let maxSentWhilePaused = 0;
    const server = await httpServer((_req, res) => {
      const block = Buffer.alloc(256 * 1024, 120);
      res.writeHead(200, { 'content-length': String(total) });
      const pump = (): void => {
        while (sent < total) {
          sent += block.length;
          if (!res.write(block)) {
            serverBlocked++;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const upstream = pool(server.port);
    let received = 0;
    let duringPause = 0;
    let pauses = 0;
    const handler = new Collector();
    handler.onResponseData = (controller, chunk) => {
      if (controller.paused) duringPause++;
      received += chunk.length;
      if (received >= (pauses + 1) * 5 * 1024 * 1024) {
        pauses++;
        controller.pause();
        const sentAtPause = sent;
        setTimeout(() => {
          maxSentWhilePaused = Math.max(maxSentWhilePaused, sent - sentAtPause);
          controller.resume();
        }, 40);
      }
    };
    const result = await send(upstream, { bodyTimeoutMs: 30 }, handler);
    // While paused the socket stops reading: the server gets no further than the kernel's socket buffers.
    expect(maxSentWhilePaused).toBeLessThan(6 * 1024 * 1024);
    expect(received).toBe(total);
    expect(result.status).toBe(200);
    expect(duringPause).toBe(0);
    expect(pauses).toBeGreaterThanOrEqual(9);
    expect(serverBlocked).toBeGreaterThan(0); // the server felt it
    expect(upstream.idle).toBe(1);
  });

  it('connect refused; pool close fails queued and running requests', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = await send(pool(port)).catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');

    const server = await httpServer(() => {});
    const upstream = pool(server.port, { maxConnections: 1 });
    const running = send(upstream).catch((e: unknown) => e);
    const queued = send(upstream).catch((e: unknown) => e);
    await sleep(30);
    await upstream.close();
    expect(await running).toMatchObject({ code: H1_POOL_CLOSED_CODE });
    expect(await queued).toMatchObject({ code: H1_POOL_CLOSED_CODE });
    expect(await send(upstream).catch((e: unknown) => e)).toMatchObject({ code: H1_POOL_CLOSED_CODE });
  });

  it('idle sockets are closed after idleTimeoutMs', async () => {
    const server = await httpServer((_req, res) => res.end('x'));
    const upstream = pool(server.port, { idleTimeoutMs: 100 });
    await send(upstream);
    expect(upstream.idle).toBe(1);
    await sleep(250);
    expect(upstream.size).toBe(0);
  });
});

describe('h1 client over TLS', () => {
  const cert = readFileSync(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url));
  const key = readFileSync(new URL('../fixtures/tls/localhost-key.pem', import.meta.url));
  const material = { ca: cert, cert: undefined, key: undefined, servername: 'localhost', rejectUnauthorized: true };

  it('verifies the certificate, negotiates http/1.1 and reuses the connection', async () => {
    const alpn: (string | false | null)[] = [];
    const server = https.createServer({ cert, key, ALPNProtocols: ['http/1.1'] }, (req, res) => {
      alpn.push((req.socket as import('node:tls').TLSSocket).alpnProtocol);
      res.end('secure');
    });
    const port = await listen(server);
    const upstream = pool(port, { tls: material }, 'https');
    expect((await send(upstream)).body.toString()).toBe('secure');
    expect((await send(upstream)).body.toString()).toBe('secure');
    expect(alpn).toEqual(['http/1.1', 'http/1.1']);
    expect(upstream.size).toBe(1);
  });

  it('a TLS handshake that never completes fails with the connect timeout', async () => {
    const raw = await rawServer(() => {});
    const upstream = pool(raw.port, { tls: material, connectMs: 100 }, 'https');
    const error = await send(upstream).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(CONNECT_TIMEOUT_CODE);
    expect(upstream.size).toBe(0);
  });
});

describe('fast path error mapping (createHttpUpstream → problem responses)', () => {
  async function gatewayTo(port: number, timeoutMs = 2_000): Promise<Harness> {
    const upstream = createHttpUpstream('users', upstreamSchema.parse({ protocol: 'http1', targets: [`http://127.0.0.1:${port}`] }), {
      baseDir: process.cwd(),
    });
    cleanups.push(() => upstream.close());
    const started = await startH1Harness(upstream, { timeoutMs });
    cleanups.push(() => started.close());
    return started;
  }

  it('a malformed response head → 502 upstream-bad-response', async () => {
    const raw = await rawServer(({ socket }) => socket.write('HTTP/1.1 200 OK\r\nx-a: 1\r\n  folded\r\ncontent-length: 0\r\n\r\n'));
    const gateway = await gatewayTo(raw.port);
    const response = await h1Request(`${gateway.url}/x`);
    expect(response.status).toBe(502);
    expect(json(response)).toMatchObject({
      type: 'urn:protogate:problem:upstream-bad-response',
      detail: 'upstream "users" sent a response that cannot be relayed',
    });
    expect(response.headers['x-a']).toBeUndefined();
  });

  it('the upstream closes before the response head → 502 closed the connection before answering', async () => {
    const raw = await rawServer(({ socket }) => socket.end());
    const gateway = await gatewayTo(raw.port);
    const response = await h1Request(`${gateway.url}/x`);
    expect(response.status).toBe(502);
    expect(json(response)).toMatchObject({
      type: 'urn:protogate:problem:upstream-unavailable',
      detail: 'upstream "users" closed the connection before answering',
    });
  });

  it('no response head in time → 504 headersTimeoutError', async () => {
    const raw = await rawServer(() => {});
    const gateway = await gatewayTo(raw.port, 150);
    const response = await h1Request(`${gateway.url}/x`);
    expect(response.status).toBe(504);
    expect(json(response)).toMatchObject({ detail: 'upstream "users" did not answer within 150 ms' });
  });

  it('a malformed body after the head aborts the client transfer', async () => {
    const raw = await rawServer(({ socket }) =>
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n2\r\nokXX'),
    );
    const gateway = await gatewayTo(raw.port);
    await expect(h1Request(`${gateway.url}/x`)).rejects.toThrow();
    while (gateway.outcomes.length === 0) await sleep(5);
    const outcome = gateway.outcomes[0];
    expect(GatewayError.is(outcome) && outcome.message).toBe('upstream "users" broke off the response');
  });
});
