import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { ERROR_CODES, problemType, type ErrorCode } from './codes.js';
import { GatewayError } from './gateway-error.js';

export type AnyResponse = ServerResponse | Http2ServerResponse;

/** RFC 9457 problem details, as the gateway writes them. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly { location: string; message: string }[];
  readonly [extension: string]: unknown;
}

export function toProblem(error: GatewayError, requestId: string): ProblemBody {
  const spec = ERROR_CODES[error.code];
  const body: Record<string, unknown> = {
    type: problemType(error.code),
    title: spec.title,
    status: error.status,
    detail: error.detail,
    instance: requestId,
  };
  if (error.violations !== undefined) body.errors = error.violations;
  if (error.extensions !== undefined) {
    for (const [key, value] of Object.entries(error.extensions)) {
      if (!(key in body)) body[key] = value;
    }
  }
  return body as ProblemBody;
}

/**
 * The problem+json body of an error answered outside any routed request (a client error node:http reports, a
 * request time bound that expired): there is no request id to give as `instance`. `detail` defaults to the code's
 * `when`.
 */
export function bareProblemBody(code: ErrorCode, detail: string = ERROR_CODES[code].when): string {
  const spec = ERROR_CODES[code];
  return JSON.stringify({ type: problemType(code), title: spec.title, status: spec.status, detail });
}

/** Constant body for when serialising the real problem fails: the client still gets valid problem+json. */
const FALLBACK_BODY = JSON.stringify({
  type: problemType('internal'),
  title: ERROR_CODES.internal.title,
  status: 500,
  detail: 'The gateway failed while reporting an error.',
});

/** Normalises anything thrown on the request path into a GatewayError; unknown errors become `internal`. */
export function asGatewayError(error: unknown): GatewayError {
  if (GatewayError.is(error)) return error;
  return new GatewayError('internal', 'The gateway hit an unexpected error.', { cause: error });
}

/**
 * Writes a problem+json response. If headers are already on the wire the response cannot change any more: the
 * connection (or HTTP/2 stream) is destroyed so the client sees a failure, never a truncated success.
 *
 * @returns the number of body bytes written (0 when the response was aborted instead).
 */
export function sendProblem(res: AnyResponse, error: GatewayError, requestId: string, isHead = false): number {
  if (res.headersSent) {
    abortResponse(res);
    return 0;
  }
  let payload: string;
  try {
    payload = JSON.stringify(toProblem(error, requestId));
  } catch {
    payload = FALLBACK_BODY;
  }
  const bytes = Buffer.byteLength(payload);
  const headers: Record<string, string | number> = {
    'content-type': 'application/problem+json',
    'content-length': bytes,
    'cache-control': 'no-store',
  };
  if (error.headers !== undefined) Object.assign(headers, error.headers);
  (res as ServerResponse).writeHead(error.status, headers);
  if (isHead) res.end();
  else res.end(payload);
  return isHead ? 0 : bytes;
}

/** Ends the exchange abnormally: RST_STREAM on HTTP/2, a destroyed socket on HTTP/1.1. */
export function abortResponse(res: AnyResponse): void {
  const h2stream = (res as Http2ServerResponse).stream;
  if (h2stream !== undefined) {
    if (!h2stream.destroyed) h2stream.close(0x2 /* INTERNAL_ERROR */);
    return;
  }
  (res as ServerResponse).socket?.destroy();
}
