import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { PEOPLE, type PersonObject } from '../../src/demo/directory-data.js';
import { avatarSvg, csvRow, EXPORT_CONTENT_TYPE } from '../../src/demo/grpc-directory-streams.js';
import { serviceDefinition, type PlainMessage } from '../../src/demo/grpc-demo-codec.js';
import { extractHttpRules } from '../../src/grpc/http-rules/extract-http-rules.js';
import { generateOpenApi } from '../../src/grpc/openapi/index.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';
import { json, request1, request2 } from '../helpers/clients.js';
import { startDirectoryGateway, type DirectoryGateway } from '../helpers/directory-gateway.js';
import { ROOT } from '../helpers/gateway-harness.js';
import { liveRequest1, liveRequest2, type Settled } from '../helpers/live-exchange.js';
import { grpcUpstream, http1AndH2c, startGateway } from '../helpers/start-gateway.js';

const BLOBS_PROTO = 'test/fixtures/proto/httpbody/blobs.proto';

/** A grpc-js server for blobs.proto on port 0. */
async function startBlobs(): Promise<{ url: string; close(): Promise<void> }> {
  const { root, issues } = loadProtos([path.join(ROOT, BLOBS_PROTO)], { includeDirs: [] });
  expect(issues).toEqual([]);
  const server = new grpc.Server();
  const echo: grpc.handleUnaryCall<PlainMessage, PlainMessage> = (call, callback) => {
    callback(null, { content_type: call.request['content_type'], data: call.request['data'] });
  };
  const upload: grpc.handleClientStreamingCall<PlainMessage, PlainMessage> = (call, callback) => {
    const names = new Set<string>();
    const hash = createHash('sha256');
    let chunks = 0;
    let size = 0;
    let contentType: unknown;
    call.on('data', (message: PlainMessage) => {
      const chunk = (message['chunk'] ?? {}) as PlainMessage;
      const data = chunk['data'] instanceof Uint8Array ? chunk['data'] : new Uint8Array();
      names.add(String(message['name']));
      contentType ??= chunk['content_type'];
      chunks++;
      size += data.length;
      hash.update(data);
    });
    call.on('end', () => callback(null, { names: [...names], chunks, size: String(size), content_type: contentType, sha256: hash.digest('hex') }));
  };
  const get: grpc.handleUnaryCall<PlainMessage, PlainMessage> = (call, callback) => {
    const name = String(call.request['name']);
    callback(null, { name, content: { content_type: 'text/plain; charset=utf-8', data: Buffer.from(`blob ${name}\n`) } });
  };
  server.addService(serviceDefinition(root.lookupService('protogate.test.blobs.v1.Blobs')), { Echo: echo, Upload: upload, Get: get });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

let demo: DirectoryGateway;
let blobs: Awaited<ReturnType<typeof startBlobs>>;
let blobsGateway: Gateway;
let blobs1: string;
let blobs2: string;

beforeAll(async () => {
  demo = await startDirectoryGateway();
  blobs = await startBlobs();
  ({ gateway: blobsGateway, http1: blobs1, h2c: blobs2 } = await startGateway({
    listeners: http1AndH2c(),
    upstreams: { blobs: grpcUpstream(blobs.url, 5000) },
    protos: { files: [BLOBS_PROTO] },
    grpc: { services: { 'protogate.test.blobs.v1.Blobs': { upstream: 'blobs' } } },
    routes: { 'protogate.test.blobs.v1.Blobs.Echo': { maxBodyBytes: 4096 } },
  }));
});

afterAll(async () => {
  await blobsGateway.close(500);
  await blobs.close();
  await demo.close();
});

/** Bytes no text decoding would survive: NUL, 0xFF, a lone CR, invalid UTF-8. */
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0d, 0x7b, 0x0a]);

/** One request with a binary body; the response body as bytes. */
function exchange(origin: string, protocol: 1 | 2, requestPath: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<Settled> {
  const live = protocol === 1 ? liveRequest1(`${origin}${requestPath}`, { method, headers }) : liveRequest2(origin, requestPath, { method, headers });
  live.end(body);
  return live.done;
}

/** The value at `keys` in a generated document. */
function at(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** The media types of a content map. */
function mediaTypes(value: unknown): string[] {
  return Object.keys(value as Record<string, unknown>);
}

describe('google.api.HttpBody requests: raw bytes and Content-Type, no JSON', () => {
  for (const protocol of [1, 2] as const) {
    it(`body "*": the request message is the HttpBody (HTTP/${protocol === 1 ? '1.1' : '2'})`, async () => {
      const origin = protocol === 1 ? blobs1 : blobs2;
      const settled = await exchange(origin, protocol, '/v1/blobs:echo', 'POST', { 'content-type': 'application/vnd.test+binary; v=1' }, BINARY);
      expect([settled.status, settled.complete]).toEqual([200, true]);
      expect(settled.headers['content-type']).toBe('application/vnd.test+binary; v=1');
      expect(settled.headers['content-length']).toBe(String(BINARY.length));
      expect(settled.body.equals(BINARY)).toBe(true);
    });

    it(`a body field of a demo method: PUT /v1/people/42/avatar (HTTP/${protocol === 1 ? '1.1' : '2'})`, async () => {
      const origin = protocol === 1 ? demo.http1 : demo.h2c;
      const settled = await exchange(origin, protocol, '/v1/people/42/avatar', 'PUT', { 'content-type': 'image/png' }, BINARY);
      expect(settled.status).toBe(200);
      expect(settled.headers['content-type']).toBe('application/json');
      expect(JSON.parse(settled.body.toString())).toEqual({
        id: '42',
        contentType: 'image/png',
        size: String(BINARY.length),
        sha256: createHash('sha256').update(BINARY).digest('hex'),
      });
    });

    it(`a client stream of HttpBody chunks: each received chunk is one message (HTTP/${protocol === 1 ? '1.1' : '2'})`, async () => {
      const origin = protocol === 1 ? blobs1 : blobs2;
      const live = protocol === 1
        ? liveRequest1(`${origin}/v1/blobs/report.bin:upload`, { headers: { 'content-type': 'application/octet-stream' } })
        : liveRequest2(origin, '/v1/blobs/report.bin:upload', { headers: { 'content-type': 'application/octet-stream' } });
      const parts = [randomBytes(100_000), BINARY, randomBytes(70_000)];
      for (const part of parts) {
        live.write(part);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      live.end();
      const settled = await live.done;
      expect(settled.status).toBe(200);
      const summary = JSON.parse(settled.body.toString()) as Record<string, unknown>;
      const all = Buffer.concat(parts);
      expect(summary).toMatchObject({ names: ['report.bin'], size: String(all.length), contentType: 'application/octet-stream', sha256: createHash('sha256').update(all).digest('hex') });
      expect(summary['chunks']).toBeGreaterThanOrEqual(3);
    });
  }

  it('no Content-Type: an empty content_type, answered as application/octet-stream', async () => {
    const settled = await exchange(blobs1, 1, '/v1/blobs:echo', 'POST', {}, BINARY);
    expect(settled.headers['content-type']).toBe('application/octet-stream');
    expect(settled.body.equals(BINARY)).toBe(true);
  });

  it('a raw body above the route limit is a 413', async () => {
    const res = await request1(`${blobs1}/v1/blobs:echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(json(res)).toMatchObject({ type: 'urn:protogate:problem:payload-too-large' });
  });

  it('the upstream judges the content: a text avatar is its INVALID_ARGUMENT', async () => {
    const res = await request1(`${demo.http1}/v1/people/42/avatar`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(400);
    expect(json(res)).toMatchObject({ grpcCode: 'INVALID_ARGUMENT', grpcMessage: 'an avatar must be an image/* body, not "text/plain"' });
  });
});

describe('google.api.HttpBody responses: data raw, content_type as Content-Type', () => {
  const ada = PEOPLE[41] as PersonObject;

  for (const protocol of [1, 2] as const) {
    it(`GET /v1/people/42/avatar answers the SVG bytes exactly (HTTP/${protocol === 1 ? '1.1' : '2'})`, async () => {
      const res = protocol === 1 ? await request1(`${demo.http1}/v1/people/42/avatar`) : await request2(demo.h2c, '/v1/people/42/avatar');
      const svg = avatarSvg(ada);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml');
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(svg)));
      expect(res.body).toBe(svg);
    });

    it(`server streaming of HttpBody: GET /v1/people:export streams the CSV chunks (HTTP/${protocol === 1 ? '1.1' : '2'})`, async () => {
      const res = protocol === 1 ? await request1(`${demo.http1}/v1/people:export?team=ops`) : await request2(demo.h2c, '/v1/people:export?team=ops');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(EXPORT_CONTENT_TYPE);
      expect(res.headers['content-length']).toBeUndefined();
      const ops = PEOPLE.filter((person) => person.teams.includes('ops'));
      const csv = csvRow(['id', 'display_name', 'email', 'level', 'teams']) + ops.map((p) => csvRow([p.id, p.display_name, p.email, p.level, p.teams.join(';')])).join('');
      expect(res.body).toBe(csv);
    });
  }

  it('a response_body field that is an HttpBody', async () => {
    const res = await request2(blobs2, '/v1/blobs/notes.txt');
    expect([res.status, res.headers['content-type'], res.body]).toEqual([200, 'text/plain; charset=utf-8', 'blob notes.txt\n']);
  });

  it('an HttpBody stream failing after its first chunk is aborted, never a complete-looking download (HTTP/1.1)', async () => {
    const settled = await new Promise<{ body: string; complete: boolean }>((resolve, reject) => {
      http.get(`${demo.http1}/v1/people:export?failAfter=2`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => (body += text));
        res.on('error', () => undefined);
        res.on('close', () => resolve({ body, complete: res.complete }));
      }).on('error', reject);
    });
    expect(settled.complete).toBe(false);
    const [first, second] = PEOPLE as [PersonObject, PersonObject];
    expect(settled.body).toBe(
      csvRow(['id', 'display_name', 'email', 'level', 'teams']) +
        [first, second].map((p) => csvRow([p.id, p.display_name, p.email, p.level, p.teams.join(';')])).join(''),
    );
  });

  it('… and reset over HTTP/2', async () => {
    const rstCode = await new Promise<number | undefined>((resolve) => {
      const session = http2.connect(demo.h2c);
      const stream = session.request({ ':path': '/v1/people:export?failAfter=2' });
      stream.on('error', () => undefined);
      stream.resume();
      stream.on('close', () => {
        resolve(stream.rstCode);
        session.close();
      });
    });
    expect(rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
  });
});

describe('generated OpenAPI for HttpBody and NDJSON bodies', () => {
  const protoDir = path.join(ROOT, 'proto');
  const loaded = loadProtos([path.join(protoDir, 'demo/directory/v1/directory.proto'), path.join(ROOT, BLOBS_PROTO)], { includeDirs: [protoDir] });
  const paths = at(generateOpenApi(loaded.root, extractHttpRules(loaded.root).bindings, { title: 't', version: '1' }), 'paths');

  it('raw bodies are any media type', () => {
    expect(at(paths, '/v1/people/{id}/avatar', 'put', 'requestBody', 'content')).toEqual({ '*/*': { schema: {} } });
    expect(at(paths, '/v1/blobs:echo', 'post', 'requestBody', 'content')).toEqual({ '*/*': { schema: {} } });
    expect(mediaTypes(at(paths, '/v1/people/{id}/avatar', 'get', 'responses', '200', 'content'))).toEqual(['*/*']);
    expect(mediaTypes(at(paths, '/v1/people:export', 'get', 'responses', '200', 'content'))).toEqual(['*/*']);
    expect(mediaTypes(at(paths, '/v1/blobs/{name}', 'get', 'responses', '200', 'content'))).toEqual(['*/*']);
  });

  it('client-streaming and bidi request bodies are NDJSON of the message (or body field)', () => {
    const importPeople = at(paths, '/v1/people:import', 'post');
    expect(at(importPeople, 'requestBody', 'content', 'application/x-ndjson', 'schema')).toEqual({ $ref: '#/components/schemas/demo.directory.v1.Person' });
    expect(at(importPeople, 'parameters')).toEqual([{ name: 'team', in: 'query', schema: { type: 'string' } }]);
    expect(mediaTypes(at(paths, '/v1/people:lookup', 'post', 'responses', '200', 'content'))).toEqual(['application/x-ndjson', 'text/event-stream']);
  });
});
