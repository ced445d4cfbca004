/**
 * Request messages of the bodies that are not one JSON document: the items of a streamed request body (an NDJSON
 * line, or a raw chunk of a google.api.HttpBody stream) and the raw body of a unary HttpBody request. Each is
 * completed with the fields the URL binds (the same for every message of a stream) and encoded for the wire.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { httpBodyObject } from './http-body.js';
import { isRecord } from '../../openapi/json-pointer.js';
import { invalid, withUrlFields, type UrlFields } from './request-fields.js';

/** Encodes one item of a streamed request body (1-based `line`); throws a GatewayError for a bad line. */
export type ItemEncoder = (bytes: Buffer, line: number) => Uint8Array;

/**
 * The URL fields decoded alone, in the form `Type.fromObject` takes: checked once, before any call, so that a bad
 * path variable or query parameter is a 400 naming it rather than an error on every message.
 * @throws GatewayError `validation-failed` with `/request/...` locations.
 */
export function decodeUrlFields(grpc: GrpcRoute, fields: UrlFields): Record<string, unknown> {
  const decoded = grpc.requestCodec.fromJson(withUrlFields({}, fields));
  if (!decoded.ok) throw invalid(decoded.errors.map((error) => ({ location: `/request${error.path}`, message: error.message })));
  return decoded.value;
}

/** A request message whose google.api.HttpBody (the whole message, or the `body` field) holds `data`. */
export function encodeHttpBodyRequest(grpc: GrpcRoute, urlValue: Record<string, unknown>, contentType: string, data: Uint8Array): Uint8Array {
  const target = grpc.requestHttpBody;
  const body = httpBodyObject(contentType, data);
  const value = target === '*' ? { ...urlValue, ...body } : { ...urlValue, [target as string]: body };
  return grpc.requestType.encode(grpc.requestType.fromObject(value)).finish();
}

/**
 * The encoder of a streamed body's items. HttpBody streams: each chunk is the `data` of one message, every
 * message with the request's Content-Type and the URL fields. NDJSON: each line is one request message in proto3
 * JSON (`body: "*"`) or the value of the `body` field; the URL fields are set on every message, path variables
 * over the line's own values (http.proto: the path wins).
 */
export function createItemEncoder(grpc: GrpcRoute, fields: UrlFields, contentType: string): ItemEncoder {
  const urlValue = decodeUrlFields(grpc, fields);
  if (grpc.requestHttpBody !== undefined) return (bytes) => encodeHttpBodyRequest(grpc, urlValue, contentType, bytes);
  const { binding, requestCodec, requestType } = grpc;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const bodyPrefix = binding.body === '*' || binding.body === undefined ? '' : `/${binding.body}`;
  return (bytes, line) => {
    const where = `Line ${line} of the NDJSON body`;
    let text: string;
    let json: unknown;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new GatewayError('malformed-json', `${where} is not valid UTF-8 (RFC 8259 §8.1).`, { extensions: { line } });
    }
    try {
      json = JSON.parse(text);
    } catch (error) {
      // V8's message names the position in the line, which helps the client.
      const reason = error instanceof Error ? error.message : 'not JSON';
      throw new GatewayError('malformed-json', `${where} is not valid JSON: ${reason}.`, { extensions: { line } });
    }
    let request: Record<string, unknown>;
    if (bodyPrefix === '') {
      if (!isRecord(json)) {
        throw invalid([{ location: `/body/line/${line}`, message: 'must be a JSON object (each line is one request message)' }], { line }, where);
      }
      request = { ...json };
    } else {
      request = { [binding.body as string]: json };
    }
    const decoded = requestCodec.fromJson(withUrlFields(request, fields));
    if (!decoded.ok) {
      throw invalid(
        decoded.errors.map((error) => ({ location: `/body/line/${line}${stripPrefix(error.path, bodyPrefix)}`, message: error.message })),
        { line },
        where,
      );
    }
    return requestType.encode(requestType.fromObject(decoded.value)).finish();
  };
}

/** A codec error path into the assembled message, as a path into the line (which holds only the `body` field). */
function stripPrefix(path: string, prefix: string): string {
  if (prefix === '') return path;
  return path === prefix || path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}
