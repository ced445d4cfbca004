import type protobuf from 'protobufjs';
import { SSE_HEARTBEAT_DEFAULT_MS, STREAM_IDLE_TIMEOUT_DEFAULT_MS } from '../config/schema.js';
import type { HttpBinding } from '../grpc/http-rules/extract-http-rules.js';
import type { JsonCodec } from '../grpc/json/index.js';
import { isRecord } from '../openapi/json-pointer.js';
import { callDeadline, requestMetadata, type MetadataRules } from '../grpc/metadata-rules.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';
import { readRawBody } from './grpc/http-body.js';
import { writeMessageResponse } from './grpc/message-response.js';
import { invalid, urlFields, withUrlFields } from './grpc/request-fields.js';
import { decodeUrlFields, encodeHttpBodyRequest } from './grpc/request-messages.js';
import { createStreamResponder } from './grpc/stream-response.js';
import type { StreamTimings } from './grpc/stream-timers.js';
import { bidiStreaming, clientStreaming, type StreamingCallPlan } from './grpc/streaming-request.js';
import { ClientCancel } from './client-cancel.js';

/** What a transcoded route needs, resolved at load. */
export interface GrpcRoute {
  readonly binding: HttpBinding;
  readonly upstream: GrpcUpstream;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly requestCodec: JsonCodec;
  readonly responseCodec: JsonCodec;
  /** Router parameter name (`p0`) → request field path (`book.name`). */
  readonly paramFields: ReadonlyMap<string, string>;
  /** The template has multi-segment variables: bind every variable from the raw path with http.proto's rules. */
  readonly bindByTemplate: boolean;
  /** Fields bound by the path or the body: query parameters may not set them. */
  readonly queryExcluded: ReadonlySet<string>;
  /** `/pkg.Service/Method`. */
  readonly grpcPath: string;
  readonly ignoreUnknownQuery: boolean;
  /** Request headers → metadata, response metadata → `Grpc-Metadata-*` headers (config `grpc.forwardHeaders`, …). */
  readonly metadata: MetadataRules;
  /** A server-streaming (or bidi) method: answered as NDJSON, Server-Sent Events or raw HttpBody chunks. */
  readonly serverStreaming: boolean;
  /** A client-streaming (or bidi) method: the request body is the stream of request messages (NDJSON). */
  readonly clientStreaming?: boolean;
  /**
   * The raw request body goes into a google.api.HttpBody: `*` when the request message is one (body "*"), else
   * the name of the `body` field that is one; undefined for JSON bodies.
   */
  readonly requestHttpBody?: string | undefined;
  /** The response message (or its `response_body` field) is a google.api.HttpBody: answered raw. */
  readonly responseHttpBody?: boolean;
  /** The JSON key of the `response_body` field (its json_name option honoured), found at load. */
  readonly responseBodyKey?: string | undefined;
}

/**
 * The terminal stage of a route published from a google.api.http rule: path variables, query parameters and the
 * body become the request message (proto3 JSON mapping, or raw bytes into a google.api.HttpBody), the call is made
 * (unary, server-streaming, client-streaming or bidi), and the response message(s) go back as JSON, NDJSON / SSE,
 * or raw HttpBody data; a non-OK status becomes a problem with the HTTP status of the gRPC table and the
 * google.rpc.Status details. Configured request headers (and `Grpc-Metadata-*` ones) go out as metadata, allowed
 * response metadata comes back as `Grpc-Metadata-*` headers on the answer or the problem. The deadline of a unary
 * or client-streaming call is the route timeout, or a shorter client `grpc-timeout` (gRPC PROTOCOL-HTTP2
 * "Timeout"); a streamed response has the lifetime of grpc/stream-timers.ts instead (route timeout to the first
 * message, then idle and maximum-duration limits). The client going away cancels the call. Streams: see
 * grpc/stream-response.ts (responses) and grpc/streaming-request.ts (requests).
 */
export function createTranscodeGrpcStage(route: RouteDefinition, grpc: GrpcRoute): Stage {
  const { requestIdHeader } = route;
  const timeoutMs = route.policy?.timeoutMs ?? route.defaultTimeoutMs;
  const maxBodyBytes = route.policy?.maxBodyBytes ?? route.limits.maxBodyBytes;
  const limits = { maxLineBytes: maxBodyBytes, maxBodyBytes: Math.max(route.limits.maxStreamedBodyBytes, maxBodyBytes) };
  const { binding, requestCodec, requestType, grpcPath, upstream } = grpc;
  const timings: StreamTimings = {
    firstMessageMs: timeoutMs,
    idleMs: route.policy?.streamIdleTimeoutMs ?? STREAM_IDLE_TIMEOUT_DEFAULT_MS,
    maxDurationMs: route.policy?.maxStreamDurationMs,
    heartbeatMs: route.policy?.sseHeartbeatMs ?? SSE_HEARTBEAT_DEFAULT_MS,
  };
  // A streamed response has no deadline but its maximum duration (and a client grpc-timeout, which is one).
  const deadlineCapMs = grpc.serverStreaming ? (timings.maxDurationMs ?? NO_DEADLINE) : timeoutMs;

  return async function transcodeGrpcStage(ctx: RequestContext) {
    ctx.upstream = upstream.name;
    // 0. The deadline: a malformed grpc-timeout is the client's error, answered before any work.
    const deadline = callDeadline(deadlineCapMs, ctx.req.headers['grpc-timeout'], performance.now() - ctx.startedAt);
    if (!deadline.ok) throw invalid([{ location: '/header/grpc-timeout', message: deadline.message }]);
    // Whole milliseconds: what is left of a client grpc-timeout is fractional, and ends up in messages.
    const deadlineMs = deadline.deadlineMs === NO_DEADLINE ? undefined : Math.ceil(deadline.deadlineMs);
    const fields = urlFields(ctx, grpc);
    const metadata = requestMetadata(ctx.req.headers, grpc.metadata, requestIdHeader, ctx.requestId);

    if (grpc.clientStreaming === true) {
      const plan: StreamingCallPlan = { path: grpcPath, metadata, deadlineMs, fields, limits, timings };
      return grpc.serverStreaming ? bidiStreaming(ctx, grpc, plan) : clientStreaming(ctx, grpc, plan);
    }

    // 1. The request message: the body first, then path variables (they win, per http.proto), then the query.
    let requestBytes: Uint8Array;
    if (grpc.requestHttpBody !== undefined) {
      const raw = await readRawBody(ctx, maxBodyBytes);
      requestBytes = encodeHttpBodyRequest(grpc, decodeUrlFields(grpc, fields), raw.contentType, raw.data);
    } else {
      let request: Record<string, unknown> = {};
      if (binding.body === '*') {
        if (ctx.json !== undefined) {
          if (!isRecord(ctx.json)) throw invalid([{ location: '/body', message: 'must be a JSON object (the body is the request message)' }]);
          request = { ...ctx.json };
        }
      } else if (binding.body !== undefined && ctx.json !== undefined) {
        request[binding.body] = ctx.json;
      }
      const decoded = requestCodec.fromJson(withUrlFields(request, fields));
      if (!decoded.ok) throw invalid(decoded.errors.map((error) => ({ location: `/request${error.path}`, message: error.message })));
      requestBytes = requestType.encode(requestType.fromObject(decoded.value)).finish();
    }

    if (grpc.serverStreaming) {
      const responder = createStreamResponder(ctx, grpc, timings);
      const call = upstream.serverStream({ path: grpcPath, requestBytes, metadata, deadlineMs, signal: responder.signal }, responder.handler);
      responder.attach(call);
      return responder.done;
    }

    // 2. One unary call; the client going away cancels it.
    const canceller = new ClientCancel(ctx.res);
    let result;
    try {
      result = await upstream.unary({ path: grpcPath, requestBytes, metadata, deadlineMs, canceller });
    } finally {
      canceller.release();
    }
    // 3. The response message (or its response_body field) as JSON, or raw for a google.api.HttpBody.
    writeMessageResponse(ctx, grpc, result);
  };
}

/** No deadline: larger than any grpc-timeout (at most 99 999 999 hours) can express, so `min` leaves it alone. */
const NO_DEADLINE = Number.MAX_VALUE;
