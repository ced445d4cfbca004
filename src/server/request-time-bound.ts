/**
 * The whole-request time bound (`limits.requestTimeoutMs`): a client must send its whole request within that time
 * of the request's start, counted in total, not per read, so that a slow client cannot hold a connection or a
 * stream by trickling bytes. HTTP/1.1 keeps node:http's own `requestTimeout`: it is checked once per
 * `connectionsCheckingInterval` against the parser's start-of-message time, so it costs nothing per request and
 * counts from the request line; node:http2 has no such limit, so {@link boundHttp2RequestTime} arms one timer per
 * stream that carries a body.
 *
 * A route whose request body is a stream of messages (gRPC client-streaming and bidi) reads that body for as long as
 * the call lives. Once routed it is exempt ({@link exemptFromRequestTime}): its own limits bound it instead (the
 * stream idle timeout and maximum duration, the deadline of a client-streaming call). The exemption is looked up
 * only when a bound expires, never on the path of an ordinary request. When the route is done
 * ({@link endExemption}) with the body still open (an early answer, a stream limit, a bad line), the bound applies
 * again; if it passed meanwhile, the exchange ends as soon as the answer is out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import http2 from 'node:http2';
import type { Http2ServerRequest, ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { ERROR_CODES } from '../errors/codes.js';
import { bareProblemBody } from '../errors/problem.js';
import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';

/** What the bound is enforced on: the HTTP/1.1 connection or the HTTP/2 stream. */
type BoundTarget = Socket | ServerHttp2Stream;

interface Exemption {
  readonly req: ClientRequestLike;
  /** The bound passed while the request was exempt. */
  expired: boolean;
}

const exemptions = new WeakMap<BoundTarget, Exemption>();

function targetOf(req: ClientRequestLike): BoundTarget {
  const stream = (req as Http2ServerRequest).stream;
  return stream === undefined ? (req as IncomingMessage).socket : stream;
}

/** From now on `req`'s body is bounded by its route's own limits, not by the whole-request time bound. */
export function exemptFromRequestTime(req: ClientRequestLike): void {
  exemptions.set(targetOf(req), { req, expired: false });
}

/**
 * The bound expired on `target`: true when its request is exempt (the expiry is then only recorded and nothing is
 * to be done); false when the bound applies.
 */
export function expiredWhileExempt(target: BoundTarget): boolean {
  const exemption = exemptions.get(target);
  // On HTTP/1.1 an exempt request whose body is complete is over: the timeout is that of the next request.
  if (exemption === undefined || exemption.req.complete) return false;
  exemption.expired = true;
  return true;
}

/**
 * The route of an exempt request is done and has answered (or the client is gone). A body still open is bounded
 * again: when the bound passed during the exemption, the rest of the body is not waited for. HTTP/1.1 closes the
 * connection once the answer is out; HTTP/2 resets the stream with NO_ERROR after the complete response (RFC 9113
 * §8.1: "a server MAY request that the client abort transmission of a request without error").
 */
export function endExemption(req: ClientRequestLike, res: ClientResponseLike): void {
  const target = targetOf(req);
  const exemption = exemptions.get(target);
  // HTTP/1.1 pipelining: a later exempt request on the same connection owns the entry now.
  if (exemption?.req !== req) return;
  exemptions.delete(target);
  if (!exemption.expired || req.complete) return;
  const stream = (req as Http2ServerRequest).stream;
  if (stream !== undefined) {
    const reset = (): void => stream.close(http2.constants.NGHTTP2_NO_ERROR);
    if (stream.writableFinished) reset();
    else stream.once('finish', reset);
    return;
  }
  const socket = target as Socket;
  // As node:http closes after a `Connection: close` answer: end, then destroy once everything is written.
  const close = (): void => void socket.end(() => socket.destroy());
  const response = res as ServerResponse;
  if (response.writableFinished) close();
  else response.once('finish', close);
}

/**
 * node:http2 does not bound how long a client may take to send a request, so a client could trickle a body
 * forever. The whole request must arrive within `timeoutMs` of the stream's start: otherwise (unless exempt) it gets
 * a 408 problem when nothing was answered yet, and the stream is closed.
 */
export function boundHttp2RequestTime(stream: ServerHttp2Stream, timeoutMs: number): void {
  if (stream.endAfterHeaders) return;
  const timer = setTimeout(onHttp2RequestTimeout, timeoutMs, stream);
  const clear = (): void => clearTimeout(timer);
  stream.once('end', clear);
  stream.once('close', clear);
}

function onHttp2RequestTimeout(stream: ServerHttp2Stream): void {
  if (stream.destroyed || expiredWhileExempt(stream)) return;
  if (!stream.headersSent) {
    const body = bareProblemBody('request-timeout');
    stream.respond({ ':status': ERROR_CODES['request-timeout'].status, 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    stream.end(body, () => stream.close(http2.constants.NGHTTP2_NO_ERROR));
    return;
  }
  stream.close(http2.constants.NGHTTP2_CANCEL);
}
