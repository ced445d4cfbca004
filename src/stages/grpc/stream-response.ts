/**
 * The answer of a method with a streamed response (server-streaming and bidi), flushed message by message.
 *
 * Format: a response message that is a google.api.HttpBody (or whose `response_body` field is one) → its `data`
 * raw, one chunk per message, with the `content_type` of the first message as Content-Type, no delimiters (as
 * grpc-gateway writes HttpBody streams); otherwise by `Accept`: `text/event-stream` (with a non-zero q) →
 * Server-Sent Events, one event per message (`data: <json>\n\n`); anything else → NDJSON (`application/x-ndjson`),
 * one JSON value per line (`<json>\n`). Each JSON message is the response message (or its `response_body` field)
 * in the proto3 JSON mapping, as for unary.
 *
 * The response headers are held until the first message or the final status:
 * - a stream that fails before its first message is answered as a unary failure would be: a problem+json with the
 *   HTTP status of the gRPC table (e.g. NOT_FOUND → 404), `grpcCode`, `grpcMessage`, details, metadata headers;
 * - a stream that ends OK without any message is a 200 with an empty body;
 * - after the first message (200, allowed header metadata as `Grpc-Metadata-*` headers) every message is written as
 *   it arrives, and a non-OK status is reported IN-BAND, then the response ends cleanly:
 *
 *     NDJSON: {"error":{"type":"urn:protogate:problem:upstream-grpc-status","status":409,"grpcCode":"ABORTED","grpcMessage":"watch interrupted"}}
 *     SSE:    event: error
 *             data: {"type":"urn:protogate:problem:upstream-grpc-status","status":409,"grpcCode":"ABORTED","grpcMessage":"watch interrupted"}
 *
 *   `status` is the HTTP status the gRPC code maps to; `details` (google.rpc.Status details in JSON) is added when
 *   the upstream sent any. A client sees a complete stream by the absence of such an error line/event.
 *   A raw HttpBody stream has no room for an in-band error: it is aborted instead (HTTP/1.1: the connection is
 *   closed before the final chunk; HTTP/2: RST_STREAM), so that a truncated download never looks complete.
 * - the gateway itself may end a bidi stream early ({@link StreamResponder.fail}, a bad request line): the same
 *   rules, with the problem's `type`, `status`, `detail` and `errors` as the in-band object.
 *
 * Lifetime (stream-timers.ts): the route timeout bounds the time to the first message; `streamIdleTimeoutMs` (no
 * message either way) and `maxStreamDurationMs` end the stream later. Each ends it as an upstream DEADLINE_EXCEEDED
 * would: a 504 problem before the first message, the in-band error object after it (`grpcMessage` saying which
 * limit). A client `grpc-timeout` is the deadline of the whole stream (capped by `maxStreamDurationMs`). SSE
 * responses get a `: keepalive` comment after `sseHeartbeatMs` without a write.
 *
 * Trailer metadata allowed by `grpc.responseMetadata`: on a problem (stream failed before its first message) and on
 * an empty stream it goes out as `Grpc-Metadata-*` headers, like header metadata. After the first message the
 * headers are gone: it goes out as HTTP trailers with the same names when the client sent `TE: trailers` (RFC 9110
 * §10.1.4: it will not discard trailer fields) over HTTP/2 or HTTP/1.1 (whose streamed responses are chunked),
 * else it is left out, as it is for raw HttpBody streams ending in error (aborted).
 *
 * The client going away cancels the call. Backpressure: when the client connection is full, reading from the
 * upstream pauses until it drains. HEAD: the headers of the first message (or the problem), no body; the call is
 * then cancelled.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { GatewayError } from '../../errors/gateway-error.js';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { ServerStreamCall, ServerStreamHandler } from '../../grpc/client/index.js';
import { EMPTY_METADATA, type GrpcMetadata } from '../../grpc/client/wire.js';
import { responseMetadataHeaders, type MetadataRules } from '../../grpc/metadata-rules.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { ClientRequestLike } from '../../upstreams/types.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { DEFAULT_CONTENT_TYPE, httpBodyOf } from './http-body.js';
import { responseJson } from './message-response.js';
import { inBandProblem, inBandStatus, statusProblem } from './status-problem.js';
import { startStreamTimers, type StreamTimings } from './stream-timers.js';

/** The response side of a streamed call, wired to the client's response. */
export interface StreamResponder {
  /** The call's handler: headers, messages and the final status go to the client as described above. */
  readonly handler: ServerStreamHandler;
  /** The call's signal: aborted when the client goes away, or when the response ends before the call does. */
  readonly signal: AbortSignal;
  /** The call, once started, for backpressure (`resume` after the client connection drains). */
  attach(call: ServerStreamCall): void;
  /** Ends the response for a reason of the gateway's own and cancels the call (see the module comment). */
  fail(error: GatewayError): void;
  /** A request message went upstream (bidi): the stream is not idle. */
  activity(): void;
  /** Settles when the response is complete; rejects with the problem to answer (or to abort with, once started). */
  readonly done: Promise<void>;
}

type Format = 'raw' | 'sse' | 'ndjson';

/**
 * Wires a streamed response for `ctx`; its timers start now. Call {@link StreamResponder.attach} with the call
 * started on its handler.
 */
export function createStreamResponder(ctx: RequestContext, grpc: GrpcRoute, timings: StreamTimings): StreamResponder {
  const { upstream, responseType, binding } = grpc;
  const res = ctx.res as ServerResponse;
  const format: Format = grpc.responseHttpBody ? 'raw' : acceptsEventStream(ctx.req.headers.accept) ? 'sse' : 'ndjson';
  const head = ctx.method === 'HEAD';
  const trailers = !head && acceptsTrailers(ctx.req);
  const abort = new AbortController();
  let call: ServerStreamCall | undefined;
  let headerMetadata: GrpcMetadata = EMPTY_METADATA;
  let started = false;
  let finished = false;
  let resolve: () => void = noop;
  let reject: (error: GatewayError) => void = noop;
  const done = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  const onClientGone = (): void => abort.abort();
  ctx.res.once('close', onClientGone);
  const timers = startStreamTimers(timings, {
    expire(message) {
      finishWith(GrpcStatus.DEADLINE_EXCEEDED, message, EMPTY_METADATA, undefined);
      abort.abort();
    },
    heartbeat() {
      // A comment line (WHATWG HTML, "Server-sent events"): ignored by EventSource, seen by every proxy.
      if (finished || res.destroyed || res.writableNeedDrain) return;
      ctx.bytesOut += HEARTBEAT.length;
      res.write(HEARTBEAT);
    },
  });

  /**
   * Sends the 200 headers. `endedWith`: the trailer metadata of a stream that ended without a message, which then
   * goes out with the header metadata; otherwise messages follow, and trailer fields may too.
   */
  const startResponse = (contentType: string, endedWith?: GrpcMetadata): void => {
    started = true;
    timers.started(format === 'sse' && !head);
    const headers: OutgoingHttpHeaders = {
      ...responseMetadataHeaders(headerMetadata, endedWith ?? EMPTY_METADATA, grpc.metadata),
      'content-type': contentType,
      'cache-control': 'no-cache',
    };
    const announced = trailers && endedWith === undefined ? trailerNames(grpc.metadata) : undefined;
    if (announced !== undefined) headers['trailer'] = announced;
    res.writeHead(200, headers);
  };
  const close = (): void => {
    finished = true;
    timers.stop();
    ctx.res.off('close', onClientGone);
  };
  /** Relays allowed trailer metadata as HTTP trailers, when the client takes them (see the module comment). */
  const addTrailers = (trailerMetadata: GrpcMetadata): void => {
    if (!trailers || res.destroyed) return;
    const fields = responseMetadataHeaders(EMPTY_METADATA, trailerMetadata, grpc.metadata);
    if (fields !== undefined) res.addTrailers(fields);
  };
  /** The bytes to write for one message, and the Content-Type the first one sets. */
  const render = (bytes: Uint8Array): { chunk: string | Uint8Array; contentType: string } => {
    const message = responseType.decode(bytes);
    if (format === 'raw') {
      const body = httpBodyOf(message, binding.responseBody);
      return { chunk: body.data, contentType: body.contentType === '' ? DEFAULT_CONTENT_TYPE : body.contentType };
    }
    const text = JSON.stringify(responseJson(grpc, message));
    return format === 'sse' ? { chunk: `data: ${text}\n\n`, contentType: 'text/event-stream' } : { chunk: `${text}\n`, contentType: 'application/x-ndjson' };
  };
  const writeInBand = (problem: Record<string, unknown>): void => {
    const chunk = format === 'sse' ? `event: error\ndata: ${JSON.stringify(problem)}\n\n` : `${JSON.stringify({ error: problem })}\n`;
    ctx.bytesOut += Buffer.byteLength(chunk);
    res.write(chunk);
  };

  function finishWith(status: number, message: string, trailerMetadata: GrpcMetadata, details: Buffer | undefined): void {
    if (finished) return;
    close();
    if (!started) {
      if (status === GrpcStatus.OK) {
        startResponse(format === 'raw' ? DEFAULT_CONTENT_TYPE : format === 'sse' ? 'text/event-stream' : 'application/x-ndjson', trailerMetadata);
        res.end();
        resolve();
      } else {
        reject(statusProblem(upstream.name, status, message, details, responseMetadataHeaders(headerMetadata, trailerMetadata, grpc.metadata)));
      }
      return;
    }
    if (status !== GrpcStatus.OK) {
      if (format === 'raw') return reject(statusProblem(upstream.name, status, message, details, undefined));
      if (!res.destroyed) writeInBand(inBandStatus(status, message, details));
    }
    addTrailers(trailerMetadata);
    res.end();
    resolve();
  }

  const handler: ServerStreamHandler = {
    onHeaders(metadata) {
      headerMetadata = metadata;
    },
    onMessage(bytes) {
      if (finished) return;
      timers.activity();
      let rendered: { chunk: string | Uint8Array; contentType: string };
      try {
        rendered = render(bytes);
      } catch (error) {
        // An undecodable message ends the call: INTERNAL, reported like any upstream status.
        finishWith(GrpcStatus.INTERNAL, `cannot decode a ${binding.responseType} message: ${(error as Error).message}`, EMPTY_METADATA, undefined);
        abort.abort();
        return;
      }
      if (!started) startResponse(rendered.contentType);
      if (head) {
        close();
        res.end();
        abort.abort();
        resolve();
        return;
      }
      const { chunk } = rendered;
      if (chunk.length === 0) return;
      timers.wrote();
      ctx.bytesOut += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (res.write(chunk) || call === undefined) return;
      res.once('drain', call.resume);
      return false;
    },
    onEnd: finishWith,
  };

  return {
    handler,
    signal: abort.signal,
    attach(running: ServerStreamCall) {
      call = running;
    },
    fail(error) {
      if (finished) return;
      close();
      abort.abort();
      if (!started || format === 'raw' || res.destroyed) return reject(error);
      writeInBand(inBandProblem(error));
      res.end();
      resolve();
    },
    activity: timers.activity,
    done,
  };
}

const HEARTBEAT = ': keepalive\n\n';

/**
 * Whether the response may end with trailer fields: the client sent `TE: trailers`, over HTTP/2 (the only TE value
 * it allows, RFC 9113 §8.2.2) or HTTP/1.1 (a streamed response without Content-Length is chunked, the only framing
 * with room for trailers, RFC 9112 §7.1.2). HTTP/1.0 has neither.
 */
function acceptsTrailers(req: ClientRequestLike): boolean {
  const te = req.headers.te;
  if (te === undefined) return false;
  const tokens = (Array.isArray(te) ? te.join(',') : te).toLowerCase().split(',');
  if (!tokens.some((token) => token.split(';')[0]?.trim() === 'trailers')) return false;
  return req.httpVersionMajor >= 2 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
}

/**
 * The `Trailer` header announcing the fields that may follow (RFC 9110 §6.6.2: the sender "SHOULD generate a
 * Trailer header field"), or undefined when the allow list is `*` and no name can be known in advance.
 */
function trailerNames(rules: MetadataRules): string | undefined {
  if (rules.responseAll || rules.responseMetadata.size === 0) return undefined;
  return [...rules.responseMetadata].map((name) => `Grpc-Metadata-${name}`).join(', ');
}

/** Whether `Accept` asks for `text/event-stream` (any q but 0); NDJSON otherwise. */
function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined || !accept.includes('text/event-stream')) return false;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';');
    if (type?.trim().toLowerCase() !== 'text/event-stream') continue;
    const q = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

function noop(): void {}
