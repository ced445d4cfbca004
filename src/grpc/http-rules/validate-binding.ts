import type protobuf from 'protobufjs';
import { isMapField, messageTypeOf, trimDot } from './proto-fields.js';

/**
 * Checks a path variable's field path against the request message. http.proto: the path
 * template may refer to fields "as long as each field is a non-repeated field with a primitive
 * (non-message) type", and "The path variables **must not** refer to any repeated or mapped
 * field". Intermediate names must be singular message fields to be traversed.
 *
 * @returns the problem, or undefined when the path is valid.
 */
export function validatePathVariable(request: protobuf.Type, fieldNames: readonly string[]): string | undefined {
  const fieldPath = fieldNames.join('.');
  const where = `path variable "${fieldPath}"`;
  let type = request;
  for (const [index, name] of fieldNames.entries()) {
    const field = type.fields[name];
    if (field === undefined) return `${where}: no field "${name}" in ${trimDot(type.fullName)}`;
    if (isMapField(field)) return `${where}: field "${name}" of ${trimDot(type.fullName)} is a map`;
    if (field.repeated) return `${where}: field "${name}" of ${trimDot(type.fullName)} is repeated`;
    const message = messageTypeOf(field);
    if (index === fieldNames.length - 1) {
      if (message !== undefined) return `${where}: field "${name}" of ${trimDot(type.fullName)} is a message (${trimDot(message.fullName)}), not a primitive`;
      return undefined;
    }
    if (message === undefined) return `${where}: field "${name}" of ${trimDot(type.fullName)} is not a message`;
    type = message;
  }
  return undefined;
}

/**
 * Checks `body`. http.proto: "The name of the request field whose value is mapped to the HTTP
 * request body, or `*` […] NOTE: the referred field must be present at the top-level of the
 * request message type." Nothing more is required: the current http.proto allows a repeated body
 * ("it can map the request or response body to a repeated field"), and it no longer forbids
 * repeated or map fields in `body` as its 2018 text did.
 */
export function validateBody(request: protobuf.Type, body: string): string | undefined {
  if (body === '*') return undefined;
  return topLevelField(request, body, 'body');
}

/**
 * Checks `response_body`. http.proto: "NOTE: The referred field must be present at the
 * top-level of the response message type."
 */
export function validateResponseBody(response: protobuf.Type, responseBody: string): string | undefined {
  return topLevelField(response, responseBody, 'response_body');
}

function topLevelField(type: protobuf.Type, name: string, option: string): string | undefined {
  if (name.includes('.')) return `${option} "${name}": must name a top-level field of ${trimDot(type.fullName)}`;
  const field = type.fields[name];
  if (field === undefined) return `${option} "${name}": no field "${name}" in ${trimDot(type.fullName)}`;
  return undefined;
}
