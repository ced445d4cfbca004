import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/openapi/load-document.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { ADA, startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';
import { grpcUpstream } from '../helpers/start-gateway.js';

let env: DirectoryGateway;
let base: string;
let h2c: string;

beforeAll(async () => {
  env = await startDirectoryGateway((directory) => ({
    openapi: [{ file: 'openapi/users.yaml', upstream: 'users' }],
    upstreams: {
      users: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
      directory: grpcUpstream(directory.url, 2000),
    },
  }));
  ({ http1: base, h2c } = env);
});

afterAll(async () => {
  await env.close();
});

describe('REST → gRPC, published from google.api.http annotations', () => {
  it('GET with a path variable: proto3 JSON out (lowerCamelCase, int64 as a string, enum name, Timestamp)', async () => {
    const res = await request1(`${base}/v1/people/42`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(json(res)).toEqual(ADA);
  });

  it('over an HTTP/2 client too', async () => {
    expect(json(await request2(h2c, '/v1/people/42'))).toEqual(ADA);
  });

  it('POST with body: "person"', async () => {
    const res = await request1(`${base}/v1/people`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Grace Hopper', email: 'grace@example.com', level: 'PRINCIPAL' }),
    });
    expect(res.status).toBe(200);
    expect(json(res)).toMatchObject({ id: '51', displayName: 'Grace Hopper', level: 'PRINCIPAL' });
  });

  it('a custom verb with body "*", and its additional binding', async () => {
    const promote = await request1(`${base}/v1/people/7:promote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'PRINCIPAL' }),
    });
    expect(promote.status).toBe(200);
    expect(json(promote)).toMatchObject({ id: '7', level: 'PRINCIPAL' });
    const patch = await request1(`${base}/v1/people/7/level`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 2 }),
    });
    expect(json(patch)).toMatchObject({ id: '7', level: 'SENIOR' });
  });

  it('unbound fields come from the query (enum by name)', async () => {
    const res = await request1(`${base}/v1/people?team=ops&pageSize=2&min_level=SENIOR`);
    expect(res.status).toBe(200);
    const body = json(res) as { people: { level: string; teams: string[] }[] };
    expect(body.people.length).toBeLessThanOrEqual(2);
    for (const person of body.people) expect(person.teams).toContain('ops');
  });

  it('bad input is a 400 naming the field', async () => {
    const unknownParameter = await request1(`${base}/v1/people?colour=red`);
    expect(unknownParameter.status).toBe(400);
    expect(json(unknownParameter).errors).toEqual([{ location: '/query/colour', message: expect.stringContaining('colour') }]);
    const badEnum = await request1(`${base}/v1/people/7:promote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'EMPEROR' }),
    });
    expect(badEnum.status).toBe(400);
    expect(json(badEnum).errors).toEqual([{ location: '/request/level', message: expect.stringContaining('EMPEROR') }]);
  });
});

describe('a multi-segment path variable (a resource name)', () => {
  it('{name=teams/*/members/*} binds the whole name', async () => {
    const res = await request1(`${base}/v1/teams/ops/members/42`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual(ADA);
  });

  it('a name the service does not know is its NOT_FOUND', async () => {
    const res = await request1(`${base}/v1/teams/design/members/42`);
    expect(res.status).toBe(404);
    expect(json(res).grpcMessage).toBe('teams/design/members/42 not found');
  });
});

describe('gRPC status → HTTP problem', () => {
  it('NOT_FOUND → 404 with the code name and message', async () => {
    const res = await request1(`${base}/v1/people/77`, { headers: { 'x-request-id': 'g-404' } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:upstream-grpc-status',
      title: 'Upstream gRPC error',
      status: 404,
      detail: 'upstream "directory" answered NOT_FOUND: person "77" not found',
      instance: 'g-404',
      grpcCode: 'NOT_FOUND',
      grpcMessage: 'person "77" not found',
    });
  });

  it('INVALID_ARGUMENT → 400 with google.rpc.BadRequest details in JSON', async () => {
    const res = await request1(`${base}/v1/people/0`);
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({
      grpcCode: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'id', description: 'must be 1..50' }] }],
    });
  });

  it('OUT_OF_RANGE → 400, FAILED_PRECONDITION → 400', async () => {
    expect((await request1(`${base}/v1/people?pageSize=51`)).status).toBe(400);
    const precondition = await request1(`${base}/v1/people/7:promote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(precondition.status).toBe(400);
    expect(json(precondition).grpcCode).toBe('FAILED_PRECONDITION');
  });
});

describe('generated OpenAPI', () => {
  it('GET /openapi.json serves one OpenAPI 3.1 document: the annotated methods plus the hand-written documents', async () => {
    const res = await request1(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const doc = json(res) as { openapi: string; paths: Record<string, Record<string, { operationId?: string }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual([
      '/v1/people/{id}',
      '/v1/people',
      '/v1/people/{id}:promote',
      '/v1/people/{id}/level',
      '/v1/people:watch',
      '/v1/teams/{name-1}/members/{name-2}',
      '/v1/people:import',
      '/v1/people:lookup',
      '/v1/people:export',
      '/v1/people/{id}/avatar',
      '/api/users',
      '/api/users/{id}',
      '/api/users/{id}/avatar',
    ]);
    expect(doc.paths['/v1/people/{id}']?.get?.operationId).toBe('demo.directory.v1.Directory.GetPerson');
    expect(doc.components.schemas['demo.directory.v1.Person']).toMatchObject({
      properties: { employeeNumber: { type: 'string', format: 'int64' }, joinedAt: { type: 'string', format: 'date-time' } },
    });
    // It is a valid document: the gateway's own loader (every schema compiled by ajv) finds nothing wrong.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'protogate-openapi-')), 'openapi.json');
    writeFileSync(file, res.body);
    const loaded = loadOpenApiDocument(file, 'openapi.json');
    expect(loaded.issues).toEqual([]);
    expect(loaded.operations.map((operation) => operation.operationId)).toContain('demo.directory.v1.Directory.PromotePerson_1');
  });
});
