import type { SoapRoute } from '../stages/transcode-soap.js';
import type { LimitsConfig, RoutePolicy } from '../config/schema.js';
import type { DeepReadonly } from '../config/deep-freeze.js';
import type { OperationSpec } from '../openapi/types.js';
import type { CompiledMapping } from '../mapping/compile-mapping.js';
import type { HttpUpstream } from '../upstreams/types.js';
import type { GrpcRoute } from '../stages/transcode-grpc.js';
import type { Handler, Stage } from './context.js';

/** Everything a stage factory may look at, resolved at load. */
export interface RouteDefinition {
  readonly operation: OperationSpec;
  /** The BFF profile this route serves (`""`: the default route set). */
  readonly profile: string;
  /** The route's policy from gateway.yaml (`routes.<operationId>`), or undefined when it has none. */
  readonly policy: DeepReadonly<RoutePolicy> | undefined;
  /** The upstream a proxied route forwards to; undefined for a route run by a mapping. */
  readonly upstream: HttpUpstream | undefined;
  /** A route published from a google.api.http rule: the transcoder is its terminal stage. */
  readonly grpc?: GrpcRoute | undefined;
  /** A route published from a WSDL operation: the SOAP transcoder is its terminal stage. */
  readonly soap?: SoapRoute | undefined;
  /** The mapping that runs this route, when it has one (then it is the terminal stage instead of forwarding). */
  readonly mapping: CompiledMapping | undefined;
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
  readonly profile: string;
  readonly method: string;
  readonly publicTemplate: string;
  readonly documentFile: string;
  /** The upstream it forwards to, or `mapping:<file>` for a mapped route. */
  readonly upstreamName: string;
  /** Names of the stages this route runs, in order (for `gateway routes`). */
  readonly stageNames: readonly string[];
  /**
   * The request body is a stream of messages read for as long as the call lives (gRPC client-streaming and bidi):
   * the listener's whole-request time bound does not apply to it, the route's stream limits do
   * (server/request-time-bound.ts).
   */
  readonly messageStreamBody: boolean;
  readonly handle: Handler;
}
