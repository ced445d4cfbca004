import protobuf from 'protobufjs';

/** protobufjs full names start with a dot (`.pkg.Type`); gRPC and users write them without. */
export function trimDot(fullName: string): string {
  return fullName.startsWith('.') ? fullName.slice(1) : fullName;
}

/** The field's resolved message type, or undefined for scalars and enums (resolving lazily). */
export function messageTypeOf(field: protobuf.Field): protobuf.Type | undefined {
  const resolved = resolvedTypeOf(field);
  return resolved instanceof protobuf.Type ? resolved : undefined;
}

/** The field's resolved enum, or undefined. */
export function enumTypeOf(field: protobuf.Field): protobuf.Enum | undefined {
  const resolved = resolvedTypeOf(field);
  return resolved instanceof protobuf.Enum ? resolved : undefined;
}

function resolvedTypeOf(field: protobuf.Field): protobuf.Type | protobuf.Enum | null {
  try {
    field.resolve();
  } catch {
    return null;
  }
  return field.resolvedType;
}

export function isMapField(field: protobuf.Field): boolean {
  return field instanceof protobuf.MapField || field.map;
}

/**
 * proto3 JSON name: the `json_name` option, else lowerCamelCase of the proto name (underscores
 * removed, the letter after each one capitalised), as protoc computes it.
 */
export function jsonNameOf(field: protobuf.Field): string {
  const option: unknown = field.options?.['json_name'];
  if (typeof option === 'string') return option;
  return field.name.replace(/_([a-z0-9])/g, (_match, ch: string) => ch.toUpperCase()).replace(/_/g, '');
}

/** A field by its proto name, or (for query parameters) by its JSON name. */
export function findField(type: protobuf.Type, name: string, acceptJsonName: boolean): protobuf.Field | undefined {
  const byName = type.fields[name];
  if (byName !== undefined) return byName;
  return acceptJsonName ? type.fieldsArray.find((f) => jsonNameOf(f) === name) : undefined;
}

/** Looks up a message type by name without throwing. */
export function lookupMessage(root: protobuf.NamespaceBase, name: string): protobuf.Type | undefined {
  try {
    const found = root.lookup(name, [protobuf.Type]);
    return found instanceof protobuf.Type ? found : undefined;
  } catch {
    return undefined;
  }
}
