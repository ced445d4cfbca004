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
 * Trailer metadata reaches the client only on the problem of a stream that failed before its first message. The
 * deadline is the route timeout (or `grpc-timeout`) for the whole stream. The client going away cancels the call.
 * Backpressure: when the client connection is full, reading from the upstream pauses until it drains.
 * HEAD: the headers of the first message (or the problem), no body; the call is then cancelled.
 */
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../../errors/gateway-error.js';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { ServerStreamCall, ServerStreamHandler } from '../../grpc/client/index.js';
import { EMPTY_METADATA, type GrpcMetadata } from '../../grpc/client/wire.js';
import { responseMetadataHeaders } from '../../grpc/metadata-rules.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { DEFAULT_CONTENT_TYPE, httpBodyOf } from './http-body.js';
import { isObject, toLowerCamel } from './request-fields.js';
import { inBandProblem, inBandStatus, statusProblem } from './status-problem.js';

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
  /** Settles when the response is complete; rejects with the problem to answer (or to abort with, once started). */
  readonly done: Promise<void>;
}

type Format = 'raw' | 'sse' | 'ndjson';

/** Wires a streamed response for `ctx`. Call {@link StreamResponder.attach} with the call started on its handler. */
export function createStreamResponder(ctx: RequestContext, grpc: GrpcRoute): StreamResponder {
  const { upstream, responseType, responseCodec, binding } = grpc;
  const res = ctx.res as ServerResponse;
  const format: Format = grpc.responseHttpBody ? 'raw' : acceptsEventStream(ctx.req.headers.accept) ? 'sse' : 'ndjson';
  const head = ctx.method === 'HEAD';
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

  const startResponse = (contentType: string): void => {
    started = true;
    const metadataHeaders = responseMetadataHeaders(headerMetadata, EMPTY_METADATA, grpc.metadata);
    res.writeHead(200, { ...metadataHeaders, 'content-type': contentType, 'cache-control': 'no-cache' });
  };
  const close = (): void => {
    finished = true;
    ctx.res.off('close', onClientGone);
  };
  /** The bytes to write for one message, and the Content-Type the first one sets. */
  const render = (bytes: Uint8Array): { chunk: string | Uint8Array; contentType: string } => {
    const message = responseType.decode(bytes);
    if (format === 'raw') {
      const body = httpBodyOf(message, binding.responseBody);
      return { chunk: body.data, contentType: body.contentType === '' ? DEFAULT_CONTENT_TYPE : body.contentType };
    }
    let json = responseCodec.toJson(message);
    if (binding.responseBody !== undefined && isObject(json)) json = json[toLowerCamel(binding.responseBody)] ?? null;
    const text = JSON.stringify(json);
    return format === 'sse' ? { chunk: `data: ${text}\n\n`, contentType: 'text/event-stream' } : { chunk: `${text}\n`, contentType: 'application/x-ndjson' };
  };
  const writeInBand = (problem: Record<string, unknown>): void => {
    const chunk = format === 'sse' ? `event: error\ndata: ${JSON.stringify(problem)}\n\n` : `${JSON.stringify({ error: problem })}\n`;
    ctx.bytesOut += Buffer.byteLength(chunk);
    res.write(chunk);
  };

  function finishWith(status: number, message: string, trailers: GrpcMetadata, details: Buffer | undefined): void {
    if (finished) return;
    close();
    if (!started) {
      if (status === GrpcStatus.OK) {
        startResponse(format === 'raw' ? DEFAULT_CONTENT_TYPE : format === 'sse' ? 'text/event-stream' : 'application/x-ndjson');
        res.end();
        resolve();
      } else {
        reject(statusProblem(upstream.name, status, message, details, responseMetadataHeaders(headerMetadata, trailers, grpc.metadata)));
      }
      return;
    }
    if (status !== GrpcStatus.OK) {
      if (format === 'raw') return reject(statusProblem(upstream.name, status, message, details, undefined));
      if (!res.destroyed) writeInBand(inBandStatus(status, message, details));
    }
    res.end();
    resolve();
  }

  const handler: ServerStreamHandler = {
    onHeaders(metadata) {
      headerMetadata = metadata;
    },
    onMessage(bytes) {
      if (finished) return;
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
    done,
  };
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
