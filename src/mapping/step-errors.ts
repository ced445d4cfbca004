import { GatewayError } from '../errors/gateway-error.js';
import { decodeStatusDetails, grpcStatusName, httpStatusFromGrpc, retryAfterSeconds } from '../errors/grpc-status.js';
import type { CompiledStep } from './step-types.js';

/**
 * Client-facing errors of aggregation steps. Each detail names the step and its upstream by their configured names
 * (never an address); the upstream's own error stays in `cause` for the log.
 */

function label(step: CompiledStep): string {
  return `step "${step.name}" (upstream "${step.upstream.name}")`;
}

/** The step did not complete within its timeout (or the request's deadline, whichever came first). */
export function stepTimeoutError(step: CompiledStep, timeoutMs: number, cause?: unknown): GatewayError {
  return new GatewayError('upstream-timeout', `${label(step)} timed out after ${timeoutMs} ms`, { cause });
}

/** The call failed: the upstream's GatewayError keeps its code, its detail is quoted after the step's name. */
export function stepCallError(step: CompiledStep, error: unknown): GatewayError {
  if (GatewayError.is(error)) {
    return new GatewayError(error.code, `step "${step.name}" failed: ${error.detail}`, { cause: error });
  }
  return new GatewayError('upstream-unavailable', `${label(step)} failed`, { cause: error });
}

/** The upstream answered with a status the step does not accept. */
export function stepStatusError(step: CompiledStep, status: number): GatewayError {
  return new GatewayError('upstream-bad-response', `${label(step)} answered with status ${status}`);
}

/** The upstream's body is not JSON. */
export function stepBodyError(step: CompiledStep, cause: unknown): GatewayError {
  return new GatewayError('upstream-bad-response', `${label(step)} answered with a body that is not JSON`, { cause });
}

/**
 * Building the call (or the replacement body) threw. A transform runtime fault (`code: 'TRANSFORM_RUNTIME'`) is
 * quoted, since its message names the mapping file, line and expression (issue 3, "runtime faults never crash");
 * any other error is a bug and stays in `cause`.
 */
export function stepBuildError(step: CompiledStep, error: unknown): GatewayError {
  const transform = error instanceof Error && (error as { code?: unknown }).code === 'TRANSFORM_RUNTIME';
  const detail = transform ? `step "${step.name}" could not be built: ${error.message}` : `step "${step.name}" could not be built`;
  return new GatewayError(transform ? 'mapping-failed' : 'internal', detail, { cause: error });
}

/** The client went away (its request signal aborted) before the steps completed. */
export function stepsCancelledError(reason: unknown): GatewayError {
  return new GatewayError('upstream-unavailable', 'the request was cancelled before its steps completed', { cause: reason });
}

/** The request's deadline had passed when the step's dependencies were done: it is not started at all. */
export function stepDeadlineError(step: CompiledStep): GatewayError {
  return new GatewayError('upstream-timeout', `${label(step)} was not started: the request's deadline had passed`);
}

/**
 * A gRPC step's call ended with a status it does not accept: the HTTP status of the gRPC table (NOT_FOUND → 404,
 * UNAVAILABLE → 503, …), `grpcCode`, `grpcMessage` and the google.rpc.Status details, as a transcoded route answers.
 */
export function stepGrpcStatusError(step: CompiledStep, code: number, message: string, detailsBin: Buffer | undefined): GatewayError {
  const name = grpcStatusName(code);
  let details: unknown[] = [];
  if (detailsBin !== undefined) {
    try {
      details = decodeStatusDetails(detailsBin).details;
    } catch {
      // Not a google.rpc.Status: the code and message still say what happened.
    }
  }
  const retryAfter = retryAfterSeconds(details);
  return new GatewayError('upstream-grpc-status', `${label(step)} answered ${name}${message === '' ? '' : `: ${message}`}`, {
    status: httpStatusFromGrpc(code),
    extensions: { grpcCode: name, grpcMessage: message, ...(details.length > 0 ? { details } : {}) },
    ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }),
  });
}

/** A gRPC step answered OK with bytes that are not its response message (or have no JSON form). */
export function stepGrpcMessageError(step: CompiledStep, typeName: string, cause: unknown): GatewayError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new GatewayError('upstream-bad-response', `${label(step)} answered with a message that is not a valid ${typeName}${reason}`, { cause });
}
