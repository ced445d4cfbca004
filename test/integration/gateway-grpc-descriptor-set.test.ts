import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { startDirectoryService } from '../../src/demo/grpc-directory-service.js';
import { request1, type SimpleResponse } from '../helpers/clients.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { PATHS_PROTO, PATHS_SERVICE, startPathsService } from '../helpers/paths-service.js';
import { grpcUpstream, startGateway } from '../helpers/start-gateway.js';

interface Running {
  readonly gateway: Gateway;
  readonly base: string;
}

/** A gateway publishing `service` of `upstream` from `protos` (sources or a descriptor set). */
async function startServing(upstream: string, service: string, protos: Record<string, unknown>): Promise<Running> {
  const { gateway, http1 } = await startGateway({
    listeners: [{ name: 'plain', protocol: 'http1', port: 0 }],
    upstreams: { backend: grpcUpstream(upstream, 2000) },
    protos: { includeDirs: ['test/fixtures/proto'], ...protos },
    grpc: { services: { [service]: { upstream: 'backend' } }, responseMetadata: ['x-method'] },
  });
  return { gateway, base: http1 };
}

/** What a client sees of a response, without what differs per request (request id, date). */
function observed(res: SimpleResponse): unknown {
  const { 'x-request-id': _id, date: _date, ...headers } = res.headers;
  let body: unknown = res.body;
  try {
    const parsed = JSON.parse(res.body) as Record<string, unknown>;
    body = { ...parsed, instance: parsed['instance'] === undefined ? undefined : '(request id)' };
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, headers, body };
}

/** The route table without the file each route was read from (a .proto or the set). */
const table = (gateway: Gateway) => gateway.routes.map((r) => [r.method, r.publicTemplate, r.operationId, r.upstreamName, r.stageNames.join(',')]);

async function expectSameAnswers(sources: Running, set: Running, requests: readonly (readonly [string, string, string?])[]): Promise<void> {
  for (const [method, target, body] of requests) {
    const options = { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) };
    const [fromSources, fromSet] = await Promise.all([request1(`${sources.base}${target}`, options), request1(`${set.base}${target}`, options)]);
    expect([method, target, observed(fromSet)]).toEqual([method, target, observed(fromSources)]);
  }
}

describe('a descriptor set instead of .proto sources', () => {
  let backend: Awaited<ReturnType<typeof startPathsService>>;
  let sources: Running;
  let set: Running;

  beforeAll(async () => {
    backend = await startPathsService();
    sources = await startServing(backend.url, PATHS_SERVICE, { files: [PATHS_PROTO] });
    set = await startServing(backend.url, PATHS_SERVICE, { descriptorSets: ['test/fixtures/proto/descriptor-sets/paths.binpb'] });
  });

  afterAll(async () => {
    await Promise.all([sources?.gateway.close(500), set?.gateway.close(500)]);
    await backend?.close();
  });

  it('publishes the same routes', () => {
    expect(table(set.gateway)).toEqual(table(sources.gateway));
    expect(table(set.gateway)).toContainEqual(['LINK', '/v1/{name=files/**}', 'protogate.test.paths.v1.Paths.LinkFile', 'backend', expect.any(String)]);
    expect(set.gateway.routes.map((r) => r.documentFile)).toContain('test/fixtures/proto/descriptor-sets/paths.binpb');
  });

  it('answers every request the same way', async () => {
    await expectSameAnswers(sources, set, [
      ['GET', '/v1/files/a/b/c.txt'],
      ['GET', '/v1/files'],
      ['GET', '/v1/files/readme'],
      ['GET', '/v1/files/x?q=1'],
      ['GET', '/v1/docs/a%2Fb/c'],
      ['POST', '/v1/trash/a:undelete'],
      ['GET', '/v1/blobs/x/y:download'],
      ['LINK', '/v1/files/a'],
      ['HEAD', '/v1/files/a'],
      ['UNLINK', '/v1/files/a'],
      ['GET', '/v1/files/a/'],
      ['GET', '/v1/docs?nope=1'],
    ]);
    const res = await request1(`${set.base}/v1/files/a/b/c.txt`);
    expect([res.status, JSON.parse(res.body)]).toEqual([200, { method: 'GetFileTail', name: 'files/a/b/c.txt' }]);
  });

  it('generates the same OpenAPI document', () => {
    expect(set.gateway.openApiDocument()).toEqual(sources.gateway.openApiDocument());
  });
});

// The demo's own proto changes with the demo, so its set is written at test time, by protoc when it is installed
// (Debian: protobuf-compiler). The committed fixtures above need no protoc.
const protoc = ((): string | undefined => {
  try {
    execFileSync('protoc', ['--version'], { stdio: 'ignore' });
    return 'protoc';
  } catch {
    return undefined;
  }
})();

describe.skipIf(protoc === undefined)('the demo directory from a descriptor set written by protoc', () => {
  let directory: Awaited<ReturnType<typeof startDirectoryService>>;
  let sources: Running;
  let set: Running;

  beforeAll(async () => {
    const setFile = path.join(mkdtempSync(path.join(tmpdir(), 'protogate-demo-set-')), 'directory.binpb');
    const googleProtoFiles = path.join(ROOT, 'node_modules/google-proto-files');
    execFileSync(protoc ?? 'protoc', ['--include_imports', '--include_source_info', '-I', path.join(ROOT, 'proto'), '-I', googleProtoFiles, '-o', setFile, 'demo/directory/v1/directory.proto']);
    directory = await startDirectoryService({ host: '127.0.0.1', port: 0 });
    sources = await startServing(directory.url, 'demo.directory.v1.Directory', { files: ['proto/demo/directory/v1/directory.proto'], includeDirs: ['proto'] });
    set = await startServing(directory.url, 'demo.directory.v1.Directory', { descriptorSets: [setFile] });
  });

  afterAll(async () => {
    await Promise.all([sources?.gateway.close(500), set?.gateway.close(500)]);
    await directory?.close();
  });

  it('publishes the same routes and answers the same way', async () => {
    expect(table(set.gateway)).toEqual(table(sources.gateway));
    expect(table(set.gateway).length).toBeGreaterThan(5);
    await expectSameAnswers(sources, set, [
      ['GET', '/v1/people/42'],
      ['GET', '/v1/people?team=ops&pageSize=2'],
      ['GET', '/v1/people/77'],
      ['GET', '/v1/people/0'],
      ['GET', '/v1/teams/ops/members/42'],
      ['POST', '/v1/people/7:promote', '{"level":"PRINCIPAL"}'],
      ['POST', '/v1/people', '{"displayName":"Grace Hopper","email":"grace@example.com","level":"PRINCIPAL"}'],
      ['GET', '/v1/people:watch?team=ops&limit=2'],
    ]);
    expect(JSON.parse((await request1(`${set.base}/v1/people/42`)).body)).toMatchObject({ id: '42', displayName: 'Ada Lovelace' });
    expect(set.gateway.openApiDocument()).toEqual(sources.gateway.openApiDocument());
  });
});
