/**
 * gRPC status codes, the ONE table that maps them to HTTP statuses, and the decoder of `grpc-status-details-bin`
 * (a serialized `google.rpc.Status`) into client-facing JSON.
 *
 * Codes and their meaning: grpc/doc/statuscodes.md. The HTTP side follows grpc-gateway's `HTTPStatusFromCode`
 * (runtime/errors.go) so that clients already written against grpc-gateway see the same statuses.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type protobuf from 'protobufjs';
import { createJsonCodec } from '../grpc/json/index.js';
import { loadProtos } from '../grpc/protos/load-protos.js';

/** The gRPC status codes (grpc/doc/statuscodes.md), by name. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code name, e.g. `'NOT_FOUND'`. */
export type GrpcStatusName = keyof typeof GrpcStatus;

/**
 * gRPC code → HTTP status: the only place this mapping exists (the issue's table, in its order).
 */
const HTTP_STATUS: Readonly<Record<GrpcStatusName, number>> = {
  OK: 200,
  // 499 "Client Closed Request" (nginx's code, also used by grpc-gateway and Google APIs): the caller gave up, so
  // no standard 4xx/5xx is true; the client rarely sees it, but logs and metrics must not count it as a 5xx.
  CANCELLED: 499,
  // The server could not say what went wrong: a server fault as far as the client knows.
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  // The upstream did not answer in time: we are a gateway, hence 504 Gateway Timeout (RFC 9110 §15.6.5), not 408,
  // which would blame the client for being slow to send its request.
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  // Quota or rate limit reached: 429 Too Many Requests (RFC 6585 §4); RetryInfo, when sent, becomes Retry-After.
  RESOURCE_EXHAUSTED: 429,
  // 400, not 412: 412 Precondition Failed (RFC 9110 §15.5.13) is about the request's own conditional headers
  // (If-Match, If-Unmodified-Since), which gRPC never evaluates. FAILED_PRECONDITION means "the system is not in
  // a state required for the operation" (e.g. deleting a non-empty directory): the client must change something
  // before retrying, which is a plain 400, as grpc-gateway and Google's API design guide map it.
  FAILED_PRECONDITION: 400,
  // A concurrency conflict (transaction aborted, sequencer check failed): 409 Conflict, retry at a higher level.
  ABORTED: 409,
  // Past the end of a valid range (reading beyond EOF, a page past the last): a client error like
  // INVALID_ARGUMENT, and deliberately not 416, which is tied to the Range header (RFC 9110 §15.5.17).
  OUT_OF_RANGE: 400,
  // The method is not implemented or not supported by the server: 501 Not Implemented (RFC 9110 §15.6.2).
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  // Transient: the client may retry (statuscodes.md); 503 Service Unavailable says the same to HTTP clients.
  UNAVAILABLE: 503,
  // Unrecoverable data loss or corruption: a server fault with no more specific HTTP status.
  DATA_LOSS: 500,
};

/** Code → name, indexed by code, derived from {@link GrpcStatus}. */
const NAMES: readonly GrpcStatusName[] = (Object.keys(GrpcStatus) as GrpcStatusName[]).sort(
  (a, b) => GrpcStatus[a] - GrpcStatus[b],
);

/**
 * The HTTP status for a gRPC status code. Codes outside 0–16 are treated as UNKNOWN (500), as statuscodes.md
 * asks clients to do with codes they do not know.
 */
export function httpStatusFromGrpc(code: number): number {
  return HTTP_STATUS[grpcStatusName(code)];
}

/** The name of a gRPC status code (`5` → `'NOT_FOUND'`); codes outside 0–16 are `'UNKNOWN'`. */
export function grpcStatusName(code: number): GrpcStatusName {
  return NAMES[code] ?? 'UNKNOWN';
}

/** A decoded `google.rpc.Status`: its code, message and the client-facing details in proto3 JSON form. */
export interface DecodedStatus {
  readonly code: number;
  readonly message: string;
  /** Each detail as `{ "@type": url, ...fields }`; unknown types as `{ "@type": url }`; DebugInfo left out. */
  readonly details: unknown[];
}

/**
 * The detail types of google/rpc/error_details.proto that are decoded into JSON for clients. RequestInfo is not
 * among them: its `serving_data` may hold server internals ("an encrypted stack trace"), so it is `@type` only.
 */
const PUBLIC_DETAIL_TYPES = [
  'google.rpc.BadRequest',
  'google.rpc.ErrorInfo',
  'google.rpc.RetryInfo',
  'google.rpc.ResourceInfo',
  'google.rpc.PreconditionFailure',
  'google.rpc.QuotaFailure',
  'google.rpc.Help',
  'google.rpc.LocalizedMessage',
] as const;

/** DebugInfo carries stack traces and server internals: it never leaves the gateway. */
const DEBUG_INFO = 'google.rpc.DebugInfo';

interface DetailCodec {
  readonly type: protobuf.Type;
  readonly toJson: (message: protobuf.Message) => unknown;
}

interface RpcProtos {
  readonly status: protobuf.Type;
  readonly details: ReadonlyMap<string, DetailCodec>;
}

let rpcProtos: RpcProtos | undefined;

/** Loads google/rpc/{status,error_details}.proto from google-proto-files in place, once, on first use. */
function protos(): RpcProtos {
  if (rpcProtos !== undefined) return rpcProtos;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('google-proto-files/package.json')), 'google', 'rpc');
  const { root, issues } = loadProtos([path.join(dir, 'status.proto'), path.join(dir, 'error_details.proto')], {
    includeDirs: [],
  });
  if (issues.length > 0) throw new Error(`cannot load google/rpc protos: ${issues.map((i) => i.message).join('; ')}`);
  const details = new Map<string, DetailCodec>();
  for (const name of PUBLIC_DETAIL_TYPES) {
    const type = root.lookupType(name);
    const codec = createJsonCodec(type);
    details.set(name, { type, toJson: (message) => codec.toJson(message) });
  }
  rpcProtos = { status: root.lookupType('google.rpc.Status'), details };
  return rpcProtos;
}

/**
 * Decodes `grpc-status-details-bin` (the raw bytes, already base64-decoded): a serialized `google.rpc.Status` whose
 * `details` are `google.protobuf.Any`. Well-known error detail types become their proto3 JSON form with an
 * `@type` member (as `Any` is written in JSON); `google.rpc.DebugInfo` is dropped; any other type, or a detail that
 * does not decode, is reduced to `{ "@type": url }` so nothing unvetted reaches the client.
 * @throws Error when `bin` is not a `google.rpc.Status` at all.
 */
export function decodeStatusDetails(bin: Uint8Array): DecodedStatus {
  const { status, details: codecs } = protos();
  const decoded = status.decode(bin) as unknown as {
    code?: number;
    message?: string;
    details?: { type_url?: string; value?: Uint8Array }[];
  };
  const details: unknown[] = [];
  for (const packed of decoded.details ?? []) {
    const url = packed.type_url ?? '';
    // Any: "the last segment of the URL's path" names the type (google/protobuf/any.proto).
    const name = url.slice(url.lastIndexOf('/') + 1);
    if (name === DEBUG_INFO) continue;
    const codec = codecs.get(name);
    details.push(codec === undefined ? { '@type': url } : detailJson(codec, url, packed.value));
  }
  return { code: decoded.code ?? 0, message: decoded.message ?? '', details };
}

function detailJson(codec: DetailCodec, url: string, value: Uint8Array | undefined): unknown {
  try {
    const json = codec.toJson(codec.type.decode(value ?? new Uint8Array(0)));
    return { '@type': url, ...(json as Record<string, unknown>) };
  } catch {
    return { '@type': url };
  }
}

/**
 * Seconds for a `Retry-After` header (RFC 9110 §10.2.3: a non-negative integer of seconds) from the first
 * `google.rpc.RetryInfo` among decoded details, rounded up so that the client never retries too early.
 * @returns undefined when there is no RetryInfo with a usable `retryDelay`.
 */
export function retryAfterSeconds(details: readonly unknown[]): number | undefined {
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const record = detail as Record<string, unknown>;
    const url = record['@type'];
    if (typeof url !== 'string' || !url.endsWith('/google.rpc.RetryInfo')) continue;
    const delay = record['retryDelay'];
    // proto3 JSON Duration: decimal seconds with an "s" suffix, e.g. "1.500s".
    if (typeof delay !== 'string' || !/^-?\d+(\.\d+)?s$/.test(delay)) return undefined;
    const seconds = Number(delay.slice(0, -1));
    return seconds <= 0 ? 0 : Math.ceil(seconds);
  }
  return undefined;
}
