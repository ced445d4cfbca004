/**
 * Facts about the protobuf well-known types that the query binder, the JSON codec and the OpenAPI generator all
 * rely on, kept in one place. Names are full names without the leading dot.
 */

/** Wrapper messages (google/protobuf/wrappers.proto) and the scalar each wraps: their JSON form is that scalar's. */
export const WRAPPER_SCALARS: Readonly<Record<string, string>> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

/** Well-known messages whose JSON form is a single string (RFC 3339 time, `"1.5s"`, `"a.b,c"`). */
export const STRING_WKTS: ReadonlySet<string> = new Set([
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.FieldMask',
]);
