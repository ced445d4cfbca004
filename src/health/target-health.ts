import type { ProbeOutcome, TargetState } from './types.js';

/** The thresholds a target's state follows. */
export interface Thresholds {
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
}

/**
 * One target's health: consecutive successes and failures against the thresholds.
 *
 * - `pending` (never checked): the first answer decides, either way. Envoy does the same at start-up ("only a
 *   single successful health check is required"), so a gateway becomes ready one interval sooner.
 * - `healthy`: `unhealthyThreshold` failures in a row take it out, one explicit "not serving" at once (Envoy treats
 *   an HTTP 503 that way: a server draining itself should not get `threshold × interval` more traffic).
 * - `unhealthy`: `healthyThreshold` successes in a row bring it back.
 */
export class TargetHealth {
  #state: TargetState = 'pending';
  #reason = 'not checked yet';
  #successes = 0;
  #failures = 0;

  get state(): TargetState {
    return this.#state;
  }

  get reason(): string {
    return this.#reason;
  }

  /** Records one outcome. @returns the new state when it changed, undefined otherwise. */
  record(outcome: ProbeOutcome, thresholds: Thresholds): TargetState | undefined {
    this.#reason = outcome.reason;
    if (outcome.healthy) {
      this.#failures = 0;
      this.#successes++;
      if (this.#state === 'healthy') return undefined;
      if (this.#state === 'pending' || this.#successes >= thresholds.healthyThreshold) return this.#enter('healthy');
      return undefined;
    }
    this.#successes = 0;
    this.#failures++;
    if (this.#state === 'unhealthy') return undefined;
    if (this.#state === 'pending' || outcome.immediate === true || this.#failures >= thresholds.unhealthyThreshold) {
      return this.#enter('unhealthy');
    }
    return undefined;
  }

  #enter(state: TargetState): TargetState {
    this.#state = state;
    this.#successes = 0;
    this.#failures = 0;
    return state;
  }
}
