import path from 'node:path';
import { readDocumentFile } from './document-set.js';
import { isRecord } from './json-pointer.js';
import { joinTemplate, serverBasePaths } from './servers.js';

/**
 * One OpenAPI 3.1 document for the whole gateway (`gateway openapi`, `GET /openapi.json`): the document generated
 * from the .proto files, plus every hand-written document's paths under its first server's base path and its
 * component schemas. Schemas keep their names so local `$ref`s stay valid; on a name collision the first one
 * (the generated document's, then config order) wins and the collision is listed under `x-protogate-collisions`.
 */
export function mergeOpenApi(
  generated: Record<string, unknown> | undefined,
  documents: readonly { file: string }[],
  baseDir: string,
  info: { title: string; version: string },
): Record<string, unknown> {
  const paths: Record<string, unknown> = { ...(isRecord(generated?.paths) ? generated.paths : {}) };
  const components = isRecord(generated?.components) ? generated.components : {};
  const schemas: Record<string, unknown> = { ...(isRecord(components.schemas) ? components.schemas : {}) };
  const collisions: string[] = [];
  for (const { file } of documents) {
    const read = readDocumentFile(path.resolve(baseDir, file));
    if (!('root' in read) || !isRecord(read.root)) continue;
    const root = read.root;
    const base = basePath(root.servers);
    for (const [template, item] of Object.entries(isRecord(root.paths) ? root.paths : {})) {
      const joined = joinTemplate(base, template);
      if (joined in paths) collisions.push(`paths ${joined} (${file})`);
      else paths[joined] = item;
    }
    const docComponents = isRecord(root.components) ? root.components : {};
    for (const [name, schema] of Object.entries(isRecord(docComponents.schemas) ? docComponents.schemas : {})) {
      if (name in schemas) collisions.push(`components/schemas/${name} (${file})`);
      else schemas[name] = schema;
    }
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { ...components, schemas },
    ...(collisions.length > 0 ? { 'x-protogate-collisions': collisions } : {}),
  };
}

/**
 * The base path the document's paths are shown under: the first one routing serves them at (server variables
 * take their defaults, as they do for routing; a document that fails that check never got this far).
 */
function basePath(servers: unknown): string {
  return serverBasePaths(servers, '/servers', '', [])[0] ?? '';
}
