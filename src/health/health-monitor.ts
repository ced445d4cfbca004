import type { Logger } from '../observability/logger.js';
import { TargetHealth } from './target-health.js';
import type { CheckedTarget, CheckedUpstream, ProbeOutcome, UpstreamReport } from './types.js';

/** Runs the active health checks of every health-checked upstream, off the request path. */
export interface HealthMonitor {
  /**
   * Starts checking: every target at once, then `intervalMs` after each check ends (so checks of one target never
   * overlap, whatever the timeout). Timers are unref'd: they never keep the process alive. Idempotent.
   */
  start(): void;
  /** Clears the timers and aborts the checks in flight; answers arriving later are ignored. Idempotent. */
  stop(): void;
  /** Each health-checked upstream's current state, in config order. */
  report(): readonly UpstreamReport[];
}

/** Reason recorded when a check does not answer within `timeoutMs`. */
const TIMEOUT_REASON = 'timeout';

/** Creates the monitor; nothing runs until {@link HealthMonitor.start}. */
export function createHealthMonitor(upstreams: readonly CheckedUpstream[], logger: Logger): HealthMonitor {
  const checkers = upstreams.map((upstream) => {
    const shared: PanicLog = { announced: false };
    return upstream.targets.map((target, index) => new TargetChecker(upstream, target, index, logger, shared));
  });
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      for (const checker of checkers.flat()) checker.schedule(0);
    },
    stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      for (const checker of checkers.flat()) checker.stop();
    },
    report() {
      return upstreams.map((upstream, upstreamIndex) => {
        const targets = (checkers[upstreamIndex] ?? []).map((checker, index) => ({
          index,
          state: checker.health.state,
          reason: checker.health.reason,
        }));
        return {
          name: upstream.name,
          healthyTargets: targets.filter((target) => target.state === 'healthy').length,
          panic: upstream.rotation.panic,
          targets,
        };
      });
    },
  };
}

/** Whether panic mode was logged for an upstream (shared by its targets' checkers). */
interface PanicLog {
  announced: boolean;
}

/** The check loop of one target. */
class TargetChecker {
  readonly health = new TargetHealth();
  readonly #upstream: CheckedUpstream;
  readonly #target: CheckedTarget;
  readonly #index: number;
  readonly #logger: Logger;
  readonly #panicLog: PanicLog;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;
  #stopped = false;

  constructor(upstream: CheckedUpstream, target: CheckedTarget, index: number, logger: Logger, panicLog: PanicLog) {
    this.#panicLog = panicLog;
    this.#upstream = upstream;
    this.#target = target;
    this.#index = index;
    this.#logger = logger;
  }

  schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#check(), delayMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#inFlight?.abort(new Error('health checks stopped'));
  }

  async #check(): Promise<void> {
    const { timeoutMs } = this.#upstream.config;
    const controller = new AbortController();
    this.#inFlight = controller;
    let guard: NodeJS.Timeout | undefined;
    // Probes honour the timeout themselves; this guard only makes sure a probe that never settles cannot stall
    // the loop of its target.
    const expired = new Promise<ProbeOutcome>((resolve) => {
      guard = setTimeout(() => {
        controller.abort(new Error(`health check timed out after ${timeoutMs} ms`));
        resolve({ healthy: false, reason: TIMEOUT_REASON });
      }, timeoutMs + 50);
      guard.unref();
    });
    let outcome: ProbeOutcome;
    try {
      outcome = await Promise.race([this.#target.probe({ timeoutMs, signal: controller.signal }), expired]);
    } catch (error) {
      outcome = { healthy: false, reason: 'check failed', detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(guard);
      this.#inFlight = undefined;
    }
    if (this.#stopped) return;
    this.#apply(outcome);
    this.schedule(this.#upstream.config.intervalMs);
  }

  #apply(outcome: ProbeOutcome): void {
    const upstream = this.#upstream;
    const changed = this.health.record(outcome, upstream.config);
    if (changed === undefined) return;
    upstream.rotation.setHealthy(this.#index, changed === 'healthy');
    const fields = {
      upstream: upstream.name,
      target: this.#target.origin,
      state: changed,
      reason: outcome.reason,
      ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
    };
    if (changed === 'healthy') this.#logger.info(fields, 'upstream target healthy');
    else this.#logger.warn(fields, 'upstream target unhealthy');
    // Every target starts out of rotation (panic) until checked; only a panic seen after a check is news.
    const panic = upstream.rotation.panic;
    if (panic && !this.#panicLog.announced) {
      this.#panicLog.announced = true;
      this.#logger.warn({ upstream: upstream.name }, 'too few healthy targets: balancing over all targets (panic mode)');
    } else if (!panic && this.#panicLog.announced) {
      this.#panicLog.announced = false;
      this.#logger.info({ upstream: upstream.name }, 'balancing over healthy targets again');
    }
  }
}
