import type { Http2ServerRequest } from 'node:http2';
import { GatewayError } from '../errors/gateway-error.js';
import { asGatewayError, sendProblem } from '../errors/problem.js';
import type { Logger } from '../observability/logger.js';
import type { CompiledRoute } from '../pipeline/compiled-route.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Router } from '../routing/types.js';
import type { ClientRequestLike, ClientResponseLike } from '../upstreams/types.js';
import { requestIdFor } from './request-id.js';

export interface DispatcherOptions {
  readonly router: Router<CompiledRoute>;
  readonly logger: Logger;
  readonly accessLog: boolean;
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

  function finished(): void {
    inFlight--;
    if (inFlight === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function handle(req: ClientRequestLike, res: ClientResponseLike): void {
    const startedAt = process.hrtime.bigint();
    inFlight++;
    const requestId = requestIdFor(req.headers[requestIdHeader], trustIncomingRequestId);
    res.setHeader(requestIdHeader, requestId);
    const isHttp1 = (req as Http2ServerRequest).stream === undefined;
    if (draining && isHttp1) res.setHeader('connection', 'close');

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const method = req.method ?? 'GET';

    const log = (route: CompiledRoute | undefined, upstream: string | undefined, bytes: number): void => {
      if (!accessLog) return;
      logger.info({
        msg: 'request',
        requestId,
        method,
        path: rawPath,
        operationId: route?.operationId,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
        upstream,
        bytesOut: bytes,
        protocol: isHttp1 ? `HTTP/${(req as { httpVersion?: string }).httpVersion ?? '1.1'}` : 'HTTP/2',
      });
    };

    const lookup = router.find(method, rawPath);
    if (lookup.kind !== 'match') {
      let bytes = 0;
      if (lookup.kind === 'method-not-allowed' && method === 'OPTIONS') {
        res.writeHead(204, { allow: lookup.allow });
        res.end();
      } else {
        bytes = sendProblem(res, routingError(lookup, method, rawPath), requestId, method === 'HEAD');
        // An unread body would be parsed as the next request on this connection.
        if (isHttp1 && !(req as { complete?: boolean }).complete) req.resume();
      }
      log(undefined, undefined, bytes);
      finished();
      return;
    }

    const route = lookup.value;
    const ctx: RequestContext = {
      req,
      res,
      requestId,
      method,
      rawPath,
      rawQuery,
      route,
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
    route.handle(ctx).then(
      () => {
        log(route, ctx.upstream, ctx.bytesOut);
        finished();
      },
      (error: unknown) => {
        const problem = asGatewayError(error);
        if (problem.code === 'internal' || res.headersSent) {
          logger.error({ requestId, operationId: route.operationId, err: error }, 'request failed');
        }
        ctx.bytesOut += sendProblem(res, problem, requestId, method === 'HEAD');
        log(route, ctx.upstream, ctx.bytesOut);
        finished();
      },
    );
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
