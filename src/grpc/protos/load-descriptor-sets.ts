import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { applyComments } from './descriptor-comments.js';
import { httpRulesOf, type FileHttpRules } from './descriptor-http-rules.js';
import type { FileProto, MessageProto } from './descriptor-protos.js';
import type { ProtoIssue } from './proto-issue.js';

/** protobufjs/ext/descriptor adds these statics; its typings leave them out. */
interface FromDescriptor<T> {
  fromDescriptor(descriptor: unknown, edition: string, nested?: boolean): T;
}
const typeFrom = protobuf.Type as unknown as FromDescriptor<protobuf.Type>;
const enumFrom = protobuf.Enum as unknown as FromDescriptor<protobuf.Enum>;
const fieldFrom = protobuf.Field as unknown as FromDescriptor<protobuf.Field>;
const serviceFrom = protobuf.Service as unknown as FromDescriptor<protobuf.Service>;

/** descriptor.proto: `LABEL_REPEATED = 3`; `EDITION_2023 = 1000`, the only edition protobufjs reads. */
const LABEL_REPEATED = 3;
const EDITION_2023 = 1000;

/** A `dependency` of a set's file that no set provides: the caller resolves it like an import, or reports it. */
export interface MissingDependency {
  /** The descriptor set, as issues name it. */
  readonly setFile: string;
  /** The `.proto` name inside the set that depends on it. */
  readonly file: string;
  readonly dependency: string;
}

/** What {@link loadDescriptorSets} added: the `.proto` names the sets provide, and what they lack. */
export interface LoadedDescriptorSets {
  readonly provided: ReadonlySet<string>;
  readonly missing: readonly MissingDependency[];
}

/**
 * Adds the files of serialized `google.protobuf.FileDescriptorSet`s (`protoc --include_imports -o set.binpb …`) to
 * `root`, as loading their sources would: original field names, maps, oneofs, proto3 `optional`, `json_name`, and the
 * `(google.api.http)` rules of every method. Every reflection object gets the set's path as its `filename`. A `.proto`
 * name already added (another set has it too) is skipped. Unreadable, corrupt or unsupported input becomes issues
 * naming the set (`display(path)`); nothing throws.
 */
export function loadDescriptorSets(
  root: protobuf.Root,
  sets: readonly string[],
  display: (absolute: string) => string,
  issues: ProtoIssue[],
): LoadedDescriptorSets {
  const provided = new Set<string>();
  const added: { setFile: string; proto: FileProto }[] = [];
  for (const absolute of sets) {
    const setFile = display(absolute);
    let files: readonly FileProto[];
    let rules: FileHttpRules[];
    try {
      const bytes = readFileSync(absolute);
      files = (descriptor.FileDescriptorSet.decode(bytes) as unknown as { file?: FileProto[] }).file ?? [];
      rules = httpRulesOf(bytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? 'file not found' : code !== undefined ? `cannot read file: ${errorMessage(error)}` : `not a serialized google.protobuf.FileDescriptorSet (${errorMessage(error)})`;
      issues.push({ file: setFile, message });
      continue;
    }
    if (files.length === 0 || files.some((file) => !file.name)) {
      issues.push({ file: setFile, message: 'not a serialized google.protobuf.FileDescriptorSet: it lists no named .proto files (write one with protoc --include_imports -o <file>)' });
      continue;
    }
    files.forEach((proto, index) => {
      const name = proto.name ?? '';
      if (provided.has(name)) return;
      provided.add(name);
      try {
        addFile(root, proto, rules[index] ?? new Map(), absolute);
        root.files.push(name);
        added.push({ setFile, proto });
      } catch (error) {
        issues.push({ file: setFile, message: `${name}: ${errorMessage(error)}` });
      }
    });
  }
  const missing = added.flatMap(({ setFile, proto }) =>
    (proto.dependency ?? []).filter((dependency) => !provided.has(dependency)).map((dependency) => ({ setFile, file: proto.name ?? '', dependency })),
  );
  return { provided, missing };
}

function addFile(root: protobuf.Root, proto: FileProto, rules: FileHttpRules, filename: string): void {
  const edition = editionOf(proto);
  const objects: protobuf.ReflectionObject[] = [
    ...(proto.messageType ?? []).map((message) => fixMessage(typeFrom.fromDescriptor(message, edition), message)),
    ...(proto.enumType ?? []).map((item) => enumFrom.fromDescriptor(item, edition)),
    ...(proto.extension ?? []).map((item) => fieldFrom.fromDescriptor(item, edition)),
    ...(proto.service ?? []).map((item) => withRules(serviceFrom.fromDescriptor(item, edition), rules)),
  ];
  applyComments(proto, objects);
  const namespace = proto.package ? root.define(proto.package) : root;
  for (const object of objects) {
    namespace.add(object);
    setFilename(object, filename);
  }
}

/** As protoc writes it: `syntax` "proto2" (or empty), "proto3", or "editions" with the edition number. */
function editionOf(proto: FileProto): string {
  if (proto.syntax === 'editions') {
    if (proto.edition === EDITION_2023) return '2023';
    throw new Error(`edition ${String(proto.edition)} is not supported (protobufjs reads proto2, proto3 and edition 2023)`);
  }
  return proto.syntax === 'proto3' ? 'proto3' : 'proto2';
}

/**
 * What protobufjs 7's Type.fromDescriptor leaves different from a parsed `.proto`: a `map<K, V>` stays a repeated
 * `XEntry` message (and the parent gets a stray `map_entry` option), and proto3 `optional` and explicit `json_name`
 * are dropped. The JSON mapping depends on all three.
 */
function fixMessage(type: protobuf.Type, message: MessageProto): protobuf.Type {
  const entries = new Set<string>();
  for (const nested of message.nestedType ?? []) {
    const child = type.nested?.[nested.name ?? ''];
    if (nested.options?.mapEntry === true) entries.add(nested.name ?? '');
    else if (child instanceof protobuf.Type) fixMessage(child, nested);
  }
  for (const field of message.field ?? []) {
    const name = field.name ?? '';
    const parsed = type.fields[name];
    if (parsed === undefined) continue;
    let reflected: protobuf.FieldBase = parsed;
    const entryName = field.typeName?.slice(field.typeName.lastIndexOf('.') + 1) ?? '';
    const entry = type.nested?.[entryName];
    if (field.label === LABEL_REPEATED && entries.has(entryName) && entry instanceof protobuf.Type) {
      const key = entry.fields['key'];
      const value = entry.fields['value'];
      if (key === undefined || value === undefined) throw new Error(`map entry ${entryName} of ${type.name} has no key or value field`);
      const map = new protobuf.MapField(name, parsed.id, key.type, value.type);
      type.remove(parsed);
      type.remove(entry);
      type.add(map);
      reflected = map;
    }
    if (field.proto3Optional === true) reflected.setOption('proto3_optional', true);
    // protoc fills json_name for every field; a parsed .proto has the option only where it was written.
    if (field.jsonName !== undefined && field.jsonName !== defaultJsonName(name)) reflected.setOption('json_name', field.jsonName);
  }
  if (type.options !== undefined) delete type.options['map_entry'];
  return type;
}

/** protoc's default JSON name: `_` dropped and the letter after it upper-cased (`display_name` → `displayName`). */
function defaultJsonName(name: string): string {
  let out = '';
  let upper = false;
  for (const ch of name) {
    if (ch === '_') upper = true;
    else {
      out += upper ? ch.toUpperCase() : ch;
      upper = false;
    }
  }
  return out;
}

/** Gives each method its rule the way the `.proto` parser records `option (google.api.http) = {…}`. */
function withRules(service: protobuf.Service, rules: FileHttpRules): protobuf.Service {
  for (const method of service.methodsArray) {
    const rule = rules.get(`${service.name}/${method.name}`);
    if (rule !== undefined) method.parsedOptions = [{ '(google.api.http)': rule }];
  }
  return service;
}

function setFilename(object: protobuf.ReflectionObject, filename: string): void {
  object.filename = filename;
  if (object instanceof protobuf.Type) {
    for (const field of object.fieldsArray) field.filename = filename;
    for (const oneof of object.oneofsArray) oneof.filename = filename;
  } else if (object instanceof protobuf.Service) {
    for (const method of object.methodsArray) method.filename = filename;
  }
  if (object instanceof protobuf.Namespace) for (const nested of object.nestedArray) setFilename(nested, filename);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
