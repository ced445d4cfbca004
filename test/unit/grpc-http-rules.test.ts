import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundFieldPaths, extractHttpRules } from '../../src/grpc/http-rules/extract-http-rules.js';
import { matchPathTemplate } from '../../src/grpc/http-rules/match-path-template.js';
import { parsePathTemplate } from '../../src/grpc/http-rules/path-template.js';
import { bindQueryParameters } from '../../src/grpc/http-rules/query-parameters.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

const dir = 'test/fixtures/proto';
const { root, issues: loadIssues } = loadProtos([`${dir}/library/v1/library.proto`, `${dir}/rules/invalid-rules.proto`], { includeDirs: [dir] });
const { bindings, issues } = extractHttpRules(root);
const library = (method: string) => bindings.filter((b) => b.method === `library.v1.LibraryService/${method}`);

describe('extractHttpRules', () => {
  it('loads the fixtures cleanly', () => {
    expect(loadIssues).toEqual([]);
  });

  it('lists every annotation form of the library service, skipping the unannotated method', () => {
    const summary = bindings
      .filter((b) => b.service === 'library.v1.LibraryService')
      .map((b) => [b.method.split('/')[1], b.bindingIndex, b.httpMethod, b.pathTemplate, b.body, b.responseBody]);
    expect(summary).toEqual([
      ['GetShelf', 0, 'GET', '/v1/shelves/{shelf}', undefined, undefined],
      ['ListBooks', 0, 'GET', '/v1/{parent=shelves/*}/books', undefined, undefined],
      ['ListBooks', 1, 'GET', '/v1/books', undefined, undefined],
      ['ListBooks', 2, 'GET', '/v1/authors/{filter.author}/books', undefined, undefined],
      ['CreateBook', 0, 'POST', '/v1/{parent=shelves/*}/books', 'book', undefined],
      ['UpdateBook', 0, 'PATCH', '/v1/{book.name=shelves/*/books/*}', 'book', undefined],
      ['ReplaceBook', 0, 'PUT', '/v1/{name=shelves/*/books/*}', '*', undefined],
      ['DeleteBook', 0, 'DELETE', '/v1/{name=shelves/*/books/*}', undefined, undefined],
      ['CancelLoan', 0, 'POST', '/v1/{name=loans/*}:cancel', '*', undefined],
      ['GetBookCover', 0, 'GET', '/v1/{name=shelves/*/books/*}/cover', undefined, 'image'],
      ['HeadFile', 0, 'HEAD', '/v1/files/{path=**}', undefined, undefined],
    ]);
  });

  it('carries the request and response types and the compiled template', () => {
    const [update] = library('UpdateBook');
    expect(update).toMatchObject({
      service: 'library.v1.LibraryService',
      method: 'library.v1.LibraryService/UpdateBook',
      requestType: 'library.v1.UpdateBookRequest',
      responseType: 'library.v1.Book',
    });
    expect(update?.template.variables).toEqual([
      { fieldPath: 'book.name', fieldNames: ['book', 'name'], pattern: 'shelves/*/books/*', start: 1, end: 5, multiSegment: true },
    ]);
    expect(update === undefined ? [] : [...boundFieldPaths(update)]).toEqual(['book.name', 'book']);
  });

  it('reports each broken rule with its method, binding index and file', () => {
    const file = path.resolve(`${dir}/rules/invalid-rules.proto`);
    expect(issues.map((i) => [i.method.split('/')[1], i.bindingIndex, i.message])).toEqual([
      ['MissingBodyField', 0, 'body "nope": no field "nope" in rules.v1.Req'],
      ['NestedBody', 0, 'body "sub.id": must name a top-level field of rules.v1.Req'],
      ['MissingPathField', 0, 'path variable "missing": no field "missing" in rules.v1.Req'],
      ['RepeatedPathField', 0, 'path variable "tags": field "tags" of rules.v1.Req is repeated'],
      ['MessagePathField', 0, 'path variable "sub": field "sub" of rules.v1.Req is a message (rules.v1.Req.Sub), not a primitive'],
      ['BadTemplate', 0, 'invalid path template "v1/items": must start with "/"'],
      ['BadResponseBody', 0, 'response_body "nothing": no field "nothing" in rules.v1.Res'],
      ['NestedAdditional', 1, 'additional_bindings must not contain additional_bindings (the nesting may only be one level deep)'],
      ['TwoPatterns', 0, 'more than one HTTP pattern: get, post'],
    ]);
    expect(new Set(issues.map((i) => i.file))).toEqual(new Set([file]));
    // The rule with a nested additional_bindings keeps its two valid levels; the third is ignored.
    expect(bindings.filter((b) => b.service === 'rules.v1.Invalid').map((b) => b.pathTemplate)).toEqual(['/v1/a/{id}', '/v1/b/{id}']);
  });
});

describe('parsePathTemplate', () => {
  it('parses literals, {field}, {field.nested}, {name=shelves/*/books/*}, ** and a verb', () => {
    expect(parsePathTemplate('/v1/shelves/{shelf}')).toEqual({
      template: '/v1/shelves/{shelf}',
      segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'shelves' }, { kind: 'any' }],
      verb: undefined,
      variables: [{ fieldPath: 'shelf', fieldNames: ['shelf'], pattern: '*', start: 2, end: 3, multiSegment: false }],
    });
    expect(parsePathTemplate('/v1/messages/{message_id}/{sub.subfield}').variables.map((v) => [v.fieldNames, v.start, v.end])).toEqual([
      [['message_id'], 2, 3],
      [['sub', 'subfield'], 3, 4],
    ]);
    expect(parsePathTemplate('/v1/{name=shelves/*/books/*}')).toMatchObject({
      segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'shelves' }, { kind: 'any' }, { kind: 'literal', value: 'books' }, { kind: 'any' }],
      variables: [{ fieldPath: 'name', pattern: 'shelves/*/books/*', start: 1, end: 5, multiSegment: true }],
    });
    expect(parsePathTemplate('/v1/files/{path=**}').variables).toEqual([
      { fieldPath: 'path', fieldNames: ['path'], pattern: '**', start: 2, end: 3, multiSegment: true },
    ]);
    expect(parsePathTemplate('/v1/{name=loans/*}:cancel')).toMatchObject({ verb: 'cancel', segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'loans' }, { kind: 'any' }] });
    expect(parsePathTemplate('/v1/*/**')).toMatchObject({ segments: [{ kind: 'literal', value: 'v1' }, { kind: 'any' }, { kind: 'any-deep' }], variables: [] });
    expect(parsePathTemplate('/')).toEqual({ template: '/', segments: [], verb: undefined, variables: [] });
    // A colon before the last "/" is literal text; only the last segment can carry the verb.
    expect(parsePathTemplate('/v1/a:b/c:d')).toMatchObject({ segments: [{ kind: 'literal', value: 'v1' }, { kind: 'literal', value: 'a:b' }, { kind: 'literal', value: 'c' }], verb: 'd' });
    expect(parsePathTemplate('/v1/{name=a%2Fb}/x').variables[0]).toMatchObject({ pattern: 'a%2Fb', multiSegment: false });
  });

  it.each([
    ['v1/a', 'must start with "/"'],
    ['', 'must start with "/"'],
    ['/v1//a', 'empty segment at offset 4'],
    ['/v1/a/', 'empty segment at offset 6'],
    ['/v1/{name', 'unclosed "{" at offset 4'],
    ['/v1/{name=a/*', 'unclosed "{" at offset 4'],
    ['/v1/{}', 'invalid field path "" at offset 5'],
    ['/v1/{a..b}', 'invalid field path "a..b" at offset 5'],
    ['/v1/{1a}', 'invalid field path "1a" at offset 5'],
    ['/v1/{a={b}}', 'variable nested inside variable "a" at offset 7'],
    ['/v1/**/a', '"**" must be the last segment'],
    ['/v1/{a=**}/b', '"**" must be the last segment'],
    ['/v1/{a}/{a}', 'variable "a" bound twice'],
    ['/v1/a*', 'unexpected "*" at offset 5'],
    ['/v1/a}', 'unexpected "}" at offset 5'],
    ['/v1/a?b', 'unexpected "?" at offset 5'],
    ['/v1/a:', 'invalid verb "" at offset 6'],
    ['/v1/a:b/c:d?', 'invalid verb "d?" at offset 10'],
    ['/v1/%zz', 'invalid percent-encoding at offset 4'],
  ])('rejects %j: %s', (template, reason) => {
    expect(() => parsePathTemplate(template)).toThrow(`invalid path template ${JSON.stringify(template)}: ${reason}`);
  });
});

describe('matchPathTemplate', () => {
  const books = parsePathTemplate('/v1/{name=shelves/*/books/*}');
  const shelf = parsePathTemplate('/v1/shelves/{shelf}');
  const files = parsePathTemplate('/v1/files/{path=**}');
  const cancel = parsePathTemplate('/v1/{name=loans/*}:cancel');
  const nested = parsePathTemplate('/v1/messages/{message_id}/{sub.subfield}');

  it('binds single-segment, nested, multi-segment and ** variables', () => {
    expect(matchPathTemplate(shelf, '/v1/shelves/s1')).toEqual({ matched: true, bindings: [{ fieldPath: 'shelf', value: 's1' }] });
    expect(matchPathTemplate(nested, '/v1/messages/123456/foo')).toEqual({
      matched: true,
      bindings: [{ fieldPath: 'message_id', value: '123456' }, { fieldPath: 'sub.subfield', value: 'foo' }],
    });
    expect(matchPathTemplate(books, '/v1/shelves/s1/books/b2')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'shelves/s1/books/b2' }] });
    expect(matchPathTemplate(files, '/v1/files/a/b/c.txt')).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: 'a/b/c.txt' }] });
    expect(matchPathTemplate(files, '/v1/files')).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: '' }] });
  });

  it('matches a verb and only with it', () => {
    expect(matchPathTemplate(cancel, '/v1/loans/l1:cancel')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'loans/l1' }] });
    expect(matchPathTemplate(cancel, '/v1/loans/l1')).toEqual({ matched: false });
    expect(matchPathTemplate(cancel, '/v1/loans/l1:undo')).toEqual({ matched: false });
    // Without a verb in the template a colon is ordinary segment text.
    expect(matchPathTemplate(shelf, '/v1/shelves/a:b')).toEqual({ matched: true, bindings: [{ fieldPath: 'shelf', value: 'a:b' }] });
  });

  it('rejects wrong literals, segment counts and empty segments', () => {
    expect(matchPathTemplate(books, '/v1/shelves/s1/novels/b2')).toEqual({ matched: false });
    expect(matchPathTemplate(books, '/v1/shelves/s1/books')).toEqual({ matched: false });
    expect(matchPathTemplate(books, '/v1/shelves/s1/books/b2/x')).toEqual({ matched: false });
    expect(matchPathTemplate(shelf, '/v1/shelves/')).toEqual({ matched: false });
    expect(matchPathTemplate(files, '/v1/files/a//b')).toEqual({ matched: false });
  });

  it('decodes a single-segment variable fully: %2F is part of the one segment and becomes "/"', () => {
    expect(matchPathTemplate(shelf, '/v1/shelves/a%2Fb')).toEqual({ matched: true, bindings: [{ fieldPath: 'shelf', value: 'a/b' }] });
    expect(matchPathTemplate(shelf, '/v1/shelves/caf%C3%A9%20%3F%2B')).toEqual({ matched: true, bindings: [{ fieldPath: 'shelf', value: 'café ?+' }] });
  });

  it('keeps reserved characters encoded in a multi-segment variable by default', () => {
    expect(matchPathTemplate(books, '/v1/shelves/a%2Fb/books/caf%C3%A9%20%3F%2B')).toEqual({
      matched: true,
      bindings: [{ fieldPath: 'name', value: 'shelves/a%2Fb/books/café %3F%2B' }],
    });
    expect(matchPathTemplate(files, '/v1/files/dir%2fsub/x%40y')).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: 'dir%2fsub/x%40y' }] });
  });

  it('with fully_decode_reserved_expansion decodes everything in a multi-segment variable except %2F and %2f', () => {
    const options = { fullyDecodeReservedExpansion: true };
    expect(matchPathTemplate(books, '/v1/shelves/a%2Fb/books/caf%C3%A9%20%3F%2B', options)).toEqual({
      matched: true,
      bindings: [{ fieldPath: 'name', value: 'shelves/a%2Fb/books/café ?+' }],
    });
    expect(matchPathTemplate(files, '/v1/files/dir%2fsub/x%40y', options)).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: 'dir%2fsub/x@y' }] });
    expect(matchPathTemplate(shelf, '/v1/shelves/a%2Fb', options)).toEqual({ matched: true, bindings: [{ fieldPath: 'shelf', value: 'a/b' }] });
  });

  it('reports invalid percent-encoding and invalid UTF-8 with the variable', () => {
    expect(matchPathTemplate(shelf, '/v1/shelves/a%zz')).toEqual({ matched: false, fieldPath: 'shelf', error: 'invalid percent-encoding in path variable "shelf"' });
    expect(matchPathTemplate(shelf, '/v1/shelves/%C3')).toEqual({ matched: false, fieldPath: 'shelf', error: 'invalid UTF-8 in path variable "shelf"' });
  });
});

describe('bindQueryParameters', () => {
  const request = root.lookupType('library.v1.ListBooksRequest');
  const bind = (query: string, excluded: string[] = ['parent']) => bindQueryParameters(query, request, new Set(excluded));

  it('binds scalars with their types, 64-bit integers as strings', () => {
    expect(bind('?page_size=10&page_token=abc&min_pages=-9223372036854775808&max_pages=18446744073709551615&include_drafts=true&min_rating=4.5&max_price=NaN&checksum=4294967295&offset=007&cursor=AQID-_8')).toEqual({
      value: {
        page_size: 10,
        page_token: 'abc',
        min_pages: '-9223372036854775808',
        max_pages: '18446744073709551615',
        include_drafts: true,
        min_rating: 4.5,
        max_price: 'NaN',
        checksum: 4294967295,
        offset: '7',
        cursor: 'AQID-_8',
      },
      issues: [],
    });
  });

  it('binds nested fields, repeated keys, enum names and numbers, wrappers and string well-known types', () => {
    expect(bind('filter.author=Ursula+K.%20Le%20Guin&filter.genre=FICTION&tags=a&tags=b&genres=POETRY&genres=1&genres=7&edition=3&read_mask=title,author&filter.published_after=2020-01-01T00:00:00Z')).toEqual({
      value: {
        filter: { author: 'Ursula K. Le Guin', genre: 'FICTION', published_after: '2020-01-01T00:00:00Z' },
        tags: ['a', 'b'],
        genres: ['POETRY', 'FICTION', 7],
        edition: 3,
        read_mask: 'title,author',
      },
      issues: [],
    });
  });

  it('accepts JSON names and answers with proto names', () => {
    expect(bind('pageSize=5&filter.publishedAfter=2020-01-01T00:00:00Z')).toEqual({
      value: { page_size: 5, filter: { published_after: '2020-01-01T00:00:00Z' } },
      issues: [],
    });
  });

  it('reports unknown parameters by name and bad values by field path', () => {
    expect(bind('nope=1&filter.nope=2&page_size.x=1&page_size=abc&min_pages=9223372036854775808&include_drafts=yes&filter.genre=EPIC&max_price=1e39&cursor=a&order_by=x&shuffle=true').issues).toEqual([
      { parameter: 'nope', message: 'unknown query parameter "nope": no field "nope" in library.v1.ListBooksRequest' },
      { parameter: 'filter.nope', message: 'unknown query parameter "filter.nope": no field "nope" in library.v1.ListBooksRequest.Filter' },
      { parameter: 'page_size.x', fieldPath: 'page_size', message: 'unknown query parameter "page_size.x": page_size is not a message' },
      { parameter: 'page_size', fieldPath: 'page_size', message: 'invalid value for page_size: not an integer: "abc"' },
      { parameter: 'min_pages', fieldPath: 'min_pages', message: 'invalid value for min_pages: out of range for int64: "9223372036854775808"' },
      { parameter: 'include_drafts', fieldPath: 'include_drafts', message: 'invalid value for include_drafts: not a boolean (true or false): "yes"' },
      { parameter: 'filter.genre', fieldPath: 'filter.genre', message: 'invalid value for filter.genre: unknown value of enum library.v1.Genre: "EPIC"' },
      { parameter: 'max_price', fieldPath: 'max_price', message: 'invalid value for max_price: out of range for float: "1e39"' },
      { parameter: 'cursor', fieldPath: 'cursor', message: 'invalid value for cursor: not base64: "a"' },
      { parameter: 'shuffle', fieldPath: 'shuffle', message: 'shuffle and order_by are members of the same oneof "order"; set only one' },
    ]);
  });

  it('refuses maps, messages, repeated messages, repeats of singular fields and path- or body-bound fields', () => {
    expect(bind('labels.a=1&filter=x&filters.author=x&page_size=1&page_size=2&parent=shelves/1&published_after.seconds=1&filter.published_after.seconds=1').issues).toEqual([
      { parameter: 'labels.a', fieldPath: 'labels', message: 'query parameter "labels.a": labels is a map field, which cannot be set from the query' },
      { parameter: 'filter', fieldPath: 'filter', message: 'query parameter "filter": filter is a message; set its fields (filter.<field>)' },
      { parameter: 'filters.author', fieldPath: 'filters', message: 'query parameter "filters.author": filters is a repeated message field, which cannot be set from the query' },
      { parameter: 'page_size', fieldPath: 'page_size', message: 'query parameter "page_size" is given more than once but page_size is not repeated' },
      { parameter: 'parent', fieldPath: 'parent', message: 'query parameter "parent" sets parent, which is bound by the path or the body' },
      { parameter: 'published_after.seconds', message: 'unknown query parameter "published_after.seconds": no field "published_after" in library.v1.ListBooksRequest' },
      {
        parameter: 'filter.published_after.seconds',
        fieldPath: 'filter.published_after',
        message: 'query parameter "filter.published_after.seconds": filter.published_after is a google.protobuf.Timestamp, set as one value (filter.published_after=…)',
      },
    ]);
  });

  it('takes no query parameters when the body is "*"', () => {
    expect(bind('page_size=1', ['*'])).toEqual({
      value: {},
      issues: [{ parameter: 'page_size', fieldPath: 'page_size', message: 'query parameter "page_size" is not allowed: the body is "*"' }],
    });
  });

  it('excludes fields under a body field but not their siblings', () => {
    expect(bind('filter.author=x&filter.genre=POETRY', ['filter'])).toMatchObject({ value: {}, issues: [{ parameter: 'filter.author' }, { parameter: 'filter.genre' }] });
    expect(bind('filter.genre=POETRY', ['filter.author'])).toEqual({ value: { filter: { genre: 'POETRY' } }, issues: [] });
  });

  it('reports a parameter name that is not valid percent-encoding', () => {
    expect(bind('a%zz=1&page_size=%FF').issues).toEqual([
      { parameter: 'a%zz', message: 'query parameter "a%zz": invalid percent-encoding' },
      { parameter: 'page_size', fieldPath: 'page_size', message: 'invalid value for page_size: invalid UTF-8' },
    ]);
  });
});
