import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, IncomingHttpStatusHeader, OutgoingHttpHeaders } from 'node:http2';
import type { GatewayError } from '../../errors/gateway-error.js';
import type { Cancellable } from '../canceller.js';
import type { UpstreamCall, UpstreamReply } from '../types.js';
import { sendRequest, type RequestController, type ResponseHandler } from './h1/client.js';
import { HOP_BY_HOP } from './hop-by-hop.js';
import type { H1ConnectionPool } from './h1/connection-pool.js';
import {
  H1_BAD_RESPONSE_CODE,
  H1_BODY_TIMEOUT_CODE,
  H1_HEADERS_TIMEOUT_CODE,
  H1_INVALID_REQUEST_CODE,
  H1Error,
  H1ParseError,
} from './h1/errors.js';
import { createFieldMap, isSafeFieldValue, isToken, type ResponseHeaders } from './h1/fields.js';
import type { H2SessionPool } from './h2-session-pool.js';
import type { UpstreamTarget } from './targets.js';
import {
  brokenResponseError,
  cancelledCallError,
  connectionError,
  errorCode,
  headersTimeoutError,
  invalidCallError,
  malformedResponseError,
  responseTooLargeError,
} from './upstream-errors.js';
import { PAYLOAD_METHODS } from './method-semantics.js';

/**
 * `HttpUpstream.call`: one buffered exchange for aggregation steps. HTTP/1.1 goes through our own client and the
 * fast path's connection pool, HTTP/2 opens a stream on the pooled session directly (no http2-wrapper, no
 * http2-proxy: nothing is relayed). One timer bounds the whole exchange, including the wait for a connection.
 */

/** Hop-by-hop fields and the ones framing owns; the caller's value is never sent. */
const DROPPED = new Set([
  ...HOP_BY_HOP,
  'content-length',
  // Nobody answers 100-continue for us: the body goes out with the head.
  'expect',
]);
/** Hop-by-hop fields removed from a reply. */
const REPLY_DROPPED = HOP_BY_HOP;
/** node:http2 errors thrown by `session.request` for headers it refuses to send (nothing was sent). */
const H2_INVALID_HEADER_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP2_INVALID_HEADER_VALUE',
  'ERR_HTTP2_INVALID_CONNECTION_HEADERS',
  'ERR_HTTP2_HEADER_SINGLE_VALUE',
  'ERR_HTTP2_INVALID_PSEUDOHEADER',
]);

/** Lower-cased caller headers minus {@link DROPPED}, plus the request id; `host` defaults to the target. */
function callHeaders(request: UpstreamCall, target: UpstreamTarget): Record<string, string> {
  const headers = createFieldMap() as Record<string, string>;
  const source = request.headers;
  for (const name in source) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower) || lower.charCodeAt(0) === 58 /* ':' */) continue;
    headers[lower] = source[name] as string;
  }
  headers[request.requestIdHeader.toLowerCase()] = request.requestId;
  headers.host ??= target.authority;
  return headers;
}

/** True when a declared Content-Length is already over the limit (an invalid one is the parser's business). */
function declaredTooLarge(headers: Readonly<Record<string, string | string[] | undefined>>, max: number): boolean {
  const length = headers['content-length'];
  return typeof length === 'string' && Number(length) > max;
}

/** State shared by both protocols: settle once, one timer, the caller's signal or canceller. */
abstract class BufferedCall implements Cancellable {
  protected readonly upstream: string;
  protected readonly request: UpstreamCall;
  protected status = 0;
  protected headers: Record<string, string | string[]> = {};
  protected started = false;
  protected settled = false;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #resolve: (reply: UpstreamReply) => void = noop;
  #reject: (error: GatewayError) => void = noop;
  #timer: NodeJS.Timeout | undefined;

  constructor(upstream: string, request: UpstreamCall) {
    this.upstream = upstream;
    this.request = request;
  }

  /** Starts the exchange; the promise settles exactly once. */
  run(): Promise<UpstreamReply> {
    return new Promise<UpstreamReply>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const { signal, canceller } = this.request;
      if (signal?.aborted === true) {
        this.fail(cancelledCallError(this.upstream, signal.reason));
        return;
      }
      if (canceller?.cancelled === true) {
        this.fail(cancelledCallError(this.upstream, canceller.reason));
        return;
      }
      // The call itself is the listener (handleEvent): no closure per call.
      signal?.addEventListener('abort', this, { once: true });
      if (canceller !== undefined) canceller.target = this;
      this.#timer = setTimeout(() => this.cancel(headersTimeoutError(this.upstream, this.request.timeoutMs)), this.request.timeoutMs);
      this.begin();
    });
  }

  /** The request's signal was aborted or its {@link Canceller} fired. */
  handleEvent(): void {
    const { signal, canceller } = this.request;
    this.cancel(cancelledCallError(this.upstream, canceller?.cancelled === true ? canceller.reason : signal?.reason));
  }

  /** Sends the request; failures go to {@link fail}. */
  protected abstract begin(): void;
  /** Stops the exchange on the wire, then fails with `error`. */
  protected abstract cancel(error: GatewayError): void;

  protected head(status: number, headers: Record<string, string | string[]>): boolean {
    this.started = true;
    this.status = status;
    for (const name of REPLY_DROPPED) delete headers[name];
    this.headers = headers;
    if (!declaredTooLarge(headers, this.request.maxResponseBytes)) return true;
    this.cancel(responseTooLargeError(this.upstream, this.request.maxResponseBytes));
    return false;
  }

  protected data(chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.request.maxResponseBytes) {
      this.cancel(responseTooLargeError(this.upstream, this.request.maxResponseBytes));
      return;
    }
    this.#chunks.push(chunk);
  }

  protected succeed(): void {
    if (this.settled) return;
    this.#finish();
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#size);
    this.#resolve({ status: this.status, headers: this.headers, body });
  }

  protected fail(error: GatewayError): void {
    if (this.settled) return;
    this.#finish();
    this.#reject(error);
  }

  #finish(): void {
    this.settled = true;
    clearTimeout(this.#timer);
    this.request.signal?.removeEventListener('abort', this);
    const canceller = this.request.canceller;
    if (canceller !== undefined && canceller.target === this) canceller.target = undefined;
  }
}

function noop(): void {}

/** HTTP/1.1 over the fast path's pool. */
class H1BufferedCall extends BufferedCall implements ResponseHandler {
  readonly #pool: H1ConnectionPool;
  readonly #target: UpstreamTarget;
  #controller: RequestController | undefined;
  /** Set before aborting the controller, so the error it reports back is ours. */
  #failure: GatewayError | undefined;

  constructor(pool: H1ConnectionPool, target: UpstreamTarget, upstream: string, request: UpstreamCall) {
    super(upstream, request);
    this.#pool = pool;
    this.#target = target;
  }

  protected begin(): void {
    const request = this.request;
    const body = request.body !== undefined && request.body.length > 0 ? request.body : null;
    try {
      sendRequest(
        this.#pool,
        {
          method: request.method,
          path: request.path,
          headers: callHeaders(request, this.#target),
          authority: this.#target.authority,
          body,
          // Our own timer bounds the whole exchange; the client's are only a backstop with the same budget.
          headersTimeoutMs: request.timeoutMs,
          bodyTimeoutMs: request.timeoutMs,
        },
        this,
      );
    } catch (error) {
      this.fail(errorCode(error) === H1_INVALID_REQUEST_CODE ? invalidCallError(this.upstream, error) : connectionError(this.upstream, error));
    }
  }

  protected cancel(error: GatewayError): void {
    if (this.settled) return;
    if (this.#controller === undefined) {
      this.fail(error);
      return;
    }
    this.#failure = error;
    // Reported back synchronously through onResponseError; the connection is destroyed, never reused.
    this.#controller.abort(error);
  }

  onRequestStart(controller: RequestController): void {
    this.#controller = controller;
  }

  onResponseStart(_controller: RequestController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode >= 200) this.head(statusCode, headers);
  }

  onResponseData(_controller: RequestController, chunk: Buffer): void {
    this.data(chunk);
  }

  onResponseEnd(): void {
    this.succeed();
  }

  onResponseError(_controller: RequestController | undefined, error: Error): void {
    if (this.#failure !== undefined) {
      this.fail(this.#failure);
      return;
    }
    const code = errorCode(error);
    if (code === H1_HEADERS_TIMEOUT_CODE || code === H1_BODY_TIMEOUT_CODE) this.fail(headersTimeoutError(this.upstream, this.request.timeoutMs));
    // EOF in the middle of the body is reported by the parser, but it is a broken transfer, not a malformed head.
    else if (error instanceof H1ParseError && error.reason === 'incomplete-response' && this.started) this.fail(brokenResponseError(this.upstream, error));
    else if (code === H1_BAD_RESPONSE_CODE) this.fail(malformedResponseError(this.upstream, error));
    else if (this.started) this.fail(brokenResponseError(this.upstream, error));
    else this.fail(connectionError(this.upstream, error));
  }
}

/** HTTP/2: one stream on a pooled session. */
class H2BufferedCall extends BufferedCall {
  readonly #pool: H2SessionPool;
  readonly #target: UpstreamTarget;
  #stream: ClientHttp2Stream | undefined;

  constructor(pool: H2SessionPool, target: UpstreamTarget, upstream: string, request: UpstreamCall) {
    super(upstream, request);
    this.#pool = pool;
    this.#target = target;
  }

  protected begin(): void {
    let session: ClientHttp2Session | Promise<ClientHttp2Session>;
    try {
      session = this.#pool.acquire();
    } catch (error) {
      this.fail(connectionError(this.upstream, error));
      return;
    }
    if (session instanceof Promise) {
      session.then(
        (ready) => this.#open(ready),
        (error: unknown) => this.fail(connectionError(this.upstream, error)),
      );
    } else {
      this.#open(session);
    }
  }

  protected cancel(error: GatewayError): void {
    if (this.settled) return;
    const stream = this.#stream;
    // RST_STREAM CANCEL (RFC 9113 §8.7): the upstream learns the answer is no longer wanted; the session lives on.
    if (stream !== undefined && !stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
    this.fail(error);
  }

  #open(session: ClientHttp2Session): void {
    if (this.settled) return; // timed out or cancelled while the session was connecting
    const request = this.request;
    const body = request.body !== undefined && request.body.length > 0 ? request.body : undefined;
    const fields = callHeaders(request, this.#target);
    // node:http2 sends CR, LF or NUL in a value as is; they are as forbidden in HTTP/2 as in HTTP/1.1 (RFC 9113
    // §8.2.1), and the HTTP/1.1 client refuses them, so both protocols refuse the same requests.
    const invalid = invalidField(request, fields);
    if (invalid !== undefined) {
      this.fail(invalidCallError(this.upstream, new H1Error(H1_INVALID_REQUEST_CODE, invalid)));
      return;
    }
    const headers: OutgoingHttpHeaders = fields;
    // Connection-specific fields are gone already (RFC 9113 §8.2.2); `host` becomes `:authority` (§8.3.1).
    headers[':authority'] = headers.host;
    delete headers.host;
    headers[':method'] = request.method;
    headers[':path'] = request.path;
    if (body !== undefined) headers['content-length'] = body.length;
    else if (PAYLOAD_METHODS.has(request.method)) headers['content-length'] = 0;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: body === undefined });
    } catch (error) {
      const code = errorCode(error);
      this.fail(H2_INVALID_HEADER_CODES.has(code) ? invalidCallError(this.upstream, error) : connectionError(this.upstream, error));
      return;
    }
    this.#stream = stream;
    stream.once('response', (received: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
      if (this.settled) return;
      const status = Number(received[':status']);
      const replyHeaders: Record<string, string | string[]> = createFieldMap();
      for (const name in received) {
        const value = received[name];
        if (name.charCodeAt(0) !== 58 /* ':' */ && value !== undefined) replyHeaders[name] = value;
      }
      this.head(status, replyHeaders);
    });
    stream.on('data', (chunk: Buffer) => {
      if (!this.settled) this.data(chunk);
    });
    stream.once('end', () => this.succeed());
    // Always listened to: a stream error must never be unhandled, even after we settled.
    stream.on('error', (error: Error) => this.#streamFailed(error));
    stream.once('close', () => {
      // Reset by the peer without an error event, or closed before the body ended.
      if (!this.settled) this.#streamFailed(Object.assign(new Error(`stream closed (${stream.rstCode})`), { code: 'ERR_HTTP2_STREAM_ERROR' }));
    });
    if (body !== undefined) stream.end(body);
  }

  #streamFailed(error: Error): void {
    if (this.settled) return;
    this.fail(this.started ? brokenResponseError(this.upstream, error) : connectionError(this.upstream, error));
  }
}

/** Why the request cannot be sent as is, or undefined (the checks of the HTTP/1.1 serialiser). */
function invalidField(request: UpstreamCall, fields: Record<string, string>): string | undefined {
  if (!isToken(request.method)) return 'invalid request method';
  const path = request.path;
  if (path.length === 0) return 'empty request target';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 32 || c === 127 || c > 255) return 'invalid character in the request target';
  }
  for (const name in fields) {
    if (!isToken(name)) return `invalid header name "${name}"`;
    if (!isSafeFieldValue(fields[name] as string)) return `invalid value of header "${name}"`;
  }
  return undefined;
}

/** A buffered call over an HTTP/1.1 target. See `HttpUpstream.call` for the contract. */
export function callHttp1(pool: H1ConnectionPool, target: UpstreamTarget, upstream: string, request: UpstreamCall): Promise<UpstreamReply> {
  return new H1BufferedCall(pool, target, upstream, request).run();
}

/** A buffered call over an HTTP/2 target. See `HttpUpstream.call` for the contract. */
export function callHttp2(pool: H2SessionPool, target: UpstreamTarget, upstream: string, request: UpstreamCall): Promise<UpstreamReply> {
  return new H2BufferedCall(pool, target, upstream, request).run();
}
