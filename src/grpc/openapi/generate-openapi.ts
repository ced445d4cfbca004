import protobuf from 'protobufjs';
import type { HttpBinding } from '../http-rules/extract-http-rules.js';
import { lookupMessage } from '../http-rules/proto-fields.js';
import { openApiPath, parametersOf, PROBLEM_SCHEMA, problemSchema, requestBodyOf, responsesOf } from './operations.js';
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
 * - One path item per path template, with `{field.path}` parameters (a multi-segment variable such as
 *   `{name=shelves/*}` becomes `{name}` with a `pattern`); a custom verb stays literal (`/v1/people/{id}:promote`).
 * - One operation per binding: operationId from {@link grpcOperationId}, summary from the method's comment, the
 *   service as tag; required path parameters; query parameters (proto field paths, as http.proto names them) for the
 *   fields left free by the path and body when the body is not `*` (scalars, enums, repeated scalars, the string
 *   well-known types, and the fields of a non-repeated message one level deep as `a.b`); the request body for
 *   `body` (`*`: the request message without its top-level path-bound fields); a 200 response with the response
 *   message or its `response_body` field (server-streaming: NDJSON and SSE); a `default` problem response.
 * - `components.schemas` holds every message and enum reached, named by full name (`demo.directory.v1.Person`),
 *   under the proto3 JSON mapping, plus `Problem` (RFC 9457 with the gRPC extensions).
 *
 * Bindings whose method cannot be described (a `custom` kind other than the OpenAPI operation keys, a second binding
 * with the same path and method, types missing from `root`) are left out. Never throws for such input.
 */
export function generateOpenApi(root: protobuf.Root, bindings: readonly HttpBinding[], info: OpenApiInfo): Record<string, unknown> {
  const registry = new SchemaRegistry();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, Schema>();

  for (const binding of bindings) {
    const key = binding.httpMethod.toLowerCase();
    if (!OPERATION_KEYS.has(key)) continue;
    const request = lookupMessage(root, binding.requestType);
    const response = lookupMessage(root, binding.responseType);
    const method = methodOf(root, binding);
    if (request === undefined || response === undefined || method === undefined) continue;
    const path = openApiPath(binding);
    const item = (paths[path] ??= {});
    if (item[key] !== undefined) continue;

    if (!tags.has(binding.service)) tags.set(binding.service, describe({ name: binding.service }, method.parent?.comment));
    const parameters = parametersOf(binding, request, registry);
    const requestBody = requestBodyOf(binding, request, method, registry);
    const summary = method.comment?.trim();
    item[key] = {
      operationId: grpcOperationId(binding),
      ...(summary ? { summary } : {}),
      tags: [binding.service],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody === undefined ? {} : { requestBody }),
      responses: responsesOf(binding, response, method, registry),
      ...(method.options?.['deprecated'] === true ? { deprecated: true } : {}),
    };
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
