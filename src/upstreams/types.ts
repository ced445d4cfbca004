import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Canceller } from './canceller.js';

export type ClientRequestLike = IncomingMessage | Http2ServerRequest;
export type ClientResponseLike = ServerResponse | Http2ServerResponse;

export interface HeaderOps {
  /** Set (replacing) on the upstream request. */
  readonly add: Readonly<Record<string, string>>;
  /** Lower-case names removed from the upstream request. */
  readonly remove: readonly string[];
}

/** One proxied exchange, prepared by the pipeline. */
export interface ForwardRequest {
  readonly req: ClientRequestLike;
  readonly res: ClientResponseLike;
  readonly method: string;
  /** Upstream path with query string, already rewritten from the route template. */
  readonly path: string;
  /**
   * The request body when the pipeline already read it (validation, or a GET/DELETE body that must be re-framed).
   * Forwarded with an exact Content-Length. When undefined the client's body (if any) is streamed.
   */
  readonly body: Buffer | undefined;
  /** True when the client's body is still unread and must stream to the upstream (never with `body`). */
  readonly streamBody: boolean;
  readonly headerOps: HeaderOps | undefined;
  /** Time from sending the request until response headers arrive, after which the body streams. */
  readonly timeoutMs: number;
  readonly requestId: string;
  readonly requestIdHeader: string;
}

export interface ForwardResult {
  readonly status: number;
  /** Body bytes written to the client. */
  readonly bytes: number;
}

/**
 * One buffered exchange (an aggregation step): the request is fully built by the caller, the response is read whole
 * into memory and never touches a client response.
 */
export interface UpstreamCall {
  readonly method: string;
  /** Upstream path with query string. */
  readonly path: string;
  /**
   * Request headers (names in any case). Hop-by-hop and framing fields are dropped; `host` / `:authority`,
   * `content-length` and the request id header are set by the upstream.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Sent with an exact Content-Length; undefined (or empty on GET/HEAD/DELETE/OPTIONS) sends no body. */
  readonly body: Buffer | undefined;
  /** Whole-exchange budget: from the call until the last response byte. */
  readonly timeoutMs: number;
  /** Aborting it cancels the exchange (HTTP/1.1: the connection is dropped; HTTP/2: RST_STREAM CANCEL). */
  readonly signal?: AbortSignal | undefined;
  /**
   * The same as `signal` without an EventTarget listener per call, for the request path: the call attaches itself
   * while it runs. Cancelling it rejects with `upstream-unavailable`, its reason as the `cause`.
   */
  readonly canceller?: Canceller | undefined;
  /** A larger response (by Content-Length or by the bytes received) fails with `upstream-bad-response`. */
  readonly maxResponseBytes: number;
  readonly requestId: string;
  readonly requestIdHeader: string;
}

/** The whole upstream response of an {@link UpstreamCall}. */
export interface UpstreamReply {
  readonly status: number;
  /** Lower-case names, hop-by-hop fields and HTTP/2 pseudo-headers removed; `set-cookie` is an array. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/**
 * An HTTP upstream (HTTP/1.1 or HTTP/2). `forward` resolves once the response has been fully relayed.
 * It rejects with a GatewayError (`upstream-unavailable`, `upstream-timeout`) when nothing was sent to the client
 * yet; when the failure comes after response headers went out it aborts the client exchange itself and rejects with
 * a GatewayError whose response is already settled (the caller's problem writer then only aborts).
 */
export interface HttpUpstream {
  readonly name: string;
  readonly protocol: 'http1' | 'http2';
  forward(request: ForwardRequest): Promise<ForwardResult>;
  /**
   * One buffered exchange for aggregation steps: never touches a client response. Resolves with any HTTP status
   * (deciding what counts as success is the caller's business). Rejects with a GatewayError whose detail names the
   * upstream by its configured name only: `upstream-unavailable` (connect failure, connection closed early, or the
   * call cancelled through `signal`, with the signal's reason as `cause`), `upstream-timeout` (no complete response
   * within `timeoutMs`), `upstream-bad-response` (malformed response, or a body over `maxResponseBytes`).
   */
  call(request: UpstreamCall): Promise<UpstreamReply>;
  /** Closes pooled connections and sessions. */
  close(): Promise<void>;
}
