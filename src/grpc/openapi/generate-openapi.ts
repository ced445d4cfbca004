import protobuf from 'protobufjs';
import type { HttpBinding } from '../http-rules/extract-http-rules.js';
import { lookupMessage } from '../http-rules/proto-fields.js';
import { parametersOf, PROBLEM_SCHEMA, problemSchema, requestBodyOf, responsesOf } from './operations.js';
import { openApiPathOf, renameParams, type OpenApiPath } from './paths.js';
import { SchemaRegistry, type Schema } from './schemas.js';

/** The `info` of the generated document. */
export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
}

/** Operation keys of a Path Item Object (OpenAPI 3.1 §4.8.9.1): other `custom` kinds cannot be described. */
const OPERATION_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The operationId of a binding: `pkg.Service.Method` for the primary rule, `pkg.Service.Method_n` for
 * `additional_bindings[n - 1]` (the route table names it `pkg.Service.Method#n`; `#` is avoided in the document).
 */
export function grpcOperationId(binding: HttpBinding): string {
  const base = binding.method.replace('/', '.');
  return binding.bindingIndex === 0 ? base : `${base}_${binding.bindingIndex}`;
}

/**
 * Generates an OpenAPI 3.1.0 document for google.api.http bindings (see `extractHttpRules`).
 *
 * - One path item per path (paths.ts: a variable's pattern is written out, `/v1/{name=shelves/*}/books` is
 *   `/v1/shelves/{name}/books`, each wildcard a parameter); a custom verb stays literal (`/v1/people/{id}:promote`).
 *   An operation whose path is not its rule's template says the rule in `x-protogate-path-template`.
 * - One operation per binding: operationId from {@link grpcOperationId}, summary from the method's comment, the
 *   service as tag; required path parameters; query parameters (proto field paths, as http.proto names them) for the
 *   fields left free by the path and body when the body is not `*` (scalars, enums, repeated scalars, the string
 *   well-known types, and the fields of a non-repeated message one level deep as `a.b`); the request body for
 *   `body` (`*`: the request message without its top-level path-bound fields); a 200 response with the response
 *   message or its `response_body` field (server-streaming: NDJSON and SSE); a `default` problem response.
 * - `components.schemas` holds every message and enum reached, named by full name (`demo.directory.v1.Person`),
 *   under the proto3 JSON mapping, plus `Problem` (RFC 9457 with the gRPC extensions).
 *
 * Paths that differ only in parameter names are one path to OpenAPI (§4.8.8.1): their operations are merged into
 * one path item, under the path of the most specific of them (fewest `**` parameters, then the first declared),
 * the others' parameters renamed to its names (each description says which field it sets). Bindings OpenAPI cannot
 * describe are left out and listed in the path item's `x-protogate-omitted` (`method`, `operationId`,
 * `pathTemplate`, `reason`): a `custom` kind that is no operation key (LINK, PURGE, …), and a second binding with
 * the same method on the same path (the more specific one stays: the one the router prefers on the paths both
 * match). It lives on the path item, not the document, so that it survives the merge with `openapi/` documents.
 * Bindings whose types are missing from `root` are left out silently. Never throws for such input.
 */
export function generateOpenApi(root: protobuf.Root, bindings: readonly HttpBinding[], info: OpenApiInfo): Record<string, unknown> {
  const registry = new SchemaRegistry();
  const tags = new Map<string, Schema>();
  const shapes = new Map<string, Shape>();

  bindings.forEach((binding, order) => {
    const request = lookupMessage(root, binding.requestType);
    const response = lookupMessage(root, binding.responseType);
    const method = methodOf(root, binding);
    if (request === undefined || response === undefined || method === undefined) return;
    const path = openApiPathOf(binding);
    let shape = shapes.get(path.shape);
    if (shape === undefined) shapes.set(path.shape, (shape = { first: path, candidates: [], omitted: [] }));
    // Operation keys stand for upper-case methods; a lower-case `custom` kind is another method (they are case-sensitive).
    const key = binding.httpMethod.toLowerCase();
    if (OPERATION_KEYS.has(key) && binding.httpMethod === key.toUpperCase()) shape.candidates.push({ binding, key, path, order, request, response, method });
    else shape.omitted.push(omission(binding, `${binding.httpMethod} is not an operation of an OpenAPI 3.1 Path Item`));
  });

  const paths: Record<string, Record<string, unknown>> = {};
  for (const shape of shapes.values()) {
    // The most specific first: a binding with fewer `**` wins its method, and names the merged path.
    const ranked = [...shape.candidates].sort((a, b) => a.path.deepCount - b.path.deepCount || a.order - b.order);
    const item: Record<string, unknown> = {};
    const winners = new Map<string, Candidate>();
    const canonical = ranked[0]?.path;
    for (const candidate of ranked) {
      const { binding, key } = candidate;
      // The router serves HEAD with the GET route of the most specific path, unless that path declares HEAD.
      const get = key === 'head' ? winners.get('get') : undefined;
      const winner = winners.get(key) ?? (get !== undefined && get.path.deepCount < candidate.path.deepCount ? get : undefined);
      if (winner !== undefined) {
        const taken = `${binding.httpMethod} ${(canonical ?? candidate.path).path} is ${grpcOperationId(winner.binding)} (${winner.binding.httpMethod} ${winner.binding.pathTemplate})`;
        shape.omitted.push(omission(binding, `${taken}: OpenAPI cannot tell ${binding.pathTemplate} apart from it`));
        continue;
      }
      winners.set(key, candidate);
    }
    for (const candidate of [...winners.values()].sort((a, b) => a.order - b.order)) {
      item[candidate.key] = operationOf(candidate, canonical ?? candidate.path, registry, tags);
    }
    if (shape.omitted.length > 0) item['x-protogate-omitted'] = shape.omitted;
    paths[(canonical ?? shape.first).path] = item;
  }

  const schemas: Record<string, Schema> = {};
  for (const name of [...registry.components.keys()].sort()) schemas[name] = registry.components.get(name) ?? {};
  schemas[PROBLEM_SCHEMA] = problemSchema();
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    tags: [...tags.values()],
    paths,
    components: { schemas },
  };
}

/** The bindings whose paths are one path to OpenAPI, and those of them left out. */
interface Shape {
  /** The path of the first of them: the key of a path item holding only omissions. */
  readonly first: OpenApiPath;
  readonly candidates: Candidate[];
  readonly omitted: Schema[];
}

interface Candidate {
  readonly binding: HttpBinding;
  /** The operation key (`get`, `head`, …). */
  readonly key: string;
  readonly path: OpenApiPath;
  /** Declaration order. */
  readonly order: number;
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly method: protobuf.Method;
}

/** The Operation Object of `candidate`, its path parameters named as in `under` (the path item's path). */
function operationOf(candidate: Candidate, under: OpenApiPath, registry: SchemaRegistry, tags: Map<string, Schema>): Schema {
  const { binding, request, response, method } = candidate;
  const path = under === candidate.path ? under : renameParams(candidate.path, under.params.map((param) => param.name));
  if (!tags.has(binding.service)) tags.set(binding.service, describe({ name: binding.service }, method.parent?.comment));
  const parameters = parametersOf(binding, path, request, registry);
  const requestBody = requestBodyOf(binding, request, method, registry);
  const summary = method.comment?.trim();
  return {
    operationId: grpcOperationId(binding),
    ...(summary ? { summary } : {}),
    tags: [binding.service],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses: responsesOf(binding, response, method, registry),
    ...(method.options?.['deprecated'] === true ? { deprecated: true } : {}),
    ...(path.path === binding.pathTemplate ? {} : { 'x-protogate-path-template': binding.pathTemplate }),
  };
}

function omission(binding: HttpBinding, reason: string): Schema {
  return { method: binding.httpMethod, operationId: grpcOperationId(binding), pathTemplate: binding.pathTemplate, reason };
}

function methodOf(root: protobuf.Root, binding: HttpBinding): protobuf.Method | undefined {
  const name = binding.method.slice(binding.method.indexOf('/') + 1);
  try {
    const service = root.lookupService(binding.service);
    return service.methods[name];
  } catch {
    return undefined;
  }
}

function describe(target: Schema, comment: string | null | undefined): Schema {
  const text = comment?.trim();
  return text ? { ...target, description: text } : target;
}
