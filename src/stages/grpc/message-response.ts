import type { ServerResponse } from 'node:http';
import type protobuf from 'protobufjs';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { UnaryResult } from '../../grpc/client/index.js';
import { responseMetadataHeaders } from '../../grpc/metadata-rules.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { DEFAULT_CONTENT_TYPE, httpBodyOf } from './http-body.js';
import { isRecord } from '../../openapi/json-pointer.js';
import { statusProblem } from './status-problem.js';

/**
 * Answers the single response message of a unary or client-streaming call: the message (or its `response_body`
 * field) as proto3 JSON, or, when that is a google.api.HttpBody, its `data` with its `content_type` (an empty one
 * is `application/octet-stream`). Allowed response metadata goes out as `Grpc-Metadata-*` headers.
 * @throws GatewayError `upstream-grpc-status` for a non-OK status, with the HTTP status of the gRPC table.
 */
export function writeMessageResponse(ctx: RequestContext, grpc: GrpcRoute, result: UnaryResult): void {
  const { binding, responseType, upstream } = grpc;
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
  const text = JSON.stringify(responseJson(grpc, message));
  const length = Buffer.byteLength(text);
  res.writeHead(200, { ...metadataHeaders, 'content-type': 'application/json', 'content-length': length });
  res.end(head ? undefined : text);
  ctx.bytesOut = head ? 0 : length;
}

/** A response message (or its `response_body` field, null when unset) as proto3 JSON; streamed messages too. */
export function responseJson(grpc: GrpcRoute, message: protobuf.Message): unknown {
  const json = grpc.responseCodec.toJson(message);
  const key = grpc.responseBodyKey;
  return key !== undefined && isRecord(json) ? (json[key] ?? null) : json;
}
