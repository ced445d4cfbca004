import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { ClientRequestLike, ClientResponseLike, ForwardRequest } from '../types.js';

/**
 * Per-request state of one forwarded exchange, and the module-level event handlers that drive the response relay.
 * Handlers find their exchange through a symbol on the emitter instead of closing over it, so a request costs one
 * object and no closures here.
 */

/** The upstream request as http2-proxy drives it: `http.ClientRequest` or http2-wrapper's look-alike. */
export type UpstreamRequest = Writable & { readonly method: string; readonly socket?: unknown };

/** The upstream response: `http.IncomingMessage` or http2-wrapper's (which keeps `:status` in `headers`). */
export type UpstreamResponse = Readable & {
  readonly statusCode?: number | null | undefined;
  headers: IncomingHttpHeaders;
  readonly trailers: IncomingHttpHeaders;
};

export const kExchange = Symbol('protogate.exchange');

/** Anything an exchange is attached to (client request and response, upstream request and response). */
export interface ExchangeCarrier {
  [kExchange]?: Exchange;
}

/** Code of the error an upstream request is destroyed with when its response headers are late. */
export const HEADERS_TIMEOUT_CODE = 'PROTOGATE_HEADERS_TIMEOUT';

export class Exchange {
  readonly request: ForwardRequest;
  readonly http2: boolean;
  upstreamReq: UpstreamRequest | null = null;
  response: UpstreamResponse | null = null;
  timer: NodeJS.Timeout | null = null;
  /** Status relayed to the client (0 until the response head is written). */
  status = 0;
  /** Body bytes written to the client. */
  bytes = 0;
  timedOut = false;
  /** Set when the upstream's response head could not be written to the client. */
  relayError: unknown = undefined;
  /** Names of the upstream headers copied onto the client response before the relay failed. */
  relayedHeaderNames: string[] | undefined = undefined;

  constructor(request: ForwardRequest, http2: boolean) {
    this.request = request;
    this.http2 = http2;
  }

  /** Starts the response-headers timer: `request.timeoutMs` from the moment the whole request was handed over. */
  armTimer(): void {
    if (this.timer === null && this.response === null) {
      this.timer = setTimeout(onHeadersTimeout, this.request.timeoutMs, this);
    }
  }

  clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

/** Attaches `exchange` to the upstream request it created. */
export function attachUpstream(exchange: Exchange, upstreamReq: UpstreamRequest, streamedBody: boolean): void {
  exchange.upstreamReq = upstreamReq;
  (upstreamReq as UpstreamRequest & ExchangeCarrier)[kExchange] = exchange;
  // Always listened to from the start: an error emitted before http2-proxy adds its own listener must not crash
  // the process. http2-proxy reports the same error through its promise.
  upstreamReq.on('error', ignoreError);
  // A streamed upload may legitimately take longer than the headers timeout: the clock starts once it is sent.
  if (streamedBody) upstreamReq.once('finish', onUpstreamFinish);
  else exchange.armTimer();
}

function ignoreError(): void {}

function onUpstreamFinish(this: UpstreamRequest & ExchangeCarrier): void {
  this[kExchange]?.armTimer();
}

function onHeadersTimeout(exchange: Exchange): void {
  exchange.timer = null;
  exchange.timedOut = true;
  const upstreamReq = exchange.upstreamReq;
  if (upstreamReq === null) return;
  const error = Object.assign(new Error('response headers timed out'), { code: HEADERS_TIMEOUT_CODE });
  upstreamReq.destroy(error);
  // A request still queued for a pooled socket only reports its destruction once it gets a socket; report it now
  // so the exchange settles on time (a second report later is ignored by http2-proxy).
  if (upstreamReq.socket === null || upstreamReq.socket === undefined) upstreamReq.emit('error', error);
}

/**
 * http2-proxy's `onRes`: copies status and headers (already stripped of hop-by-hop fields), then relays the body
 * with backpressure both ways, counting bytes, and passes trailers on.
 */
export function relayResponse(req: ClientRequestLike, res: ClientResponseLike, proxyRes: UpstreamResponse): void {
  const exchange = (req as ClientRequestLike & ExchangeCarrier)[kExchange];
  if (exchange === undefined) throw new Error('relayResponse called without an exchange');
  exchange.clearTimer();
  exchange.response = proxyRes;
  const headers = proxyRes.headers;
  // HTTP/2 responses carry the status as a pseudo-header, which is no field of the client's response.
  if (exchange.http2) delete headers[':status'];
  const status = proxyRes.statusCode ?? 0;
  try {
    // Upstream fields replace same-named ones the pipeline set (its request id survives when upstream sends none).
    (res as ServerResponse).writeHead(status, headers as OutgoingHttpHeaders);
  } catch (error) {
    exchange.relayError = error;
    exchange.relayedHeaderNames = Object.keys(headers);
    throw error;
  }
  exchange.status = status;
  (proxyRes as UpstreamResponse & ExchangeCarrier)[kExchange] = exchange;
  (res as ClientResponseLike & ExchangeCarrier)[kExchange] = exchange;
  proxyRes.on('data', onUpstreamData);
  proxyRes.once('end', onUpstreamEnd);
  res.on('drain', onClientDrain);
}

function onUpstreamData(this: UpstreamResponse & ExchangeCarrier, chunk: Buffer): void {
  const exchange = this[kExchange] as Exchange;
  exchange.bytes += chunk.length;
  if (!(exchange.request.res as ServerResponse).write(chunk)) this.pause();
}

function onClientDrain(this: ClientResponseLike & ExchangeCarrier): void {
  this[kExchange]?.response?.resume();
}

function onUpstreamEnd(this: UpstreamResponse & ExchangeCarrier): void {
  const exchange = this[kExchange] as Exchange;
  const res = exchange.request.res as ServerResponse;
  const trailers = this.trailers;
  // Trailers reach an HTTP/1.1 client only on a chunked response (RFC 9112 §7.1.2); node drops them otherwise.
  for (const _ in trailers) {
    res.addTrailers(trailers as OutgoingHttpHeaders);
    break;
  }
  res.end();
}

/** Undoes a partial response head so the caller's problem response is clean; keeps the request id. */
export function undoPartialHead(exchange: Exchange): void {
  const res = exchange.request.res as ServerResponse;
  if (res.headersSent) return;
  for (const name of exchange.relayedHeaderNames ?? []) res.removeHeader(name);
  res.setHeader(exchange.request.requestIdHeader, exchange.request.requestId);
}

/** True when the client response was ended by the relay (false: the client went away first). */
export function responseEnded(res: ClientResponseLike): boolean {
  return res.writableEnded;
}
