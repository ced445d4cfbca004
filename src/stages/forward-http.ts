import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import type { HeaderOps, HttpUpstream } from '../upstreams/types.js';

/** Builds the upstream path from the route's path parameters; compiled once per route. */
export type PathBuilder = (params: Readonly<Record<string, string>>, rawQuery: string) => string;

/**
 * Compiles a path template (`/v1/users/{id}`) into a builder. Parameter values are re-encoded per segment, so a
 * client's `%2F` inside one parameter stays one segment upstream instead of becoming a path separator.
 */
export function compilePathTemplate(template: string): PathBuilder {
  const parts: (string | { param: string })[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([^}]+)\}/g)) {
    parts.push(template.slice(last, match.index));
    parts.push({ param: match[1] as string });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(template.slice(last));
  const literal = parts.length === 1 ? (parts[0] as string) : undefined;

  return function buildPath(params, rawQuery) {
    let path: string;
    if (literal !== undefined) {
      path = literal;
    } else {
      path = '';
      for (const part of parts) path += typeof part === 'string' ? part : encodeURIComponent(params[part.param] ?? '');
    }
    return rawQuery === '' ? path : `${path}?${rawQuery}`;
  };
}

/** The terminal stage for HTTP upstreams: rewrite the path, apply header rules, hand the exchange to the adapter. */
export function createForwardHttpStage(route: RouteDefinition, upstream: HttpUpstream): Stage {
  const { policy, operation, requestIdHeader } = route;
  const buildPath = compilePathTemplate(policy?.path ?? operation.documentTemplate);
  const timeoutMs = policy?.timeoutMs ?? route.defaultTimeoutMs;
  const headerOps: HeaderOps | undefined =
    policy?.headers === undefined
      ? undefined
      : {
          add: policy.headers.add,
          remove: policy.headers.remove.map((name) => name.toLowerCase()),
        };

  return async function forwardHttpStage(ctx: RequestContext) {
    ctx.upstream = upstream.name;
    const result = await upstream.forward({
      req: ctx.req,
      res: ctx.res,
      method: ctx.method,
      path: buildPath(ctx.params, ctx.rawQuery),
      body: ctx.body,
      streamBody: ctx.hasBody && ctx.body === undefined,
      headerOps,
      timeoutMs,
      requestId: ctx.requestId,
      requestIdHeader,
    });
    ctx.bytesOut = result.bytes;
  };
}
