/**
 * Codecs of the well-known types whose ProtoJSON form is not the generic object form: Timestamp, Duration,
 * FieldMask, the wrappers, Struct / Value / ListValue, Empty and Any.
 *
 * Fields are found by number, not name, so the codecs work whether protobufjs loaded the WKTs from its bundled
 * descriptors (camelCase names such as `nullValue`) or from `.proto` sources with `keepCase` (`null_value`).
 */
import { WRAPPER_SCALARS } from '../well-known-types.js';
import protobuf from 'protobufjs';
import { createScalarCodec, decodeBase64, toBigInt } from './scalars.js';
import { fieldMaskPathFromJson, fieldMaskPathToJson, formatDuration, formatTimestamp, parseDuration, parseTimestamp } from './time.js';
import {
  asRecord, childPath, fail, hasOwn, INVALID, isJsonObject, JsonEncodeError, MAX_DEPTH, OMIT,
  type DecodeState, type ResolvedOptions, type ValueCodec,
} from './types.js';

/** Returns the codec of a message type; the caller caches, so recursive types are fine. */
export type CodecLookup = (type: protobuf.Type) => ValueCodec;

/** protobufjs full names carry a leading dot. */
const WRAPPERS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(WRAPPER_SCALARS).map(([name, scalar]) => [`.${name}`, scalar]),
);

const SPECIAL = new Set([
  ...Object.keys(WRAPPERS),
  ...['Any', 'Timestamp', 'Duration', 'FieldMask', 'Struct', 'Value', 'ListValue', 'Empty'].map((n) => `.google.protobuf.${n}`),
]);

/**
 * True for WKTs with a special JSON form. any.proto: "If the embedded message type is well-known and has a
 * custom JSON representation, that representation will be embedded adding a field `value` which holds the
 * custom JSON in addition to the `@type` field."
 */
export function hasSpecialJson(type: protobuf.Type): boolean {
  return SPECIAL.has(type.fullName);
}

function prop(type: protobuf.Type, id: number): string {
  const field = type.fieldsById[id];
  if (field === undefined) throw new Error(`${type.fullName} has no field ${id}`);
  return field.name;
}

const messageOnly = { nullIsValue: false, isDefault: () => false, defaultJson: () => undefined } as const;

function secondsNanos(type: protobuf.Type, value: unknown, path: string): { seconds: bigint; nanos: number } {
  const rec = asRecord(value, path);
  const nanos = rec[prop(type, 2)] ?? 0;
  if (typeof nanos !== 'number') throw new JsonEncodeError(path, 'nanos is not a number');
  return { seconds: toBigInt(rec[prop(type, 1)] ?? 0, false, path), nanos };
}

function timeCodec(type: protobuf.Type, kind: 'Timestamp' | 'Duration'): ValueCodec {
  const [s, n] = [prop(type, 1), prop(type, 2)];
  const format = kind === 'Timestamp' ? formatTimestamp : formatDuration;
  const parse = kind === 'Timestamp' ? parseTimestamp : parseDuration;
  return {
    ...messageOnly,
    encode(value, path) {
      const text = format(secondsNanos(type, value, path));
      if (text === undefined) throw new JsonEncodeError(path, `${kind} out of range`);
      return text;
    },
    decode(json, path, state) {
      if (typeof json !== 'string') return fail(state, path, `expected ${kind} as a string`);
      const parsed = parse(json);
      if (typeof parsed === 'string') return fail(state, path, `invalid ${kind} "${json}": ${parsed}`);
      return { [s]: parsed.seconds.toString(), [n]: parsed.nanos };
    },
  };
}

function fieldMaskCodec(type: protobuf.Type): ValueCodec {
  const paths = prop(type, 1);
  return {
    ...messageOnly,
    encode(value, path) {
      const list = asRecord(value, path)[paths] ?? [];
      if (!Array.isArray(list)) throw new JsonEncodeError(path, 'FieldMask paths is not an array');
      return list.map((p: unknown) => {
        const json = typeof p === 'string' ? fieldMaskPathToJson(p) : undefined;
        if (json === undefined) throw new JsonEncodeError(path, `FieldMask path ${JSON.stringify(p)} cannot be written in lowerCamelCase`);
        return json;
      }).join(',');
    },
    decode(json, path, state) {
      if (typeof json !== 'string') return fail(state, path, 'expected FieldMask as a string');
      const out: string[] = [];
      for (const p of json === '' ? [] : json.split(',')) {
        const proto = fieldMaskPathFromJson(p);
        if (proto === undefined) return fail(state, path, `invalid FieldMask path "${p}"`);
        out.push(proto);
      }
      return { [paths]: out };
    },
  };
}

function wrapperCodec(type: protobuf.Type, scalar: string, options: ResolvedOptions): ValueCodec {
  const inner = createScalarCodec(scalar, options);
  if (inner === undefined) throw new Error(`no scalar codec for ${scalar}`);
  const v = prop(type, 1);
  return {
    ...messageOnly,
    // wrappers.proto: "The JSON representation for `Int32Value` is JSON number." (and so on for each wrapper)
    encode(value, path) {
      const raw = asRecord(value, path)[v];
      return raw === undefined || raw === null ? inner.defaultJson() : inner.encode(raw, path);
    },
    decode(json, path, state) {
      const decoded = inner.decode(json, path, state);
      return decoded === INVALID ? INVALID : { [v]: decoded };
    },
  };
}

function structCodecs(root: protobuf.Root): { struct: ValueCodec; value: ValueCodec; list: ValueCodec } {
  const structType = root.lookupType('.google.protobuf.Struct');
  const valueType = root.lookupType('.google.protobuf.Value');
  const listType = root.lookupType('.google.protobuf.ListValue');
  const [fields, values] = [prop(structType, 1), prop(listType, 1)];
  const kinds = [1, 2, 3, 4, 5, 6].map((id) => prop(valueType, id)) as [string, string, string, string, string, string];
  const [nullK, numberK, stringK, boolK, structK, listK] = kinds;
  const deeper = (state: DecodeState, path: string): boolean =>
    ++state.depth > MAX_DEPTH ? (fail(state, path, 'nesting too deep'), false) : true;

  const struct: ValueCodec = {
    ...messageOnly,
    encode(msg, path) {
      const map = asRecord(msg, path)[fields] ?? {};
      const rec = asRecord(map, path);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(rec)) out[key] = value.encode(rec[key], childPath(path, key));
      return out;
    },
    decode(json, path, state) {
      if (!isJsonObject(json)) return fail(state, path, 'expected an object');
      if (!deeper(state, path)) return INVALID;
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const key of Object.keys(json)) {
        const decoded = value.decode(json[key], childPath(path, key), state);
        if (decoded === INVALID) ok = false;
        else out[key] = decoded;
      }
      state.depth--;
      return ok ? { [fields]: out } : INVALID;
    },
  };
  const list: ValueCodec = {
    ...messageOnly,
    encode(msg, path) {
      const items = asRecord(msg, path)[values] ?? [];
      if (!Array.isArray(items)) throw new JsonEncodeError(path, 'ListValue values is not an array');
      return items.map((item: unknown, i) => value.encode(item, childPath(path, i)));
    },
    decode(json, path, state) {
      if (!Array.isArray(json)) return fail(state, path, 'expected an array');
      if (!deeper(state, path)) return INVALID;
      const out = json.map((item: unknown, i) => value.decode(item, childPath(path, i), state));
      state.depth--;
      return out.includes(INVALID) ? INVALID : { [values]: out };
    },
  };
  const value: ValueCodec = {
    ...messageOnly,
    nullIsValue: true, // struct.proto: "`NullValue` is a singleton enumeration to represent the null value"
    encode(msg, path) {
      const rec = asRecord(msg, path);
      // Own properties only: protobufjs keeps each kind's default (nullValue 0, …) on the prototype.
      const set = (k: string): boolean => hasOwn(rec, k) && rec[k] !== undefined && rec[k] !== null;
      if (set(nullK)) return null;
      if (set(numberK)) {
        const n = rec[numberK];
        // ProtoJSON: Value's number_value must be finite, JSON has no NaN or Infinity numbers.
        if (typeof n !== 'number' || !Number.isFinite(n)) throw new JsonEncodeError(path, 'Value number_value is not a finite number');
        return n;
      }
      if (set(stringK)) return rec[stringK];
      if (set(boolK)) return rec[boolK];
      if (set(structK)) return struct.encode(rec[structK], path);
      if (set(listK)) return list.encode(rec[listK], path);
      throw new JsonEncodeError(path, 'google.protobuf.Value has no kind set');
    },
    decode(json, path, state) {
      if (json === null) return { [nullK]: 0 };
      if (typeof json === 'number') return Number.isFinite(json) ? { [numberK]: json } : fail(state, path, 'number out of range');
      if (typeof json === 'string') return { [stringK]: json };
      if (typeof json === 'boolean') return { [boolK]: json };
      const nested = Array.isArray(json) ? list.decode(json, path, state) : struct.decode(json, path, state);
      if (nested === INVALID) return INVALID;
      return { [Array.isArray(json) ? listK : structK]: nested };
    },
  };
  return { struct, value, list };
}

function lookupPacked(root: protobuf.Root, url: string): protobuf.Type | undefined {
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (name === '') return undefined;
  const found = root.lookup(name.startsWith('.') ? name : `.${name}`);
  return found instanceof protobuf.Type ? found : undefined;
}

/** Any.value as protobufjs may hold it: bytes, a base64 string (toObject), a number array (prototype default). */
function anyBytes(raw: unknown): Uint8Array | undefined {
  if (raw === undefined || raw === null) return new Uint8Array(0);
  if (raw instanceof Uint8Array) return raw;
  if (typeof raw === 'string') return decodeBase64(raw);
  if (Array.isArray(raw) && raw.every((b) => typeof b === 'number')) return Uint8Array.from(raw as number[]);
  return undefined;
}

function anyCodec(type: protobuf.Type, options: ResolvedOptions, codecFor: CodecLookup): ValueCodec {
  const [urlProp, valueProp] = [prop(type, 1), prop(type, 2)];
  const root = type.root;
  return {
    ...messageOnly,
    encode(msg, path) {
      const rec = asRecord(msg, path);
      const url = rec[urlProp] ?? '';
      const bytes = anyBytes(rec[valueProp]);
      if (typeof url !== 'string' || bytes === undefined) throw new JsonEncodeError(path, 'malformed Any');
      if (url === '' && bytes.length === 0) return {};
      const packed = lookupPacked(root, url);
      if (packed === undefined) throw new JsonEncodeError(path, `cannot resolve Any type URL "${url}"`);
      let inner: protobuf.Message;
      try {
        inner = packed.decode(bytes);
      } catch (err) {
        throw new JsonEncodeError(path, `Any value is not a valid ${packed.fullName.slice(1)}: ${(err as Error).message}`);
      }
      const codec = codecFor(packed);
      if (hasSpecialJson(packed)) return { '@type': url, value: codec.encode(inner, childPath(path, 'value')) };
      return { '@type': url, ...asRecord(codec.encode(inner, path), path) };
    },
    decode(json, path, state) {
      if (!isJsonObject(json)) return fail(state, path, 'expected an object');
      const keys = Object.keys(json);
      if (keys.length === 0) return {};
      const url = json['@type'];
      if (url === undefined) return fail(state, path, 'Any needs "@type"');
      const urlPath = childPath(path, '@type');
      if (typeof url !== 'string') return fail(state, urlPath, 'expected a type URL string');
      const packed = lookupPacked(root, url);
      if (packed === undefined) return fail(state, urlPath, `cannot resolve type URL "${url}"`);
      const codec = codecFor(packed);
      let decoded: unknown;
      if (hasSpecialJson(packed)) {
        for (const key of keys) {
          if (key !== '@type' && key !== 'value' && !options.ignoreUnknownFields) fail(state, childPath(path, key), 'unknown field');
        }
        decoded = 'value' in json ? codec.decode(json['value'], childPath(path, 'value'), state) : {};
      } else {
        const { ['@type']: _, ...fields } = json;
        decoded = codec.decode(fields, path, state);
      }
      if (decoded === INVALID || decoded === OMIT) return INVALID;
      return { [urlProp]: url, [valueProp]: packed.encode(packed.fromObject(asRecord(decoded, path))).finish() };
    },
  };
}

/** The codec of `type` if it is a well-known type with a special JSON form, else undefined. */
export function createWellKnownCodec(type: protobuf.Type, options: ResolvedOptions, codecFor: CodecLookup): ValueCodec | undefined {
  const name = type.fullName;
  const scalar = WRAPPERS[name];
  if (scalar !== undefined) return wrapperCodec(type, scalar, options);
  switch (name) {
    case '.google.protobuf.Timestamp': return timeCodec(type, 'Timestamp');
    case '.google.protobuf.Duration': return timeCodec(type, 'Duration');
    case '.google.protobuf.FieldMask': return fieldMaskCodec(type);
    case '.google.protobuf.Struct': return structCodecs(type.root).struct;
    case '.google.protobuf.Value': return structCodecs(type.root).value;
    case '.google.protobuf.ListValue': return structCodecs(type.root).list;
    case '.google.protobuf.Any': return anyCodec(type, options, codecFor);
    case '.google.protobuf.Empty':
      return {
        ...messageOnly,
        encode: () => ({}),
        decode(json, path, state) {
          if (!isJsonObject(json)) return fail(state, path, 'expected an object');
          if (!options.ignoreUnknownFields) for (const key of Object.keys(json)) fail(state, childPath(path, key), 'unknown field');
          return {};
        },
      };
    default: return undefined;
  }
}
