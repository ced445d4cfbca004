/**
 * The gRPC-over-HTTP/2 wire rules the unary client needs, each from grpc/doc/PROTOCOL-HTTP2.md ("the spec")
 * unless noted: message framing, `grpc-timeout`, `grpc-message` decoding, metadata, and the mappings of HTTP
 * statuses and RST_STREAM codes to gRPC statuses.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { GrpcStatus } from '../../errors/grpc-status.js';

/** gRPC metadata: ASCII values; keys ending in `-bin` carry base64 (spec: "Custom-Metadata"). */
export type GrpcMetadata = Record<string, string | string[]>;

/** Shared, frozen empty metadata for responses that carry none. */
export const EMPTY_METADATA: GrpcMetadata = Object.freeze(Object.create(null) as GrpcMetadata);

/** Length-Prefixed-Message header: Compressed-Flag (1 byte) + Message-Length (4 bytes, big-endian). */
export const FRAME_HEADER_BYTES = 5;

/**
 * Frames one message as a Length-Prefixed-Message with Compressed-Flag 0 (we never send a `grpc-encoding`), in
 * one allocation.
 */
export function frameMessage(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, FRAME_HEADER_BYTES);
  return frame;
}

/** Result of {@link parseUnaryMessage}: the message bytes, or the status a malformed body maps to. */
export type ParsedMessage =
  | { readonly ok: true; readonly bytes: Uint8Array | undefined }
  | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * Extracts the single response message of a unary call from the concatenated DATA payload. An empty body yields
 * `bytes: undefined` (legal with a non-OK status). A compressed message is INTERNAL: statuscodes.md lists
 * "Compression mechanism used by the server not supported by the client" as INTERNAL, and we send no
 * `grpc-accept-encoding`. A truncated frame, trailing bytes or a second message are INTERNAL too.
 */
export function parseUnaryMessage(body: Buffer): ParsedMessage {
  if (body.length === 0) return { ok: true, bytes: undefined };
  if (body.length < FRAME_HEADER_BYTES) return internal('truncated gRPC message header');
  if (body[0] !== 0) {
    return body[0] === 1
      ? internal('the server sent a compressed message, but no compression was negotiated')
      : internal(`invalid gRPC Compressed-Flag ${body[0]}`);
  }
  const length = body.readUInt32BE(1);
  const end = FRAME_HEADER_BYTES + length;
  if (body.length < end) return internal('truncated gRPC message');
  if (body.length > end) return internal('more than one message in a unary response');
  return { ok: true, bytes: body.subarray(FRAME_HEADER_BYTES, end) };
}

function internal(message: string): ParsedMessage {
  return { ok: false, status: GrpcStatus.INTERNAL, message };
}

/**
 * `grpc-timeout` for a deadline in milliseconds: "TimeoutValue TimeoutUnit", the value a positive integer of at
 * most 8 digits. Milliseconds fit up to ~27 hours; longer deadlines are sent in (rounded-up) seconds, then hours.
 */
export function formatGrpcTimeout(ms: number): string {
  const value = Math.max(1, Math.ceil(ms));
  if (value < 100_000_000) return `${value}m`;
  const seconds = Math.ceil(value / 1000);
  if (seconds < 100_000_000) return `${seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}

/**
 * Decodes `grpc-message` ("Percent-Encoded" UTF-8). The spec: "When decoding invalid values, implementations MUST
 * NOT error or throw away the message. At worst, the implementation can abort decoding the status message
 * altogether such that the user would received the raw percent-encoded form."
 */
export function decodeGrpcMessage(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  const text = Array.isArray(value) ? value.join(',') : value;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * HTTP status → gRPC status for a response without `grpc-status` (grpc/doc/http-grpc-status-mapping.md; used
 * "only for clients that received a response that did not include grpc-status").
 */
export function grpcStatusFromHttp(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** RST_STREAM error code (RFC 9113 §7) → gRPC status, per the spec's "Errors" section. */
export function grpcStatusFromRstCode(code: number): number {
  switch (code) {
    case 0x7: // REFUSED_STREAM: "no processing occurred and the request can be retried"
      return GrpcStatus.UNAVAILABLE;
    case 0x8: // CANCEL: "mapped to CANCELLED when sent by a server"
      return GrpcStatus.CANCELLED;
    case 0xb: // ENHANCE_YOUR_CALM
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 0xc: // INADEQUATE_SECURITY
      return GrpcStatus.PERMISSION_DENIED;
    default: // NO_ERROR without a status, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, …
      return GrpcStatus.INTERNAL;
  }
}

/**
 * Parses `grpc-status`: "1*DIGIT". A value that is not a number is UNKNOWN, as grpc libraries treat an
 * unparseable status.
 */
export function parseGrpcStatus(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,10}$/.test(text)) return GrpcStatus.UNKNOWN;
  return Number(text);
}

/**
 * The custom metadata of a response HEADERS frame: pseudo-headers, `content-type` and the reserved `grpc-*` keys
 * ("Header names starting with 'grpc-' are reserved for gRPC") are left out.
 */
export function responseMetadata(headers: IncomingHttpHeaders): GrpcMetadata {
  let metadata: GrpcMetadata | undefined;
  for (const key in headers) {
    if (key.charCodeAt(0) === 58 /* ':' */ || key.startsWith('grpc-') || key === 'content-type') continue;
    const value = headers[key];
    if (value === undefined) continue;
    (metadata ??= Object.create(null) as GrpcMetadata)[key] = value;
  }
  return metadata ?? EMPTY_METADATA;
}

/**
 * Copies caller metadata into request headers, skipping what the client itself owns: pseudo-headers, reserved
 * `grpc-*` keys, `content-type`, `te` and `user-agent` (the spec: "Reserved Headers") and HTTP/2
 * connection-specific fields, which RFC 9113 §8.2.2 forbids.
 */
export function addRequestMetadata(headers: OutgoingHttpHeaders, metadata: GrpcMetadata): void {
  for (const key in metadata) {
    const name = key.toLowerCase();
    if (isReservedRequestKey(name)) continue;
    headers[name] = metadata[key];
  }
}

/**
 * True for a (lower-case) request metadata key the client owns or HTTP/2 forbids: pseudo-headers, `grpc-*`
 * (reserved for gRPC), `content-type`, `te`, `user-agent` (the spec's "Reserved Headers"), and the
 * connection-specific fields of RFC 9113 §8.2.2. Shared by both transports.
 */
export function isReservedRequestKey(name: string): boolean {
  return name.charCodeAt(0) === 58 /* ':' */ || name.startsWith('grpc-') || RESERVED_REQUEST_KEYS.has(name);
}

const RESERVED_REQUEST_KEYS: ReadonlySet<string> = new Set([
  'content-type',
  'te',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);
