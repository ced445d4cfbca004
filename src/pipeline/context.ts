import type { ValidatedParams } from '../openapi/types.js';
import type { PathParams } from '../routing/types.js';
import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';
import type { CompiledRoute } from './compiled-route.js';

/**
 * What one request carries through its route's stages. The dispatcher creates it after routing; each field below
 * the line says which stage fills it, so a stage can rely on what the stages before it declared.
 */
export interface RequestContext {
  readonly req: ClientRequestLike;
  readonly res: ClientResponseLike;
  readonly requestId: string;
  /** Method as received (HEAD stays HEAD even though it runs the GET route). */
  readonly method: string;
  /** Path as received, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** Query string without `?`, possibly empty. */
  readonly rawQuery: string;
  readonly route: CompiledRoute;
  readonly params: PathParams;
  /** `performance.now()` when the dispatcher saw the request. */
  readonly startedAt: number;
  /** The Backend-for-Frontend profile the request was routed in (`""` for the default route set). */
  readonly profile: string;

  // ---- filled by stages ----
  /** body stage: the whole body when it was read (JSON to validate, or a GET/DELETE body to re-frame). */
  body: Buffer | undefined;
  /** body stage: whether the request has a body (read or streaming). */
  hasBody: boolean;
  /** body stage: the media type without parameters, lower-case. */
  mediaType: string | undefined;
  /** body stage: the parsed JSON body when the route validates it. */
  json: unknown;
  /** validate stage: coerced parameters. */
  validated: ValidatedParams | undefined;
  /** upstream stage: for the access log. */
  upstream: string | undefined;
  /** upstream stage: body bytes relayed to the client. */
  bytesOut: number;
}

/** Runs the rest of the route's stages. Bound once at load: calling it allocates nothing. */
export type Handler = (ctx: RequestContext) => Promise<void>;

/**
 * One step of the pipeline. It may work before `next` (request path), after it (response path, in reverse order),
 * or not call `next` at all and throw a GatewayError to short-circuit with a problem.
 */
export type Stage = (ctx: RequestContext, next: Handler) => Promise<void>;
