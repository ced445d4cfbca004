import { z } from 'zod';
import { mappingFileSchema } from '../mapping/mapping-schema.js';
import { gatewayConfigSchema } from './schema.js';

/**
 * The JSON Schema of `gateway.yaml` for editors (`# yaml-language-server: $schema=...`), generated from the same
 * zod schema the loader uses, so the two cannot drift. `io: 'input'` describes what a user may write (defaults
 * make fields optional), not the parsed result.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(gatewayConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'protogate gateway.yaml', $id: 'https://protogate.dev/schemas/gateway.schema.json' };
}

/** The JSON Schema of mapping files (`mappings/*.yaml`), generated from the loader's zod schema. */
export function mappingJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(mappingFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'protogate mapping file', $id: 'https://protogate.dev/schemas/mapping.schema.json' };
}
