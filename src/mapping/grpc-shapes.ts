import protobuf from 'protobufjs';
import { jsonNameOf } from '../grpc/http-rules/proto-fields.js';
import { SchemaRegistry, SCHEMA_REF_PREFIX, type Schema } from '../grpc/openapi/schemas.js';
import { arrayOf, NULL, objectOf, shapeFromJsonSchema, unionOf, type Shape } from '../transform/index.js';

/**
 * The shapes the type checker sees for a gRPC step, from the JSON Schemas the OpenAPI generator writes for proto
 * messages (one converter of messages into JSON form, not two):
 * - the output message as the proto3 JSON mapping writes it (lowerCamelCase names, 64-bit integers as strings,
 *   enums as their names, well-known types as their JSON forms; every field optional, since proto3 leaves fields
 *   with default values out);
 * - the input message as the codec reads it, which is more lenient (ProtoJSON "Parsers accept"): original proto
 *   field names beside the JSON names, numbers for 64-bit integers, numbers for enums, and `null` for any field
 *   (the default value).
 */
export function outputShape(type: protobuf.Type): Shape {
  const registry = new SchemaRegistry();
  const root = registry.messageRef(type);
  return shapeFromJsonSchema(root, (ref) => registry.components.get(ref.slice(SCHEMA_REF_PREFIX.length)));
}

/** See {@link outputShape}. */
export function inputShape(type: protobuf.Type): Shape {
  const registry = new SchemaRegistry();
  const root = lenient(registry.messageRef(type));
  const components = new Map<string, Schema>();
  for (const [name, schema] of registry.components) {
    const found = type.root.lookup(name);
    if (found instanceof protobuf.Type) components.set(name, lenientMessage(schema, found));
    else if (found instanceof protobuf.Enum) components.set(name, { anyOf: [schema, { type: 'integer' }] });
    else components.set(name, schema);
  }
  return withNullableFields(shapeFromJsonSchema(root, (ref) => components.get(ref.slice(SCHEMA_REF_PREFIX.length))), new Map());
}

/**
 * Every declared field of every object may also be `null` (done on shapes: a JSON Schema `{ type: "null" }` branch
 * reads as "not declared"). Map values and list items stay non-null, as the codec wants them.
 */
function withNullableFields(shape: Shape, done: Map<Shape, Shape>): Shape {
  const seen = done.get(shape);
  if (seen !== undefined) return seen;
  let out: Shape = shape;
  if (shape.kind === 'object') {
    const properties = [...shape.properties].map(([name, field]) => [name, unionOf(withNullableFields(field, done), NULL)] as const);
    const additional = shape.additional === null ? null : withNullableFields(shape.additional, done);
    out = objectOf(properties, shape.required, additional);
  } else if (shape.kind === 'array') {
    out = arrayOf(withNullableFields(shape.items, done));
  } else if (shape.kind === 'union') {
    out = unionOf(...shape.members.map((member) => withNullableFields(member, done)));
  }
  done.set(shape, out);
  return out;
}

/** A message's object schema with each field lenient, also under its proto name (JSON names first). */
function lenientMessage(schema: Schema, type: protobuf.Type): Schema {
  const written = (schema['properties'] ?? {}) as Record<string, Schema>;
  // Null prototype: field names come from .proto files and must stay plain keys.
  const properties = Object.create(null) as Record<string, Schema>;
  for (const [name, field] of Object.entries(written)) properties[name] = lenient(field);
  for (const field of type.fieldsArray) {
    const value = properties[jsonNameOf(field)];
    if (value !== undefined && properties[field.name] === undefined) properties[field.name] = value;
  }
  return { ...schema, properties };
}

/** 64-bit integers (written as strings) may also be given as JSON numbers, at any depth of a field's schema. */
function lenient(schema: Schema): Schema {
  const format = schema['format'];
  if (format === 'int64' || format === 'uint64') {
    const type = schema['type'];
    const types = Array.isArray(type) ? type : [type];
    return { type: [...types, 'integer'] };
  }
  const out: Schema = { ...schema };
  if (isSchema(schema['items'])) out['items'] = lenient(schema['items']);
  if (isSchema(schema['additionalProperties'])) out['additionalProperties'] = lenient(schema['additionalProperties']);
  if (Array.isArray(schema['anyOf'])) out['anyOf'] = (schema['anyOf'] as unknown[]).map((branch) => (isSchema(branch) ? lenient(branch) : branch));
  return out;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
