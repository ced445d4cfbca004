import type { ServerResponse } from 'node:http';
import type protobuf from 'protobufjs';
import { GatewayError, type Violation } from '../errors/gateway-error.js';
import { decodeStatusDetails, grpcStatusName, httpStatusFromGrpc, retryAfterSeconds, GrpcStatus } from '../errors/grpc-status.js';
import type { HttpBinding } from '../grpc/http-rules/extract-http-rules.js';
import { bindQueryParameters } from '../grpc/http-rules/query-parameters.js';
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
  /** Fields bound by the path or the body: query parameters may not set them. */
  readonly queryExcluded: ReadonlySet<string>;
  /** `/pkg.Service/Method`. */
  readonly grpcPath: string;
  readonly ignoreUnknownQuery: boolean;
  /** Request headers → metadata, response metadata → `Grpc-Metadata-*` headers (config `grpc.forwardHeaders`, …). */
  readonly metadata: MetadataRules;
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
    for (const [param, fieldPath] of paramEntries) setPath(request, fieldPath, ctx.params[param]);
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

    // 2. One unary call; the client going away cancels it.
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    ctx.res.once('close', onClose);
    const result = await upstream.unary({
      path: grpcPath,
      requestBytes,
      metadata: requestMetadata(ctx.req.headers, grpc.metadata, requestIdHeader, ctx.requestId),
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
  let details: unknown[] = [];
  if (detailsBin !== undefined) {
    try {
      details = decodeStatusDetails(detailsBin).details;
    } catch {
      details = [];
    }
  }
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
