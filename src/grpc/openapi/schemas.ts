/**
 * JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of protobuf messages, enums and fields under the proto3 JSON
 * mapping: the JSON the gateway writes, which is also what it accepts (it accepts more: original field names,
 * numbers for 64-bit integers, enum numbers, URL-safe base64).
 */
import { STRING_WKTS, WRAPPER_SCALARS } from '../well-known-types.js';
import protobuf from 'protobufjs';
import { enumTypeOf, isMapField, jsonNameOf, messageTypeOf, trimDot } from '../http-rules/proto-fields.js';

/** A JSON Schema object, as it goes into the document. */
export type Schema = Record<string, unknown>;

/** Where component schemas live in the generated document. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

const NON_FINITE = { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] } as const;
const INT64_PATTERN = '^-?[0-9]+$';
const UINT64_PATTERN = '^[0-9]+$';

/** The JSON form of a scalar field type (`double`, `int64`, `bytes`, …) as a fresh schema. */
export function scalarSchema(type: string): Schema {
  switch (type) {
    case 'double':
    case 'float':
      // proto3 JSON: "JSON value will be a number or one of the special string values "NaN", "Infinity", and "-Infinity"".
      return { anyOf: [{ type: 'number', format: type }, { ...NON_FINITE, enum: [...NON_FINITE.enum] }] };
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return { type: 'integer', format: 'int32' };
    case 'uint32':
    case 'fixed32':
      return { type: 'integer', minimum: 0, maximum: 4294967295 };
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return { type: 'string', format: 'int64', pattern: INT64_PATTERN };
    case 'uint64':
    case 'fixed64':
      return { type: 'string', format: 'uint64', pattern: UINT64_PATTERN };
    case 'bool':
      return { type: 'boolean' };
    case 'bytes':
      return { type: 'string', contentEncoding: 'base64' };
    default:
      return { type: 'string' };
  }
}


/** Well-known types written as one JSON string: they can be set from the query like scalars. */

/**
 * The JSON form of a well-known type with a special mapping, or undefined for ordinary messages.
 * `nullable` wrappers: JSON `null` means "unset" for them.
 */
export function wellKnownSchema(fullName: string, nullable = true): Schema | undefined {
  const wrapped = WRAPPER_SCALARS[fullName];
  if (wrapped !== undefined) {
    const inner = scalarSchema(wrapped);
    if (!nullable) return inner;
    if (typeof inner['type'] === 'string') return { ...inner, type: [inner['type'], 'null'] };
    return { anyOf: [...(inner['anyOf'] as Schema[]), { type: 'null' }] };
  }
  switch (fullName) {
    case 'google.protobuf.Timestamp':
      return { type: 'string', format: 'date-time' };
    case 'google.protobuf.Duration':
      return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' };
    case 'google.protobuf.FieldMask':
      return { type: 'string', description: 'Comma-separated field paths in lowerCamelCase.' };
    case 'google.protobuf.Struct':
      return { type: 'object' };
    case 'google.protobuf.Value':
      return {};
    case 'google.protobuf.ListValue':
      return { type: 'array' };
    case 'google.protobuf.Empty':
      return { type: 'object', properties: {}, additionalProperties: false };
    case 'google.protobuf.Any':
      return {
        type: 'object',
        required: ['@type'],
        properties: { '@type': { type: 'string', description: 'URL of the packed message type, e.g. type.googleapis.com/pkg.Message.' } },
        additionalProperties: true,
      };
    default:
      return undefined;
  }
}

/** True for a message type that a query parameter sets as one value (wrappers, Timestamp, Duration, FieldMask). */
export function isQueryLeafMessage(fullName: string): boolean {
  return fullName in WRAPPER_SCALARS || STRING_WKTS.has(fullName);
}

/** Map keys are JSON strings; integer and bool keys keep their text form. */
function mapKeySchema(keyType: string): Schema | undefined {
  if (keyType === 'bool') return { enum: ['true', 'false'] };
  if (keyType === 'string') return undefined;
  return { pattern: /^u|^fixed/.test(keyType) ? UINT64_PATTERN : INT64_PATTERN };
}

/**
 * Builds schemas and collects the component schemas they refer to: one per message (full name without the
 * leading dot, e.g. `demo.directory.v1.Person`) and one per enum. Recursive messages are `$ref`s to themselves.
 */
export class SchemaRegistry {
  /** Component schemas by name, in the order they were first referred to. */
  readonly components = new Map<string, Schema>();

  /** A `$ref` to the message's component schema (built on first use), or the inline form of a well-known type. */
  messageRef(type: protobuf.Type): Schema {
    const name = trimDot(type.fullName);
    const wkt = wellKnownSchema(name);
    if (wkt !== undefined) return wkt;
    if (!this.components.has(name)) {
      this.components.set(name, {}); // placeholder first: a recursive field finds the name taken
      this.components.set(name, this.messageSchema(type));
    }
    return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
  }

  /** The object schema of a message, optionally leaving out some top-level fields (by proto name). */
  messageSchema(type: protobuf.Type, omit: ReadonlySet<string> = new Set()): Schema {
    const properties: Record<string, Schema> = {};
    for (const field of type.fieldsArray) {
      if (omit.has(field.name)) continue;
      properties[jsonNameOf(field)] = this.fieldSchema(field);
    }
    return withDescription({ type: 'object', properties }, type.comment);
  }

  /** The schema of a field's JSON value: maps as objects, repeated fields as arrays, with its comment. */
  fieldSchema(field: protobuf.Field): Schema {
    let schema: Schema;
    if (isMapField(field)) {
      const keys = mapKeySchema(field instanceof protobuf.MapField ? field.keyType : 'string');
      schema = { type: 'object', ...(keys === undefined ? {} : { propertyNames: keys }), additionalProperties: this.valueSchema(field) };
    } else if (field.repeated) {
      schema = { type: 'array', items: this.valueSchema(field) };
    } else {
      schema = this.valueSchema(field);
    }
    if (field.options?.['deprecated'] === true) schema = { ...schema, deprecated: true };
    return withDescription(schema, field.comment);
  }

  /** The schema of one value of the field (an element for repeated fields, a value for maps). */
  valueSchema(field: protobuf.Field): Schema {
    const enumType = enumTypeOf(field);
    if (enumType !== undefined) return this.enumRef(enumType);
    const message = messageTypeOf(field);
    if (message !== undefined) return this.messageRef(message);
    return scalarSchema(field.type);
  }

  /** A `$ref` to the enum's component schema: a string enum of its value names (`null` for NullValue). */
  enumRef(type: protobuf.Enum): Schema {
    const name = trimDot(type.fullName);
    if (name === 'google.protobuf.NullValue') return { type: 'null' };
    if (!this.components.has(name)) {
      const schema = withDescription({ type: 'string', enum: Object.keys(type.values) }, type.comment);
      this.components.set(name, schema);
    }
    return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
  }
}

function withDescription(schema: Schema, comment: string | null | undefined): Schema {
  const text = comment?.trim();
  return text === undefined || text === '' ? schema : { ...schema, description: text };
}
