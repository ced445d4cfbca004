import type { ServerResponse } from 'node:http';
import type protobuf from 'protobufjs';
import { problemType } from '../errors/codes.js';
import { GatewayError, type Violation } from '../errors/gateway-error.js';
import { decodeStatusDetails, grpcStatusName, httpStatusFromGrpc, retryAfterSeconds, GrpcStatus } from '../errors/grpc-status.js';
import type { HttpBinding } from '../grpc/http-rules/extract-http-rules.js';
import { matchPathTemplate } from '../grpc/http-rules/match-path-template.js';
import { bindQueryParameters } from '../grpc/http-rules/query-parameters.js';
import { EMPTY_METADATA, type GrpcMetadata } from '../grpc/client/wire.js';
import type { JsonCodec } from '../grpc/json/index.js';
import { callDeadline, requestMetadata, responseMetadataHeaders, type MetadataRules } from '../grpc/metadata-rules.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';

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
  /** A server-streaming method: answered as NDJSON or Server-Sent Events (see {@link streamResponse}). */
  readonly serverStreaming: boolean;
}

/**
 * The terminal stage of a route published from a google.api.http rule: path variables, query parameters and the
 * body become the request message (proto3 JSON mapping), one unary call, and the response message back as JSON;
 * a non-OK status becomes a problem with the HTTP status of the gRPC table and the google.rpc.Status details.
 * Configured request headers (and `Grpc-Metadata-*` ones) go out as metadata, allowed response metadata comes back
 * as `Grpc-Metadata-*` headers on the answer or the problem. The deadline is the route timeout, or a shorter client
 * `grpc-timeout` (gRPC PROTOCOL-HTTP2 "Timeout"); the client going away cancels the call.
 */
export function createTranscodeGrpcStage(route: RouteDefinition, grpc: GrpcRoute): Stage {
  const { requestIdHeader } = route;
  const timeoutMs = route.policy?.timeoutMs ?? route.defaultTimeoutMs;
  const { binding, requestCodec, responseCodec, requestType, responseType, paramFields, queryExcluded, grpcPath, upstream } = grpc;
  const paramEntries = [...paramFields];

  return async function transcodeGrpcStage(ctx: RequestContext) {
    ctx.upstream = upstream.name;
    // 0. The deadline: a malformed grpc-timeout is the client's error, answered before any work.
    const deadline = callDeadline(timeoutMs, ctx.req.headers['grpc-timeout'], performance.now() - ctx.startedAt);
    if (!deadline.ok) throw invalid([{ location: '/header/grpc-timeout', message: deadline.message }]);
    // 1. The request message in proto3 JSON form: body first, then path variables (they win, per http.proto).
    let request: Record<string, unknown> = {};
    if (binding.body === '*') {
      if (ctx.json !== undefined) {
        if (!isObject(ctx.json)) throw invalid([{ location: '/body', message: 'must be a JSON object (the body is the request message)' }]);
        request = { ...ctx.json };
      }
    } else if (binding.body !== undefined && ctx.json !== undefined) {
      request[binding.body] = ctx.json;
    }
    if (grpc.bindByTemplate) {
      // http.proto: multi-segment values keep reserved characters (e.g. %2F) encoded; the router decodes fully.
      const matched = matchPathTemplate(binding.template, ctx.rawPath);
      if (!matched.matched) {
        const location = 'fieldPath' in matched ? `/path/${matched.fieldPath}` : '/path';
        throw invalid([{ location, message: 'error' in matched ? matched.error : 'does not match the method\'s path template' }]);
      }
      for (const { fieldPath, value } of matched.bindings) setPath(request, fieldPath, value);
    } else {
      for (const [param, fieldPath] of paramEntries) setPath(request, fieldPath, ctx.params[param]);
    }
    if (ctx.rawQuery !== '') {
      const bound = bindQueryParameters(ctx.rawQuery, requestType, queryExcluded);
      const problems = grpc.ignoreUnknownQuery ? bound.issues.filter((issue) => issue.fieldPath !== undefined) : bound.issues;
      if (problems.length > 0) {
        throw invalid(problems.map((issue) => ({ location: `/query/${issue.parameter}`, message: issue.message })));
      }
      mergeInto(request, bound.value);
    }
    const decoded = requestCodec.fromJson(request);
    if (!decoded.ok) throw invalid(decoded.errors.map((error) => ({ location: `/request${error.path}`, message: error.message })));
    const requestBytes = requestType.encode(requestType.fromObject(decoded.value)).finish();

    const metadata = requestMetadata(ctx.req.headers, grpc.metadata, requestIdHeader, ctx.requestId);
    if (grpc.serverStreaming) return streamResponse(ctx, grpc, { path: grpcPath, requestBytes, metadata, deadlineMs: deadline.deadlineMs });

    // 2. One unary call; the client going away cancels it.
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    ctx.res.once('close', onClose);
    const result = await upstream.unary({
      path: grpcPath,
      requestBytes,
      metadata,
      deadlineMs: deadline.deadlineMs,
      signal: abort.signal,
    });
    ctx.res.off('close', onClose);
    const metadataHeaders = responseMetadataHeaders(result.headers, result.trailers, grpc.metadata);
    if (result.status !== GrpcStatus.OK) {
      throw statusProblem(upstream.name, result.status, result.message, result.statusDetails, metadataHeaders);
    }

    // 3. The response message (or its response_body field) as JSON.
    const message = responseType.decode(result.responseBytes ?? new Uint8Array());
    let json = responseCodec.toJson(message);
    if (binding.responseBody !== undefined && isObject(json)) json = json[toLowerCamel(binding.responseBody)] ?? null;
    const text = JSON.stringify(json);
    const res = ctx.res as ServerResponse;
    res.writeHead(200, { ...metadataHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(ctx.method === 'HEAD' ? undefined : text);
    ctx.bytesOut = ctx.method === 'HEAD' ? 0 : Buffer.byteLength(text);
  };
}

/**
 * The answer of a server-streaming method, flushed message by message.
 *
 * Format, by `Accept`: `text/event-stream` (with a non-zero q) → Server-Sent Events, one event per message
 * (`data: <json>\n\n`); anything else → NDJSON (`application/x-ndjson`), one JSON value per line (`<json>\n`).
 * Each message is the response message (or its `response_body` field) in the proto3 JSON mapping, as for unary.
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
 *
 * Trailer metadata reaches the client only on the problem of a stream that failed before its first message. The
 * deadline is the route timeout (or `grpc-timeout`) for the whole stream. The client going away cancels the call.
 * Backpressure: when the client connection is full, reading from the upstream pauses until it drains.
 * HEAD: the headers of the first message (or the problem), no body; the call is then cancelled.
 */
function streamResponse(
  ctx: RequestContext,
  grpc: GrpcRoute,
  request: { path: string; requestBytes: Uint8Array; metadata: GrpcMetadata; deadlineMs: number },
): Promise<void> {
  const { upstream, responseType, responseCodec, binding } = grpc;
  const res = ctx.res as ServerResponse;
  const sse = acceptsEventStream(ctx.req.headers.accept);
  const head = ctx.method === 'HEAD';
  return new Promise<void>((resolve, reject) => {
    let headerMetadata: GrpcMetadata = EMPTY_METADATA;
    let started = false;
    let finished = false;
    const abort = new AbortController();
    const onClientGone = (): void => abort.abort();
    ctx.res.once('close', onClientGone);
    const startResponse = (): void => {
      started = true;
      const metadataHeaders = responseMetadataHeaders(headerMetadata, EMPTY_METADATA, grpc.metadata);
      res.writeHead(200, {
        ...metadataHeaders,
        'content-type': sse ? 'text/event-stream' : 'application/x-ndjson',
        'cache-control': 'no-cache',
      });
    };
    const close = (): void => {
      finished = true;
      ctx.res.off('close', onClientGone);
    };
    const call = upstream.serverStream(
      { ...request, signal: abort.signal },
      {
        onHeaders(metadata) {
          headerMetadata = metadata;
        },
        onMessage(bytes) {
          if (finished) return;
          let text: string;
          try {
            let json = responseCodec.toJson(responseType.decode(bytes));
            if (binding.responseBody !== undefined && isObject(json)) json = json[toLowerCamel(binding.responseBody)] ?? null;
            text = JSON.stringify(json);
          } catch (error) {
            // An undecodable message ends the call: INTERNAL, reported like any upstream status.
            finishWith(GrpcStatus.INTERNAL, `cannot decode a ${binding.responseType} message: ${(error as Error).message}`, EMPTY_METADATA, undefined);
            call.cancel();
            return;
          }
          if (!started) startResponse();
          if (head) {
            close();
            res.end();
            abort.abort();
            resolve();
            return;
          }
          const chunk = sse ? `data: ${text}\n\n` : `${text}\n`;
          ctx.bytesOut += Buffer.byteLength(chunk);
          if (res.write(chunk)) return;
          res.once('drain', call.resume);
          return false;
        },
        onEnd(status, message, trailers, details) {
          finishWith(status, message, trailers, details);
        },
      },
    );
    function finishWith(status: number, message: string, trailers: GrpcMetadata, details: Buffer | undefined): void {
      if (finished) return;
      close();
      if (!started) {
        if (status === GrpcStatus.OK) {
          startResponse();
          res.end();
          resolve();
        } else {
          const metadataHeaders = responseMetadataHeaders(headerMetadata, trailers, grpc.metadata);
          reject(statusProblem(upstream.name, status, message, details, metadataHeaders));
        }
        return;
      }
      if (status !== GrpcStatus.OK && !res.destroyed) {
        const problem = inBandError(status, message, details);
        const chunk = sse ? `event: error\ndata: ${JSON.stringify(problem)}\n\n` : `${JSON.stringify({ error: problem })}\n`;
        ctx.bytesOut += Buffer.byteLength(chunk);
        res.write(chunk);
      }
      res.end();
      resolve();
    }
  });
}

/** The in-band error object of a stream that failed after its first message (shape documented on streamResponse). */
function inBandError(code: number, message: string, detailsBin: Buffer | undefined): Record<string, unknown> {
  const details = decodeDetails(detailsBin);
  return {
    type: problemType('upstream-grpc-status'),
    status: httpStatusFromGrpc(code),
    grpcCode: grpcStatusName(code),
    grpcMessage: message,
    ...(details.length > 0 ? { details } : {}),
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

function decodeDetails(detailsBin: Buffer | undefined): unknown[] {
  if (detailsBin === undefined) return [];
  try {
    return decodeStatusDetails(detailsBin).details;
  } catch {
    return [];
  }
}

function invalid(violations: Violation[]): GatewayError {
  const count = violations.length;
  return new GatewayError('validation-failed', `The request does not map onto the gRPC request message: ${count} ${count === 1 ? 'violation' : 'violations'}.`, {
    violations,
  });
}

/**
 * A non-OK gRPC status as a problem: the HTTP status from the one table, the code name, message and details, and
 * the allowed response metadata as headers.
 */
function statusProblem(
  upstream: string,
  code: number,
  message: string,
  detailsBin: Buffer | undefined,
  metadataHeaders: Record<string, string> | undefined,
): GatewayError {
  const details = decodeDetails(detailsBin);
  const retryAfter = retryAfterSeconds(details);
  const headers = retryAfter === undefined ? metadataHeaders : { ...metadataHeaders, 'retry-after': String(retryAfter) };
  return new GatewayError('upstream-grpc-status', `upstream "${upstream}" answered ${grpcStatusName(code)}${message === '' ? '' : `: ${message}`}`, {
    status: httpStatusFromGrpc(code),
    extensions: { grpcCode: grpcStatusName(code), grpcMessage: message, ...(details.length > 0 ? { details } : {}) },
    ...(headers === undefined ? {} : { headers }),
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, fieldPath: string, value: unknown): void {
  const names = fieldPath.split('.');
  let node = target;
  for (let index = 0; index < names.length - 1; index++) {
    const name = names[index] as string;
    const next = node[name];
    node = (node[name] = isObject(next) ? { ...next } : {}) as Record<string, unknown>;
  }
  node[names[names.length - 1] as string] = value;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) {
      const merged = { ...existing };
      mergeInto(merged, value);
      target[key] = merged;
    } else {
      target[key] = value;
    }
  }
}

function toLowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, char: string) => char.toUpperCase());
}
