import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mappingJsonSchema } from '../../src/config/json-schema.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { mappingIssues } from '../helpers/mapping-issues.js';

const dir = mkdtempSync(path.join(tmpdir(), 'protogate-grpc-steps-'));

/** Builds a gateway with the directory protos, a gRPC upstream and one mapping file from `lines`: its issues. */
const issuesOf = mappingIssues(dir, {
  openapi: [{ file: 'openapi/users.yaml', upstream: 'users' }, { file: 'openapi/shop.yaml', upstream: 'carts' }, { file: 'openapi/status.yaml', upstream: 'users' }],
  protos: { files: ['proto/demo/directory/v1/directory.proto'] },
  upstreams: {
    users: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
    carts: { protocol: 'http1', targets: ['http://127.0.0.1:1'] },
    directory: { protocol: 'grpc', targets: ['http://127.0.0.1:1'] },
  },
});

const PING = 'demo.directory.v1.Directory/Ping';
const GET_PERSON = 'demo.directory.v1.Directory/GetPerson';
/** getStatus with one gRPC step `d` (lines 3-6) and a response reading it. */
const status = (step: string[], body: string[] = ['    echo: "=steps.d.message ?? \\"\\""', '    at: "=steps.d.at ?? \\"\\""']): string[] => [
  'operationId: getStatus',
  'steps:',
  '  d:',
  ...step,
  'response:',
  '  body:',
  '    directory:',
  ...body.map((line) => `  ${line}`),
];
/** getCart (needs items and totalCents) with one GetPerson step `p` whose id comes from the header. */
const cart = (totalCents: string, message = '{ id: "=headers[\'x-user-id\']" }'): string[] => [
  'operationId: getCart',
  'steps:',
  '  p:',
  '    upstream: directory',
  `    grpc: ${GET_PERSON}`,
  `    message: ${message}`,
  'response:',
  '  body:',
  '    items: []',
  `    totalCents: ${totalCents}`,
];

describe('gRPC steps: mistakes are config errors naming the file, the line and what exists', () => {
  it('accepts JSON or proto field names, numbers for int64 and enums, null for a field, and typed reads of the result', async () => {
    expect(await issuesOf(status(['    upstream: directory', `    grpc: ${PING}`, '    message: { message: "=query.echo" }']))).toEqual([]);
    const createPerson = [
      'operationId: getCart',
      'steps:',
      '  p:',
      '    upstream: directory',
      '    grpc: demo.directory.v1.Directory/CreatePerson',
      '    message:',
      '      person: { display_name: "=headers[\'x-user-id\']", employeeNumber: 9007199254740993, level: 2, email: null, joinedAt: "2020-01-02T03:04:05Z" }',
      '    metadata: { x-tenant: "=headers[\'x-user-id\']", x-delay-ms: 5 }',
      '    statuses:',
      '      NOT_FOUND: { body: { id: "" } }',
      'response:',
      '  body:',
      '    userId: "=steps.p.id"',
      '    updatedAt: "=steps.p.joinedAt ?? null"',
      '    items: "=map(steps.p.teams ?? [], { sku: it, name: steps.p.displayName, quantity: 1 })"',
      '    totalCents: 0',
      '    recommendations: "=[steps.p.level ?? \\"\\", steps.p.employeeNumber ?? \\"\\"]"',
    ];
    expect(await issuesOf(createPerson)).toEqual([]);
  });

  const table: [string, string[], string[], Record<string, unknown>?][] = [
    [
      'an unknown method, with a suggestion',
      status(['    upstream: directory', '    grpc: demo.directory.v1.Directory/Pong']),
      ['m.yaml:5 /steps/d/grpc: service demo.directory.v1.Directory has no method "Pong"; did you mean "demo.directory.v1.Directory/Ping"?'],
    ],
    [
      'an unknown service, with a suggestion',
      status(['    upstream: directory', '    grpc: demo.directory.v1.Directroy/Ping']),
      ['m.yaml:5 /steps/d/grpc: no service "demo.directory.v1.Directroy" in the .proto files of gateway.yaml\'s protos.files; did you mean "demo.directory.v1.Directory/Ping"?'],
    ],
    [
      'a streaming method',
      status(['    upstream: directory', '    grpc: demo.directory.v1.Directory/WatchPeople']),
      ['m.yaml:5 /steps/d/grpc: demo.directory.v1.Directory/WatchPeople is server-streaming: a step calls unary methods only (its result is one message)'],
    ],
    [
      'a wrong field in the message, with a suggestion',
      status(['    upstream: directory', `    grpc: ${PING}`, '    message: { mesage: "=query.echo" }']),
      ['m.yaml:6 /mesage: `mesage` is not a field of the request message of step "d" (demo.directory.v1.PingRequest); did you mean `message`? (in `query.echo`)'],
    ],
    [
      'a type mismatch in the message',
      cart('0', '{ id: 42 }'),
      ['m.yaml:6 /id: `id` of the request message of step "p" (demo.directory.v1.GetPersonRequest) expects string | null, got integer; wrap it in toString(…) (in `42`)'],
    ],
    [
      'an enum name the proto does not have',
      [
        'operationId: getCart',
        'steps:',
        '  p:',
        '    upstream: directory',
        '    grpc: demo.directory.v1.Directory/PromotePerson',
        '    message: { id: "1", level: SENOIR }',
        'response:',
        '  body: { items: [], totalCents: 0 }',
      ],
      [
        'm.yaml:6 /level: `level` of the request message of step "p" (demo.directory.v1.PromotePersonRequest) expects ' +
          '"LEVEL_UNSPECIFIED" | "JUNIOR" | "SENIOR" | "PRINCIPAL" | integer | null, got "SENOIR" (in `"SENOIR"`)',
      ],
    ],
    [
      'a field of the result that the output message does not have, with a suggestion',
      cart('"=length(steps.p.displayNme)"'),
      [
        'm.yaml:10 /totalCents: `steps.p.displayNme` is not in the response of step p (demo.directory.v1.Person); did you mean `steps.p.displayName`? (in `length(steps.p.displayNme)`)',
      ],
    ],
    [
      'an int64 of the result is a string in proto3 JSON',
      cart('"=steps.p.employeeNumber ?? 0"'),
      ['m.yaml:10 /totalCents: `totalCents` of the 200 response schema of getCart expects number, got string; wrap it in toNumber(…) (in `steps.p.employeeNumber ?? 0`)'],
    ],
    [
      'a gRPC step against an HTTP upstream',
      status(['    upstream: users', `    grpc: ${PING}`]),
      ['m.yaml:4 /steps/d/upstream: upstream "users" is an http1 upstream; a grpc step needs one with protocol: grpc: directory'],
    ],
    [
      'an HTTP step against a gRPC upstream',
      status(['    upstream: directory', '    http: { method: GET, path: /ping }']),
      ['m.yaml:4 /steps/d/upstream: upstream "directory" is a gRPC upstream; call it with `grpc: package.Service/Method`, or use one of the HTTP upstreams: users, carts'],
    ],
    [
      'both http and grpc',
      status(['    upstream: directory', `    grpc: ${PING}`, '    http: { method: GET, path: /ping }']),
      ['m.yaml:5 /steps/d/grpc: a step calls either `http` or `grpc`, not both'],
    ],
    [
      'neither http nor grpc',
      status(['    upstream: directory', '    message: { message: hi }']),
      ['m.yaml:3 /steps/d: expected `http: { method, path }`, `grpc: package.Service/Method`, `xml: { method, path }` or `soap: { service, operation }`'],
    ],
    [
      'HTTP fields on a gRPC step',
      status(['    upstream: directory', `    grpc: ${PING}`, '    body: { message: hi }']),
      ['m.yaml:6 /steps/d/body: `body` is for http and xml steps: a grpc step builds its request with `message` (and `metadata`), and its result shape comes from the proto'],
    ],
    [
      'a status name that is not a gRPC code, and an HTTP status on a gRPC step',
      status(['    upstream: directory', `    grpc: ${PING}`, '    statuses:', '      NOT_FOND: { body: {} }', '      "404": { body: {} }']),
      [
        // Integer-like keys come first in a parsed object, whatever the order in the file.
        'm.yaml:8 /steps/d/statuses/404: "404" is not a gRPC status that can count as success; a grpc step lists gRPC status names: ' +
          'CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, ' +
          'FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED',
        'm.yaml:7 /steps/d/statuses/NOT_FOND: "NOT_FOND" is not a gRPC status that can count as success; did you mean "NOT_FOUND"?',
      ],
    ],
    [
      'reserved metadata',
      status(['    upstream: directory', `    grpc: ${PING}`, '    metadata: { grpc-timeout: 1S }']),
      ['m.yaml:6 /steps/d/metadata/grpc-timeout: metadata "grpc-timeout" is reserved (grpc-*, content-type, te, user-agent and connection fields are set by the gateway)'],
    ],
    [
      'no protos loaded',
      status(['    upstream: directory', `    grpc: ${PING}`]),
      ['m.yaml:5 /steps/d/grpc: no .proto files are loaded: list the file declaring demo.directory.v1.Directory in protos.files of gateway.yaml'],
      { protos: { files: [] } },
    ],
  ];

  it.each(table)('%s', async (_name, lines, expected, extra) => {
    expect(await issuesOf(lines, extra)).toEqual(expected);
  });

  it('an unknown method without a near name lists the methods the service has', async () => {
    const [issue, ...rest] = await issuesOf(status(['    upstream: directory', '    grpc: demo.directory.v1.Directory/DeleteEverything']));
    expect(rest).toEqual([]);
    expect(issue).toMatch(/^m\.yaml:5 \/steps\/d\/grpc: service demo\.directory\.v1\.Directory has no method "DeleteEverything"; its methods are: GetPerson, ListPeople, /);
  });
});

it('mapping.schema.json accepts the demo gRPC mapping and rejects a step with both http and grpc', () => {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  const validate = ajv.compile(mappingJsonSchema());
  const demo = parse(readFileSync(path.join(ROOT, 'mappings/status.yaml'), 'utf8')) as { steps: Record<string, Record<string, unknown>> };
  expect(validate(demo)).toBe(true);
  const both = { ...demo, steps: { ...demo.steps, directory: { ...demo.steps['directory'], http: { method: 'GET', path: '/' } } } };
  expect(validate(both)).toBe(false);
});
