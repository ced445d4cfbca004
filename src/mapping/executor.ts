import { GatewayError } from '../errors/gateway-error.js';
import { Canceller, type Cancellable } from '../upstreams/canceller.js';
import type { UpstreamCall, UpstreamReply } from '../upstreams/types.js';
import {
  stepBodyError,
  stepBuildError,
  stepCallError,
  stepDeadlineError,
  stepsCancelledError,
  stepStatusError,
  stepTimeoutError,
} from './step-errors.js';
import type { PlannedStep, StepPlan } from './step-plan.js';
import {
  DEFAULT_STEP_MAX_RESPONSE_BYTES,
  isSelfRunning,
  type CompiledHttpStep,
  type CompiledSelfRunningStep,
  type RequestScope,
  type RunStepsOptions,
  type StepCallContext,
  type StepRequest,
  type StepResult,
  type StepScope,
  type StepsOutcome,
} from './step-types.js';

export { planSteps, StepPlanError, type PlannedStep, type StepPlan, type StepPlanIssue } from './step-plan.js';
export {
  DEFAULT_STEP_MAX_RESPONSE_BYTES,
  type CompiledGrpcStep,
  type CompiledHttpStep,
  type CompiledSelfRunningStep,
  type CompiledStep,
  type StepCallContext,
  type RequestScope,
  type RunStepsOptions,
  type StepRequest,
  type StepResult,
  type StepScope,
  type StepsOutcome,
} from './step-types.js';

/**
 * Runs a mapping's steps for one request (issue 3, "Aggregation"). Each step starts the moment its last dependency
 * has finished (a promise per step, not level by level), so independent steps overlap fully. Each step has its own
 * Canceller (not an AbortController: see canceller.ts): its timer, a failing required sibling and the client's
 * disconnect all cancel through it.
 */

const PENDING = 0;
const RUNNING = 1;
const DONE = 2;
/** Failed, timed out or skipped (optional steps only: a required one ends the run). */
const LEFT_OUT = 3;

const NO_STEPS: StepsOutcome = Object.freeze({ results: Object.freeze({}), partial: Object.freeze([]), failures: Object.freeze({}) });

/**
 * Runs the steps of `plan` with `scope` as the request's data.
 *
 * Resolves when every step succeeded or was left out: `results` holds the successful ones, `partial` names the
 * optional steps left out (they failed, timed out, or depended on one that was left out; their dependents are
 * skipped too). Rejects with a GatewayError as soon as a required step fails, naming the step: 504
 * `upstream-timeout` ("step "cart" (upstream "carts") timed out after 500 ms"), else 502 `upstream-unavailable` or
 * `upstream-bad-response` (status not accepted, body not JSON, call not buildable); a gRPC, SOAP or XML step's own
 * error as it made it (`upstream-grpc-status` with the HTTP status of the gRPC table, `soap-fault` with the status
 * of the service's fault table, `mapping-failed` for a message the codec refuses); the steps still running are
 * cancelled. Aborting `options.signal` cancels every running step and rejects with `upstream-unavailable`.
 */
export function runSteps(plan: StepPlan, scope: RequestScope, options: RunStepsOptions): Promise<StepsOutcome> {
  if (plan.steps.length === 0) return Promise.resolve(NO_STEPS);
  return new StepRun(plan, scope, options).start();
}

/** The state of one run; arrays are indexed like `plan.steps`. It is its request's cancel target. */
class StepRun implements Cancellable {
  readonly #plan: StepPlan;
  readonly #scope: RequestScope;
  readonly #options: RunStepsOptions;
  readonly #state: Uint8Array;
  /** Dependencies each step still waits for. */
  readonly #waiting: Int32Array;
  readonly #cancellers: (Canceller | undefined)[];
  readonly #timers: (NodeJS.Timeout | undefined)[];
  /** The time budget each running step got (its timeout, or less when the deadline is nearer). */
  readonly #budgets: Float64Array;
  // Null prototypes: step names come from config, and `steps.__proto__` must stay a plain key.
  readonly #results: Record<string, StepResult> = Object.create(null) as Record<string, StepResult>;
  readonly #failures: Record<string, GatewayError> = Object.create(null) as Record<string, GatewayError>;
  /** Steps neither done nor left out yet. */
  #open: number;
  #settled = false;
  #resolve: (outcome: StepsOutcome) => void = noop;
  #reject: (error: GatewayError) => void = noop;

  constructor(plan: StepPlan, scope: RequestScope, options: RunStepsOptions) {
    const count = plan.steps.length;
    this.#plan = plan;
    this.#scope = scope;
    this.#options = options;
    this.#state = new Uint8Array(count);
    this.#waiting = new Int32Array(count);
    for (const planned of plan.steps) this.#waiting[planned.index] = planned.dependencies.length;
    this.#cancellers = new Array<Canceller | undefined>(count);
    this.#timers = new Array<NodeJS.Timeout | undefined>(count);
    this.#budgets = new Float64Array(count);
    this.#open = count;
  }

  start(): Promise<StepsOutcome> {
    return new Promise<StepsOutcome>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const { signal, canceller } = this.#options;
      if (signal?.aborted === true || canceller?.cancelled === true) {
        this.#settled = true;
        reject(stepsCancelledError(this.#cancelReason()));
        return;
      }
      // The run itself is the listener (handleEvent): no closure per request.
      signal?.addEventListener('abort', this, { once: true });
      if (canceller !== undefined) canceller.target = this;
      for (const root of this.#plan.roots) this.#startStep(root);
    });
  }

  /** The client went away: the request's signal was aborted or its canceller fired. */
  handleEvent(): void {
    this.#cancelAll(stepsCancelledError(this.#cancelReason()));
  }

  #cancelReason(): unknown {
    const { signal, canceller } = this.#options;
    return canceller?.cancelled === true ? canceller.reason : signal?.reason;
  }

  /** Stops listening to the request's signal or canceller once the run has settled. */
  #detach(): void {
    const { signal, canceller } = this.#options;
    signal?.removeEventListener('abort', this);
    if (canceller !== undefined && canceller.target === this) canceller.target = undefined;
  }

  #startStep(index: number): void {
    if (this.#settled) return;
    const planned = this.#plan.steps[index] as PlannedStep;
    const step = planned.step;
    this.#state[index] = RUNNING;
    let budget = step.timeoutMs;
    const deadline = this.#options.deadlineMs;
    if (deadline !== undefined) {
      const left = Math.floor(deadline - performance.now());
      if (left <= 0) {
        this.#stepFailed(index, stepDeadlineError(step));
        return;
      }
      if (left < budget) budget = left;
    }
    const scope = this.#stepScope(planned);
    const canceller = new Canceller();
    if (isSelfRunning(step)) {
      this.#startSelfRunningStep(index, step, scope, canceller, budget);
      return;
    }
    let call: UpstreamCall;
    try {
      call = this.#toCall(step.buildCall(scope), canceller, budget, step.maxResponseBytes);
    } catch (error) {
      this.#stepFailed(index, stepBuildError(step, error));
      return;
    }
    this.#cancellers[index] = canceller;
    this.#budgets[index] = budget;
    this.#timers[index] = setTimeout(onStepTimer, budget, this, index);
    step.upstream.call(call).then(
      (reply) => this.#replied(index, step, reply, scope),
      (error: unknown) => this.#callFailed(index, error),
    );
  }

  /** A gRPC, SOAP or XML step encodes, calls and decodes by itself; the run keeps the timer, cancellation and graph. */
  #startSelfRunningStep(index: number, step: CompiledSelfRunningStep, scope: StepScope, canceller: Canceller, budget: number): void {
    let pending: Promise<StepResult>;
    try {
      pending = step.start(scope, new StepCall(canceller, budget, this.#options.requestId, this.#options.requestIdHeader));
    } catch (error) {
      this.#stepFailed(index, GatewayError.is(error) ? error : stepBuildError(step, error));
      return;
    }
    this.#cancellers[index] = canceller;
    this.#budgets[index] = budget;
    this.#timers[index] = setTimeout(onStepTimer, budget, this, index);
    pending.then(
      (result) => {
        if (!this.#settled && this.#state[index] === RUNNING) this.#stepDone(index, result);
      },
      (error: unknown) => this.#callFailed(index, error),
    );
  }

  /** Only the results of the step's own dependencies: what it may read is decided at load, not by timing. */
  #stepScope(planned: PlannedStep): StepScope {
    const steps = Object.create(null) as Record<string, StepResult>;
    for (const dependency of planned.dependencies) {
      const name = (this.#plan.steps[dependency] as PlannedStep).step.name;
      steps[name] = this.#results[name] as StepResult;
    }
    return { ...this.#scope, steps };
  }

  #toCall(request: StepRequest, canceller: Canceller, timeoutMs: number, maxResponseBytes: number | undefined): UpstreamCall {
    const headers: Record<string, string> = { ...request.headers };
    const value = request.body;
    let body: Buffer | undefined;
    if (value === undefined || Buffer.isBuffer(value)) {
      body = value;
    } else {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) throw new TypeError(`the body of a step request is not JSON-serialisable (${typeof value})`);
      body = Buffer.from(text);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    }
    if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
    return {
      method: request.method,
      path: request.path,
      headers,
      body,
      timeoutMs,
      canceller,
      maxResponseBytes: maxResponseBytes ?? DEFAULT_STEP_MAX_RESPONSE_BYTES,
      requestId: this.#options.requestId,
      requestIdHeader: this.#options.requestIdHeader,
    };
  }

  #replied(index: number, step: CompiledHttpStep, reply: UpstreamReply, scope: StepScope): void {
    if (this.#settled || this.#state[index] !== RUNNING) return;
    if (!step.acceptStatus(reply.status)) {
      this.#stepFailed(index, stepStatusError(step, reply.status));
      return;
    }
    let replaced: { readonly body: unknown } | undefined;
    try {
      replaced = step.resultBody?.(reply.status, scope);
    } catch (error) {
      this.#stepFailed(index, stepBuildError(step, error));
      return;
    }
    let body: unknown;
    if (replaced !== undefined) {
      body = replaced.body;
    } else if (reply.body.length > 0) {
      try {
        body = JSON.parse(reply.body.toString('utf8'));
      } catch (error) {
        this.#stepFailed(index, stepBodyError(step, error));
        return;
      }
    }
    this.#stepDone(index, { status: reply.status, headers: reply.headers, body });
  }

  #callFailed(index: number, error: unknown): void {
    if (this.#settled || this.#state[index] !== RUNNING) return;
    const step = (this.#plan.steps[index] as PlannedStep).step;
    const timedOut = GatewayError.is(error) && error.code === 'upstream-timeout';
    if (timedOut) {
      this.#stepFailed(index, stepTimeoutError(step, this.#budgets[index] as number, error));
    } else {
      // A self-running step's errors already name it (and carry the status of the gRPC or SOAP fault table).
      this.#stepFailed(index, isSelfRunning(step) && GatewayError.is(error) ? error : stepCallError(step, error));
    }
  }

  /** The step's own timer: fail it now, without waiting for the adapter to notice the abort. */
  timedOut(index: number): void {
    this.#timers[index] = undefined;
    if (this.#settled || this.#state[index] !== RUNNING) return;
    const step = (this.#plan.steps[index] as PlannedStep).step;
    this.#stepFailed(index, stepTimeoutError(step, this.#budgets[index] as number));
  }

  #stepDone(index: number, result: StepResult): void {
    const planned = this.#plan.steps[index] as PlannedStep;
    this.#release(index, undefined);
    this.#state[index] = DONE;
    this.#results[planned.step.name] = result;
    this.#open--;
    const waiting = this.#waiting;
    for (const dependent of planned.dependents) {
      const left = (waiting[dependent] as number) - 1;
      waiting[dependent] = left;
      if (left === 0 && this.#state[dependent] === PENDING) this.#startStep(dependent);
    }
    if (this.#open === 0) this.#finish();
  }

  #stepFailed(index: number, error: GatewayError): void {
    const planned = this.#plan.steps[index] as PlannedStep;
    this.#release(index, error);
    if (planned.step.required) {
      this.#cancelAll(error);
      return;
    }
    this.#failures[planned.step.name] = error;
    this.#leaveOut(index);
    if (this.#open === 0) this.#finish();
  }

  /** Leaves out an optional step and, transitively, the steps waiting for it (all optional: see planSteps). */
  #leaveOut(index: number): void {
    this.#state[index] = LEFT_OUT;
    this.#open--;
    for (const dependent of (this.#plan.steps[index] as PlannedStep).dependents) {
      if (this.#state[dependent] === PENDING) this.#leaveOut(dependent);
    }
  }

  /** Stops the step's timer and, when `reason` is given and the exchange may still run, cancels it. */
  #release(index: number, reason: GatewayError | undefined): void {
    const timer = this.#timers[index];
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#timers[index] = undefined;
    }
    const canceller = this.#cancellers[index];
    if (canceller === undefined) return;
    this.#cancellers[index] = undefined;
    if (reason !== undefined) canceller.cancel(reason);
  }

  #cancelAll(error: GatewayError): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#detach();
    for (let index = 0; index < this.#state.length; index++) {
      if (this.#state[index] === RUNNING) this.#release(index, error);
    }
    this.#reject(error);
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#detach();
    const partial: string[] = [];
    for (const planned of this.#plan.steps) if (this.#state[planned.index] === LEFT_OUT) partial.push(planned.step.name);
    this.#resolve({ results: this.#results, partial, failures: this.#failures });
  }
}

/**
 * A self-running step's call context; only a step that reads `signal` makes the AbortController. A class, because an
 * object literal with a getter is created on a slow path (~0.4 µs each on Node 20).
 */
class StepCall implements StepCallContext {
  readonly canceller: Canceller;
  readonly timeoutMs: number;
  readonly requestId: string;
  readonly requestIdHeader: string;

  constructor(canceller: Canceller, timeoutMs: number, requestId: string, requestIdHeader: string) {
    this.canceller = canceller;
    this.timeoutMs = timeoutMs;
    this.requestId = requestId;
    this.requestIdHeader = requestIdHeader;
  }

  get signal(): AbortSignal {
    return this.canceller.signal;
  }
}

function onStepTimer(run: StepRun, index: number): void {
  run.timedOut(index);
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

function noop(): void {}
