import type { Http2ServerRequest } from 'node:http2';
import { performance } from 'node:perf_hooks';
import { GatewayError } from '../errors/gateway-error.js';
import { asGatewayError, sendProblem } from '../errors/problem.js';
import type { AccessLog } from '../observability/access-log.js';
import type { Logger } from '../observability/logger.js';
import type { CompiledRoute } from '../pipeline/compiled-route.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Router } from '../routing/types.js';
import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';
import { requestIdFor } from './request-id.js';

export interface DispatcherOptions {
  readonly router: Router<CompiledRoute>;
  readonly logger: Logger;
  /** Undefined when the access log is off. */
  readonly accessLog: AccessLog | undefined;
  readonly requestIdHeader: string;
  readonly trustIncomingRequestId: boolean;
}

export interface Dispatcher {
  /** The `request` listener for every listener (HTTP/1.1 and HTTP/2 compatibility API). */
  handle(req: ClientRequestLike, res: ClientResponseLike): void;
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
  const { router, logger, accessLog, requestIdHeader, trustIncomingRequestId } = options;
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
    finish(this, this.req, this.res, this.requestId, this.rawPath, this.startedAt, this.bytesOut);
  }

  function onRouteFailed(this: RequestContext, error: unknown): void {
    const { res, requestId } = this;
    const problem = asGatewayError(error);
    if (problem.code === 'internal' || res.headersSent) {
      logger.error({ requestId, operationId: this.route.operationId, err: error }, 'request failed');
    }
    this.bytesOut += sendProblem(res, problem, requestId, this.method === 'HEAD');
    finish(this, this.req, res, requestId, this.rawPath, this.startedAt, this.bytesOut);
  }

  function handle(req: ClientRequestLike, res: ClientResponseLike): void {
    const startedAt = performance.now();
    inFlight++;
    const requestId = requestIdFor(req.headers[requestIdHeader], trustIncomingRequestId);
    res.setHeader(requestIdHeader, requestId);
    if (draining && (req as Http2ServerRequest).stream === undefined) res.setHeader('connection', 'close');

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const method = req.method ?? 'GET';

    const lookup = router.find(method, rawPath);
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
    handle,
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
