import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server, Http2ServerRequest, Http2ServerResponse, Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

/** Shared plumbing of the demo backends; works on node:http and on node:http2's compatibility API alike. */

export type DemoRequest = IncomingMessage | Http2ServerRequest;
export type DemoResponse = ServerResponse | Http2ServerResponse;

/** Connection counters a demo backend exposes on `GET /_test/stats`. */
export interface DemoStats {
  /** TCP connections accepted (HTTP/1.1 backends). */
  connections: number;
  /** HTTP/2 sessions accepted (HTTP/2 backends). */
  sessions: number;
  /** Requests whose client went away before the answer was complete. */
  cancelled: number;
  /** Requests answered (or started) so far. */
  requests: number;
}

export function createStats(): DemoStats {
  return { connections: 0, sessions: 0, cancelled: 0, requests: 0 };
}

/** Writes `body` as JSON with an exact Content-Length. */
export function sendJson(res: DemoResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const payload = JSON.stringify(body);
  const head: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  };
  if (headers !== undefined) Object.assign(head, headers);
  (res as ServerResponse).writeHead(status, head);
  res.end(payload);
}

export function notFound(res: DemoResponse): void {
  sendJson(res, 404, { error: 'not found' });
}

export function methodNotAllowed(res: DemoResponse, allow: string): void {
  sendJson(res, 405, { error: 'method not allowed' }, { allow });
}

/** Splits `req.url` into path and query (the host part is irrelevant to the demo). */
export function parseUrl(req: DemoRequest): URL {
  return new URL(req.url ?? '/', 'http://demo.invalid');
}

/** Reads the whole body, up to `limit` bytes (larger bodies reject). */
export function readBody(req: DemoRequest, limit = 1_048_576): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        rejectBody(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolveBody(Buffer.concat(chunks, size)));
    req.once('error', rejectBody);
  });
}

/** Parses a JSON object body; undefined when it is not one. */
export async function readJsonObject(req: DemoRequest): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse((await readBody(req)).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Ends the exchange abnormally: RST_STREAM (INTERNAL_ERROR) on HTTP/2, a destroyed socket on HTTP/1.1. */
export function breakExchange(res: DemoResponse): void {
  const stream = (res as Http2ServerResponse).stream;
  if (stream !== undefined) {
    if (!stream.destroyed) stream.close(0x2);
    return;
  }
  (res as ServerResponse).socket?.destroy();
}

/** Every path segment after `prefix`, or undefined when `path` does not start with it. */
export function segmentAfter(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  return rest.length > 0 && !rest.includes('/') ? decodeURIComponent(rest) : undefined;
}

/** A running demo backend. */
export interface DemoService {
  /** Origin to put in an upstream's `targets`, e.g. `http://127.0.0.1:9101`. */
  readonly url: string;
  readonly port: number;
  /** Live counters, also served on `GET /_test/stats`. */
  readonly stats: DemoStats;
  /** Stops listening and closes every connection or session. */
  close(): Promise<void>;
}

type AnyServer = Server | Http2Server | Http2SecureServer;

/** Listens on `opts.host:opts.port` (127.0.0.1 and an ephemeral port by default) and wraps the server. */
export async function listen(
  server: AnyServer,
  opts: { host?: string; port?: number },
  stats: DemoStats,
  scheme: 'http' | 'https',
): Promise<DemoService> {
  const host = opts.host ?? '127.0.0.1';
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const session of sessions) session.destroy();
      }),
  };
}
