/**
 * The proto3 JSON mapping ("ProtoJSON format", protobuf.dev) compiled from protobufjs reflection.
 *
 * Each message type is compiled once per option set into a plan (field table, name index, value codecs); the
 * plan is built lazily on first use and cached in a WeakMap keyed by the `protobuf.Type`, so recursive types
 * and types never used cost nothing.
 *
 * Values produced by `fromJson` are in the form protobufjs's `Type.fromObject` accepts: keys are protobufjs
 * field names, 64-bit integers are decimal strings, bytes are `Uint8Array`, enums are numbers.
 */
import protobuf from 'protobufjs';
import { createEnumCodec } from './enum.js';
import { createMapKeyCodec, type MapKeyCodec } from './map-keys.js';
import { createScalarCodec } from './scalars.js';
import {
  asRecord, childPath, fail, hasOwn, INVALID, isJsonObject, JsonEncodeError, MAX_DEPTH, OMIT,
  type DecodeState, type JsonCodecOptions, type JsonDecodeResult, type ResolvedOptions, type ValueCodec,
} from './types.js';
import { createWellKnownCodec } from './well-known.js';

interface FieldPlan {
  readonly prop: string;
  readonly jsonName: string;
  readonly index: number;
  readonly kind: 'single' | 'repeated' | 'map';
  readonly presence: boolean;
  /** Index into {@link MessagePlan.oneofs}, or -1. */
  readonly oneof: number;
  readonly value: ValueCodec;
  readonly key: MapKeyCodec | undefined;
}

interface MessagePlan {
  readonly fields: readonly FieldPlan[];
  /** JSON name and proto name → field. */
  readonly byName: ReadonlyMap<string, FieldPlan>;
  readonly oneofs: readonly string[];
}

/**
 * The JSON name protoc derives (descriptor.proto `json_name`): underscores dropped, the letter after each
 * upper-cased. ProtoJSON: "Message field names are mapped to lowerCamelCase and become JSON object keys. If the
 * json_name field option is specified, the specified value will be used as the key instead."
 */
export function toJsonName(name: string): string {
  let out = '';
  let upper = false;
  for (const c of name) {
    if (c === '_') upper = true;
    else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return out;
}

/** A field's JSON key: its `json_name` option, else the name protoc derives. */
export function jsonNameOf(field: protobuf.Field): string {
  const option: unknown = field.options?.['json_name'];
  return typeof option === 'string' ? option : toJsonName(field.name);
}

const caches = new Map<string, WeakMap<protobuf.Type, ValueCodec>>();

function valueCodecOf(field: protobuf.Field, options: ResolvedOptions): ValueCodec {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageCodec(resolved, options);
  if (resolved instanceof protobuf.Enum) return createEnumCodec(resolved, options);
  const scalar = createScalarCodec(field.type, options);
  if (scalar === undefined) throw new Error(`${field.fullName}: unresolved type ${field.type}`);
  return scalar;
}

function compile(type: protobuf.Type, options: ResolvedOptions): MessagePlan {
  type.root.resolveAll(); // resolves field types and edition features (field presence)
  const oneofs = type.oneofsArray.map((o) => o.name);
  const byName = new Map<string, FieldPlan>();
  const fields = type.fieldsArray.map((field, index): FieldPlan => {
    const map = field instanceof protobuf.MapField;
    const plan: FieldPlan = {
      prop: field.name,
      jsonName: jsonNameOf(field),
      index,
      kind: map ? 'map' : field.repeated ? 'repeated' : 'single',
      presence: !map && !field.repeated && (field.resolvedType instanceof protobuf.Type || Boolean(field.hasPresence)),
      oneof: field.partOf === null ? -1 : oneofs.indexOf(field.partOf.name),
      value: valueCodecOf(field, options),
      key: map ? createMapKeyCodec(field.keyType) : undefined,
    };
    // ProtoJSON: "Parsers accept both the lowerCamelCase name (or the one specified by the json_name option)
    // and the original proto field name."
    byName.set(plan.jsonName, plan);
    byName.set(field.name, plan);
    return plan;
  });
  return { fields, byName, oneofs };
}

function encodeField(plan: FieldPlan, raw: unknown, path: string): unknown {
  if (plan.kind === 'single') return plan.value.encode(raw, path);
  if (plan.kind === 'repeated') {
    if (!Array.isArray(raw)) throw new JsonEncodeError(path, 'expected an array');
    return raw.map((item: unknown, i) => plan.value.encode(item, childPath(path, i)));
  }
  const entries = asRecord(raw, path);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(entries)) {
    const key = plan.key?.encode(k, path) ?? k;
    out[key] = plan.value.encode(entries[k], childPath(path, key));
  }
  return out;
}

function decodeField(plan: FieldPlan, json: unknown, path: string, state: DecodeState): unknown {
  if (plan.kind === 'single') return plan.value.decode(json, path, state);
  if (plan.kind === 'repeated') {
    if (!Array.isArray(json)) return fail(state, path, 'expected an array');
    const out: unknown[] = [];
    json.forEach((item: unknown, i) => {
      const itemPath = childPath(path, i);
      if (item === null && !plan.value.nullIsValue) return void fail(state, itemPath, 'null is not allowed in a list');
      const decoded = plan.value.decode(item, itemPath, state);
      if (decoded !== INVALID && decoded !== OMIT) out.push(decoded);
    });
    return out;
  }
  // ProtoJSON map: "All keys are converted to strings."
  if (!isJsonObject(json)) return fail(state, path, 'expected an object');
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(json)) {
    const entryPath = childPath(path, k);
    const key = plan.key === undefined ? k : plan.key.decode(k);
    if (key === undefined) {
      fail(state, entryPath, `invalid map key "${k}"`);
      continue;
    }
    const item = json[k];
    if (item === null && !plan.value.nullIsValue) {
      fail(state, entryPath, 'null is not allowed as a map value');
      continue;
    }
    const decoded = plan.value.decode(item, entryPath, state);
    if (decoded !== INVALID && decoded !== OMIT) out[key] = decoded;
  }
  return out;
}

/** An empty list or map (proto3 default of repeated and map fields). */
function isEmpty(raw: unknown): boolean {
  return Array.isArray(raw) ? raw.length === 0 : typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0;
}

function createMessageCodec(type: protobuf.Type, options: ResolvedOptions): ValueCodec {
  let compiled: MessagePlan | undefined;
  const plan = (): MessagePlan => (compiled ??= compile(type, options));
  const emit = options.emitDefaults;
  return {
    nullIsValue: false,
    isDefault: () => false,
    defaultJson: () => undefined,
    encode(value, path) {
      const msg = asRecord(value, path);
      const out: Record<string, unknown> = {};
      for (const field of plan().fields) {
        const raw = msg[field.prop];
        const at = childPath(path, field.jsonName);
        if (raw === undefined || raw === null) {
          // Unset. Only fields without presence have a default to emit; unset messages stay absent.
          if (emit && !field.presence) out[field.jsonName] = field.kind === 'map' ? {} : field.kind === 'repeated' ? [] : field.value.defaultJson();
          continue;
        }
        if (field.presence) {
          if (!hasOwn(msg, field.prop)) continue; // protobufjs keeps defaults on the prototype
        } else if (!emit) {
          if (field.kind === 'single' ? field.value.isDefault(raw) : isEmpty(raw)) continue;
        }
        out[field.jsonName] = encodeField(field, raw, at);
      }
      return out;
    },
    decode(json, path, state) {
      if (!isJsonObject(json)) return fail(state, path, 'expected an object');
      if (state.depth >= MAX_DEPTH) return fail(state, path, 'nesting too deep');
      state.depth++;
      const { byName, oneofs } = plan();
      const out: Record<string, unknown> = {};
      const seen: (string | undefined)[] = [];
      const oneofSeen: (string | undefined)[] = [];
      for (const key of Object.keys(json)) {
        const at = childPath(path, key);
        const field = byName.get(key);
        if (field === undefined) {
          if (!options.ignoreUnknownFields) fail(state, at, 'unknown field');
          continue;
        }
        const twice = seen[field.index];
        if (twice !== undefined) {
          fail(state, at, `field given twice, as "${twice}" and "${key}"`);
          continue;
        }
        seen[field.index] = key;
        const item = json[key];
        // ProtoJSON: "null is an accepted value for all field types and treated as the default value of the
        // corresponding field type", except where null is itself the value (google.protobuf.Value, NullValue).
        if (item === null && !(field.kind === 'single' && field.value.nullIsValue)) continue;
        if (field.oneof >= 0) {
          const other = oneofSeen[field.oneof];
          if (other !== undefined) {
            fail(state, at, `oneof "${oneofs[field.oneof] ?? ''}" has more than one member set: "${other}" and "${key}"`);
            continue;
          }
          oneofSeen[field.oneof] = key;
        }
        const decoded = decodeField(field, item, at, state);
        if (decoded !== INVALID && decoded !== OMIT) out[field.prop] = decoded;
      }
      state.depth--;
      return out;
    },
  };
}

function messageCodec(type: protobuf.Type, options: ResolvedOptions): ValueCodec {
  const key = `${+options.emitDefaults}${+options.int64AsNumber}${+options.ignoreUnknownFields}`;
  let cache = caches.get(key);
  if (cache === undefined) caches.set(key, (cache = new WeakMap()));
  let codec = cache.get(type);
  if (codec === undefined) {
    // Cached before any field is compiled, so a type that refers to itself finds its own codec.
    const lazy: ValueCodec = {
      nullIsValue: false,
      isDefault: () => false,
      defaultJson: () => undefined,
      encode: (value, path) => real().encode(value, path),
      decode: (json, path, state) => real().decode(json, path, state),
    };
    let built: ValueCodec | undefined;
    const real = (): ValueCodec =>
      (built ??= createWellKnownCodec(type, options, (t) => messageCodec(t, options)) ?? createMessageCodec(type, options));
    codec = lazy;
    cache.set(type, codec);
    // Value's codec says null is a value; that must be known before the first call.
    if (type.fullName === '.google.protobuf.Value') cache.set(type, (codec = real()));
  }
  return codec;
}

/** Encoder and decoder of one message type under the proto3 JSON mapping. */
export interface JsonCodec {
  /**
   * Message (from `type.decode`, `type.create`, or a `fromJson` value) → JSON value ready for `JSON.stringify`.
   * Throws {@link JsonEncodeError} when the message has no JSON form under the options.
   */
  toJson(message: protobuf.Message | Record<string, unknown>): unknown;
  /** Parsed JSON → a value for `type.fromObject`, or every error found, each with its JSON Pointer. */
  fromJson(json: unknown): JsonDecodeResult;
}

/**
 * Compiles (once per type and option set, lazily) the proto3 JSON codec of `type`. `type` must belong to a root
 * whose references resolve; `Any` type URLs are resolved through `type.root`.
 */
export function createJsonCodec(type: protobuf.Type, options: JsonCodecOptions = {}): JsonCodec {
  const resolved: ResolvedOptions = {
    emitDefaults: options.emitDefaults === true,
    int64AsNumber: options.int64AsNumber === true,
    ignoreUnknownFields: options.ignoreUnknownFields === true,
  };
  const codec = messageCodec(type, resolved);
  return {
    toJson: (message) => codec.encode(message, ''),
    fromJson(json) {
      const state: DecodeState = { errors: [], depth: 0 };
      const value = codec.decode(json, '', state);
      if (state.errors.length > 0 || value === INVALID || value === OMIT) return { ok: false, errors: state.errors };
      return { ok: true, value: asRecord(value, '') };
    },
  };
}
