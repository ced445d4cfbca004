import { describe, expect, it } from 'vitest';
import { createRouter, RouteConflictError } from '../../src/routing/router.js';
import type { HttpMethod, RouteEntry } from '../../src/routing/types.js';

function r(method: HttpMethod, template: string, value = `${method} ${template}`): RouteEntry<string> {
  return { method, template, value };
}

describe('createRouter', () => {
  const router = createRouter([
    r('GET', '/'),
    r('GET', '/users'),
    r('POST', '/users'),
    r('GET', '/users/me'),
    r('GET', '/users/{id}'),
    r('DELETE', '/users/{id}'),
    r('GET', '/users/{id}/orders/{orderId}'),
    r('GET', '/files/{name}.{ext}'),
    r('GET', '/files/{name}'),
    r('GET', '/archives/{name}.tar.gz'),
    r('GET', '/archives/{name}.{ext}'),
    r('GET', '/api/v{major}/status'),
    r('GET', '/a/b/c'),
    r('GET', '/a/{x}/d'),
    r('PUT', '/docs/{id}'),
    r('GET', '/docs/latest'),
  ]);

  it('matches static routes and the root', () => {
    expect(router.find('GET', '/users')).toEqual({ kind: 'match', value: 'GET /users', params: {} });
    expect(router.find('POST', '/users')).toMatchObject({ value: 'POST /users' });
    expect(router.find('GET', '/')).toMatchObject({ value: 'GET /' });
    expect(router.find('GET', '')).toMatchObject({ value: 'GET /' });
    expect(router.size).toBe(16);
  });

  it('prefers static over param and captures params', () => {
    expect(router.find('GET', '/users/me')).toMatchObject({ value: 'GET /users/me', params: {} });
    expect(router.find('GET', '/users/42')).toEqual({ kind: 'match', value: 'GET /users/{id}', params: { id: '42' } });
    expect(router.find('GET', '/users/7/orders/x-1')).toEqual({
      kind: 'match',
      value: 'GET /users/{id}/orders/{orderId}',
      params: { id: '7', orderId: 'x-1' },
    });
  });

  it('matches mixed segments before a plain param, greedy from the left', () => {
    expect(router.find('GET', '/files/report.pdf')).toEqual({
      kind: 'match',
      value: 'GET /files/{name}.{ext}',
      params: { name: 'report', ext: 'pdf' },
    });
    expect(router.find('GET', '/files/a.b.c')).toMatchObject({ params: { name: 'a.b', ext: 'c' } });
    expect(router.find('GET', '/files/readme')).toMatchObject({ value: 'GET /files/{name}', params: { name: 'readme' } });
    expect(router.find('GET', '/archives/x.tar.gz')).toMatchObject({ value: 'GET /archives/{name}.tar.gz', params: { name: 'x' } });
    expect(router.find('GET', '/archives/x.zip')).toMatchObject({ value: 'GET /archives/{name}.{ext}' });
    expect(router.find('GET', '/api/v2/status')).toMatchObject({ params: { major: '2' } });
    expect(router.find('GET', '/api/x2/status')).toEqual({ kind: 'not-found' });
  });

  it('percent-decodes params, keeps %2F inside one param, rejects invalid escapes', () => {
    expect(router.find('GET', '/users/a%2Fb')).toMatchObject({ params: { id: 'a/b' } });
    expect(router.find('GET', '/users/J%C3%BCrgen%20K')).toMatchObject({ params: { id: 'Jürgen K' } });
    expect(router.find('GET', '/files/my%20file.txt')).toMatchObject({ params: { name: 'my file', ext: 'txt' } });
    expect(router.find('GET', '/users/%E0%A4%A')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/users/%zz')).toEqual({ kind: 'not-found' });
    // static segments are compared raw: an encoded "me" is a parameter value, not the static route
    expect(router.find('GET', '/users/%6De')).toMatchObject({ value: 'GET /users/{id}', params: { id: 'me' } });
  });

  it('treats a trailing slash as significant and never matches a param on an empty segment', () => {
    expect(router.find('GET', '/users/')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/users//orders/1')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', 'users')).toEqual({ kind: 'not-found' });
    expect(router.find('GET', '/nope')).toEqual({ kind: 'not-found' });
  });

  it('serves HEAD from GET and answers 405 with the Allow value', () => {
    expect(router.find('HEAD', '/users/1')).toMatchObject({ kind: 'match', value: 'GET /users/{id}' });
    expect(router.find('PATCH', '/users')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS, POST' });
    expect(router.find('POST', '/users/1')).toEqual({ kind: 'method-not-allowed', allow: 'DELETE, GET, HEAD, OPTIONS' });
    expect(router.find('HEAD', '/docs/1')).toEqual({ kind: 'method-not-allowed', allow: 'OPTIONS, PUT' });
    expect(router.find('BREW', '/users')).toMatchObject({ kind: 'method-not-allowed' });
    expect(router.allowFor('/users')).toBe('GET, HEAD, OPTIONS, POST');
    expect(router.allowFor('/nope')).toBeUndefined();
    expect(router.allowFor('/users/')).toBeUndefined();
  });

  it('falls back to a param route that has the method, and unions Allow over matching routes', () => {
    // /docs/latest is static (GET only); PUT /docs/latest is served by /docs/{id}
    expect(router.find('PUT', '/docs/latest')).toMatchObject({ value: 'PUT /docs/{id}', params: { id: 'latest' } });
    expect(router.find('DELETE', '/docs/latest')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS, PUT' });
    expect(router.allowFor('/docs/latest')).toBe('GET, HEAD, OPTIONS, PUT');
  });

  it('backtracks when a static branch dead-ends', () => {
    expect(router.find('GET', '/a/b/c')).toMatchObject({ value: 'GET /a/b/c' });
    expect(router.find('GET', '/a/b/d')).toEqual({ kind: 'match', value: 'GET /a/{x}/d', params: { x: 'b' } });
    expect(router.find('GET', '/a/b/e')).toEqual({ kind: 'not-found' });
  });

  it('throws RouteConflictError for the same method and shape', () => {
    let error: unknown;
    try {
      createRouter([r('GET', '/a/{x}'), r('GET', '/a/{y}')]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RouteConflictError);
    const conflict = error as RouteConflictError;
    expect(conflict.message).toContain('/a/{x}');
    expect(conflict.message).toContain('/a/{y}');
    expect([conflict.method, conflict.first, conflict.second]).toEqual(['GET', '/a/{x}', '/a/{y}']);
    expect([conflict.firstValue, conflict.secondValue]).toEqual(['GET /a/{x}', 'GET /a/{y}']);
    expect(() => createRouter([r('GET', '/f/{a}.{b}'), r('GET', '/f/{c}.{d}')])).toThrow(RouteConflictError);
    expect(() => createRouter([r('GET', '/a/{x}'), r('POST', '/a/{y}'), r('GET', '/a/{x}.json')])).not.toThrow();
  });

  it('rejects malformed templates', () => {
    expect(() => createRouter([r('GET', 'users')])).toThrow(/must start with/);
    expect(() => createRouter([r('GET', '/a/{x')])).toThrow(/unclosed/);
    expect(() => createRouter([r('GET', '/a/{}')])).toThrow(/empty parameter/);
    expect(() => createRouter([r('GET', '/a/{x}/{x}')])).toThrow(/twice/);
    expect(() => createRouter([r('GET', '/a/{x}{y}')])).toThrow(/adjacent/);
  });

  it('stays correct with 5,000 routes', () => {
    const entries: RouteEntry<string>[] = [];
    for (let i = 0; i < 1000; i++) {
      entries.push(r('GET', `/api/v1/resource${i}`));
      entries.push(r('GET', `/api/v1/resource${i}/{id}`));
      entries.push(r('PUT', `/api/v1/resource${i}/{id}`));
      entries.push(r('GET', `/api/v1/resource${i}/{id}/sub${i % 7}`));
      entries.push(r('GET', `/api/v1/resource${i}/{id}/sub${i % 7}/{subId}`));
    }
    const big = createRouter(entries);
    expect(big.size).toBe(5000);
    expect(big.find('GET', '/api/v1/resource0')).toMatchObject({ value: 'GET /api/v1/resource0' });
    expect(big.find('GET', '/api/v1/resource999/x/sub5/y')).toEqual({
      kind: 'match',
      value: 'GET /api/v1/resource999/{id}/sub5/{subId}',
      params: { id: 'x', subId: 'y' },
    });
    expect(big.find('PUT', '/api/v1/resource500/9')).toMatchObject({ value: 'PUT /api/v1/resource500/{id}', params: { id: '9' } });
    expect(big.find('GET', '/api/v1/resource999/x/sub6')).toEqual({ kind: 'not-found' });
    expect(big.find('DELETE', '/api/v1/resource3/1')).toEqual({ kind: 'method-not-allowed', allow: 'GET, HEAD, OPTIONS, PUT' });
  });
});
