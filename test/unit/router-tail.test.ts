import { describe, expect, it } from 'vitest';
import { isRoutableMethod, unroutableMethodReason } from '../../src/routing/methods.js';
import { createRouter, RouteConflictError } from '../../src/routing/router.js';
import { parseTemplate, templateParamNames } from '../../src/routing/template.js';
import type { HttpMethod, RouteEntry } from '../../src/routing/types.js';

function r(method: HttpMethod, template: string, value = `${method} ${template}`): RouteEntry<string> {
  return { method, template, value };
}

/** Every order of `items` (for precedence that must not depend on declaration order). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('parseTemplate: {name=**} tails', () => {
  it('parses a tail, with and without a literal suffix', () => {
    expect(parseTemplate('/v1/files/{rest=**}')).toEqual([
      { kind: 'static', text: 'v1' },
      { kind: 'static', text: 'files' },
      { kind: 'tail', name: 'rest', suffix: '' },
    ]);
    expect(parseTemplate('/v1/{name=**}:undelete').at(-1)).toEqual({ kind: 'tail', name: 'name', suffix: ':undelete' });
    expect(parseTemplate('/{all=**}')).toEqual([{ kind: 'tail', name: 'all', suffix: '' }]);
  });

  it.each([
    ['/v1/{a=**}/x', 'route template "/v1/{a=**}/x": {a=**} must be in the last segment'],
    ['/v1/x{a=**}', 'route template "/v1/x{a=**}": {a=**} must start its segment, not follow "x"'],
    ['/v1/{a=**}.{b}', 'route template "/v1/{a=**}.{b}": only literal text may follow {a=**}, not ".{b}"'],
    ['/v1/{=**}', 'route template "/v1/{=**}" has an empty parameter name'],
    ['/v1/{a}/{a=**}', 'route template "/v1/{a}/{a=**}" uses parameter "a" twice'],
  ])('rejects %s', (template, message) => {
    expect(() => parseTemplate(template)).toThrow(message);
  });

  it('is refused in OpenAPI path templates, whose parameters are one segment', () => {
    expect(() => templateParamNames('/files/{path=**}')).toThrow(
      'route template "/files/{path=**}": {path=**} matches several segments, which an OpenAPI path parameter cannot',
    );
    expect(templateParamNames('/files/{dir}/{name}.{ext}')).toEqual(['dir', 'name', 'ext']);
  });
});

describe('createRouter: tails', () => {
  const router = createRouter([
    r('GET', '/v1/files/{rest=**}'),
    r('GET', '/v1/files/{id}'),
    r('GET', '/v1/files/{id}/meta'),
    r('GET', '/v1/files/readme'),
    r('POST', '/v1/{name=**}:undelete'),
    r('GET', '/v1/{name=**}'),
    r('GET', '/v1/blobs/{b=**}:download'),
    r('DELETE', '/v1/blobs/{b=**}'),
    r('GET', '/v1/items:batchGet'),
  ]);

  it('matches zero, one and several segments', () => {
    expect(router.find('GET', '/v1/files/a/b/c.txt')).toEqual({ kind: 'match', value: 'GET /v1/files/{rest=**}', params: { rest: 'a/b/c.txt' } });
    expect(router.find('GET', '/v1/files')).toEqual({ kind: 'match', value: 'GET /v1/files/{rest=**}', params: { rest: '' } });
    expect(router.find('GET', '/v1')).toEqual({ kind: 'match', value: 'GET /v1/{name=**}', params: { name: '' } });
    expect(router.find('GET', '/v1/x')).toEqual({ kind: 'match', value: 'GET /v1/{name=**}', params: { name: 'x' } });
  });

  it('ranks a literal over a single-segment parameter over a tail, and backtracks into the tail', () => {
    expect(router.find('GET', '/v1/files/readme')).toMatchObject({ value: 'GET /v1/files/readme', params: {} });
    expect(router.find('GET', '/v1/files/a')).toEqual({ kind: 'match', value: 'GET /v1/files/{id}', params: { id: 'a' } });
    expect(router.find('GET', '/v1/files/a/meta')).toEqual({ kind: 'match', value: 'GET /v1/files/{id}/meta', params: { id: 'a' } });
    // The deeper branch dead-ends: the tail one level up takes the path.
    expect(router.find('GET', '/v1/files/a/other')).toEqual({ kind: 'match', value: 'GET /v1/files/{rest=**}', params: { rest: 'a/other' } });
    expect(router.find('GET', '/v1/files/readme/x')).toMatchObject({ value: 'GET /v1/files/{rest=**}', params: { rest: 'readme/x' } });
    // No route under /v1/docs: the tail at /v1 takes everything.
    expect(router.find('GET', '/v1/docs/a/b')).toEqual({ kind: 'match', value: 'GET /v1/{name=**}', params: { name: 'docs/a/b' } });
  });

  it('keeps precedence whatever the declaration order', () => {
    const routes = [r('GET', '/p/{rest=**}'), r('GET', '/p/{id}'), r('GET', '/p/fixed'), r('GET', '/p/{id}/{sub=**}'), r('GET', '/{all=**}')];
    for (const order of permutations(routes)) {
      const shuffled = createRouter(order);
      expect(shuffled.find('GET', '/p/fixed')).toMatchObject({ value: 'GET /p/fixed' });
      expect(shuffled.find('GET', '/p/x')).toMatchObject({ value: 'GET /p/{id}', params: { id: 'x' } });
      expect(shuffled.find('GET', '/p/x/y/z')).toMatchObject({ value: 'GET /p/{id}/{sub=**}', params: { id: 'x', sub: 'y/z' } });
      expect(shuffled.find('GET', '/p')).toMatchObject({ value: 'GET /p/{rest=**}', params: { rest: '' } });
      expect(shuffled.find('GET', '/q/r')).toMatchObject({ value: 'GET /{all=**}', params: { all: 'q/r' } });
      expect(shuffled.find('GET', '/')).toEqual({ kind: 'match', value: 'GET /{all=**}', params: { all: '' } });
    }
  });

  it('matches a suffix (a custom verb) only at the end of the last segment, longest suffix first', () => {
    expect(router.find('POST', '/v1/a/b:undelete')).toEqual({ kind: 'match', value: 'POST /v1/{name=**}:undelete', params: { name: 'a/b' } });
    expect(router.find('POST', '/v1/a:undelete')).toMatchObject({ params: { name: 'a' } });
    // Not a verb: the colon is inside a segment, or the verb is another one.
    expect(router.find('GET', '/v1/a:undelete/b')).toMatchObject({ value: 'GET /v1/{name=**}', params: { name: 'a:undelete/b' } });
    expect(router.find('GET', '/v1/a/b:other')).toMatchObject({ value: 'GET /v1/{name=**}', params: { name: 'a/b:other' } });
    // GET exists only on the plain tail, which matches too: the verb is then part of the name.
    expect(router.find('GET', '/v1/a:undelete')).toMatchObject({ value: 'GET /v1/{name=**}', params: { name: 'a:undelete' } });
    // The suffix ends a segment: no empty name before it, no empty last segment.
    expect(router.find('POST', '/v1:undelete')).toEqual({ kind: 'not-found' });
    // ... but ":undelete" alone is a one-segment name for the plain tail, which has GET only.
    expect(router.find('POST', '/v1/:undelete')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS' });
    expect(router.find('GET', '/v1/:undelete')).toMatchObject({ value: 'GET /v1/{name=**}', params: { name: ':undelete' } });
    expect(router.find('GET', '/v1/blobs/x/y:download')).toEqual({ kind: 'match', value: 'GET /v1/blobs/{b=**}:download', params: { b: 'x/y' } });
    // A static segment with a colon stays static.
    expect(router.find('GET', '/v1/items:batchGet')).toMatchObject({ value: 'GET /v1/items:batchGet', params: {} });
  });

  it('with the same method on both, the verb tail takes paths ending in its verb, whatever the order', () => {
    for (const order of permutations([r('POST', '/v2/{name=**}'), r('POST', '/v2/{name=**}:undelete')])) {
      const both = createRouter(order);
      expect(both.find('POST', '/v2/a/b:undelete')).toMatchObject({ value: 'POST /v2/{name=**}:undelete', params: { name: 'a/b' } });
      expect(both.find('POST', '/v2/a/b')).toMatchObject({ value: 'POST /v2/{name=**}', params: { name: 'a/b' } });
      expect(both.find('POST', '/v2/a/b:undeleted')).toMatchObject({ value: 'POST /v2/{name=**}', params: { name: 'a/b:undeleted' } });
      expect(both.find('POST', '/v2:undelete')).toEqual({ kind: 'not-found' });
    }
  });

  it('never matches empty segments: trailing slashes and "//" are not-found', () => {
    expect(router.find('GET', '/v1/files/')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/v1/files/a/')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/v1/files/a//b')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/v1/')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '//v1/x')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/')).toEqual({ kind: 'not-found' });
  });

  it('decodes a tail keeping %2F and %2f, so "/" is always a separator', () => {
    expect(router.find('GET', '/v1/files/a%2Fb/c%20d/%C3%A9%3F%2f')).toEqual({
      kind: 'match',
      value: 'GET /v1/files/{rest=**}',
      params: { rest: 'a%2Fb/c d/é?%2f' },
    });
    // A single-segment parameter decodes %2F: it stays one segment, one value.
    expect(router.find('GET', '/v1/files/a%2Fb')).toEqual({ kind: 'match', value: 'GET /v1/files/{id}', params: { id: 'a/b' } });
    expect(router.find('GET', '/v1/files/a/%zz')).toEqual({ kind: 'not-found' });
  });

  it('unions Allow over tails, including a zero-segment tail, and answers 405', () => {
    expect(router.find('PUT', '/v1/blobs/x')).toEqual({ kind: 'method-not-allowed', allow: 'DELETE, GET, HEAD, OPTIONS' });
    expect(router.allowFor('/v1/blobs/x/y:download')).toBe('DELETE, GET, HEAD, OPTIONS');
    expect(router.allowFor('/v1/a:undelete')).toBe('GET, HEAD, OPTIONS, POST');
    expect(router.allowFor('/v1/files')).toBe('GET, HEAD, OPTIONS');
    expect(router.find('DELETE', '/v1/blobs/x/y')).toMatchObject({ value: 'DELETE /v1/blobs/{b=**}', params: { b: 'x/y' } });
    expect(router.find('HEAD', '/v1/files/a/b')).toMatchObject({ value: 'GET /v1/files/{rest=**}' });
    expect(router.allowFor('/v1/files/a/')).toBeUndefined();
  });

  it('a tail with the method wins over a more specific path without it', () => {
    const mixed = createRouter([r('POST', '/m/{id}'), r('GET', '/m/{rest=**}'), r('PUT', '/m')]);
    expect(mixed.find('GET', '/m/1')).toEqual({ kind: 'match', value: 'GET /m/{rest=**}', params: { rest: '1' } });
    expect(mixed.find('GET', '/m')).toEqual({ kind: 'match', value: 'GET /m/{rest=**}', params: { rest: '' } });
    expect(mixed.find('DELETE', '/m')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS, PUT' });
    expect(mixed.find('DELETE', '/m/1')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS, POST' });
  });

  it('throws RouteConflictError for two tails of the same shape and method, not for different suffixes', () => {
    expect(() => createRouter([r('GET', '/a/{x=**}'), r('GET', '/a/{y=**}')])).toThrow(RouteConflictError);
    expect(() => createRouter([r('GET', '/a/{x=**}:v'), r('GET', '/a/{y=**}:v')])).toThrow(RouteConflictError);
    expect(() => createRouter([r('GET', '/a/{x=**}'), r('GET', '/a/{y=**}:v'), r('POST', '/a/{z=**}'), r('GET', '/a/{w}/{v=**}')])).not.toThrow();
  });
});

describe('routable methods', () => {
  it('accepts what node:http parses, case-sensitively, except CONNECT', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'LINK', 'UNLINK', 'PURGE', 'PROPFIND', 'M-SEARCH']) expect(isRoutableMethod(method)).toBe(true);
    for (const method of ['link', 'BREW', '*', '', 'CONNECT']) expect(isRoutableMethod(method)).toBe(false);
  });

  it('says why a method cannot be a route', () => {
    expect(unroutableMethodReason('LINK')).toBeUndefined();
    expect(unroutableMethodReason('link')).toBe('method "link" is not "LINK": methods are case-sensitive (RFC 9110 §9.1); did you mean "LINK"?');
    expect(unroutableMethodReason('CONNECT')).toBe('CONNECT cannot be a route: its request target is host:port, not a path (RFC 9110 §9.3.6)');
    expect(unroutableMethodReason('BREW')).toMatch(/^method "BREW" cannot reach the gateway: node:http parses only GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE, ACL, /);
  });

  it('routes an extension method like any other', () => {
    const router = createRouter([r('LINK', '/v1/{name=**}'), r('GET', '/v1/{id}')]);
    expect(router.find('LINK', '/v1/a/b')).toEqual({ kind: 'match', value: 'LINK /v1/{name=**}', params: { name: 'a/b' } });
    expect(router.find('UNLINK', '/v1/a')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, LINK, OPTIONS' });
  });
});
