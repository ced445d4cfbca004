import { describe, expect, it } from 'vitest';
import { matchPathTemplate } from '../../src/grpc/http-rules/match-path-template.js';
import { parsePathTemplate } from '../../src/grpc/http-rules/path-template.js';

const match = (template: string, path: string, fullyDecodeReservedExpansion = false) =>
  matchPathTemplate(parsePathTemplate(template), path, { fullyDecodeReservedExpansion });

describe('matchPathTemplate with "**"', () => {
  it('{name=files/**} binds the literal prefix and every segment, zero segments included', () => {
    expect(match('/v1/{name=files/**}', '/v1/files/a/b/c.txt')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'files/a/b/c.txt' }] });
    expect(match('/v1/{name=files/**}', '/v1/files/a')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'files/a' }] });
    expect(match('/v1/{name=files/**}', '/v1/files')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'files' }] });
    expect(match('/v1/{name=files/**}', '/v1/docs/a')).toEqual({ matched: false });
  });

  it('{path=**} at the root matches "/" as zero segments', () => {
    expect(match('/{path=**}', '/')).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: '' }] });
    expect(match('/{path=**}', '/a/b')).toEqual({ matched: true, bindings: [{ fieldPath: 'path', value: 'a/b' }] });
  });

  it('a single-segment variable before "**" is decoded fully; the "**" variable keeps reserved escapes', () => {
    expect(match('/v1/{id}/{rest=**}', '/v1/a%2Fb/c%2Fd/%C3%A9%40')).toEqual({
      matched: true,
      bindings: [{ fieldPath: 'id', value: 'a/b' }, { fieldPath: 'rest', value: 'c%2Fd/é%40' }],
    });
    expect(match('/v1/{id}/{rest=**}', '/v1/a%2Fb/c%2Fd/%C3%A9%40', true)).toEqual({
      matched: true,
      bindings: [{ fieldPath: 'id', value: 'a/b' }, { fieldPath: 'rest', value: 'c%2Fd/é@' }],
    });
  });

  it('"**" outside a variable routes without binding anything', () => {
    expect(match('/v1/blobs/**:download', '/v1/blobs/x/y:download')).toEqual({ matched: true, bindings: [] });
    expect(match('/v1/blobs/**:download', '/v1/blobs/x/y')).toEqual({ matched: false });
  });

  it('a verb after "**" ends the last segment: at least one segment, and only at the very end', () => {
    const undelete = '/v1/{name=**}:undelete';
    expect(match(undelete, '/v1/a/b:undelete')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'a/b' }] });
    expect(match(undelete, '/v1:undelete')).toEqual({ matched: false });
    expect(match(undelete, '/v1/:undelete')).toEqual({ matched: false });
    expect(match(undelete, '/v1/a:undelete/b')).toEqual({ matched: false });
    expect(match(undelete, '/v1/a/b')).toEqual({ matched: false });
    // Without a verb in the template, a colon is text of the value (it is reserved, but was not escaped).
    expect(match('/v1/{name=**}', '/v1/a/b:undelete')).toEqual({ matched: true, bindings: [{ fieldPath: 'name', value: 'a/b:undelete' }] });
    // An escaped colon is not a verb separator.
    expect(match(undelete, '/v1/a/b%3Aundelete')).toEqual({ matched: false });
  });

  it('rejects empty segments anywhere in the "**" part, a trailing slash included', () => {
    for (const path of ['/v1/files/', '/v1/files/a/', '/v1/files/a//b', '/v1/files//a']) {
      expect([path, match('/v1/{name=files/**}', path)]).toEqual([path, { matched: false }]);
    }
  });

  it('reports invalid escapes in the "**" variable with its field path', () => {
    expect(match('/v1/{name=files/**}', '/v1/files/a/%E2%82')).toEqual({ matched: false, fieldPath: 'name', error: 'invalid UTF-8 in path variable "name"' });
    expect(match('/v1/{name=files/**}', '/v1/files/a/%G0')).toEqual({ matched: false, fieldPath: 'name', error: 'invalid percent-encoding in path variable "name"' });
  });
});
