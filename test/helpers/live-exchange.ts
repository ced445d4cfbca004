import http from 'node:http';
import http2 from 'node:http2';

/** The end of an exchange: a complete response, or how it broke off. */
export interface Settled {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** False when the response was cut off (HTTP/1.1: connection closed before the last chunk; HTTP/2: RST_STREAM). */
  readonly complete: boolean;
}

/**
 * A request whose body is written piece by piece while its response is read as it arrives, over a fresh
 * connection: the client side of client-streaming and bidi routes.
 */
export interface LiveExchange {
  write(data: string | Buffer): void;
  end(data?: string | Buffer): void;
  /** Drops the connection (HTTP/1.1) or resets the stream (HTTP/2). */
  destroy(): void;
  /** Resolves when the response headers arrive. */
  readonly response: Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>;
  /** The body received so far. */
  text(): string;
  /** Resolves once the body received so far satisfies `test` (rejects after `timeoutMs`). */
  waitForBody(test: (body: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Settles when the response is over, complete or not. */
  readonly done: Promise<Settled>;
}

interface Sink {
  chunks: Buffer[];
  waiters: (() => void)[];
}

function bodyOf(sink: Sink): string {
  return Buffer.concat(sink.chunks).toString('utf8');
}

function waitFor(sink: Sink, test: (body: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for the body; got ${JSON.stringify(bodyOf(sink))}`)), timeoutMs);
    const check = (): void => {
      const body = bodyOf(sink);
      if (!test(body)) return void sink.waiters.push(check);
      clearTimeout(timer);
      resolve(body);
    };
    check();
  });
}

function received(sink: Sink, chunk: Buffer): void {
  sink.chunks.push(chunk);
  const waiters = sink.waiters;
  sink.waiters = [];
  for (const waiter of waiters) waiter();
}

/** An HTTP/1.1 exchange (chunked request body) on its own connection. */
export function liveRequest1(url: string, options: { method?: string; headers?: Record<string, string> } = {}): LiveExchange {
  const sink: Sink = { chunks: [], waiters: [] };
  const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false });
  req.on('error', () => undefined);
  req.flushHeaders();
  let status = 0;
  let headers: Record<string, string | string[] | undefined> = {};
  const response = new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    req.once('response', (res) => {
      status = res.statusCode ?? 0;
      headers = res.headers;
      resolve({ status, headers });
    });
    req.once('error', reject);
  });
  response.catch(() => undefined); // awaited by the tests that expect a response
  const done = new Promise<Settled>((resolve) => {
    req.once('error', () => resolve({ status, headers, body: Buffer.concat(sink.chunks), complete: false }));
    req.once('response', (res) => {
      res.on('data', (chunk: Buffer) => received(sink, chunk));
      res.on('error', () => undefined);
      res.once('close', () => resolve({ status, headers, body: Buffer.concat(sink.chunks), complete: res.complete }));
    });
  });
  return {
    write: (data) => void req.write(data),
    end: (data) => void (data === undefined ? req.end() : req.end(data)),
    destroy: () => void req.destroy(),
    response,
    text: () => bodyOf(sink),
    waitForBody: (test, timeoutMs = 3_000) => waitFor(sink, test, timeoutMs),
    done,
  };
}

/** An HTTP/2 exchange (h2c prior knowledge for http://) on its own session. */
export function liveRequest2(origin: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): LiveExchange {
  const sink: Sink = { chunks: [], waiters: [] };
  const session = http2.connect(origin);
  session.on('error', () => undefined);
  const stream = session.request({ ':method': options.method ?? 'POST', ':path': path, ...options.headers }, { endStream: false });
  stream.on('error', () => undefined);
  let status = 0;
  let headers: Record<string, string | string[] | undefined> = {};
  const response = new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    stream.once('response', (received) => {
      status = Number(received[':status']);
      headers = { ...received };
      resolve({ status, headers });
    });
    stream.once('close', () => reject(new Error(`stream closed before a response (code ${stream.rstCode})`)));
  });
  response.catch(() => undefined); // awaited by the tests that expect a response
  stream.on('data', (chunk: Buffer) => received(sink, chunk));
  const done = new Promise<Settled>((resolve) => {
    // END_STREAM from the server completes the response, even while the request side is still open.
    stream.once('end', () => {
      resolve({ status, headers, body: Buffer.concat(sink.chunks), complete: true });
      if (!stream.writableEnded) stream.end();
      session.close();
    });
    stream.once('close', () => {
      resolve({ status, headers, body: Buffer.concat(sink.chunks), complete: false });
      session.close();
    });
  });
  return {
    write: (data) => void stream.write(data),
    end: (data) => void (data === undefined ? stream.end() : stream.end(data)),
    destroy: () => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      session.destroy();
    },
    response,
    text: () => bodyOf(sink),
    waitForBody: (test, timeoutMs = 3_000) => waitFor(sink, test, timeoutMs),
    done,
  };
}
