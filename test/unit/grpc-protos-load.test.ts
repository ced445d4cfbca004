import { describe, expect, it } from 'vitest';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

const dir = 'test/fixtures/proto';
const load = (...files: string[]) => loadProtos(files.map((f) => `${dir}/${f}`), { includeDirs: [dir] });

describe('loadProtos', () => {
  it('loads annotated protos with google/api from google-proto-files and bundled well-known types', () => {
    const { root, issues } = load('library/v1/library.proto');
    expect(issues).toEqual([]);
    const files = root.files.map((f) => f.replace(/^.*node_modules\//, 'node_modules/').replace(/^.*test\/fixtures\//, 'fixtures/'));
    expect(files).toEqual([
      'fixtures/proto/library/v1/library.proto',
      'node_modules/google-proto-files/google/api/annotations.proto',
      'node_modules/google-proto-files/google/api/http.proto',
      'node_modules/protobufjs/google/protobuf/descriptor.proto',
      'node_modules/google-proto-files/google/api/httpbody.proto',
      'google/protobuf/any.proto',
      'google/protobuf/empty.proto',
      'google/protobuf/field_mask.proto',
      'google/protobuf/timestamp.proto',
      'google/protobuf/wrappers.proto',
      'fixtures/proto/library/v1/resources.proto',
    ]);
    const request = root.lookupType('library.v1.ListBooksRequest');
    // keepCase: the original field names, not camelCase.
    expect(Object.keys(request.fields).slice(0, 4)).toEqual(['parent', 'page_size', 'page_token', 'filter']);
    expect(root.lookupType('library.v1.ListBooksRequest.Filter').fields['published_after']?.resolvedType?.fullName).toBe('.google.protobuf.Timestamp');
    expect(root.lookupType('google.api.HttpBody').fields['content_type']?.type).toBe('string');
  });

  it('reports a parse error with its file and line, and keeps loading the other files', () => {
    const { root, issues } = load('broken/syntax-error.proto', 'library/v1/resources.proto');
    expect(issues).toEqual([{ file: `${dir}/broken/syntax-error.proto`, line: 11, message: "illegal token 'int32', ';' expected" }]);
    expect(root.lookupType('library.v1.Book').name).toBe('Book');
  });

  it('names the imported file when the parse error is in an import', () => {
    const { issues } = load('broken/imports-broken.proto');
    expect(issues).toEqual([{ file: `${dir}/broken/syntax-error.proto`, line: 11, message: "illegal token 'int32', ';' expected" }]);
  });

  it('reports a missing import at its import line and every unresolvable type at its declaration', () => {
    const { issues } = load('broken/missing-import.proto');
    const file = `${dir}/broken/missing-import.proto`;
    expect(issues).toEqual([
      { file, line: 6, message: 'import "broken/does-not-exist.proto" not found in the include dirs or google-proto-files' },
      { file, line: 10, message: 'field broken.v1.UsesMissing.missing: unresolvable type "broken.v1.Missing"' },
      { file, line: 15, message: 'method broken.v1.Unresolved/Get: unresolvable response type "NoSuchResponse"' },
    ]);
  });

  it('reports a file that does not exist', () => {
    expect(load('nope.proto').issues).toEqual([{ file: `${dir}/nope.proto`, message: 'file not found' }]);
  });
});
