import type { Dialect } from './create-ajv.js';
import type { DocumentSet, Located } from './document-set.js';
import { child, isRecord } from './json-pointer.js';
import { isJsonMediaType } from './parameters.js';
import type { OperationSchemas, ParameterSchema } from './types.js';

/**
 * The raw JSON Schemas of one operation, for the mapping type checker: request body, parameters (path-item level
 * merged with operation level, the operation winning by name and location, OpenAPI §4.8.10.1) and the JSON
 * response of each status. `$ref`s stay in the schemas; `resolveRef` follows them within the document set.
 */
export function operationSchemas(
  set: DocumentSet,
  dialect: Dialect,
  url: string,
  operationPointer: string,
  operation: Record<string, unknown>,
  itemParams: Located,
): OperationSchemas {
  const parameters = new Map<string, ParameterSchema>();
  const operationParams: Located = { value: operation['parameters'], url, pointer: child(operationPointer, 'parameters') };
  for (const list of [itemParams, operationParams]) {
    if (!Array.isArray(list.value)) continue;
    list.value.forEach((entry, index) => {
      const found = set.deref({ value: entry, url: list.url, pointer: child(list.pointer, index) });
      if ('error' in found || !isRecord(found.value)) return;
      const { name, in: location, required, schema } = found.value;
      if (typeof name !== 'string' || (location !== 'path' && location !== 'query' && location !== 'header')) return;
      parameters.set(`${location}:${name}`, { name, in: location, required: required === true || location === 'path', schema });
    });
  }
  return Object.freeze({
    dialect,
    body: jsonSchemaOf(set, { value: operation['requestBody'], url, pointer: child(operationPointer, 'requestBody') }),
    parameters: Object.freeze([...parameters.values()]),
    responses: Object.freeze(responseSchemas(set, url, operationPointer, operation['responses'])),
    resolveRef(ref: string): unknown {
      const found = set.deref({ value: { $ref: ref }, url, pointer: operationPointer });
      return 'error' in found ? undefined : found.value;
    },
  });
}

function responseSchemas(set: DocumentSet, url: string, pointer: string, responses: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(responses)) return out;
  for (const status of Object.keys(responses)) {
    const schema = jsonSchemaOf(set, { value: responses[status], url, pointer: child(pointer, 'responses', status) });
    if (schema !== undefined) out[status] = schema;
  }
  return out;
}

/** The schema of the JSON media type of a Request Body or Response object (`application/json` first). */
function jsonSchemaOf(set: DocumentSet, at: Located): unknown {
  if (at.value === undefined) return undefined;
  const found = set.deref(at);
  if ('error' in found || !isRecord(found.value) || !isRecord(found.value['content'])) return undefined;
  const content = found.value['content'];
  const types = Object.keys(content).filter((type) => isJsonMediaType(type.toLowerCase()));
  const chosen = types.includes('application/json') ? 'application/json' : types[0];
  const media = chosen === undefined ? undefined : content[chosen];
  return isRecord(media) ? media['schema'] : undefined;
}
