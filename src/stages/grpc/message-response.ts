import type { ServerResponse } from 'node:http';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { UnaryResult } from '../../grpc/client/index.js';
import { responseMetadataHeaders } from '../../grpc/metadata-rules.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { DEFAULT_CONTENT_TYPE, httpBodyOf } from './http-body.js';
import { isObject, toLowerCamel } from './request-fields.js';
import { statusProblem } from './status-problem.js';

/**
 * Answers the single response message of a unary or client-streaming call: the message (or its `response_body`
 * field) as proto3 JSON, or, when that is a google.api.HttpBody, its `data` with its `content_type` (an empty one
 * is `application/octet-stream`). Allowed response metadata goes out as `Grpc-Metadata-*` headers.
 * @throws GatewayError `upstream-grpc-status` for a non-OK status, with the HTTP status of the gRPC table.
 */
export function writeMessageResponse(ctx: RequestContext, grpc: GrpcRoute, result: UnaryResult): void {
  const { binding, responseType, responseCodec, upstream } = grpc;
  const metadataHeaders = responseMetadataHeaders(result.headers, result.trailers, grpc.metadata);
  if (result.status !== GrpcStatus.OK) {
    throw statusProblem(upstream.name, result.status, result.message, result.statusDetails, metadataHeaders);
  }
  const message = responseType.decode(result.responseBytes ?? new Uint8Array());
  const res = ctx.res as ServerResponse;
  const head = ctx.method === 'HEAD';
  if (grpc.responseHttpBody) {
    const { contentType, data } = httpBodyOf(message, binding.responseBody);
    res.writeHead(200, { ...metadataHeaders, 'content-type': contentType === '' ? DEFAULT_CONTENT_TYPE : contentType, 'content-length': data.length });
    res.end(head ? undefined : data);
    ctx.bytesOut = head ? 0 : data.length;
    return;
  }
  let json = responseCodec.toJson(message);
  if (binding.responseBody !== undefined && isObject(json)) json = json[toLowerCamel(binding.responseBody)] ?? null;
  const text = JSON.stringify(json);
  res.writeHead(200, { ...metadataHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
  ctx.bytesOut = head ? 0 : Buffer.byteLength(text);
}
