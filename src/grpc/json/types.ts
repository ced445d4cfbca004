/**
 * Shared contracts of the proto3 JSON codec: options, results, errors and the per-value codec interface that
 * the compiled message plans are assembled from.
 */

/** Options of {@link createJsonCodec}; each combination is compiled once per message type. */
export interface JsonCodecOptions {
  /**
   * Emit fields without presence that hold their default value (0, "", false, the zero enum, empty repeated
   * fields and maps). Fields with presence (message fields, oneof members, `optional` fields) stay absent when
   * unset, like protobuf's `always_print_fields_with_no_presence`.
   */
  readonly emitDefaults?: boolean;
  /** Write 64-bit integers as JSON numbers; values beyond ±(2^53−1) then make `toJson` throw. */
  readonly int64AsNumber?: boolean;
  /** Skip unknown JSON fields and unknown enum names instead of reporting them. */
  readonly ignoreUnknownFields?: boolean;
}

/** The options with every flag decided. */
export interface ResolvedOptions {
  readonly emitDefaults: boolean;
  readonly int64AsNumber: boolean;
  readonly ignoreUnknownFields: boolean;
}

/**
 * One decoding problem. `path` is an RFC 6901 JSON Pointer into the input document, built from the keys the
 * client wrote (`/items/0/sku`; `""` is the whole document; `~` and `/` in keys are escaped as `~0`, `~1`).
 */
export interface JsonFieldError {
  readonly path: string;
  readonly message: string;
}

/** What `fromJson` returns: the value for `type.fromObject`, or every problem found. */
export type JsonDecodeResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly errors: JsonFieldError[] };

/**
 * Thrown by `toJson` when a message cannot be written under the mapping (a Timestamp out of range, a
 * FieldMask path that does not round-trip, an unresolvable `Any`, a 64-bit value beyond 2^53 with
 * `int64AsNumber`). `path` is a JSON Pointer into the output document.
 */
export class JsonEncodeError extends Error {
  readonly code = 'PG_ERR_PROTOJSON_ENCODE';
  override readonly name = 'JsonEncodeError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path === '' ? '(root)' : path}: ${reason}`);
  }
}

/** Returned by a decoder after it has recorded an error; the caller leaves the field unset. */
export const INVALID: unique symbol = Symbol('protojson.invalid');
/** Returned by a decoder to leave the field unset without an error (an ignored unknown enum name). */
export const OMIT: unique symbol = Symbol('protojson.omit');

/** Mutable state of one `fromJson` call. */
export interface DecodeState {
  readonly errors: JsonFieldError[];
  depth: number;
}

/** Deepest nesting of messages, lists and structs accepted by `fromJson` (protobuf parsers default to 100). */
export const MAX_DEPTH = 100;

/** Encoder and decoder of one protobuf value (a scalar, an enum value or a whole message). */
export interface ValueCodec {
  /** Message value (protobufjs form) → JSON value. Throws {@link JsonEncodeError}. */
  encode(value: unknown, path: string): unknown;
  /** JSON value → protobufjs `fromObject` form, or {@link INVALID} (error recorded) or {@link OMIT}. */
  decode(json: unknown, path: string, state: DecodeState): unknown;
  /** JSON `null` is a real value of this type (`google.protobuf.Value`, `NullValue`), not "unset". */
  readonly nullIsValue: boolean;
  /** True for the proto3 default (zero) value; messages never are. */
  isDefault(value: unknown): boolean;
  /** The JSON written for an unset field under `emitDefaults`. */
  defaultJson(): unknown;
}

/** Appends one reference token to a JSON Pointer (RFC 6901 §4: `~` → `~0`, `/` → `~1`). */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}/${key}`;
  return `${path}/${key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key}`;
}

/** Records an error and returns {@link INVALID}, so decoders can `return fail(...)`. */
export function fail(state: DecodeState, path: string, message: string): typeof INVALID {
  state.errors.push({ path, message });
  return INVALID;
}

/** A plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows a protobufjs message (or plain object) to an indexable record. */
export function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonEncodeError(path, 'expected a message object');
  }
  return value as Record<string, unknown>;
}

/** `Object.hasOwn`, typed for records. */
export function hasOwn(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}
