import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { extractHttpRules } from '../../src/grpc/http-rules/extract-http-rules.js';
import { generateOpenApi } from '../../src/grpc/openapi/index.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';
import { createAjv } from '../../src/openapi/create-ajv.js';
import { loadOpenApiDocument } from '../../src/openapi/load-document.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const protoDir = path.join(repo, 'proto');
const tmp = mkdtempSync(path.join(tmpdir(), 'grpc-openapi-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Doc = Record<string, any>;

function generateFrom(files: string[], includeDirs = [protoDir]): Doc {
  const loaded = loadProtos(files, { includeDirs });
  expect(loaded.issues).toEqual([]);
  const rules = extractHttpRules(loaded.root);
  expect(rules.issues).toEqual([]);
  return generateOpenApi(loaded.root, rules.bindings, { title: 'Directory', version: '1.0.0' }) as Doc;
}

/** Writes the document and loads it with the gateway's own OpenAPI loader (ajv 2020 compiles every schema). */
function loadWithGateway(doc: Doc, name: string) {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return loadOpenApiDocument(file, name);
}

const DOC_ID = 'https://protogate.test/generated.json';

/** An ajv 2020 validator (with formats: date-time is checked) of one component schema, `$ref`s resolved in the document. */
function validatorFor(doc: Doc, schemaName: string) {
  const ajv = createAjv('3.1');
  ajv.addSchema(doc, DOC_ID);
  return ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${schemaName}` });
}

/** Every component schema against the JSON Schema 2020-12 meta-schema. */
function metaSchemaErrors(doc: Doc): unknown[] {
  const ajv = new Ajv2020({ strict: false });
  return Object.entries(doc['components']['schemas'] as Doc).flatMap(([name, schema]) =>
    ajv.validateSchema(schema) ? [] : [{ name, errors: ajv.errors }],
  );
}

const demo = generateFrom([path.join(protoDir, 'demo/directory/v1/directory.proto')]);

describe('generateOpenApi on the demo directory proto', () => {
  it('writes one path item per template and one operation per binding', () => {
    expect(demo['openapi']).toBe('3.1.0');
    expect(demo['info']).toEqual({ title: 'Directory', version: '1.0.0' });
    expect(Object.keys(demo['paths']).sort()).toEqual([
      '/v1/people', '/v1/people/{id}', '/v1/people/{id}/avatar', '/v1/people/{id}/level', '/v1/people/{id}:promote', '/v1/people:export',
      '/v1/people:import', '/v1/people:lookup', '/v1/people:watch', '/v1/teams/{name-1}/members/{name-2}',
    ]);
    const ops = Object.entries(demo['paths'] as Doc).flatMap(([p, item]) => Object.entries(item as Doc).map(([m, op]) => `${m} ${p} ${op.operationId}`));
    expect(ops.sort()).toEqual([
      'get /v1/people demo.directory.v1.Directory.ListPeople',
      'get /v1/people/{id} demo.directory.v1.Directory.GetPerson',
      'get /v1/people/{id}/avatar demo.directory.v1.Directory.GetAvatar',
      'get /v1/people:export demo.directory.v1.Directory.ExportPeople',
      'get /v1/people:watch demo.directory.v1.Directory.WatchPeople',
      'get /v1/teams/{name-1}/members/{name-2} demo.directory.v1.Directory.GetMember',
      'patch /v1/people/{id}/level demo.directory.v1.Directory.PromotePerson_1',
      'post /v1/people demo.directory.v1.Directory.CreatePerson',
      'post /v1/people/{id}:promote demo.directory.v1.Directory.PromotePerson',
      'post /v1/people:import demo.directory.v1.Directory.ImportPeople',
      'post /v1/people:lookup demo.directory.v1.Directory.LookupPeople',
      'put /v1/people/{id}/avatar demo.directory.v1.Directory.SetAvatar',
    ]);
    expect(demo['paths']['/v1/people/{id}'].get.summary).toBe('GET /v1/people/42');
    expect(demo['tags']).toEqual([{ name: 'demo.directory.v1.Directory' }]);
  });

  it('derives the Person schema under the proto3 JSON mapping', () => {
    const schemas = demo['components']['schemas'];
    expect(schemas['demo.directory.v1.Person']).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        displayName: { type: 'string' },
        email: { type: 'string' },
        level: { $ref: '#/components/schemas/demo.directory.v1.Level' },
        teams: { type: 'array', items: { type: 'string' } },
        employeeNumber: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' },
        joinedAt: { type: 'string', format: 'date-time' },
      },
    });
    expect(schemas['demo.directory.v1.Level']).toEqual({ type: 'string', enum: ['LEVEL_UNSPECIFIED', 'JUNIOR', 'SENIOR', 'PRINCIPAL'] });
    expect(schemas['demo.directory.v1.ListPeopleResponse'].properties).toEqual({
      people: { type: 'array', items: { $ref: '#/components/schemas/demo.directory.v1.Person' } },
      total: { type: 'integer', format: 'int32' },
    });
    expect(Object.keys(schemas).sort()).toEqual([
      'Problem', 'demo.directory.v1.AvatarInfo', 'demo.directory.v1.GetPersonRequest', 'demo.directory.v1.ImportPeopleResponse',
      'demo.directory.v1.Level', 'demo.directory.v1.ListPeopleResponse', 'demo.directory.v1.Person',
    ]);
    expect(schemas['Problem'].properties.grpcCode).toMatchObject({ type: 'string' });
  });

  it('takes the free fields of ListPeople from the query and binds path, body and responses', () => {
    const paths = demo['paths'];
    expect(paths['/v1/people'].get.parameters).toEqual([
      { name: 'team', in: 'query', schema: { type: 'string' } },
      { name: 'page_size', in: 'query', schema: { type: 'integer', format: 'int32' } },
      { name: 'min_level', in: 'query', schema: { $ref: '#/components/schemas/demo.directory.v1.Level' } },
    ]);
    expect(paths['/v1/people/{id}'].get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(paths['/v1/people'].post.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/demo.directory.v1.Person' } } },
    });
    // body "*": no query parameters, the request message without the path-bound id.
    const promote = paths['/v1/people/{id}:promote'].post;
    expect(promote.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(promote.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      properties: { level: { $ref: '#/components/schemas/demo.directory.v1.Level' } },
    });
    expect(promote.responses).toEqual({
      '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/demo.directory.v1.Person' } } } },
      default: expect.objectContaining({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }),
    });
  });

  it('loads with the gateway OpenAPI loader without issues', () => {
    const { operations, issues } = loadWithGateway(demo, 'directory.openapi.json');
    expect(issues).toEqual([]);
    expect(metaSchemaErrors(demo)).toEqual([]);
    expect(operations.map((o) => `${o.method} ${o.publicTemplate}`).sort()).toEqual([
      'GET /v1/people', 'GET /v1/people/{id}', 'GET /v1/people/{id}/avatar', 'GET /v1/people:export', 'GET /v1/people:watch',
      'GET /v1/teams/{name-1}/members/{name-2}',
      'PATCH /v1/people/{id}/level', 'POST /v1/people', 'POST /v1/people/{id}:promote', 'POST /v1/people:import', 'POST /v1/people:lookup',
      'PUT /v1/people/{id}/avatar',
    ]);
  });

  it('validates real demo responses and problems with ajv 2020, and rejects wrong JSON forms', () => {
    const person = validatorFor(demo, 'demo.directory.v1.Person');
    const ada = {
      id: '42', displayName: 'Ada Lovelace', email: 'ada@example.com', level: 'SENIOR', teams: ['ops', 'dev'],
      employeeNumber: '9007199254740993', joinedAt: '2020-01-02T03:04:05Z',
    };
    expect(person(ada), JSON.stringify(person.errors)).toBe(true);
    expect(person({ ...ada, employeeNumber: 9007199254740993 })).toBe(false);
    expect(person({ ...ada, level: 2 })).toBe(false);
    expect(person({ ...ada, joinedAt: 'yesterday' })).toBe(false);
    const list = validatorFor(demo, 'demo.directory.v1.ListPeopleResponse');
    expect(list({ people: [ada, { id: '7' }], total: 2 })).toBe(true);
    const problem = validatorFor(demo, 'Problem');
    expect(problem({
      type: 'https://protogate.dev/problems/upstream-grpc-status', title: 'Upstream gRPC error', status: 404, detail: 'x', instance: 'req-1',
      grpcCode: 'NOT_FOUND', grpcMessage: 'no person 42',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NOT_FOUND' }],
    })).toBe(true);
    expect(problem({ type: 'x', title: 't', status: 404, details: [{ reason: 'no @type' }] })).toBe(false);
  });
});

const KITCHEN_SINK = `
syntax = "proto3";
package sink.v1;
import "google/api/annotations.proto";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

service Sink {
  rpc Get(GetRequest) returns (Node) {
    option (google.api.http) = { get: "/v1/{name=shelves/*/nodes/*}" response_body: "children" };
  }
  rpc Put(Node) returns (google.protobuf.Empty) {
    option (google.api.http) = { put: "/v1/nodes/{meta.id}" body: "*" };
  }
  rpc Watch(GetRequest) returns (stream Node) {
    option (google.api.http) = { get: "/v1/watch/{name}" };
  }
}

message Meta { int64 id = 1; repeated uint64 tags = 2; Node bad = 3; }
message GetRequest {
  string name = 1;
  Meta meta = 2;
  google.protobuf.FieldMask read_mask = 3;
  repeated sint64 ids = 4;
  google.protobuf.Int32Value limit = 5;
  map<string, string> labels = 6;
}
message Node {
  Meta meta = 1;
  repeated Node children = 2;
  map<int32, Node> by_id = 3;
  double weight = 4;
  bytes blob = 5 [json_name = "rawBlob"];
  google.protobuf.Duration ttl = 6;
  google.protobuf.DoubleValue score = 7;
  google.protobuf.Struct attrs = 8;
  google.protobuf.Value any_value = 9;
  google.protobuf.ListValue list = 10;
  google.protobuf.Any extra = 11;
  google.protobuf.Empty nothing = 12;
  google.protobuf.NullValue null_value = 13;
  oneof choice { string text = 14; fixed64 big = 15; }
}
`;

describe('generateOpenApi on recursive messages and every well-known type', () => {
  // ajv knows no "uint64" format (OpenAPI's registry lists it; ajv-formats does not): it warns and ignores it.
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  afterAll(() => {
    expect(warn.mock.calls.every(([message]) => String(message).startsWith('unknown format "uint64" ignored'))).toBe(true);
    warn.mockRestore();
  });
  const file = path.join(tmp, 'sink.proto');
  writeFileSync(file, KITCHEN_SINK);
  const doc = generateFrom([file]);
  const node = doc['components']['schemas']['sink.v1.Node'];

  it('maps well-known types, maps, floats, bytes and recursion to their JSON forms', () => {
    expect(node.properties).toMatchObject({
      meta: { $ref: '#/components/schemas/sink.v1.Meta' },
      children: { type: 'array', items: { $ref: '#/components/schemas/sink.v1.Node' } },
      byId: { type: 'object', propertyNames: { pattern: '^-?[0-9]+$' }, additionalProperties: { $ref: '#/components/schemas/sink.v1.Node' } },
      weight: { anyOf: [{ type: 'number', format: 'double' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }] },
      rawBlob: { type: 'string', contentEncoding: 'base64' },
      ttl: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$' },
      score: { anyOf: [{ type: 'number', format: 'double' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }, { type: 'null' }] },
      attrs: { type: 'object' },
      anyValue: {},
      list: { type: 'array' },
      extra: { type: 'object', required: ['@type'] },
      nothing: { type: 'object', properties: {}, additionalProperties: false },
      nullValue: { type: 'null' },
      big: { type: 'string', format: 'uint64' },
    });
    const valid = validatorFor(doc, 'sink.v1.Node');
    const sample = {
      meta: { id: '-5', tags: ['1'] }, children: [{ weight: 'NaN', byId: { '3': { rawBlob: 'AAE=' } } }], weight: 1.5, ttl: '1.500s', score: null,
      attrs: { a: [1, { b: null }] }, anyValue: 'x', list: [1, 'a'], extra: { '@type': 'type.googleapis.com/sink.v1.Meta', id: '1' }, nothing: {}, text: 'hi',
    };
    expect(valid(sample), JSON.stringify(valid.errors)).toBe(true);
    expect(valid({ ...sample, ttl: '1.5' })).toBe(false);
    expect(valid({ ...sample, nothing: { a: 1 } })).toBe(false);
    expect(valid({ ...sample, children: [{ meta: { id: 1 } }] })).toBe(false);
  });

  it('binds multi-segment variables, nested path fields, response_body, query leaves and streams', () => {
    const get = doc['paths']['/v1/shelves/{name-1}/nodes/{name-2}'].get;
    expect(get['x-protogate-path-template']).toBe('/v1/{name=shelves/*/nodes/*}');
    const sets = 'Sets `name` to `shelves/{name-1}/nodes/{name-2}`.';
    expect(get.parameters.slice(0, 2)).toEqual([
      { name: 'name-1', in: 'path', required: true, description: sets, schema: { type: 'string' } },
      { name: 'name-2', in: 'path', required: true, description: sets, schema: { type: 'string' } },
    ]);
    expect(get.parameters.slice(2)).toEqual([
      { name: 'meta.id', in: 'query', schema: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' } },
      { name: 'meta.tags', in: 'query', schema: { type: 'array', items: { type: 'string', format: 'uint64', pattern: '^[0-9]+$' } } },
      { name: 'read_mask', in: 'query', schema: expect.objectContaining({ type: 'string' }) },
      { name: 'ids', in: 'query', schema: { type: 'array', items: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' } } },
      { name: 'limit', in: 'query', schema: { type: 'integer', format: 'int32' } },
    ]);
    expect(get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/sink.v1.Node' } });
    const put = doc['paths']['/v1/nodes/{meta.id}'].put;
    expect(put.parameters).toEqual([{ name: 'meta.id', in: 'path', required: true, schema: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' } }]);
    expect(put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/sink.v1.Node' });
    expect(put.responses['200'].content['application/json'].schema).toEqual({ type: 'object', properties: {}, additionalProperties: false });
    expect(Object.keys(doc['paths']['/v1/watch/{name}'].get.responses['200'].content)).toEqual(['application/x-ndjson', 'text/event-stream']);
  });

  it('loads with the gateway OpenAPI loader without issues', () => {
    expect(loadWithGateway(doc, 'sink.openapi.json').issues).toEqual([]);
    expect(metaSchemaErrors(doc)).toEqual([]);
  });

  it('leaves out bindings it cannot describe', () => {
    const root = new protobuf.Root();
    const empty = generateOpenApi(root, [], { title: 't', version: '0' }) as Doc;
    expect(empty['paths']).toEqual({});
    expect(Object.keys(empty['components']['schemas'])).toEqual(['Problem']);
  });
});

/** Path templates that differ only in parameter names, the same OpenAPI path to OpenAPI 3.1 (§4.8.8.1). */
function shapes(doc: Doc): string[] {
  return Object.keys(doc['paths']).map((key) => key.replace(/\{[^}]*\}/g, '{}'));
}

const omittedOf = (doc: Doc, key: string): { method: string; operationId: string; pathTemplate: string; reason: string }[] =>
  doc['paths'][key]['x-protogate-omitted'];

describe('generateOpenApi on multi-segment variables, "**", custom methods and colliding paths (fixtures/proto/paths)', () => {
  const doc = generateFrom([path.join(repo, 'test/fixtures/proto/paths/v1/paths.proto')]);
  const paths = doc['paths'] as Doc;
  const DEEP = 'One or more segments: may contain "/", sent as is (an encoded %2F stays inside one segment).';

  it('writes the literals of a variable\'s pattern into the path, each wildcard a parameter', () => {
    expect(Object.keys(paths)).toEqual([
      '/v1/files/{id}', '/v1/{path}', '/v1/files/readme', '/v1/files/{id}/meta', '/v1/{name}:undelete', '/v1/blobs/{wildcard-1}:download',
      '/v1/coffee', '/v1/links/{name}',
    ]);
    expect(new Set(shapes(doc)).size).toBe(Object.keys(paths).length);
    expect(paths['/v1/{path}']).toEqual({
      get: expect.objectContaining({
        operationId: 'protogate.test.paths.v1.Paths.GetAny',
        'x-protogate-path-template': '/v1/{path=**}',
        parameters: [
          {
            name: 'path', in: 'path', required: true, schema: { type: 'string' },
            description: `${DEEP} The rule also matches no segment at all: the path without \`/{path}\`.`,
          },
          { name: 'name', in: 'query', schema: { type: 'string' } },
          { name: 'id', in: 'query', schema: { type: 'string' } },
          { name: 'q', in: 'query', schema: { type: 'string' } },
        ],
      }),
    });
    // A verb after "**" needs a segment; "**" outside a variable is routed and bound to nothing.
    expect(paths['/v1/{name}:undelete'].post.parameters[0]).toEqual({ name: 'name', in: 'path', required: true, description: DEEP, schema: { type: 'string' } });
    expect(paths['/v1/blobs/{wildcard-1}:download'].get.parameters[0]).toEqual({
      name: 'wildcard-1', in: 'path', required: true, description: `Matched by \`**\`, bound to no field. ${DEEP}`, schema: { type: 'string' },
    });
    // A template without patterns is its own OpenAPI path: no extension.
    expect(paths['/v1/files/{id}/meta'].get['x-protogate-path-template']).toBeUndefined();
  });

  it('keeps the most specific of operations OpenAPI cannot tell apart, and lists the others and custom methods on the path item', () => {
    expect(Object.keys(paths['/v1/files/{id}'])).toEqual(['get', 'x-protogate-omitted']);
    expect(paths['/v1/files/{id}'].get.operationId).toBe('protogate.test.paths.v1.Paths.GetFile');
    expect(omittedOf(doc, '/v1/files/{id}')).toEqual([
      {
        method: 'LINK', operationId: 'protogate.test.paths.v1.Paths.LinkFile', pathTemplate: '/v1/{name=files/**}',
        reason: 'LINK is not an operation of an OpenAPI 3.1 Path Item',
      },
      {
        method: 'GET', operationId: 'protogate.test.paths.v1.Paths.GetFileTail', pathTemplate: '/v1/{name=files/**}',
        reason: 'GET /v1/files/{id} is protogate.test.paths.v1.Paths.GetFile (GET /v1/files/{id}): OpenAPI cannot tell /v1/{name=files/**} apart from it',
      },
      {
        // The router answers HEAD /v1/files/x with the GET rule of the more specific path.
        method: 'HEAD', operationId: 'protogate.test.paths.v1.Paths.HeadFile', pathTemplate: '/v1/{name=files/**}',
        reason: 'HEAD /v1/files/{id} is protogate.test.paths.v1.Paths.GetFile (GET /v1/files/{id}): OpenAPI cannot tell /v1/{name=files/**} apart from it',
      },
    ]);
    // Methods are case-sensitive: a lower-case "link" is not LINK, nor a "get" GET.
    expect(paths['/v1/coffee']).toEqual({
      'x-protogate-omitted': [
        { method: 'BREW', operationId: 'protogate.test.paths.v1.Unroutable.Brew', pathTemplate: '/v1/coffee', reason: 'BREW is not an operation of an OpenAPI 3.1 Path Item' },
      ],
    });
    expect(omittedOf(doc, '/v1/links/{name}').map((entry) => entry.method)).toEqual(['link']);
  });

  it('loads with the gateway OpenAPI loader without issues', () => {
    const { operations, issues } = loadWithGateway(doc, 'paths.openapi.json');
    expect(issues).toEqual([]);
    expect(operations.map((o) => `${o.method} ${o.publicTemplate} ${o.operationId}`)).toEqual([
      'GET /v1/files/{id} protogate.test.paths.v1.Paths.GetFile',
      'GET /v1/{path} protogate.test.paths.v1.Paths.GetAny',
      'GET /v1/files/readme protogate.test.paths.v1.Paths.GetReadme',
      'GET /v1/files/{id}/meta protogate.test.paths.v1.Paths.GetFileMeta',
      'POST /v1/{name}:undelete protogate.test.paths.v1.Paths.Undelete',
      'GET /v1/blobs/{wildcard-1}:download protogate.test.paths.v1.Paths.Download',
    ]);
  });
});

describe('generateOpenApi merges operations whose paths differ only in parameter names', () => {
  it('AIP-style resource names (fixtures/proto/library): one path item, the later operations\' parameters renamed', () => {
    const doc = generateFrom([path.join(repo, 'test/fixtures/proto/library/v1/library.proto')], [path.join(repo, 'test/fixtures/proto')]);
    const paths = doc['paths'] as Doc;
    expect(new Set(shapes(doc)).size).toBe(Object.keys(paths).length);
    expect(paths['/v1/shelves/{parent}/books'].get.parameters[0]).toEqual({
      name: 'parent', in: 'path', required: true, description: 'Sets `parent` to `shelves/{parent}`.', schema: { type: 'string' },
    });
    const book = paths['/v1/shelves/{book.name-1}/books/{book.name-2}'];
    expect(Object.keys(book)).toEqual(['patch', 'put', 'delete']);
    expect(book.patch.parameters.slice(0, 2).map((p: Doc) => p.description)).toEqual([
      'Sets `book.name` to `shelves/{book.name-1}/books/{book.name-2}`.', 'Sets `book.name` to `shelves/{book.name-1}/books/{book.name-2}`.',
    ]);
    // PUT /v1/{name=shelves/*/books/*}: the same path to OpenAPI; its parameters take the path item's names.
    expect(book.put['x-protogate-path-template']).toBe('/v1/{name=shelves/*/books/*}');
    expect(book.put.parameters).toEqual([
      { name: 'book.name-1', in: 'path', required: true, description: 'Sets `name` to `shelves/{book.name-1}/books/{book.name-2}`.', schema: { type: 'string' } },
      { name: 'book.name-2', in: 'path', required: true, description: 'Sets `name` to `shelves/{book.name-1}/books/{book.name-2}`.', schema: { type: 'string' } },
    ]);
    expect(paths['/v1/loans/{name}:cancel'].post.parameters[0].description).toBe('Sets `name` to `loans/{name}`.');
    expect(paths['/v1/files/{path}'].head.operationId).toBe('library.v1.LibraryService.HeadFile');
    const { issues } = loadWithGateway(doc, 'library.openapi.json');
    expect(issues).toEqual([]);
  });

  it('single-segment variables: /v1/{name} and /v1/{path} are one path; a second GET there is left out', () => {
    const file = path.join(tmp, 'renamed.proto');
    writeFileSync(file, `
syntax = "proto3";
package renamed.v1;
import "google/api/annotations.proto";
service Things {
  rpc Get(Ref) returns (Ref) { option (google.api.http) = { get: "/v1/{name}" }; }
  rpc Remove(Ref) returns (Ref) { option (google.api.http) = { delete: "/v1/{path}" }; }
  rpc Fetch(Ref) returns (Ref) { option (google.api.http) = { get: "/v1/{path}" }; }
}
message Ref { string name = 1; string path = 2; }
`);
    const doc = generateFrom([file]);
    expect(Object.keys(doc['paths'])).toEqual(['/v1/{name}']);
    const item = doc['paths']['/v1/{name}'];
    expect(item.get.operationId).toBe('renamed.v1.Things.Get');
    expect(item.delete.parameters).toEqual([
      { name: 'name', in: 'path', required: true, description: 'Sets `path`.', schema: { type: 'string' } },
      { name: 'name', in: 'query', schema: { type: 'string' } },
    ]);
    expect(item['x-protogate-omitted']).toEqual([
      {
        method: 'GET', operationId: 'renamed.v1.Things.Fetch', pathTemplate: '/v1/{path}',
        reason: 'GET /v1/{name} is renamed.v1.Things.Get (GET /v1/{name}): OpenAPI cannot tell /v1/{path} apart from it',
      },
    ]);
  });
});
