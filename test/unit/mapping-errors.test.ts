import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingIssues } from '../helpers/mapping-issues.js';

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-mappings-'));

/** Builds the demo gateway with one mapping file written from `lines`; returns every config issue, formatted. */
const issuesOf = mappingIssues(dir, {
  openapi: [
    { file: 'openapi/users.yaml', upstream: 'users' },
    { file: 'openapi/inventory.yaml', upstream: 'inventory' },
    { file: 'openapi/shop.yaml' },
  ],
  upstreams: {
    users: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
    inventory: { protocol: 'http2', targets: ['http://127.0.0.1:1'] },
    carts: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
  },
});

const cartStep = ['  cart:', '    upstream: carts', '    http: { method: GET, path: "/carts/{id}" }', '    path: { id: "=headers[\'x-user-id\']" }'];
const okResponse = ['response:', '  body:', '    items: []', '    totalCents: 0'];

describe('a wrong mapping is a config error naming the file, the line and the expression', () => {
  it('accepts a correct mapping', async () => {
    expect(await issuesOf(['operationId: getCart', 'steps:', ...cartStep, ...okResponse])).toEqual([]);
  });

  const table: [string, string[], string[], Record<string, unknown>?][] = [
    [
      'unknown operationId, with a suggestion',
      ['operationId: getCrat', 'steps:', ...cartStep, ...okResponse],
      ['m.yaml:1 /operationId: no operation "getCrat" in the OpenAPI documents; did you mean "getCart"?'],
    ],
    [
      'a typo in a request reference',
      ['operationId: createUser', 'steps:', '  create:', '    upstream: users', '    http: { method: POST, path: /users }', '    body: { fullName: "=body.nmae" }', 'response:', '  body: { ok: true }'],
      [
        'm.yaml:6 /fullName: `body.nmae` is not in the request schema of createUser; did you mean `body.name`? (in `body.nmae`)',
        // The mapping is for another operation, so getCart (whose document names no upstream) has nothing to run it.
        'gateway.yaml /routes/getCart: operation getCart (GET /api/cart) has no upstream and no mapping: set openapi/2/upstream or routes.getCart.upstream, or add a mapping file',
      ],
    ],
    [
      'a reference to a step that does not exist',
      ['operationId: getCart', 'steps:', ...cartStep, ...okResponse.slice(0, 3), '    totalCents: "=steps.crat.total"'],
      ['m.yaml:10 /totalCents: `steps.crat` is not an earlier step; did you mean `steps.cart`? (in `steps.crat.total`)'],
    ],
    [
      'a cycle between steps',
      [
        'operationId: getCart',
        'steps:',
        '  a:',
        '    upstream: carts',
        '    http: { method: POST, path: /a }',
        '    body: { x: "=steps.b.x" }',
        '  b:',
        '    upstream: carts',
        '    http: { method: POST, path: /b }',
        '    body: { x: "=steps.a.x" }',
        ...okResponse,
      ],
      ['m.yaml:3 /steps/a: steps form a cycle: a → b → a'],
    ],
    [
      'literal text that looks like a reference ("==steps.b.x" is the text "=steps.b.x") reads no step: no cycle',
      [
        'operationId: getCart',
        'steps:',
        '  a:',
        '    upstream: carts',
        '    http: { method: POST, path: /a }',
        '    body: { x: "==steps.b.x" }',
        '  b:',
        '    upstream: carts',
        '    http: { method: POST, path: /b }',
        '    body: { x: "=steps.a.x" }',
        ...okResponse,
      ],
      [],
    ],
    [
      'an unknown upstream and a path placeholder without a value',
      ['operationId: getCart', 'steps:', '  cart:', '    upstream: cart', '    http: { method: GET, path: "/carts/{id}" }', ...okResponse],
      ['m.yaml:4 /steps/cart/upstream: upstream "cart" is not defined in gateway.yaml; expected one of: users, inventory, carts'],
    ],
    [
      'a path placeholder without a value',
      ['operationId: getCart', 'steps:', '  cart:', '    upstream: carts', '    http: { method: GET, path: "/carts/{id}" }', ...okResponse],
      ['m.yaml:5 /steps/cart/path: {id} in http.path has no value: add path.id'],
    ],
    [
      'a response field the contract does not have',
      ['operationId: getCart', 'steps:', ...cartStep, ...okResponse, '    totl: 1'],
      ['m.yaml:11 /totl: `totl` is not a field of the 200 response schema of getCart; it has: userId, updatedAt, items, itemCount, totalCents, recommendations, partial (in `1`)'],
    ],
    [
      'a string where the contract wants a number',
      ['operationId: getCart', 'steps:', ...cartStep, ...okResponse.slice(0, 3), '    totalCents: "=headers[\'x-user-id\']"'],
      ['m.yaml:10 /totalCents: `totalCents` of the 200 response schema of getCart expects number, got string; wrap it in toNumber(…) (in `headers[\'x-user-id\']`)'],
    ],
    [
      'an unknown field in the mapping file itself',
      ['operationId: getCart', 'steps:', ...cartStep, '    retries: 3', ...okResponse],
      ['m.yaml:7 /steps/cart/retries: unknown field "retries"'],
    ],
    [
      'a profile that is not defined',
      ['operationId: getCart', 'profile: tablet', 'steps:', ...cartStep, ...okResponse],
      ['m.yaml:2 /profile: profile "tablet" is not defined in gateway.yaml; expected one of: (none defined)'],
    ],
  ];

  it.each(table)('%s', async (_name, lines, expected, extra) => {
    expect(await issuesOf(lines, extra)).toEqual(expected);
  });
});
