import type { ConnectionUser, ConnectionWaiter, H1Connection, H1ConnectionPool } from './connection-pool.js';
import { H1_BODY_TIMEOUT_CODE, H1_HEADERS_TIMEOUT_CODE, H1_SOCKET_CLOSED_CODE, H1Error, type H1ParseError } from './errors.js';
import type { ResponseHeaders } from './fields.js';
import { serializeHead } from './request-head.js';
import type { ResponseParserSink } from './response-parser.js';

/** Control over one exchange, handed to every {@link ResponseHandler} callback (the shape of undici's). */
export interface RequestController {
  /** Destroys the connection (never reused) and reports `reason` through `onResponseError`, once. */
  abort(reason: Error): void;
  /** Stops reading the response (backpressure): the socket is paused, no `onResponseData` until `resume`. */
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
}

/**
 * Receives one exchange. After `onResponseEnd` or `onResponseError` (each at most once, never both) nothing more
 * is called. A callback that throws aborts the exchange with the thrown error.
 */
export interface ResponseHandler {
  /** Called synchronously from {@link sendRequest}, before any I/O: keep the controller to abort later. */
  onRequestStart?(controller: RequestController): void;
  /** The final response head; 1xx interim responses are skipped. */
  onResponseStart(controller: RequestController, statusCode: number, headers: ResponseHeaders): void;
  onResponseData(controller: RequestController, chunk: Buffer): void;
  onResponseEnd(controller: RequestController, trailers: ResponseHeaders): void;
  onResponseError(controller: RequestController, error: Error): void;
}

/** One request; the body is always fully buffered (never chunked). */
export interface SendOptions {
  readonly method: string;
  /** origin-form request target with query, or `*` (RFC 9112 §3.2). */
  readonly path: string;
  /** Lower-case names. `content-length` and `transfer-encoding` are ignored: framing is ours. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** For `Host` when `headers` has none (RFC 9112 §3.2). */
  readonly authority: string;
  readonly body: Buffer | null;
  /** From writing the request until the final response head is complete. */
  readonly headersTimeoutMs: number;
  /** Longest pause between body bytes while reading (not while paused). */
  readonly bodyTimeoutMs: number;
}

/** Requests a client may retry after a connection failure (RFC 9110 §9.2.2, RFC 9112 §9.3.1). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Socket errors that show a kept-alive connection had been closed by the server when we wrote. */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** Bodies up to this size go out in the same buffer as the head: one write, one segment. */
const COPY_BODY_LIMIT = 65_536;

const P_WAITING = 0;
const P_HEAD = 1;
const P_BODY = 2;

/**
 * Sends one request over `pool` and reports the response to `handler`. Throws (before anything is sent) when the
 * method, path or a header cannot be serialised safely: CR, LF, NUL or other CTLs would allow header injection.
 * A request on a reused connection that fails before any response byte, with ECONNRESET/EPIPE/EOF, is retried once
 * on a new connection when its method is idempotent.
 */
export function sendRequest(pool: H1ConnectionPool, options: SendOptions, handler: ResponseHandler): void {
  const head = serializeHead(options.method, options.path, options.headers, options.authority, options.body);
  const exchange = new H1Exchange(pool, options, head, handler);
  handler.onRequestStart?.(exchange);
  if (!exchange.aborted) exchange.begin();
}

/** One exchange: waiter for a connection, user of its socket, sink of its parser and controller for the handler. */
class H1Exchange implements ConnectionWaiter, ConnectionUser, ResponseParserSink, RequestController {
  readonly #pool: H1ConnectionPool;
  readonly #head: string;
  readonly #body: Buffer | null;
  readonly #handler: ResponseHandler;
  readonly #expectBody: boolean;
  readonly #idempotent: boolean;
  readonly #headersTimeoutMs: number;
  readonly #bodyTimeoutMs: number;
  #connection: H1Connection | null = null;
  #phase = P_WAITING;
  #done = false;
  #aborted = false;
  #paused = false;
  #reused = false;
  #retried = false;
  #receivedAny = false;
  #eof = false;
  #parsing = false;
  #ended = false;
  #reusable = false;
  #trailers: ResponseHeaders | null = null;
  #timer: NodeJS.Timeout | undefined;
  #lastActivity = 0;

  constructor(pool: H1ConnectionPool, options: SendOptions, head: string, handler: ResponseHandler) {
    this.#pool = pool;
    this.#head = head;
    this.#body = options.body !== null && options.body.length > 0 ? options.body : null;
    this.#handler = handler;
    this.#expectBody = options.method !== 'HEAD';
    this.#idempotent = IDEMPOTENT.has(options.method);
    this.#headersTimeoutMs = options.headersTimeoutMs;
    this.#bodyTimeoutMs = options.bodyTimeoutMs;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  abort(reason: Error): void {
    if (this.#done) return;
    this.#aborted = true;
    this.#fail(reason);
  }

  pause(): void {
    if (this.#done || this.#paused) return;
    this.#paused = true;
    const connection = this.#connection;
    if (connection !== null) {
      connection.parser.pause();
      connection.socket.pause();
    }
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const connection = this.#connection;
    if (this.#done || connection === null) return;
    this.#lastActivity = performance.now();
    if (this.#parsing) {
      connection.parser.resume(); // re-entrant call from a callback: the running parse continues
      return;
    }
    this.#parse(connection, null);
    if (!this.#paused && !this.#done) connection.socket.resume();
  }

  /**
   * Starts the head timer, then waits for a connection. The route's timeout covers the wait for a pooled
   * connection and the connect too: a full pool in front of a stuck upstream must not queue requests forever.
   */
  begin(): void {
    this.#arm(this.#headersTimeoutMs);
    this.#pool.acquire(this);
  }

  // --- ConnectionWaiter ---

  onConnection(connection: H1Connection, reused: boolean): void {
    if (this.#done) {
      this.#pool.release(connection); // aborted while connecting: the socket is clean
      return;
    }
    this.#connection = connection;
    this.#reused = reused;
    connection.user = this;
    connection.parser.start(this, this.#expectBody);
    this.#phase = P_HEAD;
    this.#write(connection);
  }

  onConnectionError(error: Error): void {
    this.#fail(error);
  }

  // --- ConnectionUser ---

  onConnectionData(data: Buffer): void {
    if (this.#done) return;
    this.#receivedAny = true;
    this.#parse(this.#connection as H1Connection, data);
  }

  onConnectionEnd(): void {
    if (this.#done) return;
    this.#eof = true;
    if (this.#phase !== P_BODY) this.#closedEarly(undefined);
    else this.#parse(this.#connection as H1Connection, undefined);
  }

  onConnectionClose(error: Error | undefined): void {
    if (this.#done) return;
    if (this.#phase !== P_BODY) this.#closedEarly(error);
    // After EOF the parser has every byte and settles on its own (it may hold some while paused).
    else if (!this.#eof) this.#fail(error ?? new H1Error(H1_SOCKET_CLOSED_CODE, 'the upstream closed the connection mid-response'));
  }

  // --- ResponseParserSink ---

  onHead(status: number, headers: ResponseHeaders): void {
    if (this.#done) return;
    this.#phase = P_BODY;
    this.#clearTimer();
    this.#handler.onResponseStart(this, status, headers);
  }

  onBody(chunk: Buffer): void {
    if (this.#done) return;
    if (this.#timer !== undefined) this.#lastActivity = performance.now();
    this.#handler.onResponseData(this, chunk);
  }

  onEnd(trailers: ResponseHeaders): void {
    this.#ended = true;
    this.#trailers = trailers;
    this.#reusable = (this.#connection as H1Connection).parser.keepAlive;
  }

  onError(error: H1ParseError): void {
    if (this.#ended) this.#reusable = false; // bytes after a complete response: keep it, close the socket
    else this.#fail(error);
  }

  // --- internals ---

  /** Feeds the parser (`data`), signals EOF (`undefined`) or resumes it (`null`), then settles a completed response. */
  #parse(connection: H1Connection, data: Buffer | null | undefined): void {
    const parser = connection.parser;
    this.#parsing = true;
    try {
      if (data === undefined) parser.finish();
      else if (data === null) parser.resume();
      else parser.execute(data);
    } catch (error) {
      this.#parsing = false;
      this.abort(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#parsing = false;
    if (this.#done) return;
    if (this.#ended) {
      this.#done = true;
      this.#clearTimer();
      this.#connection = null;
      if (this.#reusable && !this.#eof) this.#pool.release(connection);
      else this.#pool.destroy(connection);
      this.#handler.onResponseEnd(this, this.#trailers as ResponseHeaders);
    } else if (this.#phase === P_BODY && this.#timer === undefined) {
      this.#lastActivity = performance.now();
      this.#arm(this.#bodyTimeoutMs);
    }
  }

  /** The connection ended before a response head: retry a stale keep-alive socket once, or fail. */
  #closedEarly(error: Error | undefined): void {
    const connection = this.#connection;
    const stale = error === undefined || STALE_CODES.has((error as { code?: string }).code ?? '');
    if (connection !== null && stale && this.#reused && !this.#receivedAny && this.#idempotent && !this.#retried) {
      this.#retried = true;
      this.#connection = null;
      this.#eof = false;
      this.#phase = P_WAITING;
      this.#clearTimer();
      connection.parser.stop();
      this.#pool.retry(connection, this);
      return;
    }
    this.#fail(
      error ?? new H1Error(H1_SOCKET_CLOSED_CODE, 'the upstream closed the connection before the response head'),
    );
  }

  #fail(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#clearTimer();
    const connection = this.#connection;
    if (connection !== null) {
      this.#connection = null;
      connection.parser.stop();
      this.#pool.destroy(connection);
    } else {
      this.#pool.cancel(this);
    }
    this.#handler.onResponseError(this, error);
  }

  #write(connection: H1Connection): void {
    const socket = connection.socket;
    const head = this.#head;
    const body = this.#body;
    if (body === null) {
      socket.write(head, 'latin1');
    } else if (body.length <= COPY_BODY_LIMIT) {
      // One buffer, one write: the head's length in bytes is its length in chars (latin1, validated).
      const buffer = Buffer.allocUnsafe(head.length + body.length);
      buffer.write(head, 0, 'latin1');
      body.copy(buffer, head.length);
      socket.write(buffer);
    } else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(H1Exchange.#onTimer, ms, this);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  static #onTimer(exchange: H1Exchange): void {
    exchange.#timer = undefined;
    if (exchange.#done) return;
    if (exchange.#phase !== P_BODY) {
      const ms = exchange.#headersTimeoutMs;
      exchange.#fail(new H1Error(H1_HEADERS_TIMEOUT_CODE, `no response head within ${ms} ms`));
      return;
    }
    const limit = exchange.#bodyTimeoutMs;
    // A paused exchange waits for its consumer, not for the upstream: the idle clock starts again on resume.
    const idle = exchange.#paused ? 0 : performance.now() - exchange.#lastActivity;
    if (idle < limit) exchange.#arm(limit - idle);
    else exchange.#fail(new H1Error(H1_BODY_TIMEOUT_CODE, `no response body bytes for ${limit} ms`));
  }
}
