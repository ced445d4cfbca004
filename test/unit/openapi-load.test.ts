import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/openapi/load-document.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/openapi/${name}`, import.meta.url));
const load = (name: string) => loadOpenApiDocument(fixture(name), `openapi/${name}`);

describe('loadOpenApiDocument', () => {
  it('publishes every operation of a 3.0 document under each server base path', () => {
    const { operations, issues } = load('shop-3.0.yaml');
    expect(issues).toEqual([]);
    expect(operations.map((o) => `${o.operationId} ${o.method} ${o.publicTemplate}`)).toEqual([
      'health GET /shop/v1/health',
      'health GET /alt/health',
      'listItems GET /shop/v1/items',
      'listItems GET /alt/items',
      'getItem GET /shop/v1/items/{id}',
      'getItem GET /alt/items/{id}',
      'getFile GET /shop/v1/files/{name}.{ext}',
      'getFile GET /alt/files/{name}.{ext}',
      'createOrder POST /shop/v1/orders',
      'createOrder POST /alt/orders',
      'putCategory PUT /shop/v1/categories/{id}',
      'putCategory PUT /alt/categories/{id}',
    ]);
    const order = operations.find((o) => o.operationId === 'createOrder');
    expect(order).toMatchObject({
      documentTemplate: '/orders',
      documentFile: 'openapi/shop-3.0.yaml',
      requestMediaTypes: ['application/json', 'application/xml'],
      requestBodyRequired: true,
    });
    expect(order?.validator.needsJsonBody).toBe(true);
    const category = operations.find((o) => o.operationId === 'putCategory');
    expect(category?.requestMediaTypes).toEqual(['application/merge-patch+json']);
    expect(category?.requestBodyRequired).toBe(false);
    expect(category?.validator.needsJsonBody).toBe(true);
    expect(operations.find((o) => o.operationId === 'listItems')?.validator.needsJsonBody).toBe(false);
  });

  it('loads a 3.1 document with no servers at / and resolves a $ref to another file', () => {
    const { operations, issues } = load('catalog-3.1.yaml');
    expect(issues).toEqual([]);
    expect(operations.map((o) => `${o.operationId} ${o.method} ${o.publicTemplate}`)).toEqual([
      'getProduct GET /products/{sku}',
      'patchProduct PATCH /products/{sku}',
      'createBundle POST /bundles',
    ]);
  });

  it('reports every problem of a broken document with its pointer', () => {
    const file = 'openapi/broken-3.0.yaml';
    const { operations, issues } = load('broken-3.0.yaml');
    expect(operations).toEqual([]);
    expect(issues).toEqual([
      {
        file,
        pointer: '/paths/~1users/post/requestBody/content/application~1json/schema/$ref',
        message: `$ref "#/components/schemas/Missing" does not resolve: nothing at /components/schemas/Missing in ${file}`,
      },
      {
        file,
        pointer: '/paths/~1orders~1{orderId}/get/parameters/0/schema/$ref',
        message: expect.stringMatching(/^cannot load referenced file .*nowhere\.yaml: cannot read the file \(ENOENT\)/) as unknown as string,
      },
      { file, pointer: '/servers/0/variables/region/default', message: 'server url uses {region}: expected a variable "region" with a string default' },
      { file, pointer: '/paths/~1users/get/operationId', message: 'every operation needs an operationId: the gateway names routes by it' },
      { file, pointer: '/paths/~1users/post/parameters/0/in', message: 'expected one of "path", "query", "header", "cookie"' },
      { file, pointer: '/paths/~1users~1{id}/get/operationId', message: 'operationId "createUser" is already used at /paths/~1users/post: it must be unique' },
      { file, pointer: '/paths/~1users~1{id}/get/parameters/0/name', message: 'path parameter "userId" does not appear in the path template' },
      { file, pointer: '/paths/~1users~1{id}/get/parameters/1/style', message: 'expected one of form, spaceDelimited, pipeDelimited, deepObject for a query parameter' },
      { file, pointer: '/paths/~1users~1{id}/get/parameters', message: 'the path template has {id}: expected a parameter "id" with in: path' },
      { file, pointer: '/paths/~1orders~1{orderId}/get/parameters/0/required', message: 'path parameters must have required: true (OpenAPI §4.8.12.1)' },
      { file, pointer: '/paths/orders', message: 'expected the path to begin with "/"' },
    ]);
  });

  it('rejects other versions at /openapi', () => {
    expect(load('swagger-2.yaml')).toEqual({
      operations: [],
      issues: [{ file: 'openapi/swagger-2.yaml', pointer: '/openapi', message: 'expected an OpenAPI version "3.0.x" or "3.1.x", found a Swagger 2.0 document' }],
    });
  });

  it('returns unreadable and unparsable files as one issue at the root', () => {
    const missing = load('does-not-exist.yaml');
    expect(missing.operations).toEqual([]);
    expect(missing.issues).toHaveLength(1);
    expect(missing.issues[0]).toMatchObject({ file: 'openapi/does-not-exist.yaml', pointer: '' });
    expect(missing.issues[0]?.message).toMatch(/^cannot read the file \(ENOENT\)/);

    const syntax = load('syntax-error.yaml');
    expect(syntax.issues).toEqual([
      { file: 'openapi/syntax-error.yaml', pointer: '', message: expect.stringContaining('at line') as unknown as string },
    ]);
  });
});
