/**
 * Error codes of the hand-written HTTP/1.1 client. Each error carries a stable `code`; upstream-errors.ts maps the
 * codes to client-facing GatewayErrors, so nothing outside the adapter depends on messages.
 */

/** The upstream's response violates RFC 9112 (see {@link H1ParseError.reason}). */
export const H1_BAD_RESPONSE_CODE = 'PROTOGATE_H1_BAD_RESPONSE';
/** No complete response head within `headersTimeoutMs` of writing the request. */
export const H1_HEADERS_TIMEOUT_CODE = 'PROTOGATE_H1_HEADERS_TIMEOUT';
/** No body bytes for `bodyTimeoutMs` while the response body was being read (and not paused). */
export const H1_BODY_TIMEOUT_CODE = 'PROTOGATE_H1_BODY_TIMEOUT';
/** The upstream closed the connection before the response was complete, without a socket error. */
export const H1_SOCKET_CLOSED_CODE = 'PROTOGATE_H1_SOCKET_CLOSED';
/** The connection pool was closed while the request waited or ran. */
export const H1_POOL_CLOSED_CODE = 'PROTOGATE_H1_POOL_CLOSED';
/** The request could not be serialised safely (invalid method, path, header name or value); nothing was sent. */
export const H1_INVALID_REQUEST_CODE = 'PROTOGATE_H1_INVALID_REQUEST';

/** An error of the HTTP/1.1 client; `code` is one of the `H1_*_CODE` constants. */
export class H1Error extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'H1Error';
    this.code = code;
  }
}

/** Why a response was rejected by the parser. Each maps to one rule of RFC 9112 (see {@link PARSE_MESSAGES}). */
export type H1ParseReason =
  | 'bad-status-line'
  | 'unexpected-upgrade'
  | 'bad-header-name'
  | 'bad-header-value'
  | 'obs-fold'
  | 'headers-too-large'
  | 'bad-content-length'
  | 'conflicting-content-length'
  | 'bad-transfer-encoding'
  | 'transfer-encoding-with-content-length'
  | 'transfer-encoding-in-http10'
  | 'bad-chunk-size'
  | 'chunk-size-overflow'
  | 'bad-chunk-extension'
  | 'missing-chunk-crlf'
  | 'trailers-too-large'
  | 'incomplete-response'
  | 'unexpected-data';

/** Message of each parse failure; the RFC 9112 section it enforces is in the parser's comments. */
export const PARSE_MESSAGES: Readonly<Record<H1ParseReason, string>> = {
  'bad-status-line': 'invalid status line',
  'unexpected-upgrade': '101 Switching Protocols without an upgrade request',
  'bad-header-name': 'invalid header field name',
  'bad-header-value': 'invalid header field value',
  'obs-fold': 'obsolete line folding in a header field',
  'headers-too-large': 'response header section too large',
  'bad-content-length': 'invalid content-length',
  'conflicting-content-length': 'conflicting content-length values',
  'bad-transfer-encoding': 'invalid transfer-encoding',
  'transfer-encoding-with-content-length': 'both transfer-encoding and content-length',
  'transfer-encoding-in-http10': 'transfer-encoding in an HTTP/1.0 response',
  'bad-chunk-size': 'invalid chunk size line',
  'chunk-size-overflow': 'chunk size too large',
  'bad-chunk-extension': 'invalid chunk extension',
  'missing-chunk-crlf': 'missing CRLF after chunk data',
  'trailers-too-large': 'trailer section too large',
  'incomplete-response': 'connection closed before the response was complete',
  'unexpected-data': 'unexpected data after a complete response',
};

/** A malformed response: the connection is never reused after one. */
export class H1ParseError extends H1Error {
  readonly reason: H1ParseReason;
  constructor(reason: H1ParseReason) {
    super(H1_BAD_RESPONSE_CODE, `malformed HTTP/1.1 response: ${PARSE_MESSAGES[reason]}`);
    this.name = 'H1ParseError';
    this.reason = reason;
  }
}
