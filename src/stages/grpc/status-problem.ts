/**
 * gRPC statuses and gateway errors as the transcoder reports them: a problem before the response started, an
 * in-band error object (NDJSON line / SSE event) after it.
 */
import { problemType } from '../../errors/codes.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { decodeStatusDetails, grpcStatusName, httpStatusFromGrpc, retryAfterSeconds } from '../../errors/grpc-status.js';

/**
 * A non-OK gRPC status as a problem: the HTTP status from the one table, the code name, message and details, and
 * the allowed response metadata as headers.
 */
export function statusProblem(
  upstream: string,
  code: number,
  message: string,
  detailsBin: Buffer | undefined,
  metadataHeaders: Record<string, string> | undefined,
): GatewayError {
  const details = decodeDetails(detailsBin);
  const retryAfter = retryAfterSeconds(details);
  const headers = retryAfter === undefined ? metadataHeaders : { ...metadataHeaders, 'retry-after': String(retryAfter) };
  return new GatewayError('upstream-grpc-status', `upstream "${upstream}" answered ${grpcStatusName(code)}${message === '' ? '' : `: ${message}`}`, {
    status: httpStatusFromGrpc(code),
    extensions: { grpcCode: grpcStatusName(code), grpcMessage: message, ...(details.length > 0 ? { details } : {}) },
    ...(headers === undefined ? {} : { headers }),
  });
}

/** The in-band error object of a stream whose upstream failed after its first message. */
export function inBandStatus(code: number, message: string, detailsBin: Buffer | undefined): Record<string, unknown> {
  const details = decodeDetails(detailsBin);
  return {
    type: problemType('upstream-grpc-status'),
    status: httpStatusFromGrpc(code),
    grpcCode: grpcStatusName(code),
    grpcMessage: message,
    ...(details.length > 0 ? { details } : {}),
  };
}

/**
 * The in-band error object of a stream the gateway ended itself after its first message (a bad NDJSON request
 * line of a bidi call): the problem's `type`, `status`, `detail`, its `errors` and extensions, no `title` or
 * `instance` (as {@link inBandStatus}).
 */
export function inBandProblem(error: GatewayError): Record<string, unknown> {
  return {
    type: problemType(error.code),
    status: error.status,
    detail: error.detail,
    ...(error.violations === undefined ? {} : { errors: error.violations }),
    ...error.extensions,
  };
}

function decodeDetails(detailsBin: Buffer | undefined): unknown[] {
  if (detailsBin === undefined) return [];
  try {
    return decodeStatusDetails(detailsBin).details;
  } catch {
    return [];
  }
}
