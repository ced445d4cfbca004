/**
 * google.api.HttpBody (google/api/httpbody.proto): "an arbitrary HTTP body […] for payload formats that can't be
 * represented as JSON". A request body bound to one is passed as raw bytes with its Content-Type; a response that
 * is one is answered with its `data` as the body and its `content_type` as Content-Type.
 */
import protobuf from 'protobufjs';
import { GatewayError } from '../../errors/gateway-error.js';
import type { RequestContext } from '../../pipeline/context.js';
import { closeAfterAnswer, readBodyUpTo } from '../request-body.js';

/** Full name of the message type. */
export const HTTP_BODY = 'google.api.HttpBody';

/** Content-Type of an HttpBody response whose `content_type` is empty (RFC 9110 §8.3: "unknown" binary data). */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The raw body of a request, with the Content-Type it came with (`""` when it had none). */
export interface RawBody {
  readonly contentType: string;
  readonly data: Buffer;
}

/** An HttpBody in the plain-object form protobufjs `Type.fromObject` takes (proto field names). */
export function httpBodyObject(contentType: string, data: Uint8Array): Record<string, unknown> {
  return { content_type: contentType, data };
}

/**
 * The HttpBody a response message carries: the message itself, or its `response_body` field (a proto field name).
 * Missing parts read as empty, as proto3 defaults.
 */
export function httpBodyOf(message: protobuf.Message, responseBody: string | undefined): { contentType: string; data: Uint8Array } {
  const fields = message as unknown as Record<string, unknown>;
  const body = (responseBody === undefined ? fields : fields[responseBody]) as Record<string, unknown> | null | undefined;
  const contentType = body?.['content_type'];
  const data = body?.['data'];
  return {
    contentType: typeof contentType === 'string' ? contentType : '',
    data: data instanceof Uint8Array ? data : new Uint8Array(),
  };
}

/**
 * The whole request body as bytes, up to `limit`: what the read-body stage already read, or read here. A body
 * over the limit is a 413 and, on HTTP/1.1, the connection closes after the answer (the rest is not read).
 * @throws GatewayError `payload-too-large`, or `bad-request` when the client aborts.
 */
export async function readRawBody(ctx: RequestContext, limit: number): Promise<RawBody> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  if (ctx.body !== undefined) return { contentType, data: ctx.body };
  if (!ctx.hasBody) return { contentType, data: Buffer.alloc(0) };
  const data = await readBodyUpTo(ctx.req, limit);
  if (data === null) {
    closeAfterAnswer(ctx);
    throw new GatewayError('payload-too-large', `The body exceeds the limit for this route of ${limit} bytes.`);
  }
  return { contentType, data };
}

/**
 * Where a binding's raw request body goes: `*` when the request message is a google.api.HttpBody and the body is
 * `*`, the `body` field's name when that field is a (non-repeated) HttpBody, undefined otherwise (a JSON body).
 */
export function requestHttpBodyTarget(body: string | undefined, requestType: protobuf.Type): string | undefined {
  if (body === undefined) return undefined;
  if (body === '*') return isHttpBody(requestType) ? '*' : undefined;
  return isHttpBodyField(requestType, body) ? body : undefined;
}

/** Whether a binding's response (the message, or its `response_body` field) is a google.api.HttpBody. */
export function responseIsHttpBody(responseBody: string | undefined, responseType: protobuf.Type): boolean {
  return responseBody === undefined ? isHttpBody(responseType) : isHttpBodyField(responseType, responseBody);
}

/** Whether `type` has a singular (not repeated, not map) field `name` of type google.api.HttpBody. */
function isHttpBodyField(type: protobuf.Type, name: string): boolean {
  const field = type.fields[name];
  if (field === undefined || field.repeated || field.map) return false;
  const resolved = field.resolve().resolvedType;
  return resolved instanceof protobuf.Type && isHttpBody(resolved);
}

function isHttpBody(type: protobuf.Type): boolean {
  return type.fullName === `.${HTTP_BODY}`;
}
