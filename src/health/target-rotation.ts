/**
 * Round robin over an upstream's targets that skips unhealthy ones. The per-call `pick()` is O(1) and allocates
 * nothing: health changes (rare, off the request path) rebuild the array it walks.
 */

/** How the health checker tells a rotation that a target's state changed. */
export interface HealthSink {
  /** Marks target `index` (its position in the upstream's `targets`) in or out of rotation. */
  setHealthy(index: number, healthy: boolean): void;
  /** True while the rotation ignores health and spreads over every target (see {@link TargetRotation}). */
  readonly panic: boolean;
}

/**
 * The targets calls are spread over. Without health checking every target is always in rotation. With it, only
 * healthy ones are, except in *panic mode*: when no target is healthy, or fewer than `panicThresholdPercent` of
 * them are, calls go round robin over all targets, as Envoy does, so that a health checker that is wrong (or an
 * outage of the health service alone) never turns into refusing all traffic.
 */
export class TargetRotation<T> implements HealthSink {
  readonly #all: readonly T[];
  readonly #healthy: boolean[];
  readonly #panicThreshold: number;
  #live: readonly T[];
  #cursor = 0;
  #panic = false;

  /**
   * @param targets every target, in config order (indexes of {@link setHealthy} refer to it).
   * @param initiallyHealthy false when health checks will decide: until then every target is out, which is panic
   *   mode, so calls still spread over all of them.
   */
  constructor(targets: readonly T[], initiallyHealthy: boolean, panicThresholdPercent = 0) {
    if (targets.length === 0) throw new Error('a rotation needs at least one target');
    this.#all = Object.freeze([...targets]);
    this.#healthy = targets.map(() => initiallyHealthy);
    this.#panicThreshold = panicThresholdPercent;
    this.#live = this.#all;
    this.#rebuild();
  }

  /** The next target, round robin over the live set. */
  pick(): T {
    const live = this.#live;
    let index = this.#cursor;
    if (index >= live.length) index = 0;
    this.#cursor = index + 1;
    return live[index] as T;
  }

  get panic(): boolean {
    return this.#panic;
  }

  /** Targets in rotation now (all of them in panic mode). */
  get live(): readonly T[] {
    return this.#live;
  }

  setHealthy(index: number, healthy: boolean): void {
    if (this.#healthy[index] === undefined || this.#healthy[index] === healthy) return;
    this.#healthy[index] = healthy;
    this.#rebuild();
  }

  #rebuild(): void {
    const healthy = this.#all.filter((_, index) => this.#healthy[index] === true);
    const percent = (healthy.length * 100) / this.#all.length;
    this.#panic = healthy.length === 0 || percent < this.#panicThreshold;
    this.#live = this.#panic ? this.#all : Object.freeze(healthy);
  }
}
