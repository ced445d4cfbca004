/**
 * The parts of one generated Operation Object that depend on the binding: path and query parameters, the request
 * body and the responses, following the google.api.http semantics the transcoder applies.
 */
import protobuf from 'protobufjs';
import { problemJsonSchema, problemResponse } from '../../errors/problem-schema.js';
import type { HttpBinding } from '../http-rules/extract-http-rules.js';
import { isMapField, messageTypeOf, trimDot } from '../http-rules/proto-fields.js';
import { describePathParam, type OpenApiPath, type PathParam } from './paths.js';
import { isQueryLeafMessage, SCHEMA_REF_PREFIX, wellKnownSchema, type Schema, type SchemaRegistry } from './schemas.js';

/** Name of the RFC 9457 problem schema in `components.schemas`. */
export const PROBLEM_SCHEMA = 'Problem';
const HTTP_BODY = 'google.api.HttpBody';

/**
 * Path parameters (required; typed by their field when one is the whole field, else strings described by
 * paths.ts), then query parameters for the fields the path and body leave free.
 */
export function parametersOf(binding: HttpBinding, path: OpenApiPath, request: protobuf.Type, registry: SchemaRegistry): Schema[] {
  const params: Schema[] = path.params.map((param) => pathParameter(param, path, binding, request, registry));
  if (binding.body === '*') return params; // http.proto: with body "*" "there is no URL query parameter"
  const bound = binding.template.variables.map((v) => v.fieldPath);
  if (binding.body !== undefined) bound.push(binding.body);
  const isBound = (path: string): boolean => bound.some((b) => b === path || path.startsWith(`${b}.`) || b.startsWith(`${path}.`));

  for (const field of request.fieldsArray) {
    if (isBound(field.name) || isMapField(field)) continue;
    const message = messageTypeOf(field);
    if (message === undefined || isQueryLeafMessage(trimDot(message.fullName))) {
      const schema = queryParamSchema(field, registry);
      if (schema !== undefined) params.push(queryParameter(field.name, schema, field.comment));
      continue;
    }
    if (field.repeated || wellKnownSchema(trimDot(message.fullName)) !== undefined) continue;
    // A non-repeated message: its fields as `a.b` (one level deep).
    for (const inner of message.fieldsArray) {
      const path = `${field.name}.${inner.name}`;
      if (isBound(path) || isMapField(inner)) continue;
      const schema = queryParamSchema(inner, registry);
      if (schema !== undefined) params.push(queryParameter(path, schema, inner.comment));
    }
  }
  return params;
}

function pathParameter(param: PathParam, path: OpenApiPath, binding: HttpBinding, request: protobuf.Type, registry: SchemaRegistry): Schema {
  let schema: Schema = { type: 'string' };
  if (param.variable !== undefined && !param.variable.multiSegment) {
    let type: protobuf.Type | undefined = request;
    let field: protobuf.Field | undefined;
    for (const name of param.variable.fieldNames) {
      field = type?.fields[name];
      type = field === undefined ? undefined : messageTypeOf(field);
    }
    if (field !== undefined) schema = queryParamSchema(field, registry) ?? schema;
  }
  const description = describePathParam(param, path, binding.template.verb);
  return { name: param.name, in: 'path', required: true, ...(description === undefined ? {} : { description }), schema };
}

/** The schema of a field set from the query or path, or undefined when it cannot be (repeated messages). */
function queryParamSchema(field: protobuf.Field, registry: SchemaRegistry): Schema | undefined {
  const message = messageTypeOf(field);
  let value: Schema;
  if (message === undefined) value = registry.valueSchema(field);
  else if (isQueryLeafMessage(trimDot(message.fullName))) value = wellKnownSchema(trimDot(message.fullName), false) ?? { type: 'string' };
  else return undefined;
  return field.repeated ? { type: 'array', items: value } : value;
}

function queryParameter(name: string, schema: Schema, comment: string | null): Schema {
  const description = comment?.trim();
  return { name, in: 'query', ...(description ? { description } : {}), schema };
}

/** The request body of a binding, or undefined without `body`. */
export function requestBodyOf(binding: HttpBinding, request: protobuf.Type, method: protobuf.Method, registry: SchemaRegistry): Schema | undefined {
  if (binding.body === undefined) return undefined;
  let schema: Schema;
  if (binding.body === '*') {
    if (trimDot(request.fullName) === HTTP_BODY) return { required: true, content: { '*/*': { schema: {} } } };
    const pathBound = new Set(binding.template.variables.filter((v) => v.fieldNames.length === 1).map((v) => v.fieldPath));
    schema = pathBound.size === 0 ? registry.messageRef(request) : registry.messageSchema(request, pathBound);
  } else {
    const field = request.fields[binding.body];
    const message = field === undefined ? undefined : messageTypeOf(field);
    if (message !== undefined && !field?.repeated && trimDot(message.fullName) === HTTP_BODY) {
      return { required: true, content: { '*/*': { schema: {} } } };
    }
    schema = field === undefined ? {} : registry.fieldSchema(field);
  }
  // Client-streaming and bidi methods take one JSON message per line.
  if (method.requestStream === true) {
    return { description: 'NDJSON: one request message per line, each sent upstream as it arrives.', required: true, content: { 'application/x-ndjson': { schema } } };
  }
  return { required: true, content: { 'application/json': { schema } } };
}

/** The 200 response (the message, its `response_body` field, or a stream of messages) and the problem default. */
export function responsesOf(binding: HttpBinding, response: protobuf.Type, method: protobuf.Method, registry: SchemaRegistry): Schema {
  const problem = problemResponse('Error: RFC 9457 problem details; gRPC errors carry grpcCode, grpcMessage and details.', {
    $ref: `${SCHEMA_REF_PREFIX}${PROBLEM_SCHEMA}`,
  });
  let schema: Schema;
  const field = binding.responseBody === undefined ? undefined : response.fields[binding.responseBody];
  const fieldMessage = field === undefined || field.repeated ? undefined : messageTypeOf(field);
  const httpBody = field === undefined ? trimDot(response.fullName) === HTTP_BODY : fieldMessage !== undefined && trimDot(fieldMessage.fullName) === HTTP_BODY;
  if (httpBody) {
    // google.api.HttpBody: its `data` is the body and its `content_type` the Content-Type, whatever that is.
    const description = method.responseStream === true ? 'The raw response body, streamed in chunks (the Content-Type of the first).' : 'The raw response body.';
    return { '200': { description, content: { '*/*': { schema: {} } } }, default: problem };
  }
  if (field !== undefined) schema = registry.fieldSchema(field);
  else schema = registry.messageRef(response);
  const content =
    method.responseStream === true
      ? { 'application/x-ndjson': { schema }, 'text/event-stream': { schema } }
      : { 'application/json': { schema } };
  const description = method.responseStream === true ? `A stream of ${binding.responseType} messages (one JSON value per line or event).` : 'OK';
  return { '200': { description, content }, default: problem };
}

/** RFC 9457 problem details as the gateway writes them, with the gRPC extensions. */
export function problemSchema(): Schema {
  return problemJsonSchema('RFC 9457 problem details.', 'Request violations, each naming where in the request it is.', {
    grpcCode: { type: 'string', description: 'The gRPC status code name, e.g. NOT_FOUND.' },
    grpcMessage: { type: 'string', description: 'The gRPC status message.' },
    details: {
      type: 'array',
      description: 'The google.rpc.Status details, each an Any in JSON form.',
      items: wellKnownSchema('google.protobuf.Any') ?? {},
    },
  });
}
