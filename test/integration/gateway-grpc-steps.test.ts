import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { PEOPLE } from '../../src/demo/directory-data.js';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import type { DemoService } from '../../src/demo/demo-http.js';
import { demoUser, startUsersService } from '../../src/demo/users-service.js';
import { json, request1 } from '../helpers/clients.js';
import { ADA } from '../helpers/directory-gateway.js';
import { grpcUpstream, startGateway, writeRouteFiles } from '../helpers/start-gateway.js';

/**
 * Mapping steps that call gRPC methods, through the gateway against the real demo directory (a @grpc/grpc-js server)
 * and the demo users service (HTTP/1.1), all on port 0.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-grpc-steps-'));
const GET_PERSON = 'demo.directory.v1.Directory/GetPerson';
const OPEN = '{ description: ok, content: { application/json: { schema: { type: object } } } }';

/** One GET operation per route under test; their response schemas are open, so the bodies below are the contract. */
const api = [
  'openapi: 3.1.0',
  'info: { title: gRPC steps, version: "1" }',
  'paths:',
  ...[
    ['/t/people/{id}', 'personView'],
    ['/t/lookup/{id}', 'lookup'],
    ['/t/optional/{id}', 'optionalPerson'],
    ['/t/both/{id}', 'both'],
    ['/t/slow/{id}', 'slow'],
    ['/t/bad/{id}', 'badMessage'],
    ['/t/team/{team}', 'team'],
  ].flatMap(([route, operationId]) => [
    `  ${route}:`,
    '    get:',
    `      operationId: ${operationId}`,
    `      parameters: [{ name: ${route?.includes('{team}') ? 'team' : 'id'}, in: path, required: true, schema: { type: string } }, { name: delay, in: query, schema: { type: string } }]`,
    `      responses: { '200': ${OPEN} }`,
  ]),
].join('\n');

const mappings: Record<string, string[]> = {
  personView: [
    'operationId: personView',
    'steps:',
    '  person:',
    '    upstream: directory',
    `    grpc: ${GET_PERSON}`,
    '    message: { id: "=path.id" }',
    'response:',
    '  body:',
    '    person: "=steps.person"',
    '    name: "=steps.person.displayName"',
    '    level: "=steps.person.level"',
    '    employeeNumber: "=steps.person.employeeNumber"',
    '    joinedAt: "=steps.person.joinedAt"',
  ],
  lookup: [
    'operationId: lookup',
    'steps:',
    '  person:',
    '    upstream: directory',
    `    grpc: ${GET_PERSON}`,
    '    message: { id: "=path.id" }',
    '    statuses:',
    '      NOT_FOUND: { body: { teams: [] } }   # no such person: no teams, not an error',
    'response:',
    '  body: { teams: "=steps.person.teams ?? []" }',
  ],
  optionalPerson: [
    'operationId: optionalPerson',
    'steps:',
    '  person:',
    '    upstream: directory',
    `    grpc: ${GET_PERSON}`,
    '    message: { id: "=path.id" }',
    '    required: false',
    '  user:',
    '    upstream: users',
    '    http: { method: GET, path: "/users/{id}" }',
    '    path: { id: "=path.id" }',
    'response:',
    '  body: { email: "=steps.user.email", name: "=steps.person.displayName" }',
  ],
  both: [
    'operationId: both',
    'steps:',
    '  person:',
    '    upstream: directory',
    `    grpc: ${GET_PERSON}`,
    '    message: { id: "=path.id" }',
    '    metadata: { x-delay-ms: "=query.delay" }',
    '  pause:',
    '    upstream: users',
    '    http: { method: GET, path: /_test/slow }',
    '    query: { ms: "=query.delay" }',
    'response:',
    '  body: { name: "=steps.person.displayName", sleptMs: "=steps.pause.sleptMs" }',
  ],
  slow: [
    'operationId: slow',
    'steps:',
    '  person:',
    '    upstream: directory',
    `    grpc: ${GET_PERSON}`,
    '    message: { id: "=path.id" }',
    '    metadata: { x-delay-ms: "=query.delay" }',
    '    timeoutMs: 150',
    'response:',
    '  body: { name: "=steps.person.displayName" }',
  ],
  badMessage: [
    'operationId: badMessage',
    'steps:',
    '  user:                                   # no response schema: its fields are not typed at load',
    '    upstream: users',
    '    http: { method: GET, path: "/users/{id}" }',
    '    path: { id: "=path.id" }',
    '  people:',
    '    upstream: directory',
    '    grpc: demo.directory.v1.Directory/ListPeople',
    '    message:',
    '      pageSize: "=steps.user.name"        # a name is no int32: found only at run time',
    'response:',
    '  body: { total: "=steps.people.total" }',
  ],
  team: [
    'operationId: team',
    'steps:',
    '  list:',
    '    upstream: directory',
    '    grpc: demo.directory.v1.Directory/ListPeople',
    '    message: { team: "=path.team", min_level: SENIOR, pageSize: 3 }',
    'response:',
    '  body:',
    '    total: "=steps.list.total ?? 0"',
    '    people: "=map(steps.list.people ?? [], { id: it.id, level: it.level, employeeNumber: it.employeeNumber })"',
  ],
};

let gateway: Gateway;
let base: string;
let directory: DirectoryService;
let users: DemoService;

beforeAll(async () => {
  [directory, users] = await Promise.all([startDirectoryService({ host: '127.0.0.1', port: 0 }), startUsersService({ host: '127.0.0.1', port: 0 })]);
  const files = writeRouteFiles(dir, api, mappings);
  ({ gateway, http1: base } = await startGateway({
    listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
    openapi: [{ file: files.api }, { file: 'openapi/status.yaml' }],
    mappings: [...files.mappings, 'mappings/status.yaml'],
    protos: { files: ['proto/demo/directory/v1/directory.proto'] },
    upstreams: {
      users: { protocol: 'http1', targets: [users.url], timeouts: { connectMs: 500, requestMs: 2000 } },
      directory: grpcUpstream(directory.url, 2000),
    },
  }));
});

afterAll(async () => {
  await gateway.close(500);
  await Promise.all([directory.close(), users.close()]);
});

async function eventually(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a gRPC step: the output message in proto3 JSON form is `steps.<name>`', () => {
  it('reaches the method and shapes the answer: int64 as an exact string, the enum by name, the Timestamp in RFC 3339', async () => {
    const res = await request1(`${base}/t/people/42`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(json(res)).toEqual({
      person: ADA,
      name: 'Ada Lovelace',
      level: 'SENIOR',
      employeeNumber: '9007199254740993', // above 2^53: a JSON number would have lost the last digit
      joinedAt: '2020-01-02T03:04:05Z',
    });
  });

  it('a repeated message field, an enum set by name, a proto field name in the message', async () => {
    const res = await request1(`${base}/t/team/ops`);
    expect(res.status).toBe(200);
    const matches = PEOPLE.filter((person) => person.teams.includes('ops') && ['SENIOR', 'PRINCIPAL'].includes(person.level));
    expect(json(res)).toEqual({
      total: matches.length,
      people: matches.slice(0, 3).map((person) => ({ id: person.id, level: person.level, employeeNumber: person.employee_number })),
    });
  });

  it('a required step answering NOT_FOUND fails the request with 404, naming the step, the code and the message', async () => {
    const res = await request1(`${base}/t/people/77`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:upstream-grpc-status',
      title: 'Upstream gRPC error',
      status: 404,
      detail: 'step "person" (upstream "directory") answered NOT_FOUND: person "77" not found',
      instance: res.headers['x-request-id'],
      grpcCode: 'NOT_FOUND',
      grpcMessage: 'person "77" not found',
    });
  });

  it('INVALID_ARGUMENT is a 400 with the google.rpc.Status details', async () => {
    const res = await request1(`${base}/t/people/0`);
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({
      status: 400,
      detail: 'step "person" (upstream "directory") answered INVALID_ARGUMENT: invalid person id "0"',
      grpcCode: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'id', description: 'must be 1..50' }] }],
    });
  });

  it('statuses: NOT_FOUND can count as success, with the body to use instead', async () => {
    expect(json(await request1(`${base}/t/lookup/77`))).toEqual({ teams: [] });
    expect(json(await request1(`${base}/t/lookup/42`))).toEqual({ teams: ['ops', 'dev'] });
  });

  it('an optional gRPC step that fails is left out and named in "partial"', async () => {
    const res = await request1(`${base}/t/optional/77`);
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ email: demoUser(77).email, partial: ['person'] });
    expect(json(await request1(`${base}/t/optional/42`))).toEqual({ email: 'ada@example.com', name: 'Ada Lovelace' });
  });

  it('a gRPC step and an HTTP step run in parallel', async () => {
    const started = Date.now();
    const res = await request1(`${base}/t/both/42?delay=300`);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(json(res)).toEqual({ name: 'Ada Lovelace', sleptMs: 300 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(550); // one after the other would take 600 ms or more
  });

  it('the step timeout is the deadline: 504 naming the step, and the server sees the call cancelled', async () => {
    const cancelled = directory.stats.cancelled;
    const started = Date.now();
    const res = await request1(`${base}/t/slow/42?delay=1000`);
    expect(res.status).toBe(504);
    expect(json(res)).toMatchObject({
      type: 'urn:protogate:problem:upstream-timeout',
      status: 504,
      detail: 'step "person" (upstream "directory") timed out after 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(600);
    await eventually(() => directory.stats.cancelled > cancelled);
  });

  it('the client going away cancels the gRPC call', async () => {
    const cancelled = directory.stats.cancelled;
    const calls = directory.stats.calls;
    const req = http.get(`${base}/t/both/42?delay=1500`);
    req.on('error', () => {});
    await eventually(() => directory.stats.calls > calls);
    req.destroy();
    await eventually(() => directory.stats.cancelled > cancelled, 1_000);
  });

  it('a value the codec refuses at run time is a 502 naming the mapping file, line and expression', async () => {
    const res = await request1(`${base}/t/bad/7`);
    expect(res.status).toBe(502);
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:mapping-failed',
      title: 'Mapping failed',
      status: 502,
      detail:
        `mapping ${path.join(dir, 'badMessage.yaml')} line 11: \`steps.user.name\` does not fit the request message of step "people" ` +
        `(demo.directory.v1.ListPeopleRequest): /pageSize: invalid int32 "${demoUser(7).name}": not a decimal integer.`,
      instance: res.headers['x-request-id'],
    });
  });
});

describe('the demo: GET /api/status (mappings/status.yaml)', () => {
  it('calls Directory/Ping, a method with no google.api.http rule, beside the users service', async () => {
    const res = await request1(`${base}/api/status?echo=hi`);
    expect(res.status).toBe(200);
    const body = json(res) as { directory: { echo: string; at: string } };
    expect(body).toEqual({ directory: { echo: 'hi', at: body.directory.at }, users: 'ok' });
    expect(body.directory.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Math.abs(Date.parse(body.directory.at) - Date.now())).toBeLessThan(5_000);
  });
});
