import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/gateway-harness.js';
import { grpcUpstream, http1AndH2c, startGateway, type StartedGateway } from '../helpers/start-gateway.js';

// response_body picks one field of the response message out as the whole HTTP body (google/api/http.proto),
// under the field's JSON name: a json_name option renames it.
const PROTO = 'test/fixtures/proto/response-body/v1/shelf.proto';

let server: grpc.Server;
let started: StartedGateway;

beforeAll(async () => {
  const definition = protoLoader.loadSync(path.join(ROOT, PROTO), { includeDirs: [path.join(ROOT, 'node_modules/google-proto-files')] });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { rb: { v1: { Shelves: grpc.ServiceClientConstructor } } };
  server = new grpc.Server();
  server.addService(loaded.rb.v1.Shelves.service, {
    GetShelf(call: grpc.ServerUnaryCall<{ id: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const id = call.request.id;
      callback(null, { shelfInfo: { id, bookCount: 9007199254740993n.toString() }, displayTitle: `Shelf ${id}`, shelfCode: `S-${id}` });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  started = await startGateway({
    listeners: http1AndH2c(),
    protos: { files: [PROTO], includeDirs: ['test/fixtures/proto'] },
    grpc: { services: { 'rb.v1.Shelves': { upstream: 'shelves' } } },
    upstreams: { shelves: grpcUpstream(`http://127.0.0.1:${port}`, 2_000) },
  });
});

afterAll(async () => {
  await started?.gateway.close(0);
  server?.forceShutdown();
});

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('response_body', () => {
  it('a message field is the whole body', async () => {
    expect(await get(`${started.http1}/v1/shelves/7`)).toEqual({ status: 200, type: 'application/json', body: '{"id":"7","bookCount":"9007199254740993"}' });
  });

  it('a scalar field is the whole body, as its JSON value', async () => {
    expect(await get(`${started.http1}/v1/shelves/7/title`)).toEqual({ status: 200, type: 'application/json', body: '"Shelf 7"' });
  });

  it('a field renamed by json_name is found under that name', async () => {
    expect(await get(`${started.http1}/v1/shelves/7/code`)).toEqual({ status: 200, type: 'application/json', body: '"S-7"' });
  });
});
