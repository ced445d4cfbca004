import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatusDetails, GrpcStatus, retryAfterSeconds } from '../../src/errors/grpc-status.js';
import { createGrpcChannel, healthCheck, unaryCall, type GrpcChannel } from '../../src/grpc/client/index.js';
import { Canceller } from '../../src/upstreams/canceller.js';
import {
  decodeGrpcMessage, formatGrpcTimeout, frameMessage, grpcStatusFromHttp, grpcStatusFromRstCode, parseUnaryMessage,
} from '../../src/grpc/client/wire.js';
import { encodeCheckRequest } from '../../src/grpc/client/health.js';
import { loadProtos } from '../../src/grpc/protos/load-protos.js';

const fixtures = 'test/fixtures/proto/client';
const require = createRequire(import.meta.url);
const rpcDir = path.join(path.dirname(require.resolve('google-proto-files/package.json')), 'google', 'rpc');
const { root, issues } = loadProtos(
  [`${fixtures}/echo.proto`, `${fixtures}/health.proto`, path.join(rpcDir, 'status.proto'), path.join(rpcDir, 'error_details.proto')],
  { includeDirs: [fixtures] },
);
const EchoRequest = root.lookupType('protogate.test.client.v1.EchoRequest');
const EchoResponse = root.lookupType('protogate.test.client.v1.EchoResponse');
const HealthRequest = root.lookupType('grpc.health.v1.HealthCheckRequest');
const HealthResponse = root.lookupType('grpc.health.v1.HealthCheckResponse');
const RpcStatus = root.lookupType('google.rpc.Status');
const ECHO = '/protogate.test.client.v1.Echo/Echo';

type Obj = Record<string, unknown>;

/** grpc-js method definition whose (de)serializers are protobufjs codecs. */
function method(methodPath: string, req: protobuf.Type, res: protobuf.Type): grpc.MethodDefinition<Obj, Obj> {
  return {
    path: methodPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: (v) => Buffer.from(req.encode(req.fromObject(v)).finish()),
    requestDeserialize: (b) => req.toObject(req.decode(b), { longs: String, defaults: true }),
    responseSerialize: (v) => Buffer.from(res.encode(res.fromObject(v)).finish()),
    responseDeserialize: (b) => res.toObject(res.decode(b), { longs: String }),
  };
}

const encodeEcho = (value: Obj): Uint8Array => EchoRequest.encode(EchoRequest.fromObject(value)).finish();
const decodeEcho = (bytes: Uint8Array | undefined): Obj =>
  EchoResponse.toObject(EchoResponse.decode(bytes ?? new Uint8Array()), { longs: String, bytes: String });

function anyOf(typeName: string, value: Obj): Obj {
  const type = root.lookupType(typeName);
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() };
}

interface ServerState {
  cancelled: number;
  connections: Set<string>;
  health: Map<string, number>;
}

async function startServer(withHealth: boolean): Promise<{ server: grpc.Server; port: number; state: ServerState }> {
  const state: ServerState = { cancelled: 0, connections: new Set(), health: new Map([['', 1], ['books', 2]]) };
  const server = new grpc.Server();
  server.addService({ Echo: method(ECHO, EchoRequest, EchoResponse) }, {
    Echo(call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) {
      state.connections.add(call.getPeer());
      call.on('cancelled', () => state.cancelled++);
      const req = call.request;
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = Buffer.isBuffer(value) ? `bin:${value.toString('hex')}` : value;
      const initial = new grpc.Metadata();
      initial.set('x-initial', 'first');
      initial.set('x-initial-bin', Buffer.from([1, 2, 3]));
      call.sendMetadata(initial);
      const answer = (): void => {
        const trailing = new grpc.Metadata();
        trailing.set('x-trailing', 'last');
        if (req['fail_code'] !== 0) {
          if (req['fail_message'] === 'with-details') {
            const status = RpcStatus.fromObject({
              code: req['fail_code'],
              message: 'Ungültige Anfrage: 100% falsch ✗',
              details: [
                anyOf('google.rpc.BadRequest', { field_violations: [{ field: 'text', description: 'must not be empty' }] }),
                anyOf('google.rpc.RetryInfo', { retry_delay: { seconds: 1, nanos: 200_000_000 } }),
                anyOf('google.rpc.DebugInfo', { stack_entries: ['secret'], detail: 'internal' }),
              ],
            });
            trailing.set('grpc-status-details-bin', Buffer.from(RpcStatus.encode(status).finish()));
          }
          const details = req['fail_message'] === 'with-details' ? 'Ungültige Anfrage: 100% falsch ✗' : String(req['fail_message']);
          callback({ code: req['fail_code'] as number, details, metadata: trailing });
          return;
        }
        callback(null, { text: req['text'], id: req['id'], blob: req['blob'], metadata }, trailing);
      };
      const delay = req['delay_ms'] as number;
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    },
  });
  if (withHealth) {
    server.addService({ Check: method('/grpc.health.v1.Health/Check', HealthRequest, HealthResponse) }, {
      Check(call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) {
        const status = state.health.get(String(call.request['service']));
        if (status === undefined) callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        else callback(null, { status });
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  return { server, port, state };
}

let server: grpc.Server;
let state: ServerState;
let channel: GrpcChannel;
let bare: grpc.Server;
let bareChannel: GrpcChannel;
let serverPort: number;

beforeAll(async () => {
  expect(issues).toEqual([]);
  const started = await startServer(true);
  server = started.server;
  state = started.state;
  serverPort = started.port;
  channel = createGrpcChannel(`http://127.0.0.1:${started.port}`, { connectMs: 2_000 });
  const plain = await startServer(false);
  bare = plain.server;
  bareChannel = createGrpcChannel(`http://127.0.0.1:${plain.port}`, { connectMs: 2_000 });
});

afterAll(async () => {
  await channel.close();
  await bareChannel.close();
  server.forceShutdown();
  bare.forceShutdown();
});

describe('unaryCall against grpc-js', () => {
  it('round-trips a message exactly', async () => {
    const result = await unaryCall(channel, {
      path: ECHO,
      requestBytes: encodeEcho({ text: 'héllo', id: '9007199254740993', blob: Buffer.from([0, 255, 7]) }),
      deadlineMs: 2_000,
    });
    expect(result.status).toBe(GrpcStatus.OK);
    expect(result.message).toBe('OK'); // grpc-js sends grpc-message: OK
    expect(result.statusDetails).toBeUndefined();
    expect(decodeEcho(result.responseBytes)).toMatchObject({ text: 'héllo', id: '9007199254740993', blob: Buffer.from([0, 255, 7]).toString('base64') });
  });

  it('decodes a percent-encoded non-ASCII grpc-message and grpc-status-details-bin', async () => {
    const result = await unaryCall(channel, {
      path: ECHO,
      requestBytes: encodeEcho({ fail_code: GrpcStatus.INVALID_ARGUMENT, fail_message: 'with-details' }),
    });
    expect(result.status).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(result.message).toBe('Ungültige Anfrage: 100% falsch ✗');
    expect(result.responseBytes).toBeUndefined();
    expect(result.statusDetails).toBeInstanceOf(Buffer);
    const decoded = decodeStatusDetails(result.statusDetails ?? Buffer.alloc(0));
    expect(decoded).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: 'Ungültige Anfrage: 100% falsch ✗',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'text', description: 'must not be empty' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.200s' },
      ],
    });
    expect(retryAfterSeconds(decoded.details)).toBe(2);
    expect(result.trailers['x-trailing']).toBe('last');
    expect(result.trailers['grpc-status-details-bin']).toBeUndefined();
  });

  it('returns every status code the server sends as itself', async () => {
    for (let code = 1; code <= 16; code++) {
      const result = await unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({ fail_code: code, fail_message: `code ${code}` }) });
      expect([result.status, result.message]).toEqual([code, `code ${code}`]);
    }
  });

  it('carries metadata both ways', async () => {
    const result = await unaryCall(channel, {
      path: ECHO,
      requestBytes: encodeEcho({ text: 'md' }),
      metadata: { 'x-tenant': 'acme', 'x-multi': ['a', 'b'], 'x-token-bin': Buffer.from([9, 8, 7]).toString('base64'), 'grpc-timeout': '1n', te: 'nope' },
    });
    expect(result.status).toBe(GrpcStatus.OK);
    const seen = decodeEcho(result.responseBytes)['metadata'] as Record<string, string>;
    expect(seen['x-tenant']).toBe('acme');
    expect(seen['x-multi']).toBe('a, b');
    expect(seen['x-token-bin']).toBe('bin:090807');
    expect(seen['user-agent']).toMatch(/^protogate-grpc\//);
    expect(result.headers['x-initial']).toBe('first');
    expect(Buffer.from(String(result.headers['x-initial-bin']), 'base64')).toEqual(Buffer.from([1, 2, 3]));
    expect(result.headers['content-type']).toBeUndefined();
    expect(result.headers[':status']).toBeUndefined();
    expect(result.trailers['x-trailing']).toBe('last');
    expect(result.trailers['grpc-status']).toBeUndefined();
  });

  it('fails DEADLINE_EXCEEDED within the deadline and the server sees the cancellation', async () => {
    const before = state.cancelled;
    const started = performance.now();
    const result = await unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({ delay_ms: 3_000 }), deadlineMs: 150 });
    const elapsed = performance.now() - started;
    expect(result.status).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(400);
    await waitFor(() => state.cancelled > before);
  });

  it('cancels on abort: CANCELLED, RST_STREAM reaching the server', async () => {
    const before = state.cancelled;
    const controller = new AbortController();
    const pending = unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({ delay_ms: 3_000 }), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    expect(result.status).toBe(GrpcStatus.CANCELLED);
    await waitFor(() => state.cancelled > before);
    const aborted = await unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({}), signal: AbortSignal.abort() });
    expect(aborted.status).toBe(GrpcStatus.CANCELLED);
  });

  it('cancels through a Canceller: CANCELLED, RST_STREAM reaching the server, and the handle detached after', async () => {
    const before = state.cancelled;
    const canceller = new Canceller();
    const pending = unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({ delay_ms: 3_000 }), canceller });
    expect(canceller.target).toBeDefined();
    setTimeout(() => canceller.cancel(), 50);
    expect((await pending).status).toBe(GrpcStatus.CANCELLED);
    expect(canceller.target).toBeUndefined();
    await waitFor(() => state.cancelled > before);
    const done = new Canceller();
    expect((await unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({ text: 'x' }), canceller: done })).status).toBe(GrpcStatus.OK);
    expect(done.target).toBeUndefined();
    done.cancel(); // after the end: nothing to cancel, nothing thrown
    const early = new Canceller();
    early.cancel();
    expect((await unaryCall(channel, { path: ECHO, requestBytes: encodeEcho({}), canceller: early })).status).toBe(GrpcStatus.CANCELLED);
  });

  it('reuses one connection for 100 calls', async () => {
    const fresh = createGrpcChannel(`http://127.0.0.1:${serverPort}`, { connectMs: 1_000 });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => unaryCall(fresh, { path: ECHO, requestBytes: encodeEcho({ text: `n${i}` }) })),
    );
    expect(results.map((r) => decodeEcho(r.responseBytes)['text'])).toEqual(Array.from({ length: 100 }, (_, i) => `n${i}`));
    expect(fresh.unaryPool?.size).toBe(1);
    expect(fresh.unaryPool?.connections[0]?.lastStreamId).toBe(199); // client streams are odd-numbered: 1, 3, … 199
    await fresh.close();
  });

  it('returns UNAVAILABLE when the server is down', async () => {
    const gone = await startServer(false);
    gone.server.forceShutdown();
    const down = createGrpcChannel(`http://127.0.0.1:${gone.port}`, { connectMs: 1_000 });
    const result = await unaryCall(down, { path: ECHO, requestBytes: encodeEcho({}), deadlineMs: 2_000 });
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/ECONNREFUSED/);
    await down.close();
    const closed = await unaryCall(down, { path: ECHO, requestBytes: encodeEcho({}) });
    expect(closed.status).toBe(GrpcStatus.UNAVAILABLE);
  });
});

describe('TLS (ALPN h2)', () => {
  it('calls a grpc-js TLS server, trusting the fixture certificate', async () => {
    const cert = readFileSync('test/fixtures/tls/localhost-cert.pem');
    const key = readFileSync('test/fixtures/tls/localhost-key.pem');
    const tlsServer = new grpc.Server();
    tlsServer.addService({ Echo: method(ECHO, EchoRequest, EchoResponse) }, {
      Echo: (call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) => callback(null, { text: `tls:${String(call.request['text'])}` }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      tlsServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }]), (error, bound) =>
        error === null ? resolve(bound) : reject(error)),
    );
    const tlsChannel = createGrpcChannel(`https://localhost:${port}`, {
      connectMs: 2_000,
      tls: { ca: cert, cert: undefined, key: undefined, servername: 'localhost', rejectUnauthorized: true },
    });
    try {
      const result = await unaryCall(tlsChannel, { path: ECHO, requestBytes: encodeEcho({ text: 'x' }), deadlineMs: 2_000 });
      expect(result.status).toBe(GrpcStatus.OK);
      expect(decodeEcho(result.responseBytes)['text']).toBe('tls:x');
      const untrusted = createGrpcChannel(`https://localhost:${port}`, { connectMs: 2_000 });
      const refused = await unaryCall(untrusted, { path: ECHO, requestBytes: encodeEcho({}), deadlineMs: 2_000 });
      expect(refused.status).toBe(GrpcStatus.UNAVAILABLE);
      await untrusted.close();
    } finally {
      await tlsChannel.close();
      tlsServer.forceShutdown();
    }
  });
});

describe('healthCheck', () => {
  it('reports SERVING, NOT_SERVING, UNKNOWN (unknown service) and UNIMPLEMENTED (no health service)', async () => {
    expect(await healthCheck(channel)).toBe('SERVING');
    expect(await healthCheck(channel, 'books')).toBe('NOT_SERVING');
    expect(await healthCheck(channel, 'nope')).toBe('UNKNOWN');
    state.health.set('', 2);
    expect(await healthCheck(channel)).toBe('NOT_SERVING');
    state.health.set('', 1);
    expect(await healthCheck(bareChannel)).toBe('UNIMPLEMENTED');
  });

  it('encodes the request exactly as protobufjs does', () => {
    for (const service of ['a', 'grpc.health.v1.Health', 'x'.repeat(300)]) {
      expect(Buffer.from(encodeCheckRequest(service))).toEqual(Buffer.from(HealthRequest.encode({ service }).finish()));
    }
    // proto3: a default-valued field is not written at all.
    expect(encodeCheckRequest('')).toHaveLength(0);
  });
});

describe('protocol edge cases (raw node:http2 server)', () => {
  let raw: http2.Http2Server;
  let rawChannel: GrpcChannel;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    raw = http2.createServer();
    raw.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    raw.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      const scenario = String(headers[':path']).slice(1);
      if (scenario === 'http-503') stream.respond({ ':status': 503, 'content-type': 'text/plain' }, { endStream: true });
      else if (scenario === 'http-404') stream.respond({ ':status': 404 }, { endStream: true });
      else if (scenario === 'trailers-only') stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'nope%20here', 'x-k': 'v' }, { endStream: true });
      else if (scenario === 'refused') stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      else if (scenario === 'drop') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.write(Buffer.from([0, 0, 0, 0, 9]), () => {
          for (const socket of sockets) socket.destroy();
        });
      }
      else if (scenario === 'no-status') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.end(frameMessage(new Uint8Array([1])));
      } else {
        const body = scenario === 'compressed' ? Buffer.from([1, 0, 0, 0, 1, 0]) : Buffer.concat([frameMessage(new Uint8Array([8, 1])), frameMessage(new Uint8Array([8, 2]))]);
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(body);
      }
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    rawChannel = createGrpcChannel(`http://127.0.0.1:${(raw.address() as AddressInfo).port}`, { connectMs: 1_000 });
  });
  afterAll(async () => {
    await rawChannel.close();
    await new Promise((resolve) => raw.close(resolve));
  });

  it.each([
    ['http-503', GrpcStatus.UNAVAILABLE],
    ['http-404', GrpcStatus.UNIMPLEMENTED],
    ['trailers-only', GrpcStatus.NOT_FOUND],
    ['refused', GrpcStatus.UNAVAILABLE],
    ['no-status', GrpcStatus.INTERNAL],
    ['compressed', GrpcStatus.INTERNAL],
    ['two-messages', GrpcStatus.INTERNAL],
    ['drop', GrpcStatus.UNAVAILABLE],
  ])('%s → %i', async (scenario, status) => {
    const result = await unaryCall(rawChannel, { path: `/${scenario}`, requestBytes: new Uint8Array(), deadlineMs: 2_000 });
    expect(result.status).toBe(status);
    if (scenario === 'drop') expect(result.message).toMatch(/lost/);
    if (scenario === 'trailers-only') {
      expect(result.message).toBe('nope here');
      expect(result.headers).toEqual({});
      expect(result.trailers['x-k']).toBe('v');
    }
  });
});

describe('wire rules', () => {
  it('formats grpc-timeout with at most 8 digits', () => {
    expect(formatGrpcTimeout(150)).toBe('150m');
    expect(formatGrpcTimeout(0.2)).toBe('1m');
    expect(formatGrpcTimeout(99_999_999)).toBe('99999999m');
    expect(formatGrpcTimeout(100_000_000)).toBe('100000S');
    expect(formatGrpcTimeout(1e15)).toMatch(/^\d{1,8}H$/);
  });

  it('percent-decodes grpc-message, keeping invalid encodings raw', () => {
    expect(decodeGrpcMessage('plain')).toBe('plain');
    expect(decodeGrpcMessage('caf%C3%A9%20%25')).toBe('café %');
    expect(decodeGrpcMessage('bad %E0%A4%A')).toBe('bad %E0%A4%A');
    expect(decodeGrpcMessage(undefined)).toBe('');
  });

  it('maps HTTP statuses and RST_STREAM codes per the gRPC docs', () => {
    expect([400, 401, 403, 404, 429, 502, 503, 504, 500, 418].map(grpcStatusFromHttp)).toEqual([13, 16, 7, 12, 14, 14, 14, 14, 2, 2]);
    expect([0, 1, 2, 7, 8, 11, 12].map(grpcStatusFromRstCode)).toEqual([13, 13, 13, 14, 1, 8, 7]);
  });

  it('frames and parses one length-prefixed message', () => {
    const frame = frameMessage(new Uint8Array([1, 2, 3]));
    expect(frame).toEqual(Buffer.from([0, 0, 0, 0, 3, 1, 2, 3]));
    expect(parseUnaryMessage(frame)).toEqual({ ok: true, bytes: Buffer.from([1, 2, 3]) });
    expect(parseUnaryMessage(frame.subarray(0, 6))).toMatchObject({ ok: false, status: 13 });
    expect(parseUnaryMessage(Buffer.alloc(0))).toEqual({ ok: true, bytes: undefined });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
