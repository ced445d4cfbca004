import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { asGatewayError, sendProblem } from '../../src/errors/problem.js';
import type { ClientRequestLike, ClientResponseLike, ForwardResult, HeaderOps, HttpUpstream } from '../../src/upstreams/types.js';

/**
 * A minimal "gateway" for upstream integration tests: a real node:http or h2c server whose handler does what the
 * pipeline does around `upstream.forward()` (request id, buffering bodies of GET/HEAD/DELETE/OPTIONS, problem on
 * rejection), and small clients to talk to it.
 */

const BUFFERED_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export interface HarnessOptions {
  /** Buffer every request body (as validation would) instead of only GET/HEAD/DELETE/OPTIONS ones. */
  readonly bufferAll?: boolean;
  readonly timeoutMs?: number;
  readonly headerOps?: HeaderOps;
}

export interface Harness {
  readonly url: string;
  readonly port: number;
  /** Every forward() outcome, in completion order. */
  readonly outcomes: (ForwardResult | Error)[];
  close(): Promise<void>;
}

function hasBody(req: ClientRequestLike): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

async function readAll(req: ClientRequestLike): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function createHandler(upstream: HttpUpstream, options: HarnessOptions, outcomes: (ForwardResult | Error)[]) {
  let counter = 0;
  return async (req: ClientRequestLike, res: ClientResponseLike): Promise<void> => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' ? incoming : `req-${++counter}`;
    res.setHeader('x-request-id', requestId);
    const method = req.method ?? 'GET';
    const body =
      hasBody(req) && (options.bufferAll === true || BUFFERED_METHODS.has(method)) ? await readAll(req) : undefined;
    try {
      const result = await upstream.forward({
        req,
        res,
        method,
        path: req.url ?? '/',
        body,
        streamBody: body === undefined && hasBody(req),
        headerOps: options.headerOps,
        timeoutMs: options.timeoutMs ?? 5_000,
        requestId,
        requestIdHeader: 'x-request-id',
      });
      outcomes.push(result);
    } catch (error) {
      outcomes.push(error as Error);
      sendProblem(res, asGatewayError(error), requestId, method === 'HEAD');
    }
  };
}

async function listen(server: http.Server | http2.Http2Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** An HTTP/1.1 front end forwarding everything to `upstream`. */
export async function startH1Harness(upstream: HttpUpstream, options: HarnessOptions = {}): Promise<Harness> {
  const outcomes: (ForwardResult | Error)[] = [];
  const handler = createHandler(upstream, options, outcomes);
  const server = http.createServer((req, res) => void handler(req, res));
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    outcomes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An h2c (prior knowledge) front end forwarding everything to `upstream`. */
export async function startH2cHarness(upstream: HttpUpstream, options: HarnessOptions = {}): Promise<Harness> {
  const outcomes: (ForwardResult | Error)[] = [];
  const handler = createHandler(upstream, options, outcomes);
  const server = http2.createServer((req, res) => void handler(req, res));
  const sessions = new Set<http2.Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    outcomes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly trailers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ms: number;
}

export interface ClientRequestInit {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer | Readable;
  readonly agent?: http.Agent | false;
}

/** One HTTP/1.1 request; rejects when the response is aborted (a broken transfer is never a clean response). */
export function h1Request(url: string, init: ClientRequestInit = {}): Promise<ClientResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? false });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('aborted', () => reject(new Error('response aborted')));
      res.once('error', reject);
      res.once('end', () => {
        if (!res.complete) {
          reject(new Error('response incomplete'));
          return;
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          trailers: res.trailers,
          body: Buffer.concat(chunks),
          ms: performance.now() - started,
        });
      });
    });
    const body = init.body;
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/** One HTTP/2 request over a fresh h2c session; rejects on RST_STREAM or an incomplete body. */
export function h2Request(origin: string, path: string, init: ClientRequestInit = {}): Promise<ClientResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin);
    session.once('error', reject);
    const stream = session.request({ ':method': init.method ?? 'GET', ':path': path, ...init.headers });
    let headers: http.IncomingHttpHeaders = {};
    let trailers: http.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.once('response', (received) => {
      headers = received as http.IncomingHttpHeaders;
    });
    stream.once('trailers', (received) => {
      trailers = received as http.IncomingHttpHeaders;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (error) => {
      session.close();
      reject(error);
    });
    stream.once('close', () => {
      session.close();
      if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
        reject(new Error(`stream reset (${stream.rstCode})`));
        return;
      }
      resolve({
        status: Number(headers[':status']),
        headers,
        trailers,
        body: Buffer.concat(chunks),
        ms: performance.now() - started,
      });
    });
    const body = init.body;
    if (body instanceof Readable) body.pipe(stream);
    else stream.end(body);
  });
}

/** A Readable producing `total` bytes in 64 KiB chunks without holding them (for large uploads). */
export function generatedBody(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 'upload-');
  let remaining = total;
  return new Readable({
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk.length, remaining);
      remaining -= size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}

/** Samples `process.memoryUsage().rss` every 20 ms until stopped; reports the peak growth in MB over the start. */
export function sampleRss(): { stop(): { baselineMb: number; peakGrowthMb: number } } {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { baselineMb: baseline / 2 ** 20, peakGrowthMb: (peak - baseline) / 2 ** 20 };
    },
  };
}

export function json(response: ClientResponse): Record<string, unknown> {
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}
