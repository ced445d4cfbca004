import path from 'node:path';
import type protobuf from 'protobufjs';
import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import { UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS } from '../config/schema.js';
import { boundFieldPaths, extractHttpRules, type HttpBinding } from '../grpc/http-rules/extract-http-rules.js';
import { createJsonCodec, jsonNameOf, toJsonName } from '../grpc/json/index.js';
import { compileMetadataRules } from '../grpc/metadata-rules.js';
import { generateOpenApi, grpcOperationId } from '../grpc/openapi/index.js';
import { loadProtos } from '../grpc/protos/load-protos.js';
import type { OperationSpec } from '../openapi/types.js';
import type { HttpMethod, RouteEntry } from '../routing/types.js';
import { unroutableMethodReason } from '../routing/methods.js';
import { requestHttpBodyTarget, responseIsHttpBody } from '../stages/grpc/http-body.js';
import type { GrpcRoute } from '../stages/transcode-grpc.js';
import type { GrpcUpstream } from '../upstreams/grpc/grpc-upstream.js';
import { buildRoute } from './build-route.js';
import type { CompiledRoute } from './compiled-route.js';
import { JSON_BODY_CHECKS, NO_OPENAPI_CHECKS, NO_SCHEMAS } from './transcoded-operation.js';

/**
 * Publishes the google.api.http rules of the services named in `grpc.services` as routes of the default route set:
 * one route per binding (primary rule and each additional binding), its terminal stage the transcoder.
 * Problems (proto syntax, bad rules, a service not found, templates our router cannot express yet) go to `issues`.
 */
export function compileGrpcRoutes(
  config: GatewayConfig,
  grpcUpstreams: ReadonlyMap<string, GrpcUpstream>,
  issues: ConfigIssue[],
): GrpcRoutes {
  const entries: RouteEntry<CompiledRoute>[] = [];
  const routes: CompiledRoute[] = [];
  const services = Object.entries(config.grpc.services);
  const { files, descriptorSets } = config.protos;
  if (files.length === 0 && descriptorSets.length === 0 && services.length === 0) return { entries, routes, openApi: undefined };

  const loaded = loadProtos(
    files.map((file) => path.resolve(config.baseDir, file)),
    {
      includeDirs: config.protos.includeDirs.map((dir) => path.resolve(config.baseDir, dir)),
      displayRoot: config.baseDir,
      descriptorSets: descriptorSets.map((file) => path.resolve(config.baseDir, file)),
    },
  );
  for (const issue of loaded.issues) issues.push({ file: issue.file, line: issue.line, pointer: '', message: issue.message });
  if (loaded.issues.length > 0) return { entries, routes, openApi: undefined };

  const rules = extractHttpRules(loaded.root);
  for (const issue of rules.issues) {
    issues.push({ file: issue.file ?? config.file, pointer: '', message: `${issue.method}: ${issue.message}` });
  }
  const servicesWithRules = new Set(rules.bindings.map((binding) => binding.service));
  for (const [service, { upstream }] of services) {
    if (loaded.root.lookup(service) === null) {
      issues.push({ file: config.file, pointer: toPointer(['grpc', 'services', service]), message: `no service "${service}" in the loaded .proto files` });
    } else if (!servicesWithRules.has(service)) {
      issues.push({ file: config.file, pointer: toPointer(['grpc', 'services', service]), message: `service "${service}" has no google.api.http rules to publish` });
    }
    if (!grpcUpstreams.has(upstream)) {
      issues.push({ file: config.file, pointer: toPointer(['grpc', 'services', service, 'upstream']), message: `upstream "${upstream}" is not a gRPC upstream (protocol: grpc) of gateway.yaml` });
    }
  }

  const codecOptions = { emitDefaults: config.grpc.emitDefaults, int64AsNumber: config.grpc.int64AsNumber, ignoreUnknownFields: config.grpc.ignoreUnknownFields };
  // One set of rules for every transcoded route: they come from `grpc`, not from the binding.
  const metadata = compileMetadataRules(config.grpc);
  for (const binding of rules.bindings) {
    const serviceConfig = config.grpc.services[binding.service];
    const upstream = serviceConfig === undefined ? undefined : grpcUpstreams.get(serviceConfig.upstream);
    if (upstream === undefined) continue;
    // get/put/post/delete/patch arrive upper-case; a `custom` kind is used as written (methods are case-sensitive).
    const httpMethod = binding.httpMethod;
    const unroutable = unroutableMethodReason(httpMethod);
    if (unroutable !== undefined) {
      issues.push({
        file: config.file,
        pointer: toPointer(['grpc', 'services', binding.service]),
        message: `${binding.method} (${binding.httpMethod} ${binding.pathTemplate}): custom ${unroutable}`,
      });
      continue;
    }
    const routerTemplate = toRouterTemplate(binding);
    const method = loaded.root.lookupService(binding.service).methods[binding.method.slice(binding.method.indexOf('/') + 1)];
    const clientStreaming = method?.requestStream === true;
    if (clientStreaming && binding.body === undefined) {
      // The request messages of a client-streaming or bidi method can only come from the body (NDJSON).
      issues.push({
        file: config.file,
        pointer: toPointer(['grpc', 'services', binding.service]),
        message: `${binding.method} (${binding.httpMethod} ${binding.pathTemplate}): a ${method?.responseStream === true ? 'bidirectional' : 'client'}-streaming method needs a body ("*" or a field) in its rule: the request body carries its messages`,
      });
      continue;
    }
    const requestType = loaded.root.lookupType(binding.requestType);
    const responseType = loaded.root.lookupType(binding.responseType);
    const requestHttpBody = requestHttpBodyTarget(binding.body, requestType);
    const operationId = grpcOperationId(binding);
    const operation: OperationSpec = Object.freeze({
      operationId,
      method: httpMethod as HttpMethod,
      publicTemplate: binding.pathTemplate,
      documentTemplate: binding.pathTemplate,
      documentFile: (requestType.filename ?? config.file).replace(`${config.baseDir}/`, ''),
      // HttpBody takes any media type; streamed messages come as NDJSON (anything else is a 415).
      requestMediaTypes: binding.body === undefined || requestHttpBody !== undefined ? [] : clientStreaming ? ['application/x-ndjson'] : ['application/json'],
      requestBodyRequired: false,
      validator: binding.body === undefined || requestHttpBody !== undefined || clientStreaming ? NO_OPENAPI_CHECKS : JSON_BODY_CHECKS,
      schemas: NO_SCHEMAS,
    });
    const grpc: GrpcRoute = {
      binding,
      upstream,
      requestType,
      responseType,
      requestCodec: createJsonCodec(requestType, codecOptions),
      responseCodec: createJsonCodec(responseType, codecOptions),
      paramFields: routerTemplate.paramFields,
      bindByTemplate: routerTemplate.bindByTemplate,
      queryExcluded: boundFieldPaths(binding),
      grpcPath: `/${binding.method}`,
      ignoreUnknownQuery: config.grpc.ignoreUnknownFields,
      metadata,
      serverStreaming: method?.responseStream === true,
      clientStreaming,
      requestHttpBody,
      responseHttpBody: responseIsHttpBody(binding.responseBody, responseType),
      responseBodyKey: binding.responseBody === undefined ? undefined : responseBodyKey(responseType, binding.responseBody),
    };
    const route = buildRoute({
      operation,
      profile: '',
      policy: config.routes[operationId],
      upstream: undefined,
      mapping: undefined,
      grpc,
      limits: config.limits,
      requestIdHeader: config.requestId.header,
      defaultTimeoutMs: config.upstreams[upstream.name]?.timeouts.requestMs ?? UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS,
    });
    routes.push(route);
    entries.push({ method: operation.method, template: routerTemplate.template, value: route });
  }
  const published = rules.bindings.filter((binding) => binding.service in config.grpc.services);
  const openApi = (): Record<string, unknown> =>
    generateOpenApi(loaded.root, published, { title: 'gRPC services published by protogate', version: '1.0.0' });
  return { entries, routes, openApi, root: loaded.root };
}

/** The routes published from google.api.http rules, and the OpenAPI document describing them (built on demand). */
export interface GrpcRoutes {
  readonly entries: RouteEntry<CompiledRoute>[];
  readonly routes: CompiledRoute[];
  readonly openApi: (() => Record<string, unknown>) | undefined;
  /** The loaded protos.files, for gRPC steps of mapping files; undefined when none are set or they failed to load. */
  readonly root?: protobuf.Root | undefined;
}

interface RouterTemplate {
  readonly template: string;
  readonly paramFields: ReadonlyMap<string, string>;
  /** Multi-segment variables are bound from the raw path with http.proto's rules, not from router parameters. */
  readonly bindByTemplate: boolean;
}

/**
 * Our router's template for a binding: literals as they are, each single-segment variable as `{pN}` (router
 * parameter names are plain identifiers; `pN` maps back to the field path), each `*` of a multi-segment variable
 * as its own parameter `{wN}` (the rule `/v1/{name=teams/STAR/members/STAR}` routes as `/v1/teams/{w0}/members/{w1}`,
 * STAR standing for the `*` segment pattern, which would end this comment), `**` as the router's tail `{wN=**}`, the
 * verb kept on the last segment (`/v1/people/{p0}:promote`, `/v1/{w0=**}:undelete`).
 */
function toRouterTemplate(binding: HttpBinding): RouterTemplate {
  const { template } = binding;
  const paramFields = new Map<string, string>();
  const parts: string[] = [];
  let wildcards = 0;
  for (const [index, segment] of template.segments.entries()) {
    if (segment.kind === 'any-deep') {
      parts.push(`{w${wildcards++}=**}`); // always last (parsePathTemplate checks); bound by the template
      continue;
    }
    const single = template.variables.find((item) => item.start === index && !item.multiSegment);
    if (single !== undefined) {
      const name = `p${paramFields.size}`;
      paramFields.set(name, single.fieldPath);
      parts.push(`{${name}}`);
    } else if (segment.kind === 'literal') {
      parts.push(segment.value);
    } else {
      parts.push(`{w${wildcards++}}`); // a "*" inside a multi-segment variable: routed here, bound by the template
    }
  }
  const verb = template.verb === undefined ? '' : `:${template.verb}`;
  return {
    template: `/${parts.join('/')}${verb}`,
    paramFields,
    bindByTemplate: template.variables.some((variable) => variable.multiSegment),
  };
}


/** The JSON key the codec writes for the `response_body` field (validated to exist when the rule was read). */
function responseBodyKey(responseType: protobuf.Type, fieldName: string): string {
  const field = responseType.fields[fieldName];
  return field === undefined ? toJsonName(fieldName) : jsonNameOf(field);
}
