/**
 * The metadata and deadline rules of transcoded routes (issue 4, item 5): which request headers become gRPC
 * metadata, which response metadata goes back to the client as `Grpc-Metadata-*` headers, and the call deadline
 * from the route timeout and a client `grpc-timeout`. Names and formats follow grpc/doc/PROTOCOL-HTTP2.md
 * ("the spec"); the `Grpc-Metadata-` prefix is grpc-gateway's convention. No imports beyond types: the config
 * schema uses {@link forwardHeaderProblem} too.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GrpcMetadata } from './client/wire.js';

/** Request headers `grpc-metadata-<name>` become metadata `<name>`; response metadata goes out under it too. */
export const METADATA_HEADER_PREFIX = 'grpc-metadata-';

/** The `grpc` config fields these rules are made from (see `src/config/schema.ts`). */
export interface MetadataConfig {
  readonly forwardHeaders: readonly string[];
  readonly forwardAuthorization: boolean;
  readonly responseMetadata: readonly string[];
}

/** {@link MetadataConfig} resolved once per route: lower-case name sets. */
export interface MetadataRules {
  /** Request headers copied under their own name (never `authorization`: see {@link MetadataRules.forwardAuthorization}). */
  readonly forwardHeaders: ReadonlySet<string>;
  /** `authorization` goes to the upstream (under its own name or with the prefix) only when true. */
  readonly forwardAuthorization: boolean;
  /** `["*"]` in the config: every response metadata key. */
  readonly responseAll: boolean;
  readonly responseMetadata: ReadonlySet<string>;
}

export function compileMetadataRules(config: MetadataConfig): MetadataRules {
  const response = new Set(config.responseMetadata.map((name) => name.toLowerCase()));
  return {
    forwardHeaders: new Set(config.forwardHeaders.map((name) => name.toLowerCase())),
    forwardAuthorization: config.forwardAuthorization,
    responseAll: response.has('*'),
    responseMetadata: response,
  };
}

/**
 * Never metadata: hop-by-hop fields (RFC 9110 §7.6.1; RFC 9113 §8.2.2 forbids them in HTTP/2), the fields the gRPC
 * client writes itself (`content-type`, `te`, `user-agent`; the spec's Call-Definition), and the message framing
 * of the client's own request (`host`, `content-length`, `content-encoding`, `expect`).
 */
const NEVER_FORWARDED: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-type', 'content-encoding', 'expect', 'user-agent',
  'http2-settings',
]);

/** The spec's Header-Name: `1*( %x30-39 / %x61-7A / "_" / "-" / ".")`, i.e. lower-case. */
const METADATA_NAME = /^[0-9a-z_.-]+$/;
/** The spec's ASCII-Value: `%x20-%x7E` (we also accept an empty value, as grpc libraries do). */
const ASCII_VALUE = /^[\x20-\x7e]*$/;
/** `-bin` values are base64; the spec lets receivers accept padded and unpadded forms. URL-safe tolerated. */
const BINARY_VALUE = /^[A-Za-z0-9+/_=-]*$/;

/**
 * Why `name` (any case) may not be listed in `grpc.forwardHeaders`, or undefined when it may. Used by the config
 * schema so a bad list fails at load, not silently at request time.
 */
export function forwardHeaderProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === 'authorization') return 'authorization is forwarded only by "forwardAuthorization: true"';
  if (!METADATA_NAME.test(lower)) return 'not a gRPC metadata name (letters, digits, "_", "-" and ".")';
  if (lower.startsWith('grpc-')) return '"grpc-" names are reserved by gRPC (request headers "Grpc-Metadata-<name>" are forwarded as <name> anyway)';
  if (NEVER_FORWARDED.has(lower)) return `${lower} is a connection or framing header and never forwarded`;
  return undefined;
}

/**
 * The request metadata of a call: listed headers under their own name, `grpc-metadata-<name>` headers as
 * `<name>`, each only if {@link isForwardable}; values that are not valid metadata are dropped. The request id
 * goes last, so a client header cannot replace it.
 */
export function requestMetadata(
  headers: IncomingHttpHeaders,
  rules: MetadataRules,
  requestIdHeader: string,
  requestId: string,
): GrpcMetadata {
  const metadata: GrpcMetadata = Object.create(null) as GrpcMetadata;
  let connectionTokens: string | undefined;
  for (const name in headers) {
    let key: string;
    if (name.startsWith(METADATA_HEADER_PREFIX)) key = name.slice(METADATA_HEADER_PREFIX.length);
    else if (rules.forwardHeaders.has(name) || (name === 'authorization' && rules.forwardAuthorization)) key = name;
    else continue;
    if (!isForwardable(key, rules)) continue;
    // Fields named by Connection are hop-by-hop too (RFC 9110 §7.6.1).
    connectionTokens ??= connectionHeaderNames(headers);
    if (connectionTokens.includes(`,${key},`)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!(key.endsWith('-bin') ? BINARY_VALUE : ASCII_VALUE).test(item)) continue;
      const existing = metadata[key];
      metadata[key] = existing === undefined ? item : Array.isArray(existing) ? [...existing, item] : [existing, item];
    }
  }
  metadata[requestIdHeader.toLowerCase()] = requestId;
  return metadata;
}

/** A metadata key a request may carry to the upstream under these rules. */
function isForwardable(key: string, rules: MetadataRules): boolean {
  if (key === 'authorization') return rules.forwardAuthorization;
  return METADATA_NAME.test(key) && !key.startsWith('grpc-') && !NEVER_FORWARDED.has(key);
}

function connectionHeaderNames(headers: IncomingHttpHeaders): string {
  const connection = headers.connection;
  return connection === undefined ? '' : `,${connection.toLowerCase().replace(/\s+/g, '')},`;
}

/**
 * The allowed response header metadata and trailer metadata of a call as `Grpc-Metadata-<name>` response headers
 * (both sources under one prefix; several values joined with ", ", `-bin` values with "," as the spec joins
 * them, still base64). Undefined when there is nothing to add, so the common case allocates nothing.
 */
export function responseMetadataHeaders(
  headers: GrpcMetadata,
  trailers: GrpcMetadata,
  rules: MetadataRules,
): Record<string, string> | undefined {
  if (!rules.responseAll && rules.responseMetadata.size === 0) return undefined;
  let out: Record<string, string> | undefined;
  for (const source of [headers, trailers]) {
    for (const key in source) {
      if (!rules.responseAll && !rules.responseMetadata.has(key)) continue;
      const value = source[key];
      if (value === undefined) continue;
      const separator = key.endsWith('-bin') ? ',' : ', ';
      const text = Array.isArray(value) ? value.join(separator) : value;
      const name = `Grpc-Metadata-${key}`;
      out ??= {};
      const existing = out[name];
      out[name] = existing === undefined ? text : `${existing}${separator}${text}`;
    }
  }
  return out;
}

/**
 * The spec's request header `Timeout → "grpc-timeout" TimeoutValue TimeoutUnit`, TimeoutValue a "positive integer
 * as ASCII string of at most 8 digits", TimeoutUnit one of Hour "H", Minute "M", Second "S", Millisecond "m",
 * Microsecond "u", Nanosecond "n". (A value of 0 is accepted, as grpc-go does: an already expired deadline.)
 */
const GRPC_TIMEOUT = /^(\d{1,8})([HMSmun])$/;
const UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/** A `grpc-timeout` value in milliseconds (possibly fractional), or undefined when it does not match the spec. */
export function parseGrpcTimeout(value: string): number | undefined {
  const match = GRPC_TIMEOUT.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** Result of {@link callDeadline}. */
export type DeadlineResult = { readonly ok: true; readonly deadlineMs: number } | { readonly ok: false; readonly message: string };

/**
 * The deadline of the call: the route timeout, or the client's `grpc-timeout` when that is shorter (never longer:
 * the route timeout caps it). The client's timeout counts from when it sent the request, so the time the gateway
 * has already spent (`elapsedMs`) is taken off it; what is left may be 0, which fails the call at once with
 * DEADLINE_EXCEEDED.
 */
export function callDeadline(routeTimeoutMs: number, header: string | string[] | undefined, elapsedMs: number): DeadlineResult {
  if (header === undefined) return { ok: true, deadlineMs: routeTimeoutMs };
  const clientMs = typeof header === 'string' ? parseGrpcTimeout(header) : undefined;
  if (clientMs === undefined) {
    return {
      ok: false,
      message: 'must be one grpc-timeout value: 1 to 8 digits and a unit H, M, S, m, u or n (gRPC PROTOCOL-HTTP2), e.g. "500m"',
    };
  }
  return { ok: true, deadlineMs: Math.max(0, Math.min(routeTimeoutMs, clientMs - elapsedMs)) };
}
