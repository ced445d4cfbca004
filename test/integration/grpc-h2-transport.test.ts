/**
 * The lean HTTP/2 transport of unary calls (src/grpc/client/h2/) against real @grpc/grpc-js servers on port 0:
 * connection reuse, flow control both ways, SETTINGS_MAX_CONCURRENT_STREAMS, graceful shutdown (GOAWAY), stream
 * id exhaustion, TLS with ALPN.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { createGrpcChannel, unaryCall, type GrpcChannel, type GrpcChannelOptions } from '../../src/grpc/client/index.js';

const ECHO = '/protogate.test.raw.Echo/Echo';
const identity = (bytes: Buffer): Buffer => bytes;
const METHOD: grpc.MethodDefinition<Buffer, Buffer> = {
  path: ECHO,
  requestStream: false,
  responseStream: false,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
};

interface Stats {
  started: number;
  answered: number;
  inFlight: number;
  maxInFlight: number;
  peers: Set<string>;
}

/**
 * An echo server: answers the request bytes, or `x-size` bytes when that metadata is set, after `x-delay` ms.
 */
async function startServer(options: grpc.ServerOptions = {}, credentials = grpc.ServerCredentials.createInsecure()) {
  const stats: Stats = { started: 0, answered: 0, inFlight: 0, maxInFlight: 0, peers: new Set() };
  const server = new grpc.Server(options);
  server.addService({ Echo: METHOD }, {
    Echo(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      stats.started++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.peers.add(call.getPeer());
      const size = call.metadata.get('x-size')[0];
      const delay = Number(call.metadata.get('x-delay')[0] ?? 0);
      const answer = (): void => {
        stats.inFlight--;
        stats.answered++;
        callback(null, size === undefined ? call.request : Buffer.alloc(Number(size), 7));
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  cleanups.push(() => server.forceShutdown());
  return { server, port, stats };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function channelTo(port: number, options: Partial<GrpcChannelOptions> = {}, scheme = 'http', host = '127.0.0.1'): GrpcChannel {
  const channel = createGrpcChannel(`${scheme}://${host}:${port}`, { connectMs: 2_000, ...options });
  cleanups.push(() => channel.close());
  return channel;
}

const call = (channel: GrpcChannel, bytes: Uint8Array, metadata: Record<string, string> = {}, deadlineMs = 10_000) =>
  unaryCall(channel, { path: ECHO, requestBytes: bytes, metadata, deadlineMs });

describe('lean unary transport against grpc-js', () => {
  it('multiplexes 100 concurrent calls on one connection, stream ids 1, 3, … 199, without the node:http2 pool', async () => {
    const { port, stats } = await startServer();
    const channel = channelTo(port);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => call(channel, Buffer.from(`n${i}`))));
    expect(results.map((r) => [r.status, Buffer.from(r.responseBytes ?? []).toString()])).toEqual(
      Array.from({ length: 100 }, (_, i) => [GrpcStatus.OK, `n${i}`]),
    );
    const pool = channel.unaryPool!;
    expect(pool.size).toBe(1);
    expect(pool.connections[0]!.lastStreamId).toBe(199);
    expect(pool.connections[0]!.activeStreams).toBe(0);
    expect(channel.pool.size).toBe(0);
    expect(stats.peers.size).toBe(1);
  });

  it('sends and receives 1 MiB messages through both flow-control windows, byte for byte', async () => {
    const { port } = await startServer();
    const channel = channelTo(port);
    const big = randomBytes(1 << 20);
    const [echoed, large] = await Promise.all([call(channel, big), call(channel, Buffer.from('x'), { 'x-size': String(1 << 20) })]);
    expect(echoed.status).toBe(GrpcStatus.OK);
    expect(Buffer.from(echoed.responseBytes!).equals(big)).toBe(true);
    expect(large.status).toBe(GrpcStatus.OK);
    expect(large.responseBytes!.length).toBe(1 << 20);
    expect(large.responseBytes!.every((b) => b === 7)).toBe(true);
    // Several in parallel exceed the 8 MiB connection window: it must be replenished as data is consumed.
    const many = await Promise.all(Array.from({ length: 12 }, () => call(channel, big)));
    expect(many.every((r) => r.status === GrpcStatus.OK && Buffer.from(r.responseBytes!).equals(big))).toBe(true);
  });

  it('fails a response above maxResponseBytes RESOURCE_EXHAUSTED and keeps the connection usable', async () => {
    const { port } = await startServer();
    const channel = channelTo(port, { maxResponseBytes: 100_000 });
    const tooBig = await call(channel, Buffer.from('x'), { 'x-size': '300000' });
    expect([tooBig.status, tooBig.message]).toEqual([GrpcStatus.RESOURCE_EXHAUSTED, 'response larger than 100000 bytes']);
    const fine = await call(channel, Buffer.from('x'), { 'x-size': '100000' });
    expect([fine.status, fine.responseBytes!.length]).toEqual([GrpcStatus.OK, 100_000]);
    expect(channel.unaryPool!.size).toBe(1);
  });

  it('keeps to SETTINGS_MAX_CONCURRENT_STREAMS 10: 200 concurrent calls queue on one connection', async () => {
    const { port, stats } = await startServer({ 'grpc.max_concurrent_streams': 10 });
    const channel = channelTo(port);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => call(channel, Buffer.from(`c${i}`), { 'x-delay': '5' })));
    expect(results.filter((r) => r.status === GrpcStatus.OK)).toHaveLength(200);
    expect(results.map((r) => Buffer.from(r.responseBytes!).toString())).toEqual(Array.from({ length: 200 }, (_, i) => `c${i}`));
    expect(stats.maxInFlight).toBe(10);
    expect(stats.peers.size).toBe(1);
    expect(channel.unaryPool!.queued).toBe(0);
  });

  it('expires a call still queued for a stream slot without ever sending it', async () => {
    const { port, stats } = await startServer({ 'grpc.max_concurrent_streams': 1 });
    const channel = channelTo(port);
    const slow = call(channel, Buffer.from('slow'), { 'x-delay': '300' });
    const started = performance.now();
    const queued = await call(channel, Buffer.from('queued'), {}, 50);
    expect([queued.status, queued.message]).toEqual([GrpcStatus.DEADLINE_EXCEEDED, 'deadline of 50 ms exceeded']);
    expect(performance.now() - started).toBeLessThan(250);
    expect((await slow).status).toBe(GrpcStatus.OK);
    expect((await call(channel, Buffer.from('after'))).status).toBe(GrpcStatus.OK);
    expect(stats.started).toBe(2); // 'slow' and 'after': the expired call never reached the server
    expect(channel.unaryPool!.connections[0]!.lastStreamId).toBe(3);
  });

  it('close() lets in-flight calls finish, then later calls fail UNAVAILABLE', async () => {
    const { port } = await startServer();
    const channel = createGrpcChannel(`http://127.0.0.1:${port}`, { connectMs: 2_000 });
    await call(channel, Buffer.from('warm'));
    const inFlight = call(channel, Buffer.from('finishing'), { 'x-delay': '100' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = channel.close();
    const result = await inFlight;
    expect([result.status, Buffer.from(result.responseBytes!).toString()]).toEqual([GrpcStatus.OK, 'finishing']);
    await closed;
    expect(channel.unaryPool!.size).toBe(0);
    const after = await call(channel, Buffer.from('late'));
    expect([after.status, after.message]).toEqual([GrpcStatus.UNAVAILABLE, `cannot connect to http://127.0.0.1:${port}: the channel is closed`]);
  });

  it('spreads over maxSessions connections, each within its limit', async () => {
    const { port, stats } = await startServer({ 'grpc.max_concurrent_streams': 10 });
    const channel = channelTo(port, { maxSessions: 3 });
    const results = await Promise.all(Array.from({ length: 200 }, () => call(channel, Buffer.from('s'), { 'x-delay': '5' })));
    expect(results.every((r) => r.status === GrpcStatus.OK)).toBe(true);
    expect(stats.peers.size).toBe(3);
    expect(stats.maxInFlight).toBeLessThanOrEqual(30);
    expect(stats.maxInFlight).toBeGreaterThan(10);
  });

  it('graceful shutdown (GOAWAY) mid-traffic: every call the server accepted completes OK, the rest are UNAVAILABLE', async () => {
    const { server, port, stats } = await startServer();
    const channel = channelTo(port);
    const early = Array.from({ length: 40 }, (_, i) => call(channel, Buffer.from(`e${i}`), { 'x-delay': '150' }));
    while (stats.started < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    const shutdown = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const racing = Array.from({ length: 10 }, () => call(channel, Buffer.from('r'), { 'x-delay': '10' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = Array.from({ length: 10 }, () => call(channel, Buffer.from('l')));
    const results = await Promise.all([...early, ...racing, ...late]);
    await shutdown;
    const earlyResults = results.slice(0, 40);
    expect(earlyResults.map((r) => r.status)).toEqual(Array.from({ length: 40 }, () => GrpcStatus.OK));
    expect(earlyResults.map((r) => Buffer.from(r.responseBytes!).toString())).toEqual(Array.from({ length: 40 }, (_, i) => `e${i}`));
    const ok = results.filter((r) => r.status === GrpcStatus.OK).length;
    expect(ok).toBe(stats.answered);
    expect(results.filter((r) => r.status !== GrpcStatus.OK).every((r) => r.status === GrpcStatus.UNAVAILABLE)).toBe(true);
    expect(results.slice(50).map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => GrpcStatus.UNAVAILABLE));
  });

  it('moves to a new connection when stream ids run out (2^31 − 1)', async () => {
    const { port, stats } = await startServer();
    const channel = channelTo(port, { firstStreamId: 2 ** 31 - 1 - 4 });
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await call(channel, Buffer.from(`id${i}`));
      expect(result.status).toBe(GrpcStatus.OK);
      texts.push(Buffer.from(result.responseBytes!).toString());
    }
    expect(texts).toEqual(['id0', 'id1', 'id2', 'id3', 'id4']);
    expect(stats.peers.size).toBe(2);
    expect(channel.unaryPool!.connections[0]!.lastStreamId).toBe(2 ** 31 - 1 - 2);
  });

  it('keeps the node:http2 path available as transport: node-http2', async () => {
    const { port } = await startServer();
    const channel = channelTo(port, { transport: 'node-http2' });
    const result = await call(channel, Buffer.from('legacy'));
    expect([result.status, Buffer.from(result.responseBytes!).toString()]).toEqual([GrpcStatus.OK, 'legacy']);
    expect(channel.unaryPool).toBeNull();
    expect(channel.pool.size).toBe(1);
  });
});

describe('lean unary transport over TLS', () => {
  const cert = readFileSync('test/fixtures/tls/localhost-cert.pem');
  const key = readFileSync('test/fixtures/tls/localhost-key.pem');
  const trust = { ca: cert, cert: undefined, key: undefined, servername: 'localhost', rejectUnauthorized: true };

  it('negotiates h2 by ALPN with a grpc-js TLS server, 1 MiB each way', async () => {
    const { port } = await startServer({}, grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }]));
    const channel = channelTo(port, { tls: trust }, 'https', 'localhost');
    const big = randomBytes(1 << 20);
    const result = await call(channel, big);
    expect(result.status).toBe(GrpcStatus.OK);
    expect(Buffer.from(result.responseBytes!).equals(big)).toBe(true);
    const untrusted = await call(channelTo(port, {}, 'https', 'localhost'), Buffer.from('x'));
    expect(untrusted.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(untrusted.message).toMatch(/^cannot connect to https:\/\/localhost:\d+: .*certificate/);
  });

  it.each([
    ['selects no protocol', undefined, /: the server did not negotiate h2 by ALPN \(got none\)$/],
    ['offers only http/1.1', ['http/1.1'], /no application protocol/],
  ])('refuses a TLS server that %s', async (_name, ALPNProtocols, reason) => {
    const server = tls.createServer({ cert, key, ...(ALPNProtocols === undefined ? {} : { ALPNProtocols }) }, (socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const channel = channelTo((server.address() as AddressInfo).port, { tls: trust }, 'https', 'localhost');
    const result = await call(channel, Buffer.from('x'));
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/^cannot connect to https:\/\/localhost:\d+: /);
    expect(result.message).toMatch(reason);
  });
});
