import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { abortResponse } from '../../errors/problem.js';
import type { ClientRequestLike, ClientResponseLike, ForwardRequest, ForwardResult } from '../types.js';
import { HOP_BY_HOP } from './hop-by-hop.js';
import { prepareUpstreamHeaders } from './request-headers.js';
import { sendRequest, type RequestController, type ResponseHandler } from './h1/client.js';
import { createH1ConnectionPool, type H1ConnectionPool } from './h1/connection-pool.js';
import { H1_BAD_RESPONSE_CODE, H1_HEADERS_TIMEOUT_CODE } from './h1/errors.js';
import type { ResponseHeaders } from './h1/fields.js';
import type { TlsMaterial, UpstreamTarget } from './targets.js';
import { badResponseError, brokenResponseError, connectionError, headersTimeoutError } from './upstream-errors.js';

/**
 * The lean HTTP/1.1 path: exchanges whose request body is absent or already buffered go through our own HTTP/1.1
 * client (h1/: a keep-alive pool over `net`/`tls` sockets, one write per request, an incremental RFC 9112 parser, no
 * ClientRequest/IncomingMessage objects) instead of http2-proxy + http.request. Streamed uploads and HTTP/2
 * upstreams keep the http2-proxy path. Both paths share the header rules in request-headers.ts.
 */


/** The fast path's connection pool for one HTTP/1.1 target. */
export function createFastPool(
  target: UpstreamTarget,
  config: DeepReadonly<UpstreamConfig>,
  tls: TlsMaterial | undefined,
): H1ConnectionPool {
  return createH1ConnectionPool(target, {
    maxConnections: config.pool.maxConnections,
    connectMs: config.timeouts.connectMs,
    // Shorter than node's default server keep-alive (5 s) so we close idle sockets before a backend does.
    idleTimeoutMs: 4_000,
    tls,
  });
}

/** Request headers as http2-proxy would prepare them: hop-by-hop removed, `Via` and `Forwarded` added. */
function proxiedHeaders(req: ClientRequestLike, proxyName: string): OutgoingHttpHeaders {
  const source = req.headers;
  const connection = source.connection;
  const listed = typeof connection === 'string' && connection !== 'keep-alive' && connection !== 'close' ? connectionTokens(connection) : undefined;
  const headers: OutgoingHttpHeaders = {};
  for (const name in source) {
    if (name.charCodeAt(0) === 58 /* ':' */ || name === 'host' || HOP_BY_HOP.has(name)) continue;
    if (listed !== undefined && listed.has(name)) continue;
    headers[name] = source[name];
  }
  const version = (req as { httpVersion?: string }).httpVersion ?? '1.1';
  const via = source.via;
  if (typeof via === 'string') {
    for (const hop of via.split(',')) {
      if (hop.trim().endsWith(proxyName)) throw new GatewayError('upstream-unavailable', 'request loop: the request already passed through this gateway');
    }
    headers.via = `${via}, ${version} ${proxyName}`;
  } else {
    headers.via = `${version} ${proxyName}`;
  }
  const socket = req.socket as { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number; encrypted?: boolean };
  const host = source[':authority'] ?? source.host ?? '';
  // RFC 7239: node identifiers with ports (and IPv6 literals) must be quoted.
  const forwarded =
    `by=${node(socket.localAddress, socket.localPort)};for=${node(socket.remoteAddress, socket.remotePort)};` +
    `proto=${socket.encrypted === true ? 'https' : 'http'};host=${node(String(host), undefined)}`;
  const prior = source.forwarded;
  headers.forwarded = typeof prior === 'string' ? `${prior}, ${forwarded}` : forwarded;
  return headers;
}

function node(address: string | undefined, port: number | undefined): string {
  // Socket addresses and Host values are never malformed here; a colon is what marks an IPv6 literal (net.isIPv6's
  // full regex showed up in profiles). A Host with a port ("example.com:8080") is quoted, as RFC 7239 requires.
  const ipv6 = address !== undefined && port !== undefined && address.includes(':');
  const text = address === undefined ? 'unknown' : ipv6 ? `[${address}]` : address;
  if (port === undefined && !(address ?? '').includes(':')) return text;
  return `"${port === undefined ? text : `${text}:${port}`}"`;
}

function connectionTokens(value: string): Set<string> {
  const tokens = new Set<string>();
  for (const token of value.split(',')) tokens.add(token.trim().toLowerCase());
  return tokens;
}

/** Response headers without hop-by-hop fields, ready for `writeHead` on HTTP/1.1 or HTTP/2. */
function relayableHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = headers.connection;
  if (typeof connection === 'string' && connection !== 'keep-alive' && connection !== 'close') {
    for (const token of connectionTokens(connection)) delete headers[token];
  }
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}

const kFast = Symbol('protogate.fastExchange');
type Carrier = ClientResponseLike & { [kFast]?: FastExchange };

/** One exchange over the HTTP/1.1 pool: relays the response as it arrives, with backpressure both ways. */
class FastExchange implements ResponseHandler {
  readonly #request: ForwardRequest;
  readonly #upstream: string;
  readonly #resolve: (result: ForwardResult) => void;
  readonly #reject: (error: GatewayError) => void;
  #controller: RequestController | undefined;
  #status = 0;
  #bytes = 0;
  #settled = false;
  #relayedNames: string[] | undefined;

  constructor(request: ForwardRequest, upstream: string, resolve: (result: ForwardResult) => void, reject: (error: GatewayError) => void) {
    this.#request = request;
    this.#upstream = upstream;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  onRequestStart(controller: RequestController): void {
    this.#controller = controller;
  }

  onResponseStart(controller: RequestController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode < 200) return; // 1xx interim responses are not relayed
    const res = this.#request.res as ServerResponse;
    const relayed = relayableHeaders(headers as IncomingHttpHeaders);
    try {
      res.writeHead(statusCode, relayed as OutgoingHttpHeaders);
    } catch (error) {
      this.#relayedNames = Object.keys(relayed);
      controller.abort(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#status = statusCode;
  }

  onResponseData(controller: RequestController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    const res = this.#request.res as ServerResponse & Carrier;
    if (!res.write(chunk)) {
      controller.pause();
      res.once('drain', resumeAfterDrain);
    }
  }

  onResponseEnd(_controller: RequestController, trailers: ResponseHeaders): void {
    if (this.#settled) return;
    this.#settled = true;
    const res = this.#request.res as ServerResponse;
    // Trailers reach an HTTP/1.1 client only on a chunked response (RFC 9112 §7.1.2); node drops them otherwise.
    for (const _ in trailers) {
      res.addTrailers(trailers as OutgoingHttpHeaders);
      break;
    }
    res.end();
    this.#resolve({ status: this.#status, bytes: this.#bytes });
  }

  onResponseError(_controller: RequestController | undefined, error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    const { res } = this.#request;
    if (this.#clientGone) {
      this.#resolve({ status: res.headersSent ? this.#status : 499, bytes: this.#bytes });
      return;
    }
    if (res.headersSent) {
      abortResponse(res);
      this.#reject(brokenResponseError(this.#upstream, error));
      return;
    }
    if (this.#relayedNames !== undefined) {
      for (const name of this.#relayedNames) res.removeHeader(name);
      res.setHeader(this.#request.requestIdHeader, this.#request.requestId);
      this.#reject(badResponseError(this.#upstream, error));
      return;
    }
    const code = (error as { code?: string }).code;
    if (code === H1_HEADERS_TIMEOUT_CODE) this.#reject(headersTimeoutError(this.#upstream, this.#request.timeoutMs));
    // A malformed response head (RFC 9112): nothing was relayed, answer 502 upstream-bad-response.
    else if (code === H1_BAD_RESPONSE_CODE) this.#reject(badResponseError(this.#upstream, error));
    // Connect refused / timed out, socket closed before the head, pool closed: see connectionError.
    else this.#reject(connectionError(this.#upstream, error));
  }

  #clientGone = false;

  /** The client closed before the response finished: cancel the upstream request. */
  clientClosed(): void {
    if (this.#settled) return;
    this.#clientGone = true;
    this.#controller?.abort(new Error('client closed the connection'));
  }

  resume(): void {
    this.#controller?.resume();
  }
}

function resumeAfterDrain(this: Carrier): void {
  this[kFast]?.resume();
}

function onClientClose(this: Carrier): void {
  this[kFast]?.clientClosed();
}

/** The fast path for one HTTP/1.1 target. */
export function forwardFast(
  pool: H1ConnectionPool,
  target: UpstreamTarget,
  upstream: string,
  proxyName: string,
  request: ForwardRequest,
): Promise<ForwardResult> {
  const { req, res } = request;
  const headers = proxiedHeaders(req, proxyName);
  prepareUpstreamHeaders(headers, req, request, target, false);
  return new Promise<ForwardResult>((resolve, reject) => {
    const exchange = new FastExchange(request, upstream, resolve, reject);
    (res as Carrier)[kFast] = exchange;
    res.once('close', onClientClose);
    try {
      sendRequest(
        pool,
        {
          method: request.method,
          path: request.path,
          headers: headers as Record<string, string | string[] | undefined>,
          authority: target.authority,
          body: request.body !== undefined && request.body.length > 0 ? request.body : null,
          headersTimeoutMs: request.timeoutMs,
          // Idle time between body chunks once the response has started; the route timeout bounds the head only.
          bodyTimeoutMs: Math.max(request.timeoutMs, 30_000),
        },
        exchange,
      );
    } catch (error) {
      // The request could not be serialised safely (header injection guard): nothing was sent.
      exchange.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)));
    }
  });
}
