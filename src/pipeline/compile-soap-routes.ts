import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import { UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS } from '../config/schema.js';
import type { OperationSpec } from '../openapi/types.js';
import type { RouteEntry } from '../routing/types.js';
import { generateSoapOpenApi } from '../soap/openapi/index.js';
import type { SoapRoute } from '../stages/transcode-soap.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { buildRoute } from './build-route.js';
import type { CompiledRoute, RouteDefinition } from './compiled-route.js';
import { JSON_BODY_CHECKS, NO_SCHEMAS } from './transcoded-operation.js';
import { compileSoapRouteHeaders, type ReadParameter } from './soap-route-headers.js';
import { compileSoapServices, type CompiledSoapService, type PrefetchedWsdls } from './soap-services.js';

/** Route policy fields that mean something for a SOAP route (`validate` only as its default, true). */
const SOAP_POLICY_FIELDS = new Set(['timeoutMs', 'maxBodyBytes']);

/** The routes published from WSDL operations, the compiled services, and the OpenAPI document of the routes. */
export interface SoapRoutes {
  readonly entries: RouteEntry<CompiledRoute>[];
  readonly routes: CompiledRoute[];
  /** Every compiled service, published or not (`publish: none`), by its name under `soap.services`. */
  readonly services: ReadonlyMap<string, CompiledSoapService>;
  /** The JSON pointer of the config entry each route comes from, for messages about route collisions. */
  readonly pointers: ReadonlyMap<CompiledRoute, string>;
  readonly openApi: (() => Record<string, unknown>) | undefined;
}

/**
 * Publishes every operation of each `soap.services` entry with `publish: default` as `POST <basePath>/<Operation>`
 * in the default route set. The operation id is `<name>.<Operation>` (`routes:` may set its `timeoutMs` and
 * `maxBodyBytes`). Problems go to `issues`.
 */
export function compileSoapRoutes(
  config: GatewayConfig,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  issues: ConfigIssue[],
  prefetched?: PrefetchedWsdls,
): SoapRoutes {
  const entries: RouteEntry<CompiledRoute>[] = [];
  const routes: CompiledRoute[] = [];
  const pointers = new Map<CompiledRoute, string>();
  const compiled = compileSoapServices(config, upstreams, issues, prefetched);
  const services = new Map(compiled.map((service) => [service.name, service]));
  const published = compiled.filter((service) => service.config.publish === 'default');
  for (const service of compiled) {
    if (service.config.publish === 'default') continue;
    for (const [name, operation] of Object.entries(service.config.operations)) {
      if (operation.soapHeaders === undefined) continue;
      issues.push({
        file: config.file,
        pointer: toPointer(['soap', 'services', service.name, 'operations', name, 'soapHeaders']),
        message: 'applies to the published route, and this service has publish: none; set `soapHeaders` on the mapping step that calls the operation',
      });
    }
  }

  /** Request parameters each operation's `soapHeaders` reads, by operation id, for the OpenAPI document. */
  const reads = new Map<string, readonly ReadParameter[]>();
  for (const service of published) {
    const basePath = service.config.basePath ?? `/${service.name}`;
    const upstreamConfig = config.upstreams[service.upstream.name];
    for (const { wsdl, compiled: operation } of service.operations.values()) {
      const operationId = soapOperationId(service.name, wsdl.name);
      const policy = config.routes[operationId];
      for (const [field, value] of Object.entries(policy ?? {})) {
        if (value === undefined || SOAP_POLICY_FIELDS.has(field) || (field === 'validate' && value === true)) continue;
        issues.push({ file: config.file, pointer: toPointer(['routes', operationId, field]), message: `does not apply to a SOAP route; a SOAP route takes timeoutMs and maxBodyBytes` });
      }
      const template = `${basePath}/${wsdl.name}`;
      const spec: OperationSpec = Object.freeze({
        operationId,
        method: 'POST' as const,
        publicTemplate: template,
        documentTemplate: template,
        documentFile: config.file,
        requestMediaTypes: ['application/json'],
        requestBodyRequired: false,
        // The JSON body is checked by the codec against the XSD (every violation with its pointer), not by ajv.
        validator: JSON_BODY_CHECKS,
        schemas: NO_SCHEMAS,
      });
      const definition: RouteDefinition = {
        operation: spec,
        profile: '',
        policy,
        upstream: undefined,
        mapping: undefined,
        limits: config.limits,
        requestIdHeader: config.requestId.header,
        defaultTimeoutMs: service.config.timeoutMs ?? upstreamConfig?.timeouts.requestMs ?? UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS,
      };
      const headers = compileSoapRouteHeaders(config, service, wsdl, issues);
      if (headers !== undefined && headers.reads.length > 0) reads.set(operationId, headers.reads);
      const soap: SoapRoute = {
        service: service.name,
        operation,
        upstream: service.upstream,
        path: service.path,
        timeoutMs: policy?.timeoutMs ?? definition.defaultTimeoutMs,
        maxResponseBytes: service.config.limits.maxResponseBytes,
        soapHeaders: headers?.template,
      };
      // read-body (415 for a media type other than JSON, 413 over the limit, 400 for malformed JSON) and the
      // stages build-route.ts orders, then transcode-soap; validate-request has nothing to check here.
      const route = buildRoute({ ...definition, soap });
      routes.push(route);
      pointers.set(route, toPointer(['soap', 'services', service.name, 'basePath']));
      entries.push({ method: 'POST', template, value: route });
    }
  }
  const openApi =
    published.length === 0
      ? undefined
      : (): Record<string, unknown> =>
          generateSoapOpenApi(
            published.map((service) => ({
              name: service.name,
              basePath: service.config.basePath ?? `/${service.name}`,
              port: service.port,
              source: service.model.source,
              types: service.model.types,
              faultStatuses: new Map([...service.operations].map(([name, operation]) => [name, [...new Set(Object.values(operation.faultStatuses ?? {}))]])),
              parameters: new Map(service.port.operations.map((operation) => [operation.name, reads.get(soapOperationId(service.name, operation.name)) ?? []])),
            })),
          );
  return { entries, routes, services, pointers, openApi };
}

/** The operation id of a published SOAP operation: `<service name>.<WSDL operation name>`. */
export function soapOperationId(service: string, operation: string): string {
  return `${service}.${operation}`;
}
