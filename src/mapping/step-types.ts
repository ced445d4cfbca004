import type { GatewayError } from '../errors/gateway-error.js';
import type { Canceller } from '../upstreams/canceller.js';
import type { HttpUpstream } from '../upstreams/types.js';

/**
 * The contract between a mapping's compiled steps (built at load by the mapping loader) and the step executor
 * (executor.ts). Nothing here is parsed or resolved per request.
 */

/** What the request contributes to the scope of every step; the executor adds `steps`. */
export interface RequestScope {
  readonly path?: unknown;
  readonly query?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
  /** Claims of the authenticated caller. */
  readonly auth?: unknown;
  /** The Backend-for-Frontend profile serving the request. */
  readonly profile?: unknown;
}

/** The result of one successful step, as later steps (`steps.<name>`) and the response shaping see it. */
export interface StepResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The parsed JSON body; undefined when the upstream sent no body (e.g. 204). */
  readonly body: unknown;
}

/**
 * The scope a step's call is built from: the request's data plus `steps`, which holds exactly the results of the
 * steps it depends on (never a sibling that happened to finish first, so a build never depends on timing).
 */
export interface StepScope extends RequestScope {
  readonly steps: Readonly<Record<string, StepResult>>;
}

/** The upstream request a step builds. */
export interface StepRequest {
  readonly method: string;
  /** Upstream path with query string, already encoded. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * A Buffer is sent as is; any other defined value is sent as JSON (`content-type: application/json` unless the
   * headers name one); undefined sends no body.
   */
  readonly body?: unknown;
}

/** What every compiled step has, whatever it calls. */
export interface StepBase {
  /** Unique within the mapping; how expressions reference it (`steps.<name>`). */
  readonly name: string;
  /** Names of the steps whose results it reads (computed at load from its expressions). */
  readonly dependsOn: readonly string[];
  /** A required step that fails fails the request; an optional one is left out and named in `partial`. */
  readonly required: boolean;
  /** From the moment the step starts (its dependencies done) until its whole response is read. */
  readonly timeoutMs: number;
}

/** A step calling an HTTP upstream (`protocol` is absent or `'http'`). */
export interface CompiledHttpStep extends StepBase {
  readonly protocol?: 'http' | undefined;
  /** Largest response body accepted; default {@link DEFAULT_STEP_MAX_RESPONSE_BYTES}. */
  readonly maxResponseBytes?: number | undefined;
  readonly upstream: HttpUpstream;
  /**
   * Builds the call from the scope. May throw (a TransformRuntimeError, code `TRANSFORM_RUNTIME`, when a value
   * has the wrong type at runtime): the step then fails with `upstream-bad-response` quoting that message.
   */
  readonly buildCall: (scope: StepScope) => StepRequest;
  /** Which upstream statuses count as success (typically 2xx; a lookup may also accept 404). */
  readonly acceptStatus: (status: number) => boolean;
  /**
   * Optional: for an accepted status, the body to use instead of the upstream's (e.g. 404 → an empty list), or
   * undefined to parse the upstream's. Called before dependents start, so they see the replacement. May throw
   * like `buildCall`.
   */
  readonly resultBody?: ((status: number, scope: StepScope) => { readonly body: unknown } | undefined) | undefined;
}

/** Per-call inputs the executor hands a self-running step (gRPC, SOAP, plain XML). */
export interface StepCallContext {
  /**
   * Cancelled when the step times out, a required sibling fails or the client goes away. Give it to
   * `HttpUpstream.call` (or a unary gRPC call) rather than `signal`: it costs no AbortController and no listener.
   */
  readonly canceller: Canceller;
  /**
   * The same, as an AbortSignal for APIs that take nothing else; made on first read (see Canceller.signal). It may
   * be an accessor: read it from the context, never from a spread copy of it.
   */
  readonly signal: AbortSignal;
  /**
   * The step's budget: its timeout, or less when the request's deadline is nearer. A gRPC step sends it as the
   * deadline; SOAP and XML steps give it to the HTTP exchange.
   */
  readonly timeoutMs: number;
  readonly requestId: string;
  readonly requestIdHeader: string;
}

/**
 * A step that encodes, calls and decodes by itself: a unary gRPC method (compile-grpc-step.ts), a SOAP operation
 * (compile-soap-step.ts) or a plain-XML exchange (compile-xml-step.ts). The executor keeps its timer, its
 * cancellation and its place in the graph; the step's GatewayErrors go to the client as they are.
 */
export interface CompiledSelfRunningStep extends StepBase {
  readonly protocol: 'grpc' | 'soap' | 'xml';
  /** For messages only: the upstream's configured name (a SOAP step's: the service's upstream). */
  readonly upstream: { readonly name: string };
  /**
   * Builds the request synchronously (throwing a TransformRuntimeError or a `mapping-failed` GatewayError when it
   * cannot), then calls. Resolves with the result (a success, or the replacement of an outcome listed in
   * `statuses`); rejects with a GatewayError naming the step, `upstream-timeout` when the deadline passed.
   */
  readonly start: (scope: StepScope, call: StepCallContext) => Promise<StepResult>;
}

/** A step calling a unary gRPC method; it encodes, calls and decodes by itself (see compile-grpc-step.ts). */
export interface CompiledGrpcStep extends CompiledSelfRunningStep {
  readonly protocol: 'grpc';
}

/** One step of a mapping, compiled at load. */
export type CompiledStep = CompiledHttpStep | CompiledSelfRunningStep;

/** True for a gRPC, SOAP or XML step (an HTTP step's `protocol` is absent or `'http'`). */
export function isSelfRunning(step: CompiledStep): step is CompiledSelfRunningStep {
  return step.protocol !== undefined && step.protocol !== 'http';
}

/** Response bodies up to this size are accepted unless a step says otherwise (the gateway's default body limit). */
export const DEFAULT_STEP_MAX_RESPONSE_BYTES = 1_048_576;

/** Per-request inputs of {@link runSteps}. */
export interface RunStepsOptions {
  /** The client request's signal: aborting it (client gone) cancels every running step. */
  readonly signal?: AbortSignal | undefined;
  /** The same as `signal`, without an AbortController and its listener per request: what the stages pass. */
  readonly canceller?: Canceller | undefined;
  readonly requestId: string;
  readonly requestIdHeader: string;
  /**
   * The request's deadline on the `performance.now()` clock (like `RequestContext.startedAt`): no step runs past
   * it, whatever its own timeout.
   */
  readonly deadlineMs?: number | undefined;
}

/** What {@link runSteps} resolves with when every required step succeeded. */
export interface StepsOutcome {
  /** Successful steps by name (optional steps that failed or were skipped are absent). */
  readonly results: Readonly<Record<string, StepResult>>;
  /** Optional steps left out (failed, timed out, or skipped because a dependency was left out), in plan order. */
  readonly partial: readonly string[];
  /** Why each failed optional step failed (skipped steps have no entry): for the log and metrics, not the client. */
  readonly failures: Readonly<Record<string, GatewayError>>;
}
