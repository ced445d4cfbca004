import type { Http2ServerRequest } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../errors/gateway-error.js';
import { asGatewayError, sendProblem } from '../errors/problem.js';
import type { AccessLog } from '../observability/access-log.js';
import type { Logger } from '../observability/logger.js';
import type { RouteSet } from '../pipeline/compile-routes.js';
import type { RequestContext } from '../pipeline/context.js';
import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';
import type { HealthEndpoints } from '../health/endpoints.js';
import { stripPathPrefix } from '../routing/path-prefix.js';
import { requestIdFor } from './request-id.js';
import { endExemption, exemptFromRequestTime } from './request-time-bound.js';

export interface DispatcherOptions {
  /** Profiles' route sets in selection order, the default route set last. */
  readonly routeSets: readonly RouteSet[];
  readonly logger: Logger;
  /** Undefined when the access log is off. */
  readonly accessLog: AccessLog | undefined;
  readonly requestIdHeader: string;
  readonly trustIncomingRequestId: boolean;
  /** Serves the OpenAPI document at this path (GET and HEAD), before routing. */
  readonly openApi?: { readonly path: string; body(): string } | undefined;
  /** Liveness and readiness endpoints, answered before profiles and routing. */
  readonly health?: HealthEndpoints | undefined;
}

export interface Dispatcher {
  /** The `request` handler for the listener named `listener` (HTTP/1.1 and HTTP/2 compatibility API). */
  handlerFor(listener: string): (req: ClientRequestLike, res: ClientResponseLike) => void;
  /** Requests started and not yet finished: graceful shutdown waits for this to reach zero. */
  readonly inFlight: number;
  /** From now on, HTTP/1.1 responses carry `Connection: close` so keep-alive clients move elsewhere. */
  beginDrain(): void;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
}

/**
 * Request id → routing (404 / 405 + Allow / OPTIONS) → the route's compiled stages → problem+json on any error →
 * one access log line. Nothing here depends on the route count or parses config.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { routeSets, logger, accessLog, requestIdHeader, trustIncomingRequestId, openApi, health } = options;
  const defaultSet = routeSets[routeSets.length - 1] as RouteSet;
  const hasProfiles = routeSets.length > 1;
  // node:http and node:http2 deliver header names lower-case; the config may spell them either way.
  const selectHeaders = routeSets.map((set) => set.select?.header?.name.toLowerCase());
  // Host names compare case-insensitively (RFC 9110 §4.2.3): lower-cased once here, and per request in hostWithoutPort.
  const selectHosts = routeSets.map((set) => set.select?.host?.toLowerCase());
  let inFlight = 0;
  let draining = false;
  let idleWaiters: (() => void)[] = [];

  function finish(ctx: RequestContext | undefined, req: ClientRequestLike, res: ClientResponseLike, requestId: string, rawPath: string, startedAt: number, bytes: number): void {
    if (accessLog !== undefined) {
      const http2 = (req as Http2ServerRequest).stream !== undefined;
      accessLog.write(
        requestId,
        req.method ?? 'GET',
        rawPath,
        ctx?.route.operationId,
        res.statusCode,
        performance.now() - startedAt,
        ctx?.upstream,
        bytes,
        http2 ? 'HTTP/2' : (req as { httpVersion?: string }).httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1',
      );
    }
    inFlight--;
    if (inFlight === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function onRouteDone(this: RequestContext): void {
    if (this.route.messageStreamBody) endExemption(this.req, this.res);
    finish(this, this.req, this.res, this.requestId, this.rawPath, this.startedAt, this.bytesOut);
  }

  function onRouteFailed(this: RequestContext, error: unknown): void {
    const { res, requestId } = this;
    const problem = asGatewayError(error);
    if (problem.code === 'internal' || res.headersSent) {
      logger.error({ requestId, operationId: this.route.operationId, err: error }, 'request failed');
    }
    this.bytesOut += sendProblem(res, problem, requestId, this.method === 'HEAD');
    if (this.route.messageStreamBody) endExemption(this.req, res);
    finish(this, this.req, res, requestId, this.rawPath, this.startedAt, this.bytesOut);
  }

  function handle(req: ClientRequestLike, res: ClientResponseLike, listener: string): void {
    const startedAt = performance.now();
    inFlight++;
    const requestId = requestIdFor(req.headers[requestIdHeader], trustIncomingRequestId);
    res.setHeader(requestIdHeader, requestId);
    if (draining && (req as Http2ServerRequest).stream === undefined) res.setHeader('connection', 'close');

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = req.method ?? 'GET';
    if (health !== undefined && health.handles(rawPath)) {
      finish(undefined, req, res, requestId, rawPath, startedAt, health.answer(rawPath, method, res, requestId, draining));
      return;
    }

    if (openApi !== undefined && rawPath === openApi.path && (method === 'GET' || method === 'HEAD')) {
      const body = openApi.body();
      const bytes = Buffer.byteLength(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes });
      if (method === 'HEAD') res.end();
      else res.end(body);
      finish(undefined, req, res, requestId, rawPath, startedAt, method === 'HEAD' ? 0 : bytes);
      return;
    }

    let routeSet = defaultSet;
    let routedPath = rawPath;
    if (hasProfiles) {
      for (let i = 0; i < routeSets.length; i++) {
        const candidate = routeSets[i] as RouteSet;
        const stripped = selects(candidate, selectHeaders[i], selectHosts[i], req, listener, rawPath);
        if (stripped !== undefined) {
          routeSet = candidate;
          routedPath = stripped;
          break;
        }
      }
    }
    const lookup = routeSet.router.find(method, routedPath);
    if (lookup.kind !== 'match') {
      let bytes = 0;
      if (lookup.kind === 'method-not-allowed' && method === 'OPTIONS') {
        res.writeHead(204, { allow: lookup.allow });
        res.end();
      } else {
        bytes = sendProblem(res, routingError(lookup, method, rawPath), requestId, method === 'HEAD');
      }
      finish(undefined, req, res, requestId, rawPath, startedAt, bytes);
      return;
    }

    // Its body lives as long as the call: bounded by the route's stream limits, not the whole-request time.
    if (lookup.value.messageStreamBody) exemptFromRequestTime(req);
    const ctx: RequestContext = {
      req,
      res,
      requestId,
      method,
      rawPath,
      rawQuery: queryAt === -1 ? '' : url.slice(queryAt + 1),
      route: lookup.value,
      params: lookup.params,
      startedAt,
      profile: routeSet.profile,
      body: undefined,
      hasBody: false,
      mediaType: undefined,
      json: undefined,
      validated: undefined,
      upstream: undefined,
      bytesOut: 0,
    };
    ctx.route.handle(ctx).then(onRouteDone.bind(ctx), onRouteFailed.bind(ctx));
  }

  return {
    handlerFor(listener: string) {
      return function dispatch(req, res) {
        handle(req, res, listener);
      };
    },
    get inFlight() {
      return inFlight;
    },
    beginDrain() {
      draining = true;
    },
    idle() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

/**
 * Whether a route set serves this request, and the path to route it by (a profile's path prefix is stripped).
 * The default route set (no selector) serves everything. A profile matches when any of its selectors does.
 * `headerName` is the lower-case name of its header selector, `hostName` its lower-case host selector.
 */
function selects(
  set: RouteSet,
  headerName: string | undefined,
  hostName: string | undefined,
  req: ClientRequestLike,
  listener: string,
  rawPath: string,
): string | undefined {
  const select = set.select;
  if (select === undefined) return rawPath;
  if (select.pathPrefix !== undefined) {
    const stripped = stripPathPrefix(rawPath, select.pathPrefix);
    if (stripped !== undefined) return stripped;
  }
  if (select.listener !== undefined && select.listener === listener) return rawPath;
  if (headerName !== undefined && req.headers[headerName] === select.header?.value) return rawPath;
  if (hostName !== undefined) {
    const host = req.headers[':authority'] ?? req.headers.host;
    if (typeof host === 'string' && hostWithoutPort(host) === hostName) return rawPath;
  }
  return undefined;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  const colon = host.lastIndexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

function routingError(
  lookup: { kind: 'not-found' } | { kind: 'method-not-allowed'; allow: string },
  method: string,
  rawPath: string,
): GatewayError {
  if (lookup.kind === 'not-found') {
    return new GatewayError('route-not-found', `No route matches ${method} ${truncate(rawPath)}.`);
  }
  return new GatewayError('method-not-allowed', `${method} is not allowed on ${truncate(rawPath)}; allowed: ${lookup.allow}.`, {
    headers: { allow: lookup.allow },
  });
}

/** Paths echoed into problems are bounded so an attacker cannot make us reflect megabytes. */
function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
