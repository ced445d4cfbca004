import { ERROR_CODES, type ErrorCode } from './codes.js';

/** One violation inside a `validation-failed` problem. */
export interface Violation {
  /** JSON pointer into the request: `/query/limit`, `/path/id`, `/header/x-tenant`, `/body/items/0/sku`. */
  readonly location: string;
  readonly message: string;
}

const BRAND = Symbol.for('protogate.GatewayError');

/**
 * A client-facing error with a stable code. Anything thrown on the request path that is not a GatewayError is
 * reported as `internal` and its message never reaches the client.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly violations: readonly Violation[] | undefined;
  /** Extra response headers, e.g. `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Extension members added to the problem body. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  readonly [BRAND] = true;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      violations?: readonly Violation[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
      /** Overrides the code's status, for codes whose status comes from the upstream (`upstream-grpc-status`). */
      status?: number;
      cause?: unknown;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.detail = detail;
    this.violations = options.violations;
    this.headers = options.headers;
    this.extensions = options.extensions;
  }

  static is(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
