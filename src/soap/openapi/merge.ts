/**
 * Joins the generated documents (gRPC routes, SOAP routes) into one before the hand-written documents are merged
 * in (src/openapi/merge-documents.ts). The generators name their schemas apart (`pkg.Message`, `<service>.Type`),
 * so a collision is a real one: the first document wins and it is listed under `x-protogate-collisions`.
 */
import { isRecord } from '../../openapi/json-pointer.js';

type Doc = Record<string, unknown>;

export function mergeGeneratedOpenApi(first: Doc | undefined, second: Doc | undefined): Doc | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  const collisions: string[] = Array.isArray(first['x-protogate-collisions']) ? [...(first['x-protogate-collisions'] as string[])] : [];
  const paths: Doc = { ...(isRecord(first.paths) ? first.paths : {}) };
  for (const [path, item] of Object.entries(isRecord(second.paths) ? second.paths : {})) {
    if (path in paths) collisions.push(`paths ${path}`);
    else paths[path] = item;
  }
  const firstComponents = isRecord(first.components) ? first.components : {};
  const secondComponents = isRecord(second.components) ? second.components : {};
  const schemas: Doc = { ...(isRecord(firstComponents.schemas) ? firstComponents.schemas : {}) };
  for (const [name, schema] of Object.entries(isRecord(secondComponents.schemas) ? secondComponents.schemas : {})) {
    if (name in schemas) collisions.push(`components/schemas/${name}`);
    else schemas[name] = schema;
  }
  const tags = [...(Array.isArray(first.tags) ? first.tags : []), ...(Array.isArray(second.tags) ? second.tags : [])];
  return {
    ...first,
    ...(tags.length > 0 ? { tags } : {}),
    paths,
    components: { ...firstComponents, schemas },
    ...(collisions.length > 0 ? { 'x-protogate-collisions': collisions } : {}),
  };
}
