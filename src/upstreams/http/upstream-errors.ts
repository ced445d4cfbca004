import { GatewayError } from '../../errors/gateway-error.js';
import { NO_H2_CODE, POOL_CLOSED_CODE } from './h2-session-pool.js';
import { H1_POOL_CLOSED_CODE, H1_SOCKET_CLOSED_CODE } from './h1/errors.js';
import { CONNECT_TIMEOUT_CODE } from './targets.js';

/**
 * Maps low-level client errors to client-facing GatewayErrors. The detail names the upstream by its configured
 * name only: addresses, ports and certificate subjects stay in `cause`, for the log.
 */

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const CLOSED_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
  // Our HTTP/1.1 client: EOF before the response head (a kept-alive socket that went stale is retried first).
  H1_SOCKET_CLOSED_CODE,
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** The string `code` of a Node / client error, or `''`. */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function isTlsFailure(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_');
}

/** An error raised before any response header reached the client: always `upstream-unavailable` or `-timeout`. */
export function connectionError(upstream: string, error: unknown): GatewayError {
  if (GatewayError.is(error)) return error;
  const code = errorCode(error);
  const cause = { cause: error };
  if (code === CONNECT_TIMEOUT_CODE || code === 'ETIMEDOUT') {
    return new GatewayError('upstream-timeout', `upstream "${upstream}" did not accept a connection in time`, cause);
  }
  if (code === 'ECONNREFUSED') {
    return new GatewayError('upstream-unavailable', `upstream "${upstream}" refused the connection`, cause);
  }
  if (DNS_CODES.has(code)) {
    return new GatewayError('upstream-unavailable', `the address of upstream "${upstream}" could not be resolved`, cause);
  }
  if (code === NO_H2_CODE) {
    return new GatewayError('upstream-unavailable', `upstream "${upstream}" does not speak HTTP/2 (ALPN h2 was not negotiated)`, cause);
  }
  if (isTlsFailure(code)) {
    return new GatewayError('upstream-unavailable', `the TLS handshake with upstream "${upstream}" failed`, cause);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return new GatewayError('upstream-unavailable', `upstream "${upstream}" is unreachable`, cause);
  }
  if (code === POOL_CLOSED_CODE || code === H1_POOL_CLOSED_CODE) {
    return new GatewayError('upstream-unavailable', `upstream "${upstream}" is shut down`, cause);
  }
  if (CLOSED_CODES.has(code) || (error instanceof Error && /hang up|terminated|aborted/i.test(error.message))) {
    return new GatewayError('upstream-unavailable', `upstream "${upstream}" closed the connection before answering`, cause);
  }
  if (error instanceof Error && /loop detected/.test(error.message)) {
    // http2-proxy refuses a request whose Via already names this gateway's pseudonym (RFC 9110 §7.6.3).
    return new GatewayError('upstream-unavailable', `request loop: the request already passed through this gateway`, cause);
  }
  return new GatewayError('upstream-unavailable', `upstream "${upstream}" failed before answering`, cause);
}

/** The response headers did not arrive within the route's timeout. */
export function headersTimeoutError(upstream: string, timeoutMs: number): GatewayError {
  return new GatewayError('upstream-timeout', `upstream "${upstream}" did not answer within ${timeoutMs} ms`);
}

/** The upstream's response head could not be relayed (e.g. an invalid header for the client's protocol). */
export function badResponseError(upstream: string, error: unknown): GatewayError {
  return new GatewayError('upstream-bad-response', `upstream "${upstream}" sent a response that cannot be relayed`, {
    cause: error,
  });
}

/** The upstream failed after the response head went out: the client exchange has been aborted. */
export function brokenResponseError(upstream: string, error: unknown): GatewayError {
  return new GatewayError('upstream-unavailable', `upstream "${upstream}" broke off the response`, { cause: error });
}

/** A buffered call's response head or body violates the protocol: nothing of it is used. */
export function malformedResponseError(upstream: string, error: unknown): GatewayError {
  return new GatewayError('upstream-bad-response', `upstream "${upstream}" sent a malformed response`, { cause: error });
}

/** A buffered call's response is larger than the caller allows (by Content-Length or by the bytes received). */
export function responseTooLargeError(upstream: string, maxBytes: number): GatewayError {
  return new GatewayError('upstream-bad-response', `upstream "${upstream}" sent a response larger than ${maxBytes} bytes`);
}

/** The caller aborted a buffered call; `reason` is the signal's reason, kept for the log. */
export function cancelledCallError(upstream: string, reason: unknown): GatewayError {
  return new GatewayError('upstream-unavailable', `the call to upstream "${upstream}" was cancelled`, { cause: reason });
}

/** The request of a buffered call cannot be sent as built (e.g. a header value with CR or LF): nothing was sent. */
export function invalidCallError(upstream: string, error: unknown): GatewayError {
  // The message stays in `cause`: it may quote a header value, which can come from the client or an env secret.
  return new GatewayError('upstream-unavailable', `the request to upstream "${upstream}" cannot be sent (invalid method, path or header)`, {
    cause: error,
  });
}
