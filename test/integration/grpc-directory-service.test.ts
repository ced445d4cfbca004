import path from 'node:path';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryService, type DirectoryService } from '../../src/demo/grpc-directory-service.js';
import { decodeStatusDetails, GrpcStatus } from '../../src/errors/grpc-status.js';
import { createGrpcChannel, unaryCall, type GrpcChannel, type UnaryResult } from '../../src/grpc/client/index.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

type Obj = Record<string, unknown>;

const protoDir = path.resolve('proto');
const { root, issues } = loadProtos([path.join(protoDir, 'demo/directory/v1/directory.proto')], { includeDirs: [protoDir] });
const type = (name: string): protobuf.Type => root.lookupType(`demo.directory.v1.${name}`);
const SERVICE = '/demo.directory.v1.Directory';

let service: DirectoryService;
let channel: GrpcChannel;

beforeAll(async () => {
  expect(issues).toEqual([]);
  service = await startDirectoryService({ port: 0 });
  channel = createGrpcChannel(service.url, { connectMs: 2_000 });
});

afterAll(async () => {
  await channel.close();
  await service.close();
});

/** Calls `method` with `request` encoded as `requestType`. */
function call(method: string, requestType: string, request: Obj, options: { metadata?: Record<string, string>; deadlineMs?: number } = {}): Promise<UnaryResult> {
  const req = type(requestType);
  return unaryCall(channel, {
    path: `${SERVICE}/${method}`,
    requestBytes: req.encode(req.fromObject(request)).finish(),
    deadlineMs: options.deadlineMs ?? 2_000,
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  });
}

/** Decodes an OK response as `responseType` (int64 and enums as strings, defaults omitted). */
function decode(result: UnaryResult, responseType: string): Obj {
  expect([result.status, result.message]).toEqual([GrpcStatus.OK, 'OK']);
  const res = type(responseType);
  return res.toObject(res.decode(result.responseBytes ?? new Uint8Array()), { longs: String, enums: String });
}

const ADA = {
  id: '42',
  display_name: 'Ada Lovelace',
  email: 'ada@example.com',
  level: 'SENIOR',
  teams: ['ops', 'dev'],
  employee_number: '9007199254740993',
  joined_at: { seconds: String(Date.parse('2020-01-02T03:04:05Z') / 1000) },
};

describe('demo directory gRPC service', () => {
  it('GetPerson returns person 42 exactly, int64 above 2^53 intact', async () => {
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    const result = await call('GetPerson', 'GetPersonRequest', { id: '42' });
    expect(decode(result, 'Person')).toEqual(ADA);
    // Canonical proto3: the default-valued joined_at.nanos is not on the wire (field 7 holds only seconds).
    const Person = type('Person');
    expect(Person.encode(Person.fromObject(ADA)).finish()).toEqual(result.responseBytes);
  });

  it('GetPerson serves every id 1..50 deterministically', async () => {
    const first = decode(await call('GetPerson', 'GetPersonRequest', { id: '1' }), 'Person');
    expect(first).toMatchObject({ id: '1', display_name: 'Grace Hopper', email: 'grace.hopper1@example.com', level: 'SENIOR', teams: ['ops'] });
    const last = decode(await call('GetPerson', 'GetPersonRequest', { id: '50' }), 'Person');
    expect(last).toMatchObject({ id: '50', employee_number: '9007199254741001' });
    expect(decode(await call('GetPerson', 'GetPersonRequest', { id: '1' }), 'Person')).toEqual(first);
  });

  it('GetPerson of an unknown id is NOT_FOUND', async () => {
    for (const id of ['51', 'abc', '007']) {
      const result = await call('GetPerson', 'GetPersonRequest', { id });
      expect([result.status, result.message, result.responseBytes]).toEqual([GrpcStatus.NOT_FOUND, `person "${id}" not found`, undefined]);
      expect(result.statusDetails).toBeUndefined();
    }
  });

  it('GetPerson of id "0" is INVALID_ARGUMENT with a decodable BadRequest', async () => {
    const result = await call('GetPerson', 'GetPersonRequest', { id: '0' });
    expect([result.status, result.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'invalid person id "0"']);
    expect(result.statusDetails).toBeInstanceOf(Buffer);
    expect(decodeStatusDetails(result.statusDetails ?? Buffer.alloc(0))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: 'invalid person id "0"',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'id', description: 'must be 1..50' }] }],
    });
  });

  it('ListPeople pages with the default size of 10 and counts every match', async () => {
    const all = decode(await call('ListPeople', 'ListPeopleRequest', {}), 'ListPeopleResponse');
    expect(all['total']).toBe(50);
    expect((all['people'] as Obj[]).map((person) => person['id'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const max = decode(await call('ListPeople', 'ListPeopleRequest', { page_size: 50 }), 'ListPeopleResponse');
    expect((max['people'] as Obj[]).length).toBe(50);
  });

  it('ListPeople filters by team and min_level', async () => {
    const ops = decode(await call('ListPeople', 'ListPeopleRequest', { team: 'ops', page_size: 50 }), 'ListPeopleResponse');
    const opsPeople = ops['people'] as Obj[];
    expect(opsPeople.length).toBe(ops['total']);
    expect(opsPeople.every((person) => (person['teams'] as string[]).includes('ops'))).toBe(true);
    expect(opsPeople.map((person) => person['id'])).toContain('42');

    const page = decode(await call('ListPeople', 'ListPeopleRequest', { team: 'ops', page_size: 2, min_level: 'SENIOR' }), 'ListPeopleResponse');
    const senior = page['people'] as Obj[];
    expect(senior.map((person) => [person['id'], person['level']])).toEqual([['1', 'SENIOR'], ['6', 'PRINCIPAL']]);
    expect(page['total']).toBe(12);

    const none = await call('ListPeople', 'ListPeopleRequest', { team: 'nobody' });
    expect(decode(none, 'ListPeopleResponse')).toEqual({});
    expect(none.responseBytes?.length).toBe(0); // no people, total 0: canonical proto3 sends nothing
  });

  it('ListPeople with page_size above 50 is OUT_OF_RANGE', async () => {
    const result = await call('ListPeople', 'ListPeopleRequest', { page_size: 51 });
    expect([result.status, result.message]).toEqual([GrpcStatus.OUT_OF_RANGE, 'page_size 51 is above the maximum of 50']);
  });

  it('CreatePerson echoes the person as id "51"', async () => {
    const person = { display_name: 'Grace Hopper', email: 'grace@example.com', level: 'PRINCIPAL', teams: ['navy'], employee_number: '9007199254740995', joined_at: { seconds: '1700000000', nanos: 5 } };
    const created = decode(await call('CreatePerson', 'CreatePersonRequest', { person }), 'Person');
    expect(created).toEqual({ ...person, id: '51' });
  });

  it('CreatePerson without display_name is INVALID_ARGUMENT', async () => {
    for (const request of [{}, { person: { email: 'x@example.com' } }]) {
      const result = await call('CreatePerson', 'CreatePersonRequest', request);
      expect([result.status, result.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'person.display_name is required']);
      expect(decodeStatusDetails(result.statusDetails ?? Buffer.alloc(0)).details).toEqual([
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'person.display_name', description: 'must not be empty' }] },
      ]);
    }
  });

  it('PromotePerson returns the person with the new level', async () => {
    const promoted = decode(await call('PromotePerson', 'PromotePersonRequest', { id: '42', level: 'PRINCIPAL' }), 'Person');
    expect(promoted).toEqual({ ...ADA, level: 'PRINCIPAL' });
    // Nothing is stored: the directory still answers SENIOR.
    expect(decode(await call('GetPerson', 'GetPersonRequest', { id: '42' }), 'Person')['level']).toBe('SENIOR');
  });

  it('PromotePerson to LEVEL_UNSPECIFIED is FAILED_PRECONDITION; unknown ids are NOT_FOUND', async () => {
    const unspecified = await call('PromotePerson', 'PromotePersonRequest', { id: '42' });
    expect([unspecified.status, unspecified.message]).toEqual([GrpcStatus.FAILED_PRECONDITION, 'level must be JUNIOR, SENIOR or PRINCIPAL']);
    const missing = await call('PromotePerson', 'PromotePersonRequest', { id: '99', level: 'JUNIOR' });
    expect([missing.status, missing.message]).toEqual([GrpcStatus.NOT_FOUND, 'person "99" not found']);
  });

  it('Ping echoes the message with the current time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const pong = decode(await call('Ping', 'PingRequest', { message: 'héllo' }), 'PingResponse');
    const after = Math.ceil(Date.now() / 1000);
    expect(pong['message']).toBe('héllo');
    const seconds = Number((pong['at'] as Obj)['seconds']);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(after);
  });

  it('echoes x-request-id as initial metadata, on success and on error', async () => {
    const ok = await call('Ping', 'PingRequest', { message: 'id' }, { metadata: { 'x-request-id': 'req-1' } });
    expect(ok.headers['x-request-id']).toBe('req-1');
    const failed = await call('GetPerson', 'GetPersonRequest', { id: '77' }, { metadata: { 'x-request-id': 'req-2' } });
    expect(failed.status).toBe(GrpcStatus.NOT_FOUND);
    expect(failed.headers['x-request-id']).toBe('req-2');
    const none = await call('Ping', 'PingRequest', {});
    expect(none.headers['x-request-id']).toBeUndefined();
  });

  it('counts calls and cancellations (x-delay-ms past the deadline)', async () => {
    const before = { ...service.stats };
    const result = await call('Ping', 'PingRequest', { message: 'slow' }, { metadata: { 'x-delay-ms': '500' }, deadlineMs: 50 });
    expect(result.status).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    await expect.poll(() => service.stats.cancelled).toBe(before.cancelled + 1);
    expect(service.stats.calls).toBe(before.calls + 1);
  });
});
