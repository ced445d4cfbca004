import path from 'node:path';
import { ConfigError, toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import { loadOpenApiDocument } from '../openapi/load-document.js';
import type { OperationSpec } from '../openapi/types.js';
import { createRouter, RouteConflictError } from '../routing/router.js';
import type { HttpMethod, RouteEntry, Router } from '../routing/types.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { buildRoute } from './build-route.js';
import type { CompiledRoute } from './compiled-route.js';

export interface CompiledRoutes {
  readonly router: Router<CompiledRoute>;
  readonly routes: readonly CompiledRoute[];
}

/**
 * Loads every OpenAPI document, binds each operation to its upstream and policy, composes its stages, and
 * compiles all routes into one matcher. Every cross-reference problem is collected and thrown as one ConfigError.
 */
export function compileRoutes(config: GatewayConfig, upstreams: ReadonlyMap<string, HttpUpstream>): CompiledRoutes {
  const issues: ConfigIssue[] = [];
  const configIssue = (keys: readonly PropertyKey[], message: string): void => {
    issues.push({ file: config.file, pointer: toPointer(keys), message });
  };

  const bound: { operation: OperationSpec; upstream: HttpUpstream; entryIndex: number }[] = [];
  const operationIds = new Set<string>();
  config.openapi.forEach((entry, entryIndex) => {
    const loaded = loadOpenApiDocument(path.resolve(config.baseDir, entry.file), entry.file);
    issues.push(...loaded.issues);
    for (const operation of loaded.operations) {
      operationIds.add(operation.operationId);
      const upstreamName = config.routes[operation.operationId]?.upstream ?? entry.upstream;
      if (upstreamName === undefined) {
        configIssue(
          ['routes', operation.operationId],
          `operation ${operation.operationId} (${operation.method} ${operation.publicTemplate}) has no upstream: ` +
            `set openapi/${entryIndex}/upstream or routes.${operation.operationId}.upstream`,
        );
        continue;
      }
      const upstream = upstreams.get(upstreamName);
      if (upstream !== undefined) bound.push({ operation, upstream, entryIndex });
    }
  });

  for (const [operationId, policy] of Object.entries(config.routes)) {
    if (!operationIds.has(operationId)) {
      const suggestion = closest(operationId, operationIds);
      configIssue(
        ['routes', operationId],
        `no operation "${operationId}" in the OpenAPI documents` + (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`),
      );
    }
    if (policy.path !== undefined) checkRewriteParams(operationId, policy.path, bound, configIssue);
  }

  const routes: CompiledRoute[] = [];
  const entries: RouteEntry<CompiledRoute>[] = [];
  for (const { operation, upstream } of bound) {
    const route = buildRoute({
      operation,
      policy: config.routes[operation.operationId],
      upstream,
      limits: config.limits,
      requestIdHeader: config.requestId.header,
      defaultTimeoutMs: config.upstreams[upstream.name]?.timeouts.requestMs ?? 15_000,
    });
    routes.push(route);
    entries.push({ method: operation.method as HttpMethod, template: operation.publicTemplate, value: route });
  }

  let router: Router<CompiledRoute> | undefined;
  if (issues.length === 0) {
    try {
      router = createRouter(entries);
    } catch (error) {
      if (!(error instanceof RouteConflictError)) throw error;
      const first = error.firstValue as CompiledRoute;
      const second = error.secondValue as CompiledRoute;
      issues.push({
        file: second.documentFile,
        pointer: '',
        message:
          `${error.method} ${error.second} (operation ${second.operationId}) collides with ${error.first} ` +
          `(operation ${first.operationId} in ${first.documentFile}): one request would match both`,
      });
    }
  }
  if (issues.length > 0 || router === undefined) throw new ConfigError(issues);
  return { router, routes };
}

function checkRewriteParams(
  operationId: string,
  template: string,
  bound: readonly { operation: OperationSpec }[],
  configIssue: (keys: readonly PropertyKey[], message: string) => void,
): void {
  const operation = bound.find((item) => item.operation.operationId === operationId)?.operation;
  if (operation === undefined) return;
  const available = new Set([...operation.publicTemplate.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]));
  for (const match of template.matchAll(/\{([^}]+)\}/g)) {
    if (!available.has(match[1])) {
      configIssue(
        ['routes', operationId, 'path'],
        `{${match[1]}} is not a path parameter of ${operation.publicTemplate}; expected one of: ${[...available].join(', ') || '(none)'}`,
      );
    }
  }
}

/** The known name nearest to a typo, when it is near enough to be a useful suggestion. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
