import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/openapi/load-document.js';
import { parseQuery, readPath, readQuery, type StylePlan } from '../../src/openapi/param-styles.js';
import type { RequestInput, RequestValidator } from '../../src/openapi/types.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/openapi/${name}`, import.meta.url));
const shop = loadOpenApiDocument(fixture('shop-3.0.yaml'), 'shop-3.0.yaml');
const catalog = loadOpenApiDocument(fixture('catalog-3.1.yaml'), 'catalog-3.1.yaml');

function validator(doc: typeof shop, operationId: string): RequestValidator {
  const op = doc.operations.find((o) => o.operationId === operationId);
  if (op === undefined) throw new Error(`no operation ${operationId}`);
  return op.validator;
}
function input(parts: Partial<RequestInput>): RequestInput {
  return { path: {}, rawQuery: '', headers: {}, body: undefined, mediaType: undefined, ...parts, hasBody: parts.hasBody ?? parts.body !== undefined };
}
function violations(v: RequestValidator, parts: Partial<RequestInput>): unknown {
  const result = v.validate(input(parts));
  return result.ok ? [] : result.violations;
}

describe('request validation: parameters (3.0)', () => {
  const list = validator(shop, 'listItems');
  const tenant = { 'x-tenant': 'acme' };

  it('reports missing required query and header parameters', () => {
    expect(violations(list, {})).toEqual([
      { location: '/query/status', message: 'is required' },
      { location: '/header/x-tenant', message: 'is required' },
    ]);
  });

  it('coerces and returns every parameter by its style, with defaults', () => {
    const result = list.validate(
      input({
        rawQuery: 'status=active&tag=a&tag=b%20c&ids=1,2,3&sizes=S|M&filter[color]=red&filter[minPrice]=9.5&since=&unknown=1',
        headers: { 'x-tenant': 'acme', 'x-trace-ids': '1, 2' },
      }),
    );
    expect(result).toEqual({
      ok: true,
      params: {
        path: {},
        query: { limit: 20, status: 'active', tag: ['a', 'b c'], ids: [1, 2, 3], sizes: ['S', 'M'], filter: { color: 'red', minPrice: 9.5 }, since: null },
        header: { 'x-tenant': 'acme', 'X-Trace-Ids': [1, 2] },
      },
    });
  });

  it('lists every bad value: integer, enum, exploded and comma arrays, deepObject, header, encoding', () => {
    expect(
      violations(list, {
        rawQuery: 'status=gone&limit=abc&ids=1,x&sizes=S%7CXL&filter[size]=M&tag=%zz&cursor=ab&since=soon',
        headers: { 'x-tenant': 'ACME', 'x-trace-ids': '1,z' },
      }),
    ).toEqual([
      { location: '/query/limit', message: 'must be integer' },
      { location: '/query/status', message: 'must be equal to one of the allowed values: active, archived' },
      { location: '/query/tag', message: 'is not valid percent-encoding' },
      { location: '/query/ids/1', message: 'must be integer' },
      { location: '/query/sizes/1', message: 'must be equal to one of the allowed values: S, M, L' },
      { location: '/query/filter/size', message: 'is not allowed' },
      { location: '/query/cursor', message: 'must NOT have fewer than 4 characters' },
      { location: '/query/since', message: 'must be integer' },
      { location: '/header/x-tenant', message: 'must match pattern "^[a-z]+$"' },
      { location: '/header/x-trace-ids/1', message: 'must be integer' },
    ]);
  });

  it('checks bounds and ignores the Accept header parameter, cookies and unknown query keys', () => {
    expect(violations(list, { rawQuery: 'status=active&limit=0&other=x', headers: tenant })).toEqual([
      { location: '/query/limit', message: 'must be >= 1' },
    ]);
  });

  it('validates path parameters, including mixed segments', () => {
    const get = validator(shop, 'getItem');
    expect(violations(get, { path: { id: '0' }, rawQuery: 'verbose=yes' })).toEqual([
      { location: '/path/id', message: 'must be >= 1' },
      { location: '/query/verbose', message: 'must be boolean' },
    ]);
    expect(violations(get, { path: { id: 'x' } })).toEqual([{ location: '/path/id', message: 'must be integer' }]);
    expect(get.validate(input({ path: { id: '7' }, rawQuery: 'verbose=true' }))).toEqual({
      ok: true,
      params: { path: { id: 7 }, query: { verbose: true }, header: {} },
    });
    expect(violations(validator(shop, 'getFile'), { path: { name: 'a', ext: 'doc' } })).toEqual([
      { location: '/path/ext', message: 'must be equal to one of the allowed values: pdf, txt' },
    ]);
  });

  it('answers parameterless operations with one shared result', () => {
    const health = validator(shop, 'health');
    const first = health.validate(input({ rawQuery: 'x=1' }));
    expect(first).toEqual({ ok: true, params: { path: {}, query: {}, header: {} } });
    expect(health.validate(input({}))).toBe(first);
    expect(health.needsJsonBody).toBe(false);
  });
});

describe('request validation: bodies (3.0)', () => {
  const create = validator(shop, 'createOrder');

  it('requires a required body', () => {
    expect(violations(create, {})).toEqual([{ location: '/body', message: 'request body is required' }]);
  });

  it('locates nested, missing and extra properties', () => {
    const body = { items: [{ qty: 0 }, { sku: 1, qty: 'x' }], extra: 1, total: 0 };
    expect(violations(create, { body, mediaType: 'application/json' })).toEqual([
      { location: '/body/extra', message: 'is not allowed' },
      { location: '/body/total', message: 'must be > 0' },
      { location: '/body/items/0/sku', message: 'is required' },
      { location: '/body/items/0/qty', message: 'must be >= 1' },
      { location: '/body/items/1/sku', message: 'must be string' },
      { location: '/body/items/1/qty', message: 'must be integer' },
    ]);
    expect(violations(create, { body: [], mediaType: 'application/json' })).toEqual([{ location: '/body', message: 'must be object' }]);
  });

  it('accepts nullable (3.0) and does not require readOnly properties', () => {
    expect(violations(create, { body: { items: [{ sku: 'a', qty: 1 }], note: null, total: 1 }, mediaType: 'application/json' })).toEqual([]);
    expect(violations(create, { body: { items: [{ sku: 'a', qty: 1 }], note: 5 }, mediaType: 'application/json' })).toEqual([
      { location: '/body/note', message: 'must be string' },
    ]);
  });

  it('validates recursive schemas at any depth, for +json media types', () => {
    const put = validator(shop, 'putCategory');
    const body = { name: 'a', children: [{ name: 'b', children: [{ children: [] }] }] };
    expect(violations(put, { path: { id: 'x' }, body, mediaType: 'application/merge-patch+json' })).toEqual([
      { location: '/body/children/0/children/0/name', message: 'is required' },
    ]);
    expect(violations(put, { path: { id: 'x' } })).toEqual([]); // optional body
  });
});

describe('request validation: 3.1 documents', () => {
  const get = validator(catalog, 'getProduct');
  const patch = validator(catalog, 'patchProduct');

  it('handles path-item parameters, type arrays with null, form arrays without explode and JSON content params', () => {
    expect(violations(get, { path: { sku: 'ab' }, rawQuery: 'maxPrice=0&fields=a,b&where=%7B%22op%22%3A%22ne%22%7D' })).toEqual([
      { location: '/path/sku', message: 'must match pattern "^[A-Z0-9-]+$"' },
      { location: '/query/maxPrice', message: 'must be > 0' },
      { location: '/query/where/op', message: 'must be equal to constant: eq' },
    ]);
    expect(get.validate(input({ path: { sku: 'AB-1' }, rawQuery: 'maxPrice=&fields=a,b&where=%7B%22op%22%3A%22eq%22%7D' }))).toEqual({
      ok: true,
      params: { path: { sku: 'AB-1' }, query: { maxPrice: null, fields: ['a', 'b'], where: { op: 'eq' } }, header: {} },
    });
    expect(violations(get, { path: { sku: 'A' }, rawQuery: 'maxPrice=2.5&where={bad' })).toEqual([
      { location: '/query/where', message: 'must be valid JSON' },
    ]);
  });

  it('reports type arrays in words and every body violation', () => {
    expect(violations(patch, { path: { sku: 'A' }, body: { description: 5, price: 'x' } })).toEqual([
      { location: '/body/description', message: 'must be string or null' },
      { location: '/body/price', message: 'must be number or null' },
    ]);
    expect(violations(patch, { path: { sku: 'A' }, body: { description: null, price: null, name: '', tags: ['a', 'b', 'c', 'd'], x: 1 } })).toEqual([
      { location: '/body/x', message: 'is not allowed' },
      { location: '/body/name', message: 'must NOT have fewer than 1 characters' },
      { location: '/body/tags', message: 'must NOT have more than 3 items' },
    ]);
  });

  it('validates recursive schemas from another file', () => {
    const bundle = validator(catalog, 'createBundle');
    expect(violations(bundle, { body: { name: 'b', parts: [{ sku: 'a', parts: [{ parts: [] }] }] } })).toEqual([
      { location: '/body/parts/0/parts/0/sku', message: 'is required' },
    ]);
  });
});

describe('parameter styles', () => {
  const plan = (p: Partial<StylePlan>): StylePlan => ({ name: 'id', style: 'simple', explode: false, shape: 'primitive', propertyNames: [], ...p });

  it('reads label and matrix path styles', () => {
    expect(readPath(plan({ style: 'label', shape: 'array', explode: true }), '.3.4.5')).toEqual(['3', '4', '5']);
    expect(readPath(plan({ style: 'label', shape: 'array' }), '.3,4,5')).toEqual(['3', '4', '5']);
    expect(readPath(plan({ style: 'matrix' }), ';id=5')).toBe('5');
    expect(readPath(plan({ style: 'matrix', shape: 'array' }), ';id=3,4')).toEqual(['3', '4']);
    expect(readPath(plan({ style: 'matrix', shape: 'array', explode: true }), ';id=3;id=4')).toEqual(['3', '4']);
    expect(readPath(plan({ shape: 'object', explode: true }), 'R=100,G=200')).toEqual({ R: '100', G: '200' });
    expect(readPath(plan({ shape: 'object' }), 'R,100,G,200')).toEqual({ R: '100', G: '200' });
  });

  it('reads form objects and space-delimited arrays from the query', () => {
    const query = parseQuery('R=100&G=200&color=blue%20black&id=role,admin');
    expect(readQuery(plan({ name: 'color', style: 'form', explode: true, shape: 'object', propertyNames: ['R', 'G', 'B'] }), query)).toEqual({ R: '100', G: '200' });
    expect(readQuery(plan({ name: 'color', style: 'spaceDelimited', shape: 'array' }), query)).toEqual(['blue', 'black']);
    expect(readQuery(plan({ name: 'id', style: 'form', shape: 'object' }), query)).toEqual({ role: 'admin' });
  });
});
