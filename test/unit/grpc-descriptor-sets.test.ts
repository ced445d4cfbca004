import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { extractHttpRules, type HttpBinding } from '../../src/grpc/http-rules/extract-http-rules.js';
import { createJsonCodec } from '../../src/grpc/json/index.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

const dir = 'test/fixtures/proto';
const sets = `${dir}/descriptor-sets`;
const fromSources = (...files: string[]) => loadProtos(files.map((f) => `${dir}/${f}`), { includeDirs: [dir] });
const fromSets = (...files: string[]) => loadProtos([], { includeDirs: [dir], descriptorSets: files });
const scratch = mkdtempSync(path.join(tmpdir(), 'protogate-sets-'));

/** Every message, field, enum and method under `namespace`, as resolved: what the JSON mapping and routing read. */
function shape(namespace: protobuf.NamespaceBase, out: string[] = []): string[] {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const options = { ...nested.options };
      out.push(`${nested.fullName} oneofs=${nested.oneofsArray.map((o) => `${o.name}:${o.oneof.join(',')}`).join(' ')} options=${JSON.stringify(options)}`);
      for (const field of nested.fieldsArray) {
        field.resolve();
        const type = field.resolvedType?.fullName ?? field.type;
        const map = field instanceof protobuf.MapField ? `map<${field.keyType}> ` : '';
        out.push(`${nested.fullName}.${field.name} = ${field.id} ${field.repeated ? 'repeated ' : ''}${map}${type} oneof=${field.partOf?.name ?? ''} options=${JSON.stringify(field.options ?? {})}`);
      }
    } else if (nested instanceof protobuf.Enum) {
      out.push(`${nested.fullName} enum ${JSON.stringify(nested.values)}`);
    } else if (nested instanceof protobuf.Service) {
      for (const method of nested.methodsArray) {
        method.resolve();
        out.push(`${nested.fullName}/${method.name} ${method.resolvedRequestType?.fullName} ${method.resolvedResponseType?.fullName} ${method.requestStream === true} ${method.responseStream === true}`);
      }
    }
    if (nested instanceof protobuf.Namespace) shape(nested, out);
  }
  return out.sort();
}

/** A binding without the parts that only say where it was read from. */
const comparable = (bindings: readonly HttpBinding[]) => bindings.map(({ template, ...rest }) => ({ ...rest, segments: template.segments, variables: template.variables, verb: template.verb }));

describe('loadProtos with descriptorSets', () => {
  const sources = fromSources('library/v1/library.proto', 'json/json_test.proto');
  const set = fromSets(`${sets}/library.binpb`);

  it('loads a protoc set cleanly, each object named after the set file', () => {
    expect(set.issues).toEqual([]);
    expect(set.root.lookupType('library.v1.Book').filename).toBe(path.resolve(`${sets}/library.binpb`));
    expect(set.root.lookupService('library.v1.LibraryService').methods['GetShelf']?.filename).toBe(path.resolve(`${sets}/library.binpb`));
  });

  it('gives the same messages, fields, maps, oneofs, proto3 optional, json_name, enums and methods as the sources', () => {
    for (const pkg of ['library.v1', 'protogate.jsontest']) {
      expect(shape(set.root.lookup(pkg) as protobuf.Namespace)).toEqual(shape(sources.root.lookup(pkg) as protobuf.Namespace));
    }
    const maps = set.root.lookupType('protogate.jsontest.Maps');
    expect(maps.fields['by_int64']).toBeInstanceOf(protobuf.MapField);
    expect(maps.nested).toBeUndefined(); // no XEntry messages left behind
    expect(set.root.lookupType('protogate.jsontest.Scalars').fields['renamed_field']?.options).toEqual({ json_name: 'customName' });
  });

  it('keeps every google.api.http rule: the same bindings as from the sources', () => {
    const expected = extractHttpRules(sources.root);
    const actual = extractHttpRules(set.root);
    expect(comparable(actual.bindings)).toEqual(comparable(expected.bindings));
    expect(actual.bindings.map((b) => `${b.httpMethod} ${b.pathTemplate}`)).toContain('GET /v1/authors/{filter.author}/books');
    expect(actual.issues).toEqual([]);
  });

  it('converts JSON the same way (maps as objects, json_name, int64 keys)', () => {
    const input = { byInt64: { '9007199254740993': 'x' }, items: { a: { sku: 'n', quantity: 2 } }, colors: { '-1': 'RED' } };
    const convert = (root: protobuf.Root) => {
      const codec = createJsonCodec(root.lookupType('protogate.jsontest.Maps'), { emitDefaults: false, int64AsNumber: false, ignoreUnknownFields: false });
      const decoded = codec.fromJson(input);
      return decoded.ok ? codec.toJson(root.lookupType('protogate.jsontest.Maps').fromObject(decoded.value)) : decoded.errors;
    };
    expect(convert(set.root)).toEqual(convert(sources.root));
    expect(convert(set.root)).toMatchObject({ byInt64: { '9007199254740993': 'x' } });
  });

  it('resolves dependencies a set leaves out (no --include_imports) like imports, from google-proto-files', () => {
    const { root, issues } = fromSets(`${sets}/paths-no-imports.binpb`);
    expect(issues).toEqual([]);
    expect(root.files.map((f) => f.replace(/^.*node_modules\//, 'node_modules/'))).toEqual([
      'paths/v1/paths.proto',
      'node_modules/google-proto-files/google/api/annotations.proto',
      'node_modules/google-proto-files/google/api/http.proto',
      'node_modules/protobufjs/google/protobuf/descriptor.proto',
    ]);
    expect(extractHttpRules(root).bindings.map((b) => `${b.httpMethod} ${b.pathTemplate}`)).toContain('LINK /v1/{name=files/**}');
  });

  it('takes an import a set provides from the set, not from the sources', () => {
    const both = loadProtos([`${dir}/library/v1/library.proto`], { includeDirs: [dir], descriptorSets: [`${sets}/paths.binpb`] });
    expect(both.issues).toEqual([]);
    expect(both.root.files.filter((f) => f.endsWith('google/api/http.proto'))).toEqual(['google/api/http.proto']);
  });

  it('names the set when a dependency is found nowhere', () => {
    const file = descriptor.FileDescriptorProto.create({
      name: 'acme/orders.proto',
      package: 'acme',
      dependency: ['acme/common.proto'],
      syntax: 'proto3',
      messageType: [{ name: 'Order', field: [{ name: 'customer', number: 1, label: 1, type: 11, typeName: '.acme.Customer', jsonName: 'customer' }] }],
    });
    const setFile = path.join(scratch, 'orders.binpb');
    writeFileSync(setFile, descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.create({ file: [file] })).finish());
    const { issues } = loadProtos([], { includeDirs: [dir], descriptorSets: [setFile], displayRoot: scratch });
    expect(issues).toEqual([
      {
        file: 'orders.binpb',
        message: 'acme/orders.proto depends on "acme/common.proto", which is neither in the descriptor set nor in the include dirs or google-proto-files (write the set with protoc --include_imports)',
      },
      { file: 'orders.binpb', message: 'field acme.Order.customer: unresolvable type ".acme.Customer"' },
    ]);
  });

  it('reports a corrupt file, a file that is not a set, and a missing file, naming each', () => {
    const bytes = readFileSync(`${sets}/paths.binpb`);
    writeFileSync(path.join(scratch, 'truncated.binpb'), bytes.subarray(0, bytes.length - 100));
    writeFileSync(path.join(scratch, 'text.binpb'), readFileSync(`${dir}/paths/v1/paths.proto`));
    writeFileSync(path.join(scratch, 'empty.binpb'), new Uint8Array());
    const load = (name: string) => loadProtos([], { includeDirs: [dir], descriptorSets: [path.join(scratch, name)], displayRoot: scratch }).issues;
    expect(load('truncated.binpb')).toEqual([{ file: 'truncated.binpb', message: expect.stringMatching(/^not a serialized google\.protobuf\.FileDescriptorSet \(.+\)$/) }]);
    expect(load('text.binpb')).toEqual([{ file: 'text.binpb', message: expect.stringMatching(/^not a serialized google\.protobuf\.FileDescriptorSet/) }]);
    expect(load('empty.binpb')).toEqual([
      { file: 'empty.binpb', message: 'not a serialized google.protobuf.FileDescriptorSet: it lists no named .proto files (write one with protoc --include_imports -o <file>)' },
    ]);
    expect(load('nope.binpb')).toEqual([{ file: 'nope.binpb', message: 'file not found' }]);
  });

  it('reports a type defined both by a set and by a source file', () => {
    const { issues } = loadProtos([`${dir}/paths/v1/paths.proto`], { includeDirs: [dir], descriptorSets: [`${sets}/paths.binpb`] });
    expect(issues).toEqual([{ file: `${dir}/paths/v1/paths.proto`, message: expect.stringContaining('duplicate name') }]);
  });
});
