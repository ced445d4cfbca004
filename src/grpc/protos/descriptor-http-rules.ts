import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { isRecord } from '../../openapi/json-pointer.js';

/** `extend google.protobuf.MethodOptions { HttpRule http = 72295728; }` (google/api/annotations.proto). */
const HTTP_RULE_FIELD = 72295728;

/**
 * Just the path FileDescriptorSet.file (1) → FileDescriptorProto.service (6) → ServiceDescriptorProto.method (2) →
 * MethodDescriptorProto.options (4) → the extension, field numbers as in descriptor.proto. Everything else is
 * skipped as unknown fields.
 */
const SKELETON: Record<string, protobuf.IType> = {
  FileSet: { fields: { file: { rule: 'repeated', type: 'File', id: 1 } } },
  File: { fields: { name: { type: 'string', id: 1 }, service: { rule: 'repeated', type: 'Service', id: 6 } } },
  Service: { fields: { name: { type: 'string', id: 1 }, method: { rule: 'repeated', type: 'Method', id: 2 } } },
  Method: { fields: { name: { type: 'string', id: 1 }, options: { type: 'Options', id: 4 } } },
  Options: { fields: { http: { type: '.google.api.HttpRule', id: HTTP_RULE_FIELD } } },
};

const require = createRequire(import.meta.url);
let reader: protobuf.Type | undefined;

/**
 * protobufjs' own descriptor types (protobufjs/ext/descriptor) know descriptor.proto only: they skip the
 * google.api.http extension as an unknown field, so a root built by them has no rules at all. This decoder reads
 * the extension with google/api/http.proto's HttpRule (from google-proto-files, like .proto sources get it).
 */
function ruleReader(): protobuf.Type {
  if (reader !== undefined) return reader;
  const httpProto = path.join(path.dirname(require.resolve('google-proto-files/package.json')), 'google', 'api', 'http.proto');
  const root = new protobuf.Root();
  protobuf.parse(readFileSync(httpProto, 'utf8'), root, { keepCase: true });
  root.define('protogate.descriptor').addJSON(SKELETON);
  reader = root.lookupType('protogate.descriptor.FileSet');
  return reader;
}

/** The `(google.api.http)` rules of one file of a set, by `Service/Method`, shaped like parsed `.proto` options. */
export type FileHttpRules = ReadonlyMap<string, Record<string, unknown>>;

/**
 * The rules of every file of a serialized FileDescriptorSet, in the order of its `file` list. A rule is the plain
 * object protobufjs' parser gives for `option (google.api.http) = {…}`: proto field names (`response_body`,
 * `additional_bindings` as an array), unset fields absent.
 *
 * @throws Error when `bytes` is not a well-formed protobuf message.
 */
export function httpRulesOf(bytes: Uint8Array): FileHttpRules[] {
  const type = ruleReader();
  const set = type.toObject(type.decode(bytes), { defaults: false, arrays: false, longs: String, enums: String });
  return listOf(set['file']).map((file) => {
    const rules = new Map<string, Record<string, unknown>>();
    for (const service of listOf(file['service'])) {
      for (const method of listOf(service['method'])) {
        const options = method['options'];
        const http = isRecord(options) ? options['http'] : undefined;
        if (isRecord(http)) rules.set(`${String(service['name'])}/${String(method['name'])}`, http);
      }
    }
    return rules;
  });
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
