/**
 * A grpc-js service definition built by hand from a protobufjs `Service` (no @grpc/proto-loader), whose response
 * serializer writes canonical proto3: protobufjs encodes every field that is set, zeros included, while a proto3
 * implementation leaves fields holding their default value off the wire.
 */
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** A message as protobufjs plain objects carry it: proto field names. */
export type PlainMessage = Record<string, unknown>;

/** Request objects: int64 as decimal strings, enums as names; fields not on the wire are absent. */
const CONVERSION: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false };

/**
 * The grpc-js definition of `service`, keyed by method name: `path` `/package.Service/Method` and protobufjs
 * (de)serializers. Requests decode with int64 as strings and enums as names; responses are encoded from
 * `Type.fromObject` input with default-valued fields dropped.
 * @throws Error when a method's request or response type cannot be resolved.
 */
export function serviceDefinition(service: protobuf.Service): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<PlainMessage, PlainMessage>> = {};
  const name = service.fullName.replace(/^\./, '');
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType;
    const res = method.resolvedResponseType;
    if (req === null || res === null) throw new Error(`unresolved types of ${name}.${method.name}`);
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value) => encodeCanonical(req, value),
      requestDeserialize: (bytes) => req.toObject(req.decode(bytes), CONVERSION),
      responseSerialize: (value) => encodeCanonical(res, value),
      responseDeserialize: (bytes) => res.toObject(res.decode(bytes), CONVERSION),
    };
  }
  return definition;
}

/** Encodes `value` as `type`, leaving off every field that holds its proto3 default. */
export function encodeCanonical(type: protobuf.Type, value: PlainMessage): Buffer {
  const message = type.fromObject(value);
  pruneDefaults(type, message as unknown as PlainMessage);
  return Buffer.from(type.encode(message).finish());
}

/**
 * Deletes default-valued fields (0, '', false, empty bytes / repeated / map, enum 0, int64 zero) from a message,
 * recursing into sub-messages. Fields with presence (sub-messages, oneof members, proto3 `optional`) are kept.
 */
function pruneDefaults(type: protobuf.Type, message: PlainMessage): void {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const nested = field.resolve().resolvedType;
    if (nested instanceof protobuf.Type && !field.map) {
      if (field.repeated && Array.isArray(value)) {
        if (value.length === 0) delete message[field.name];
        for (const item of value) pruneDefaults(nested, item as PlainMessage);
      } else if (!field.repeated) pruneDefaults(nested, value as PlainMessage);
      continue;
    }
    if (field.partOf !== null) continue;
    if (isDefault(value)) delete message[field.name];
  }
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length === 0;
  if (typeof value === 'object' && value !== null) {
    const isZero = (value as { isZero?: unknown }).isZero;
    if (typeof isZero === 'function') return isZero.call(value) === true; // Long
    return Object.keys(value).length === 0; // map
  }
  return false;
}
