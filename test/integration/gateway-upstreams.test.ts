import http from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, rawExchange, request1, request2 } from '../helpers/clients.js';
import { startHarness, type Harness } from '../helpers/gateway-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { diagnostics: true });
});
afterAll(async () => {
  await h.close();
});

describe.each(['h1', 'h2'])('upstream faults over %s', (prefix) => {
  it('timeout → 504 problem, within the route timeout', async () => {
    const started = Date.now();
    const res = await request1(`${h.http1}/${prefix}/slow?ms=3000`, { headers: { 'x-request-id': `t-${prefix}` } });
    expect(res.status).toBe(504);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:upstream-timeout', status: 504, instance: `t-${prefix}` });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reset mid-response → the client transfer is aborted, not a clean truncated 200', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get(`${h.http1}/${prefix}/reset`, { agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(`clean end ${res.statusCode}`));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('aborted'));
      });
      req.on('error', () => resolve('aborted'));
    });
    expect(outcome).toBe('aborted');
  });

  it('re-frames GET and DELETE bodies with an exact Content-Length', async () => {
    for (const method of ['GET', 'DELETE']) {
      const reply = await rawExchange(
        Number(new URL(h.http1).port),
        `${method} /${prefix}/echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
      );
      expect(reply).toMatch(/^HTTP\/1\.1 200 /);
      const echoed = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { method: string; headers: Record<string, string>; body: string };
      expect(echoed.method).toBe(method);
      expect(echoed.body).toBe('hello');
      expect(echoed.headers['content-length']).toBe('5');
      expect(echoed.headers['transfer-encoding']).toBeUndefined();
    }
  });

  it('sets X-Forwarded-* and propagates the request id', async () => {
    const res = await request1(`${h.http1}/${prefix}/echo`, { headers: { 'x-request-id': 'fwd-1', 'x-forwarded-for': '203.0.113.9' } });
    const echoed = json(res) as { headers: Record<string, string> };
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe(new URL(h.http1).host);
    expect(echoed.headers['x-request-id']).toBe('fwd-1');
    expect(echoed.headers.via).toBe('1.1 protogate');
    if (prefix === 'h1') {
      // RFC 7239 §4: a node or host with a port is not a token, so it is quoted.
      expect(echoed.headers.forwarded).toMatch(/^by="127\.0\.0\.1:\d+";for="127\.0\.0\.1:\d+";proto=http;host="127\.0\.0\.1:\d+"$/);
    }
  });
});

describe('connection failures', () => {
  it('connect refused → 502 problem that names the upstream, not its address', async () => {
    const res = await request1(`${h.http1}/dead/echo`, { headers: { 'x-request-id': 'dead-1' } });
    expect(res.status).toBe(502);
    const body = json(res);
    expect(body).toMatchObject({ type: 'urn:protogate:problem:upstream-unavailable', status: 502, instance: 'dead-1' });
    expect(String(body.detail)).toContain('"dead"');
    expect(res.body).not.toMatch(/127\.0\.0\.1|:9\b|ECONNREFUSED|at /);
  });
});

describe('streaming without buffering', () => {
  it.each(['h1', 'h2'])('a 200 MB upload and a 200 MB download pass through (%s)', async (prefix) => {
    const size = 200 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const expectedDigest = createHash('sha256');
      for (let i = 0; i < 200; i++) expectedDigest.update(chunk);
      const upload = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${h.http1}/${prefix}/upload`,
          { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': size }, agent: false },
          (res) => {
            let body = '';
            res.on('data', (data: Buffer) => (body += data.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        let sent = 0;
        const pump = (): void => {
          while (sent < 200) {
            sent++;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      expect(upload.status).toBe(200);
      expect(JSON.parse(upload.body)).toEqual({ bytes: size, sha256: expectedDigest.digest('hex') });

      const downloaded = await new Promise<number>((resolve, reject) => {
        http.get(`${h.http1}/${prefix}/download?bytes=${size}`, { agent: false }, (res) => {
          let bytes = 0;
          res.on('data', (data: Buffer) => (bytes += data.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        });
      });
      expect(downloaded).toBe(size);
    } finally {
      clearInterval(sampler);
    }
    // Client, gateway and backend share this process: all of them together stay far below the body size.
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
  }, 60_000);
});

describe('an HTTP/2 client streaming a body to an HTTP/1.1 upstream', () => {
  it('arrives whole and in order (the h2 stream is re-framed as HTTP/1.1)', async () => {
    const body = 'x'.repeat(1_000_000) + 'end';
    const res = await request2(h.h2c, '/h1/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then closes', async () => {
    const own = await startHarness({ shutdown: { drainTimeoutMs: 3000 } }, { diagnostics: true });
    const inFlight = request1(`${own.http1}/h1/slow?ms=200`);
    const inFlightH2 = request2(own.h2c, '/h2/slow?ms=200');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = own.gateway.close(3000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(request1(`${own.http1}/api/users/1`)).rejects.toThrow(/ECONNREFUSED/);
    const [res1, res2] = await Promise.all([inFlight, inFlightH2]);
    expect(res1.status).toBe(200);
    expect(res2.status).toBe(200);
    expect(await closing).toBe(0);
    await own.close();
  });

  it('cuts off what is still running at the deadline', async () => {
    const own = await startHarness({}, { diagnostics: true });
    const stuck = request1(`${own.http1}/h1/slow?ms=250`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cutOff = await own.gateway.close(50);
    expect(cutOff).toBe(1);
    expect(await stuck).toBeInstanceOf(Error);
    await own.close();
  });
});
