import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfigData } from '../../src/config/load-config.js';
import { PEOPLE, type PersonObject } from '../../src/demo/directory-data.js';
import type { ConfigIssue } from '../../src/config/config-error.js';
import { compileGrpcRoutes } from '../../src/pipeline/compile-grpc-routes.js';
import type { GrpcUpstream } from '../../src/upstreams/grpc/grpc-upstream.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { personJson, startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';

let env: DirectoryGateway;
let base: string;
let h2c: string;

beforeAll(async () => {
  env = await startDirectoryGateway();
  ({ http1: base, h2c } = env);
});

afterAll(async () => {
  await env.close();
});

const ops = PEOPLE.filter((person) => person.teams.includes('ops'));

/** What arrived, and when (ms after the request was sent), chunk by chunk. */
interface Timed {
  status: number;
  headers: http.IncomingHttpHeaders;
  chunks: { at: number; text: string }[];
  endedAt: number;
  body: string;
}

function streamGet(path: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const req = http.get(`${base}${path}`, { headers, agent: false }, (res) => {
      const chunks: { at: number; text: string }[] = [];
      res.setEncoding('utf8');
      res.on('data', (text: string) => chunks.push({ at: performance.now() - sent, text }));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, endedAt: performance.now() - sent, body: chunks.map((c) => c.text).join('') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const abortedProblem = {
  type: 'urn:protogate:problem:upstream-grpc-status',
  status: 409,
  grpcCode: 'ABORTED',
  grpcMessage: 'watch interrupted',
};

describe('server streaming: GET /v1/people:watch', () => {
  it('NDJSON by default: one proto3 JSON message per line', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=3');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body).toBe(ops.slice(0, 3).map((person) => `${personJson(person)}\n`).join(''));
  });

  it('Server-Sent Events when Accept asks for text/event-stream', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=3', { accept: 'application/json;q=0.5, text/event-stream' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.body).toBe(ops.slice(0, 3).map((person) => `data: ${personJson(person)}\n\n`).join(''));
  });

  it('text/event-stream;q=0 is not SSE', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=1', { accept: 'text/event-stream;q=0, */*' });
    expect(res.headers['content-type']).toBe('application/x-ndjson');
  });

  it('over an HTTP/2 client too; limit defaults to 5', async () => {
    const res = await request2(h2c, '/v1/people:watch?team=ops');
    expect(res.status).toBe(200);
    expect(res.body.split('\n')).toEqual([...ops.slice(0, 5).map(personJson), '']);
  });

  it('each message is flushed as it arrives', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=3&intervalMs=150');
    expect(res.body.split('\n').filter((line) => line !== '')).toHaveLength(3);
    const first = res.chunks[0];
    expect(first?.text).toBe(`${personJson(ops[0] as PersonObject)}\n`);
    // Messages come 0, 150 and 300 ms after the call starts: the first line is there long before the end.
    expect(res.endedAt - (first?.at ?? Infinity)).toBeGreaterThan(200);
    expect(res.chunks.length).toBeGreaterThanOrEqual(3);
  });

  it('a failure before the first message gets its real HTTP status as a problem, not a 200', async () => {
    const res = await request1(`${base}/v1/people:watch?team=ops&failAfter=-1`, { headers: { 'x-request-id': 'w-404', accept: 'text/event-stream' } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:upstream-grpc-status',
      title: 'Upstream gRPC error',
      status: 404,
      detail: 'upstream "directory" answered NOT_FOUND: team "ops" not found',
      instance: 'w-404',
      grpcCode: 'NOT_FOUND',
      grpcMessage: 'team "ops" not found',
    });
  });

  it('a request that does not map onto the message is a 400 before any call', async () => {
    const res = await request1(`${base}/v1/people:watch?limit=many`);
    expect(res.status).toBe(400);
    expect(json(res).errors).toEqual([{ location: '/query/limit', message: expect.any(String) }]);
  });

  it('an empty stream is a 200 with an empty body', async () => {
    const res = await streamGet('/v1/people:watch?team=nobody');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.body).toBe('');
  });

  it('a failure after the first message is reported in-band (NDJSON) and the stream ends cleanly', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=5&failAfter=2');
    expect(res.status).toBe(200);
    expect(res.body).toBe(
      `${personJson(ops[0] as PersonObject)}\n${personJson(ops[1] as PersonObject)}\n${JSON.stringify({ error: abortedProblem })}\n`,
    );
    expect(res.body.split('\n').at(-2)).toBe(
      '{"error":{"type":"urn:protogate:problem:upstream-grpc-status","status":409,"grpcCode":"ABORTED","grpcMessage":"watch interrupted"}}',
    );
  });

  it('a failure after the first message is an `error` event (SSE)', async () => {
    const res = await streamGet('/v1/people:watch?team=ops&limit=5&failAfter=1', { accept: 'text/event-stream' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(`data: ${personJson(ops[0] as PersonObject)}\n\nevent: error\ndata: ${JSON.stringify(abortedProblem)}\n\n`);
  });

  it('the client going away cancels the call upstream', async () => {
    const before = env.directory.stats.cancelled;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/v1/people:watch?team=ops&limit=10&intervalMs=200`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
    });
    const deadline = Date.now() + 2_000;
    while (env.directory.stats.cancelled === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(env.directory.stats.cancelled).toBe(before + 1);
  });

  it('unary routes are unchanged beside it', async () => {
    const res = await request1(`${base}/v1/people/42`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(json(res)).toMatchObject({ id: '42', displayName: 'Ada Lovelace' });
  });
});

describe('client-streaming and bidi methods', () => {
  it('are published with a body in their rule; without one they are refused with a config issue naming the method', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'protogate-streams-'));
    writeFileSync(
      path.join(dir, 'uploads.proto'),
      [
        'syntax = "proto3";',
        'package uploads.v1;',
        'import "google/api/annotations.proto";',
        'message Chunk { string data = 1; }',
        'service Uploads {',
        '  rpc Upload(stream Chunk) returns (Chunk) { option (google.api.http) = { post: "/v1/uploads" }; }',
        '  rpc Chat(stream Chunk) returns (stream Chunk) { option (google.api.http) = { post: "/v1/chat" }; }',
        '  rpc Push(stream Chunk) returns (Chunk) { option (google.api.http) = { post: "/v1/push" body: "*" }; }',
        '  rpc Talk(stream Chunk) returns (stream Chunk) { option (google.api.http) = { post: "/v1/talk" body: "data" }; }',
        '  rpc Tail(Chunk) returns (stream Chunk) { option (google.api.http) = { get: "/v1/tail" }; }',
        '}',
      ].join('\n'),
    );
    const config = validateConfigData(
      {
        upstreams: { uploads: { protocol: 'grpc', targets: ['http://127.0.0.1:1'] } },
        protos: { files: ['uploads.proto'] },
        grpc: { services: { 'uploads.v1.Uploads': { upstream: 'uploads' } } },
      },
      { file: 'streams.yaml', baseDir: dir, env: {} },
    );
    const upstream = { name: 'uploads' } as unknown as GrpcUpstream;
    const issues: ConfigIssue[] = [];
    const { entries } = compileGrpcRoutes(config, new Map([['uploads', upstream]]), issues);
    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^uploads\.v1\.Uploads\/Upload \(post \/v1\/uploads\): a client-streaming method needs a body/i),
      expect.stringMatching(/^uploads\.v1\.Uploads\/Chat \(post \/v1\/chat\): a bidirectional-streaming method needs a body/i),
    ]);
    expect(issues[0]?.pointer).toBe('/grpc/services/uploads.v1.Uploads');
    expect(entries.map((entry) => `${entry.method} ${entry.template}`)).toEqual(['POST /v1/push', 'POST /v1/talk', 'GET /v1/tail']);
  });
});
