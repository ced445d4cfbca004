import { ConfigError, toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import type { RouteSet } from '../pipeline/compile-routes.js';
import { stripPathPrefix } from '../routing/path-prefix.js';

/**
 * The health endpoints are answered before routing, so a route on the same path would never be reached: refuse the
 * config instead of silently shadowing the route. A profile selected by its path prefix routes the path without
 * the prefix, so that is the path checked against its routes.
 * @throws ConfigError naming `healthEndpoints/liveness` or `healthEndpoints/readiness` and the route in the way.
 */
export function checkHealthEndpointPaths(config: GatewayConfig, routeSets: readonly RouteSet[]): void {
  const issues: ConfigIssue[] = [];
  const issue = (field: 'liveness' | 'readiness', message: string): void => {
    issues.push({ file: config.file, pointer: toPointer(['healthEndpoints', field]), message });
  };
  const { liveness, readiness } = config.healthEndpoints;
  if (liveness !== false && liveness === readiness) issue('readiness', `"${readiness}" is also the liveness path; expected two different paths`);
  for (const field of ['liveness', 'readiness'] as const) {
    const endpoint = config.healthEndpoints[field];
    if (endpoint === false) continue;
    if (endpoint === config.openapiEndpoint) issue(field, `"${endpoint}" is also openapiEndpoint; expected another path (or false)`);
    for (const set of routeSets) {
      const clash = routeAt(set, endpoint);
      if (clash !== undefined) {
        const where = set.profile === '' ? '' : ` of profile "${set.profile}"`;
        issue(field, `"${endpoint}" is also the path of ${clash}${where}, which could never be reached; expected another path (or false)`);
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** What a request for `path` would reach in `set`, described for a message, or undefined. */
function routeAt(set: RouteSet, path: string): string | undefined {
  const prefix = set.select?.pathPrefix;
  const routed = (prefix === undefined ? undefined : stripPathPrefix(path, prefix)) ?? path;
  const lookup = set.router.find('GET', routed);
  if (lookup.kind === 'match') return `operation "${lookup.value.operationId}"`;
  if (lookup.kind === 'method-not-allowed') return `a route (${lookup.allow})`;
  return undefined;
}
