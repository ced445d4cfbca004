import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

export interface SimpleResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP/1.1 request on a fresh connection; the body is sent with Content-Length. */
export function request1(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One HTTP/2 request (h2c prior knowledge for http://, TLS + ALPN for https://) on its own session. */
export function request2(
  origin: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, { rejectUnauthorized: false });
    session.on('error', reject);
    const stream = session.request({ ':method': options.method ?? 'GET', ':path': path, ...options.headers });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    stream.on('response', (responseHeaders) => {
      status = Number(responseHeaders[':status']);
      headers = { ...responseHeaders };
    });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') });
    });
    stream.on('error', (error) => {
      session.destroy();
      reject(error);
    });
    stream.end(options.body);
  });
}

/** Writes raw bytes and returns everything the server sends until it closes (or `waitMs` passes). */
export function rawExchange(port: number, bytes: string, waitMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

export function json(response: SimpleResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}
