import { GatewayError } from '../errors/gateway-error.js';
import { sendProblem } from '../errors/problem.js';
import type { ClientResponseLike } from '../upstreams/types.js';
import type { UpstreamReport } from './types.js';

/** Options of {@link createHealthEndpoints}. */
export interface HealthEndpointsOptions {
  /** Liveness path (`/healthz`), undefined when not served. */
  readonly liveness: string | undefined;
  /** Readiness path (`/readyz`), undefined when not served. */
  readonly readiness: string | undefined;
  /** The health-checked upstreams' current state. */
  report(): readonly UpstreamReport[];
}

/** The liveness and readiness endpoints, answered by the dispatcher before routing. */
export interface HealthEndpoints {
  /** True when `rawPath` is one of the two paths (one or two string comparisons: this runs on every request). */
  handles(rawPath: string): boolean;
  /**
   * Answers a request for one of the paths.
   * @returns the number of body bytes written.
   */
  answer(rawPath: string, method: string, res: ClientResponseLike, requestId: string, draining: boolean): number;
}

const ALLOW = 'GET, HEAD';
const LIVE_BODY = JSON.stringify({ status: 'ok' });

/**
 * Liveness answers 200 whenever the process can answer at all: restarting a gateway because an upstream is down
 * would not bring the upstream back. Readiness answers 503 (`not-ready`) while draining and while any
 * health-checked upstream has no healthy target (including before its first check answered), so an orchestrator
 * sends traffic only to a gateway that can serve it.
 * @returns undefined when both endpoints are turned off.
 */
export function createHealthEndpoints(options: HealthEndpointsOptions): HealthEndpoints | undefined {
  const { liveness, readiness, report } = options;
  if (liveness === undefined && readiness === undefined) return undefined;
  return {
    handles(rawPath) {
      return rawPath === liveness || rawPath === readiness;
    },
    answer(rawPath, method, res, requestId, draining) {
      const isHead = method === 'HEAD';
      if (method !== 'GET' && !isHead) {
        const error = new GatewayError('method-not-allowed', `${method} is not allowed on ${rawPath}; allowed: ${ALLOW}.`, {
          headers: { allow: ALLOW },
        });
        return sendProblem(res, error, requestId, false);
      }
      if (rawPath === liveness) return sendJson(res, LIVE_BODY, isHead);
      const upstreams = report();
      const down = upstreams.filter((upstream) => upstream.healthyTargets === 0);
      if (!draining && down.length === 0) return sendJson(res, JSON.stringify({ status: 'ready', upstreams }), isHead);
      const detail = draining
        ? 'The gateway is shutting down.'
        : `No healthy target in upstream${down.length === 1 ? '' : 's'} ${down.map((upstream) => `"${upstream.name}"`).join(', ')}.`;
      const extensions = { draining, down: down.map((upstream) => upstream.name), upstreams };
      return sendProblem(res, new GatewayError('not-ready', detail, { extensions }), requestId, isHead);
    },
  };
}

function sendJson(res: ClientResponseLike, body: string, isHead: boolean): number {
  const bytes = Buffer.byteLength(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes, 'cache-control': 'no-store' });
  if (isHead) res.end();
  else res.end(body);
  return isHead ? 0 : bytes;
}
