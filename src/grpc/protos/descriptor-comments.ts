import protobuf from 'protobufjs';
import type { EnumProto, FileProto, MessageProto } from './descriptor-protos.js';

/** descriptor.proto field numbers that SourceCodeInfo paths walk through. */
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const MESSAGE_ONEOF = 8;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

/**
 * Gives the top-level `objects` of a file (and everything in them) the comments a set written with
 * `protoc --include_source_info` carries, as the `.proto` parser would have: the leading comment, else the
 * trailing one, each line trimmed (protobufjs' alternateCommentMode). They end up in the generated OpenAPI document.
 * A set without source info leaves the comments unset.
 */
export function applyComments(proto: FileProto, objects: readonly protobuf.ReflectionObject[]): void {
  const comments = new Map<string, string>();
  for (const location of proto.sourceCodeInfo?.location ?? []) {
    const text = tidy(location.leadingComments) ?? tidy(location.trailingComments);
    if (text !== undefined && location.path !== undefined) comments.set(location.path.join('.'), text);
  }
  if (comments.size === 0) return;
  const at = (path: readonly number[]): string | null => comments.get(path.join('.')) ?? null;
  const named = <T extends protobuf.ReflectionObject>(kind: abstract new (...args: never[]) => T, name: string | undefined): T | undefined =>
    objects.find((object): object is T => object instanceof kind && object.name === name);

  (proto.messageType ?? []).forEach((message, index) => {
    const type = named(protobuf.Type, message.name);
    if (type !== undefined) commentMessage(type, message, [FILE_MESSAGE, index], at);
  });
  (proto.enumType ?? []).forEach((item, index) => {
    const reflected = named(protobuf.Enum, item.name);
    if (reflected !== undefined) commentEnum(reflected, item, [FILE_ENUM, index], at);
  });
  (proto.service ?? []).forEach((service, index) => {
    const reflected = named(protobuf.Service, service.name);
    if (reflected === undefined) return;
    reflected.comment = at([FILE_SERVICE, index]);
    (service.method ?? []).forEach((method, methodIndex) => {
      const target = reflected.methods[method.name ?? ''];
      if (target !== undefined) target.comment = at([FILE_SERVICE, index, SERVICE_METHOD, methodIndex]);
    });
  });
}

type At = (path: readonly number[]) => string | null;

function commentMessage(type: protobuf.Type, message: MessageProto, path: readonly number[], at: At): void {
  type.comment = at(path);
  (message.field ?? []).forEach((field, index) => {
    const target = type.fields[field.name ?? ''];
    if (target !== undefined) target.comment = at([...path, MESSAGE_FIELD, index]);
  });
  (message.oneofDecl ?? []).forEach((oneof, index) => {
    const target = type.oneofs?.[oneof.name ?? ''];
    if (target !== undefined) target.comment = at([...path, MESSAGE_ONEOF, index]);
  });
  (message.nestedType ?? []).forEach((nested, index) => {
    const child = type.nested?.[nested.name ?? ''];
    if (child instanceof protobuf.Type) commentMessage(child, nested, [...path, MESSAGE_NESTED, index], at);
  });
  (message.enumType ?? []).forEach((item, index) => {
    const child = type.nested?.[item.name ?? ''];
    if (child instanceof protobuf.Enum) commentEnum(child, item, [...path, MESSAGE_ENUM, index], at);
  });
}

function commentEnum(reflected: protobuf.Enum, item: EnumProto, path: readonly number[], at: At): void {
  reflected.comment = at(path);
  (item.value ?? []).forEach((value, index) => {
    const text = at([...path, ENUM_VALUE, index]);
    if (text !== null && value.name !== undefined) reflected.comments[value.name] = text;
  });
}

/** protoc keeps the text after `//` as written (leading space, `\n` ends): trimmed per line, like protobufjs. */
function tidy(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const tidied = text.split('\n').map((line) => line.trim()).join('\n').trim();
  return tidied === '' ? undefined : tidied;
}
