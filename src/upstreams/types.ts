import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

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
 * An HTTP upstream (HTTP/1.1 or HTTP/2). `forward` resolves once the response has been fully relayed.
 * It rejects with a GatewayError (`upstream-unavailable`, `upstream-timeout`) when nothing was sent to the client
 * yet; when the failure comes after response headers went out it aborts the client exchange itself and rejects with
 * a GatewayError whose response is already settled (the caller's problem writer then only aborts).
 */
export interface HttpUpstream {
  readonly name: string;
  readonly protocol: 'http1' | 'http2';
  forward(request: ForwardRequest): Promise<ForwardResult>;
  /** Closes pooled connections and sessions. */
  close(): Promise<void>;
}
