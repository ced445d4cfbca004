import type { DeepReadonly } from '../config/deep-freeze.js';
import type { HealthCheckConfig } from '../config/schema.js';
import type { HealthSink } from './target-rotation.js';

/** What one check of one target found. */
export interface ProbeOutcome {
  readonly healthy: boolean;
  /**
   * A short, fixed-vocabulary reason (`SERVING`, `NOT_SERVING`, `no health service`, `UNAVAILABLE`, `timeout`,
   * `HTTP 500`, …). It is shown by the readiness endpoint, so it never carries an address or an upstream's own text.
   */
  readonly reason: string;
  /** The target said it is not serving (gRPC NOT_SERVING, HTTP 503): out at once, whatever the threshold. */
  readonly immediate?: boolean;
  /** Detail for the log only (the underlying error message). */
  readonly detail?: string;
}

/** What a probe is given for one check. */
export interface ProbeContext {
  readonly timeoutMs: number;
  /** Aborted when the checker stops (gateway shutdown). */
  readonly signal: AbortSignal;
}

/** One target of a health-checked upstream, as its adapter exposes it to the checker. */
export interface CheckedTarget {
  /** The target's origin as configured, for logs. */
  readonly origin: string;
  /** Runs one check. Never rejects: every failure is an unhealthy outcome. */
  probe(context: ProbeContext): Promise<ProbeOutcome>;
}

/** An upstream with `healthCheck` configured: its targets, how to check them, and the rotation to update. */
export interface CheckedUpstream {
  readonly name: string;
  readonly config: DeepReadonly<HealthCheckConfig>;
  readonly targets: readonly CheckedTarget[];
  readonly rotation: HealthSink;
}

/** A target's state: `pending` until its first check answers. */
export type TargetState = 'pending' | 'healthy' | 'unhealthy';

/** One target in a readiness report. Targets are named by their index in the upstream's `targets`, never by address. */
export interface TargetReport {
  readonly index: number;
  readonly state: TargetState;
  /** Reason of the last check (`not checked yet` while pending). */
  readonly reason: string;
}

/** One health-checked upstream in a readiness report. */
export interface UpstreamReport {
  readonly name: string;
  readonly healthyTargets: number;
  readonly targets: readonly TargetReport[];
  /** Balancing over all targets regardless of health (no healthy target, or below the panic threshold). */
  readonly panic: boolean;
}
