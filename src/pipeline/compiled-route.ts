import type { LimitsConfig, RoutePolicy } from '../config/schema.js';
import type { DeepReadonly } from '../config/deep-freeze.js';
import type { OperationSpec } from '../openapi/types.js';
import type { HttpUpstream } from '../upstreams/types.js';
import type { Handler, Stage } from './context.js';

/** Everything a stage factory may look at, resolved at load. */
export interface RouteDefinition {
  readonly operation: OperationSpec;
  /** The route's policy from gateway.yaml (`routes.<operationId>`), or undefined when it has none. */
  readonly policy: DeepReadonly<RoutePolicy> | undefined;
  readonly upstream: HttpUpstream;
  readonly limits: DeepReadonly<LimitsConfig>;
  readonly requestIdHeader: string;
  readonly defaultTimeoutMs: number;
}

/**
 * A stage factory looks at the route once, at load, and returns the stage, or null when the route needs nothing
 * from it (the stage then costs nothing per request).
 */
export type StageFactory = (route: RouteDefinition) => Stage | null;

/** A route ready to serve: its stages are composed and frozen. */
export interface CompiledRoute {
  readonly operationId: string;
  readonly method: string;
  readonly publicTemplate: string;
  readonly documentFile: string;
  readonly upstreamName: string;
  /** Names of the stages this route runs, in order (for `gateway routes`). */
  readonly stageNames: readonly string[];
  readonly handle: Handler;
}
