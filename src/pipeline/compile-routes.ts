import path from 'node:path';
import { ConfigError, toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import { UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS, type ProfileConfig } from '../config/schema.js';
import type { DeepReadonly } from '../config/deep-freeze.js';
import { compileMapping, type CompiledMapping } from '../mapping/compile-mapping.js';
import { loadMappingFile, type LoadedMapping } from '../mapping/load-mapping.js';
import { loadOpenApiDocument } from '../openapi/load-document.js';
import type { OperationSpec } from '../openapi/types.js';
import { createRouter, RouteConflictError } from '../routing/router.js';
import type { HttpMethod, RouteEntry, Router } from '../routing/types.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { buildRoute } from './build-route.js';
import type { CompiledRoute } from './compiled-route.js';
import { didYouMean } from '../errors/did-you-mean.js';
import { compileGrpcRoutes } from './compile-grpc-routes.js';
import { compileSoapRoutes } from './compile-soap-routes.js';
import type { CompiledSoapService, PrefetchedWsdls } from './soap-services.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';

/** The routes one profile serves (the default route set has profile `""` and no selector). */
export interface RouteSet {
  readonly profile: string;
  readonly select: DeepReadonly<ProfileConfig['select']> | undefined;
  readonly router: Router<CompiledRoute>;
}

export interface CompiledRoutes {
  /** Profiles in config order, then the default route set. */
  readonly routeSets: readonly RouteSet[];
  readonly routes: readonly CompiledRoute[];
  /** The OpenAPI document of the routes published from .proto files, when there are any. */
  readonly grpcOpenApi: (() => Record<string, unknown>) | undefined;
  /** The OpenAPI document of the routes published from WSDL operations, when there are any. */
  readonly soapOpenApi: (() => Record<string, unknown>) | undefined;
  /** Every compiled `soap.services` entry (published or not), by name. */
  readonly soapServices: ReadonlyMap<string, CompiledSoapService>;
}

/**
 * Loads every OpenAPI document and mapping file, binds each operation (per profile) to its mapping or upstream and
 * policy, composes its stages, and compiles each profile's routes into one matcher. Every cross-reference problem
 * is collected and thrown as one ConfigError.
 */
export function compileRoutes(
  config: GatewayConfig,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  grpcUpstreams: ReadonlyMap<string, GrpcUpstream> = new Map(),
  prefetchedWsdls?: PrefetchedWsdls,
): CompiledRoutes {
  const issues: ConfigIssue[] = [];
  const configIssue = (keys: readonly PropertyKey[], message: string): void => {
    issues.push({ file: config.file, pointer: toPointer(keys), message });
  };

  type Bound = { operation: OperationSpec; upstream: string | undefined; entryAt: string };
  const loadDocuments = (entries: readonly { file: string; upstream?: string | undefined }[], at: string): Bound[] => {
    const bound: Bound[] = [];
    entries.forEach((entry, index) => {
      const loaded = loadOpenApiDocument(path.resolve(config.baseDir, entry.file), entry.file);
      issues.push(...loaded.issues);
      for (const operation of loaded.operations) bound.push({ operation, upstream: entry.upstream, entryAt: `${at}/${index}` });
    });
    return bound;
  };
  const operations = loadDocuments(config.openapi, 'openapi');
  const profileOperations = new Map<string, Bound[]>();
  for (const [name, profile] of Object.entries(config.profiles)) {
    if (profile.openapi !== undefined) profileOperations.set(name, loadDocuments(profile.openapi, `profiles/${name}/openapi`));
  }
  // gRPC routes first: `routes:` policies may name their operation ids (`pkg.Service.Method`) too.
  const grpcRoutes = compileGrpcRoutes(config, grpcUpstreams, issues);
  const soapRoutes = compileSoapRoutes(config, upstreams, issues, prefetchedWsdls);
  const operationIds = new Set([
    ...[...operations, ...[...profileOperations.values()].flat()].map(({ operation }) => operation.operationId),
    ...grpcRoutes.routes.map((route) => route.operationId),
    ...soapRoutes.routes.map((route) => route.operationId),
  ]);
  const unknownOperation = (operationId: string): string => {
    const suggestion = didYouMean(operationId, operationIds);
    return `no operation "${operationId}" in the OpenAPI documents` + (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`);
  };

  // Mappings by profile and operationId; "" is the mapping for every profile without one of its own.
  const mappings = new Map<string, LoadedMapping>();
  const mappingKey = (profile: string, operationId: string): string => `${profile}\u0000${operationId}`;
  let unreadableMappings = false;
  config.mappings.forEach((file, index) => {
    const loaded = loadMappingFile(config.baseDir, file, issues);
    if (loaded === undefined) {
      unreadableMappings = true;
      return;
    }
    const { operationId, profile = '' } = loaded.spec;
    if (!operationIds.has(operationId)) {
      unreadableMappings = true;
      issues.push({ file, line: loaded.source.lineOf(['operationId']), pointer: '/operationId', message: unknownOperation(operationId) });
    } else if (soapRoutes.routes.some((route) => route.operationId === operationId)) {
      // A published SOAP operation is served by its transcoder; a mapping would be silently ignored.
      unreadableMappings = true;
      issues.push({ file, line: loaded.source.lineOf(['operationId']), pointer: '/operationId', message: `${operationId} is a SOAP route published from soap.services; a mapping binds an OpenAPI operation (call the SOAP operation from a step with soap: { service, operation })` });
    } else if (profile !== '' && !(profile in config.profiles)) {
      unreadableMappings = true;
      issues.push({ file, line: loaded.source.lineOf(['profile']), pointer: '/profile', message: `profile "${profile}" is not defined in gateway.yaml; expected one of: ${Object.keys(config.profiles).join(', ') || '(none defined)'}` });
    } else if (mappings.has(mappingKey(profile, operationId))) {
      configIssue(['mappings', index], `a second mapping for ${operationId}${profile === '' ? '' : ` in profile ${profile}`}`);
    } else {
      mappings.set(mappingKey(profile, operationId), loaded);
    }
  });

  for (const [operationId, policy] of Object.entries(config.routes)) {
    if (!operationIds.has(operationId)) configIssue(['routes', operationId], unknownOperation(operationId));
    if (policy.path !== undefined) checkRewriteParams(operationId, policy.path, operations, configIssue);
  }
  for (const [name, profile] of Object.entries(config.profiles)) {
    profile.operations?.forEach((operationId, index) => {
      if (!operationIds.has(operationId)) configIssue(['profiles', name, 'operations', index], unknownOperation(operationId));
    });
    const listener = profile.select.listener;
    if (listener !== undefined && !config.listeners.some((item) => item.name === listener)) {
      configIssue(['profiles', name, 'select', 'listener'], `no listener named "${listener}"; expected one of: ${config.listeners.map((item) => item.name).join(', ')}`);
    }
  }

  // gRPC steps of mapping files call through the gRPC upstreams, typed by the protos the gRPC routes loaded.
  const grpcSteps = { upstreams: grpcUpstreams, root: grpcRoutes.root, protosConfigured: config.protos.files.length > 0 || config.protos.descriptorSets.length > 0 };
  // SOAP steps call the compiled soap.services (published or not), typed by their WSDL.
  const soapSteps = { services: soapRoutes.services, configured: new Set(Object.keys(config.soap.services)) };
  const timeoutOf = (name: string): number => config.upstreams[name]?.timeouts.requestMs ?? UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS;
  const compiledMappings = new Map<LoadedMapping, Map<OperationSpec, CompiledMapping | undefined>>();
  const mappingFor = (loaded: LoadedMapping, operation: OperationSpec): CompiledMapping | undefined => {
    let byOperation = compiledMappings.get(loaded);
    if (byOperation === undefined) compiledMappings.set(loaded, (byOperation = new Map()));
    if (!byOperation.has(operation)) {
      const validateResponses = config.routes[operation.operationId]?.validateResponses ?? config.validateResponses;
      byOperation.set(operation, compileMapping(loaded, operation, upstreams, timeoutOf, config.env, validateResponses, issues, grpcSteps, soapSteps));
    }
    return byOperation.get(operation);
  };

  const routes: CompiledRoute[] = [...grpcRoutes.routes, ...soapRoutes.routes];
  const routeSets: RouteSet[] = [];
  const profiles: [string, DeepReadonly<ProfileConfig> | undefined][] = [...Object.entries(config.profiles), ['', undefined]];
  for (const [profile, profileConfig] of profiles) {
    const served = profileConfig?.operations === undefined ? undefined : new Set(profileConfig.operations);
    const entries: RouteEntry<CompiledRoute>[] = [];
    for (const { operation, upstream: documentUpstream, entryAt } of profileOperations.get(profile) ?? operations) {
      if (served !== undefined && !served.has(operation.operationId)) continue;
      const loaded = mappings.get(mappingKey(profile, operation.operationId)) ?? mappings.get(mappingKey('', operation.operationId));
      const mapping = loaded === undefined ? undefined : mappingFor(loaded, operation);
      const policy = config.routes[operation.operationId];
      let upstream: HttpUpstream | undefined;
      if (loaded === undefined) {
        const upstreamName = policy?.upstream ?? documentUpstream;
        if (upstreamName === undefined) {
          // Reported once per document entry (the default route set, or the profile owning the document); not when
          // a mapping file could not be read (it may be the one meant for this operation, already reported).
          if ((profile === '' || profileOperations.has(profile)) && !unreadableMappings) {
            configIssue(
              ['routes', operation.operationId],
              `operation ${operation.operationId} (${operation.method} ${operation.publicTemplate}) has no upstream and no mapping: ` +
                `set ${entryAt}/upstream or routes.${operation.operationId}.upstream, or add a mapping file`,
            );
          }
          continue;
        }
        upstream = upstreams.get(upstreamName);
        if (upstream === undefined) continue; // reported by the config loader
      } else if (mapping === undefined) {
        continue; // its problems are in `issues`
      }
      const route = buildRoute({
        operation,
        profile,
        policy,
        upstream,
        mapping,
        limits: config.limits,
        requestIdHeader: config.requestId.header,
        defaultTimeoutMs: upstream === undefined ? UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS : timeoutOf(upstream.name),
      });
      routes.push(route);
      entries.push({ method: operation.method as HttpMethod, template: operation.publicTemplate, value: route });
    }
    if (profile === '') entries.push(...grpcRoutes.entries, ...soapRoutes.entries);
    if (issues.length > 0) continue;
    try {
      routeSets.push({ profile, select: profileConfig?.select, router: createRouter(entries) });
    } catch (error) {
      if (!(error instanceof RouteConflictError)) throw error;
      const first = error.firstValue as CompiledRoute;
      const second = error.secondValue as CompiledRoute;
      issues.push({
        file: second.documentFile,
        pointer: soapRoutes.pointers.get(second) ?? '',
        message:
          `${error.method} ${error.second} (operation ${second.operationId}) collides with ${error.first} ` +
          `(operation ${first.operationId} in ${first.documentFile}): one request would match both`,
      });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { routeSets, routes, grpcOpenApi: grpcRoutes.openApi, soapOpenApi: soapRoutes.openApi, soapServices: soapRoutes.services };
}

function checkRewriteParams(
  operationId: string,
  template: string,
  operations: readonly { operation: OperationSpec }[],
  configIssue: (keys: readonly PropertyKey[], message: string) => void,
): void {
  const operation = operations.find((item) => item.operation.operationId === operationId)?.operation;
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
