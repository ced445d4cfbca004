import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/app.js';
import { serviceDefinition, type PlainMessage } from '../../src/demo/grpc-demo-codec.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';
import { json } from '../helpers/clients.js';
import { liveRequest1 } from '../helpers/live-exchange.js';
import { grpcUpstream, http1AndH2c, startGateway } from '../helpers/start-gateway.js';

/**
 * The lifetime of streamed responses (src/stages/grpc/stream-timers.ts) and trailer metadata after the first
 * message, against a real grpc-js server whose messages come exactly when a request says, with short timings.
 */
const PROTO = `
syntax = "proto3";
package protogate.test.ticks.v1;
import "google/api/annotations.proto";

service Ticks {
  rpc Tick(TickRequest) returns (stream Tock) { option (google.api.http) = { get: "/v1/ticks" }; }
  rpc Bounded(TickRequest) returns (stream Tock) { option (google.api.http) = { get: "/v1/bounded" }; }
  rpc Chat(stream Tock) returns (stream Tock) { option (google.api.http) = { post: "/v1/chat" body: "*" }; }
}
// count messages; delays_ms[i] before message i (the last value repeats); trailer: "x-trailer" trailer metadata;
// fail: end ABORTED instead of OK.
message TickRequest { int32 count = 1; repeated int32 delays_ms = 2; string trailer = 3; bool fail = 4; }
message Tock { int32 n = 1; string text = 2; }
`;

const tmp = mkdtempSync(path.join(tmpdir(), 'protogate-lifetime-'));
writeFileSync(path.join(tmp, 'ticks.proto'), PROTO);

/** What the server saw: cancelled calls, and the deadline (ms from the call's start) of the last call. */
const stats = { cancelled: 0, lastDeadlineMs: Number.NaN };
let server: grpc.Server;
let gateway: Gateway;
let base: string;
let h2c: string;

function tickHandler(call: grpc.ServerWritableStream<PlainMessage, PlainMessage>): void {
  const deadline = call.getDeadline();
  stats.lastDeadlineMs = deadline instanceof Date ? deadline.getTime() - Date.now() : Number(deadline) - Date.now();
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  call.on('cancelled', () => {
    cancelled = true;
    stats.cancelled++;
    clearTimeout(timer);
  });
  const head = new grpc.Metadata();
  head.set('x-head', 'h');
  call.sendMetadata(head);
  const request = call.request;
  const count = Number(request['count'] ?? 0);
  const delays = (request['delays_ms'] as number[] | undefined) ?? [];
  let sent = 0;
  const next = (): void => {
    if (cancelled) return;
    if (sent === count) {
      const trailer = new grpc.Metadata();
      if (typeof request['trailer'] === 'string') trailer.set('x-trailer', request['trailer']);
      // grpc-js ends a server stream with the status of an 'error' event.
      if (request['fail'] === true) call.emit('error', { code: grpc.status.ABORTED, details: 'ticks interrupted', metadata: trailer });
      else call.end(trailer);
      return;
    }
    timer = setTimeout(() => {
      if (cancelled) return;
      call.write({ n: ++sent });
      next();
    }, delays[Math.min(sent, delays.length - 1)] ?? 0);
  };
  next();
}

/** Echoes each request message whose text is "echo"; consumes the others silently. */
function chatHandler(call: grpc.ServerDuplexStream<PlainMessage, PlainMessage>): void {
  call.on('cancelled', () => stats.cancelled++);
  call.on('data', (message: PlainMessage) => {
    if (message['text'] === 'echo') call.write(message);
  });
  call.on('end', () => call.end());
}

beforeAll(async () => {
  const { root, issues } = loadProtos([path.join(tmp, 'ticks.proto')], { includeDirs: [] });
  expect(issues).toEqual([]);
  server = new grpc.Server();
  server.addService(serviceDefinition(root.lookupService('protogate.test.ticks.v1.Ticks')), { Tick: tickHandler, Bounded: tickHandler, Chat: chatHandler });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  ({ gateway, http1: base, h2c } = await startGateway(
    {
      listeners: http1AndH2c(),
      upstreams: { ticks: grpcUpstream(`http://127.0.0.1:${port}`, 5_000) },
      protos: { files: ['ticks.proto'] },
      grpc: { services: { 'protogate.test.ticks.v1.Ticks': { upstream: 'ticks' } }, responseMetadata: ['x-head', 'x-trailer'] },
      routes: {
        'protogate.test.ticks.v1.Ticks.Tick': { timeoutMs: 300, streamIdleTimeoutMs: 600, sseHeartbeatMs: 100 },
        'protogate.test.ticks.v1.Ticks.Bounded': { timeoutMs: 300, maxStreamDurationMs: 600, streamIdleTimeoutMs: 0 },
        'protogate.test.ticks.v1.Ticks.Chat': { timeoutMs: 300, streamIdleTimeoutMs: 400 },
      },
    },
    { file: 'lifetime.yaml', baseDir: tmp },
  ));
});

afterAll(async () => {
  await gateway.close(500);
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

interface Streamed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  trailers: Record<string, string | string[] | undefined>;
  /** ms from the request to the end of the response. */
  endedAt: number;
}

function query(count: number, delays: number[], extra = ''): string {
  return `count=${count}${delays.map((delay) => `&delaysMs=${delay}`).join('')}${extra}`;
}

/** One HTTP/1.1 GET, read to the end, trailers included. */
function get1(url: string, headers: Record<string, string> = {}): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), trailers: res.trailers, endedAt: performance.now() - sent }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** One HTTP/2 GET (h2c) on its own session, read to the end, trailers included. */
function get2(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const session = http2.connect(h2c);
    session.on('error', reject);
    const stream = session.request({ ':path': pathAndQuery, ...headers });
    let status = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    let trailers: Record<string, string | string[] | undefined> = {};
    stream.on('response', (received) => {
      status = Number(received[':status']);
      responseHeaders = { ...received };
    });
    stream.on('trailers', (received) => {
      trailers = Object.fromEntries(Object.entries(received)); // without Node's symbol keys
    });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString(), trailers, endedAt: performance.now() - sent });
    });
    stream.on('error', reject);
  });
}

const tocks = (...ns: number[]): string => ns.map((n) => `{"n":${n}}\n`).join('');
const deadlineLine = (grpcMessage: string): string =>
  `${JSON.stringify({ error: { type: 'urn:protogate:problem:upstream-grpc-status', status: 504, grpcCode: 'DEADLINE_EXCEEDED', grpcMessage } })}\n`;

async function cancelledSince(before: number): Promise<number> {
  const deadline = Date.now() + 2_000;
  while (stats.cancelled === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return stats.cancelled - before;
}

describe('the route timeout bounds the time to the first message, not the stream', () => {
  it('a stream outlives the route timeout while messages keep coming (no deadline is sent upstream)', async () => {
    const res = await get1(`${base}/v1/ticks?${query(4, [0, 200])}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(tocks(1, 2, 3, 4));
    expect(res.endedAt).toBeGreaterThan(550); // 600 ms of messages under a 300 ms route timeout
    expect(stats.lastDeadlineMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('no first message within the route timeout: a 504 problem, and the call is cancelled', async () => {
    const before = stats.cancelled;
    const res = await get1(`${base}/v1/ticks?${query(1, [1_000])}`, { 'x-request-id': 'slow-1' });
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(json(res)).toEqual({
      type: 'urn:protogate:problem:upstream-grpc-status',
      title: 'Upstream gRPC error',
      status: 504,
      detail: 'upstream "ticks" answered DEADLINE_EXCEEDED: no response message within 300 ms',
      instance: 'slow-1',
      grpcCode: 'DEADLINE_EXCEEDED',
      grpcMessage: 'no response message within 300 ms',
    });
    expect(res.endedAt).toBeLessThan(900);
    expect(await cancelledSince(before)).toBe(1);
  });
});

describe('streamIdleTimeoutMs and maxStreamDurationMs end a stream cleanly, in-band', () => {
  it('no message for streamIdleTimeoutMs after the first: the in-band error, then the end; the call is cancelled', async () => {
    const before = stats.cancelled;
    const res = await get1(`${base}/v1/ticks?${query(2, [0, 5_000])}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(`${tocks(1)}${deadlineLine('no message either way for 600 ms')}`);
    expect(res.endedAt).toBeGreaterThan(550);
    expect(res.endedAt).toBeLessThan(2_000);
    expect(await cancelledSince(before)).toBe(1);
  });

  it('maxStreamDurationMs cuts a busy stream, and goes upstream as the call deadline (grpc-timeout)', async () => {
    const res = await get1(`${base}/v1/bounded?${query(10, [0, 250])}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(`${tocks(1, 2, 3)}${deadlineLine('the stream reached its maximum duration of 600 ms')}`);
    expect(stats.lastDeadlineMs).toBeGreaterThan(400);
    expect(stats.lastDeadlineMs).toBeLessThanOrEqual(600);
  });

  it('a client grpc-timeout is the deadline of the whole stream', async () => {
    const res = await get1(`${base}/v1/ticks?${query(10, [0, 100])}`, { 'grpc-timeout': '350m' });
    const lines = res.body.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({
      error: { type: 'urn:protogate:problem:upstream-grpc-status', status: 504, grpcCode: 'DEADLINE_EXCEEDED', grpcMessage: expect.stringMatching(/^deadline of 3\d\d ms exceeded$/) },
    });
  });

  it('on a bidi stream, request messages count as activity too', async () => {
    const exchange = liveRequest1(`${base}/v1/chat`, { headers: { 'content-type': 'application/x-ndjson' } });
    exchange.write('{"n":1,"text":"echo"}\n');
    await exchange.waitForBody((body) => body === '{"n":1,"text":"echo"}\n');
    // Only request messages for 750 ms, 250 ms apart: longer than the 400 ms idle timeout, never idle that long.
    for (const n of [2, 3, 4]) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      exchange.write(`{"n":${n}}\n`);
    }
    exchange.end('{"n":5,"text":"echo"}\n');
    const settled = await exchange.done;
    expect(settled.status).toBe(200);
    expect(settled.body.toString()).toBe('{"n":1,"text":"echo"}\n{"n":5,"text":"echo"}\n');
  });

  it('a bidi stream silent both ways for streamIdleTimeoutMs ends in-band while its request is still open', async () => {
    const exchange = liveRequest1(`${base}/v1/chat`, { headers: { 'content-type': 'application/x-ndjson' } });
    exchange.write('{"n":1,"text":"echo"}\n');
    const settled = await exchange.done;
    expect(settled.complete).toBe(true);
    expect(settled.body.toString()).toBe(`{"n":1,"text":"echo"}\n${deadlineLine('no message either way for 400 ms')}`);
    exchange.destroy();
  });
});

describe('Server-Sent Events heartbeat', () => {
  it('a ": keepalive" comment after sseHeartbeatMs without a write; none on NDJSON', async () => {
    const sse = await get1(`${base}/v1/ticks?${query(2, [0, 450])}`, { accept: 'text/event-stream' });
    expect(sse.status).toBe(200);
    // Messages at 0 and 450 ms, heartbeats every 100 ms between them (timers may slip on a busy machine).
    expect(sse.body).toMatch(/^data: \{"n":1\}\n\n(: keepalive\n\n){2,4}data: \{"n":2\}\n\n$/);
    const ndjson = await get1(`${base}/v1/ticks?${query(2, [0, 450])}`);
    expect(ndjson.body).toBe(tocks(1, 2));
  });
});

describe('trailer metadata after the first message', () => {
  it('HTTP/1.1 with TE: trailers: announced in Trailer and sent as chunked trailer fields', async () => {
    const res = await get1(`${base}/v1/ticks?${query(2, [0])}&trailer=bye`, { te: 'trailers' });
    expect(res.headers['grpc-metadata-x-head']).toBe('h');
    expect(res.headers['trailer']).toBe('Grpc-Metadata-x-head, Grpc-Metadata-x-trailer');
    expect(res.body).toBe(tocks(1, 2));
    expect(res.trailers).toEqual({ 'grpc-metadata-x-trailer': 'bye' });
  });

  it('HTTP/1.1 without TE: trailers: left out', async () => {
    const res = await get1(`${base}/v1/ticks?${query(2, [0])}&trailer=bye`);
    expect(res.headers['trailer']).toBeUndefined();
    expect(res.body).toBe(tocks(1, 2));
    expect(res.trailers).toEqual({});
  });

  it('HTTP/2 with te: trailers: a trailing HEADERS frame, also after an in-band error', async () => {
    const ok = await get2(`/v1/ticks?${query(1, [0])}&trailer=bye`, { te: 'trailers' });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(tocks(1));
    expect(ok.trailers).toEqual({ 'grpc-metadata-x-trailer': 'bye' });
    const failed = await get2(`/v1/ticks?${query(1, [0])}&trailer=why&fail=true`, { te: 'trailers' });
    expect(failed.body).toBe(
      `${tocks(1)}${JSON.stringify({ error: { type: 'urn:protogate:problem:upstream-grpc-status', status: 409, grpcCode: 'ABORTED', grpcMessage: 'ticks interrupted' } })}\n`,
    );
    expect(failed.trailers).toEqual({ 'grpc-metadata-x-trailer': 'why' });
  });

  it('HTTP/2 without te: left out', async () => {
    const res = await get2(`/v1/ticks?${query(1, [0])}&trailer=bye`);
    expect(res.body).toBe(tocks(1));
    expect(res.trailers).toEqual({});
  });

  it('a stream that ends without a message carries its trailer metadata as headers', async () => {
    const res = await get1(`${base}/v1/ticks?${query(0, [0])}&trailer=none`, { te: 'trailers' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['grpc-metadata-x-trailer']).toBe('none');
    expect(res.headers['trailer']).toBeUndefined();
    expect(res.trailers).toEqual({});
  });
});
