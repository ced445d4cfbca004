/**
 * The lean HTTP/2 transport against a scripted raw HTTP/2 server (test/helpers/raw-h2-server.ts): GOAWAY with a
 * lower last-stream-id, REFUSED_STREAM, resets, keepalive, padding and CONTINUATION, send-side flow control,
 * SETTINGS changes, and connection errors answered with GOAWAY.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../src/errors/grpc-status.js';
import { createGrpcChannel, unaryCall, type GrpcChannel, type GrpcChannelOptions } from '../../src/grpc/client/index.js';
import { grpcMessage, headerBlock, startRawH2Server, type RawPeer, type ReceivedFrame } from '../helpers/raw-h2-server.js';

const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const PUSH_PROMISE = 0x5;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;

const RESPONSE_HEADERS = headerBlock([[':status', '200'], ['content-type', 'application/grpc'], ['x-h', 'one']]);
const OK_TRAILERS = headerBlock([['grpc-status', '0'], ['x-t', 'two']]);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(onPeer: (peer: RawPeer, index: number) => void) {
  const raw = await startRawH2Server(onPeer);
  cleanups.push(() => raw.close());
  return raw;
}

function channelTo(port: number, options: Partial<GrpcChannelOptions> = {}): GrpcChannel {
  const channel = createGrpcChannel(`http://127.0.0.1:${port}`, { connectMs: 2_000, ...options });
  cleanups.push(() => channel.close());
  return channel;
}

const call = (channel: GrpcChannel, text: string, deadlineMs?: number) =>
  unaryCall(channel, { path: `/t.S/${text}`, requestBytes: Buffer.from(text), ...(deadlineMs === undefined ? {} : { deadlineMs }) });

/** Answers a request with headers, its own bytes as the message, and OK trailers. */
function respond(peer: RawPeer, streamId: number, body: Buffer): void {
  peer.send(HEADERS, END_HEADERS, streamId, RESPONSE_HEADERS);
  peer.send(DATA, 0, streamId, grpcMessage(body));
  peer.send(HEADERS, END_HEADERS | END_STREAM, streamId, OK_TRAILERS);
}

/** Settings, then an echo of every request whose body is complete. */
function echoServer(peer: RawPeer): void {
  peer.settings();
  const bodies = new Map<number, Buffer[]>();
  peer.on((frame) => {
    if (frame.type === HEADERS) bodies.set(frame.streamId, []);
    if (frame.type === DATA) bodies.get(frame.streamId)?.push(frame.payload);
    if ((frame.type === DATA || frame.type === HEADERS) && (frame.flags & END_STREAM) !== 0) {
      respond(peer, frame.streamId, Buffer.concat(bodies.get(frame.streamId) ?? []).subarray(5));
    }
  });
}

const isHeaders = (frame: ReceivedFrame): boolean => frame.type === HEADERS;
const pathOf = (frame: ReceivedFrame): string | undefined => frame.fields?.find(([name]) => name === ':path')?.[1];

describe('streams the server did not process', () => {
  it('retries streams above a GOAWAY last-stream-id on a new connection; the one below finishes', async () => {
    const raw = await server((peer, index) => {
      if (index > 0) {
        echoServer(peer);
        return;
      }
      peer.settings();
      peer.on((frame) => {
        if (frame.type !== HEADERS || frame.streamId !== 5) return;
        peer.send(GOAWAY, 0, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]));
        respond(peer, 1, Buffer.from('first'));
      });
    });
    const channel = channelTo(raw.port);
    const results = await Promise.all(['first', 'second', 'third'].map((text) => call(channel, text, 3_000)));
    expect(results.map((r) => [r.status, Buffer.from(r.responseBytes!).toString()])).toEqual([
      [GrpcStatus.OK, 'first'], [GrpcStatus.OK, 'second'], [GrpcStatus.OK, 'third'],
    ]);
    expect(raw.peers[1]!.frames.filter(isHeaders).map(pathOf)).toEqual(['/t.S/second', '/t.S/third']);
    // The drained connection is closed politely once its last stream is done.
    const goaway = await raw.peers[0]!.waitFor((frame) => frame.type === GOAWAY);
    expect(goaway.payload.readUInt32BE(4)).toBe(0);
  });

  it('retries a REFUSED_STREAM once', async () => {
    const raw = await server((peer) => {
      peer.settings();
      peer.on((frame) => {
        if (frame.type !== HEADERS) return;
        if (frame.streamId === 1) peer.send(RST_STREAM, 0, 1, Buffer.from([0, 0, 0, 7]));
        else respond(peer, frame.streamId, Buffer.from('again'));
      });
    });
    const result = await call(channelTo(raw.port), 'x', 2_000);
    expect([result.status, Buffer.from(result.responseBytes!).toString()]).toEqual([GrpcStatus.OK, 'again']);
    expect(raw.peers[0]!.frames.filter(isHeaders).map((f) => f.streamId)).toEqual([1, 3]);
  });
});

describe('resets and keepalive', () => {
  it.each([
    [2, false, GrpcStatus.INTERNAL, 'stream reset by the server (HTTP/2 error code 2)'],
    [8, false, GrpcStatus.CANCELLED, 'stream reset by the server (HTTP/2 error code 8)'],
    [0xb, true, GrpcStatus.RESOURCE_EXHAUSTED, 'stream reset by the server (HTTP/2 error code 11)'],
    [0, true, GrpcStatus.INTERNAL, 'the stream ended without grpc-status'],
  ])('RST_STREAM %i (after headers: %s) → %i, and the connection stays usable', async (code, afterHeaders, status, message) => {
    const raw = await server((peer) => {
      peer.settings();
      peer.on((frame) => {
        if (frame.type !== DATA) return;
        if (frame.streamId === 1) {
          if (afterHeaders) peer.send(HEADERS, END_HEADERS, 1, RESPONSE_HEADERS);
          peer.send(RST_STREAM, 0, 1, Buffer.from([0, 0, 0, code]));
        } else respond(peer, frame.streamId, Buffer.from('next'));
      });
    });
    const channel = channelTo(raw.port);
    const reset = await call(channel, 'x', 2_000);
    expect([reset.status, reset.message]).toEqual([status, message]);
    expect(reset.headers).toEqual(afterHeaders ? { 'x-h': 'one' } : {});
    expect((await call(channel, 'y', 2_000)).status).toBe(GrpcStatus.OK);
    expect(channel.unaryPool!.size).toBe(1);
  });

  it('drops a connection whose server stops answering, by keepalive PING', async () => {
    const raw = await server((peer) => {
      peer.settings();
      peer.send(SETTINGS, 0x1, 0);
    });
    const channel = channelTo(raw.port, { pingIntervalMs: 100 });
    const started = performance.now();
    const result = await call(channel, 'hang');
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/^connection to http:\/\/127\.0\.0\.1:\d+ lost: no answer to a keepalive PING within 100 ms$/);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(raw.peers[0]!.frames.some((frame) => frame.type === PING && frame.flags === 0)).toBe(true);
  });

  it('answers the server PING with an ACK carrying the same data', async () => {
    const raw = await server((peer) => {
      echoServer(peer);
      peer.send(PING, 0, 0, Buffer.from('abcdefgh'));
    });
    const channel = channelTo(raw.port);
    expect((await call(channel, 'p', 2_000)).status).toBe(GrpcStatus.OK);
    const ack = await raw.peers[0]!.waitFor((frame) => frame.type === PING && frame.flags === 1);
    expect(ack.payload.toString()).toBe('abcdefgh');
  });

  it('gives up on a server that accepts TCP but never sends SETTINGS, after connectMs', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    // Pushed after the channel's cleanup, so it runs before the server's close, which waits for it.
    silent.on('connection', (socket) => cleanups.push(() => socket.destroy()));
    const channel = channelTo((silent.address() as AddressInfo).port, { connectMs: 150 });
    const started = performance.now();
    const result = await call(channel, 'x');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/^cannot connect to http:\/\/127\.0\.0\.1:\d+: connect timed out after 150 ms$/);
  });
});

describe('frames the client must read', () => {
  it('reassembles padded HEADERS + CONTINUATION, padded DATA in pieces and split trailers', async () => {
    const raw = await server((peer) => {
      peer.settings();
      peer.on((frame) => {
        if (frame.type !== DATA) return;
        const head = headerBlock([[':status', '200'], ['content-type', 'application/grpc'], ['x-a', 'b'], ['x-a', 'c']]);
        peer.send(HEADERS, PADDED, 1, Buffer.concat([Buffer.from([3]), head.subarray(0, 7), Buffer.alloc(3)]));
        peer.send(CONTINUATION, END_HEADERS, 1, head.subarray(7));
        const message = grpcMessage(Buffer.from('hello, padded world'));
        for (const piece of [message.subarray(0, 3), message.subarray(3, 10), message.subarray(10)]) {
          peer.send(DATA, PADDED, 1, Buffer.concat([Buffer.from([5]), piece, Buffer.alloc(5)]));
        }
        const trailers = headerBlock([['grpc-status', '0'], ['grpc-message', 'all%20good'], ['x-t', 'z']]);
        peer.send(HEADERS, END_STREAM, 1, trailers.subarray(0, 4));
        peer.send(CONTINUATION, 0, 1, trailers.subarray(4, 20));
        peer.send(CONTINUATION, END_HEADERS, 1, trailers.subarray(20));
      });
    });
    const result = await call(channelTo(raw.port), 'x', 2_000);
    expect(result).toEqual({
      status: GrpcStatus.OK,
      message: 'all good',
      responseBytes: Buffer.from('hello, padded world'),
      headers: { 'x-a': 'b, c' },
      trailers: { 'x-t': 'z' },
    });
  });

  it('returns stream and connection window as a large response is consumed', async () => {
    const body = Buffer.alloc(700_000, 3);
    const raw = await server((peer) => {
      peer.settings();
      peer.on((frame) => {
        if (frame.type !== DATA) return;
        peer.send(HEADERS, END_HEADERS, 1, RESPONSE_HEADERS);
        const message = grpcMessage(body);
        for (let pos = 0; pos < message.length; pos += 16_384) peer.send(DATA, 0, 1, message.subarray(pos, pos + 16_384));
        peer.send(HEADERS, END_HEADERS | END_STREAM, 1, OK_TRAILERS);
      });
    });
    const result = await call(channelTo(raw.port), 'x', 2_000);
    expect(result.status).toBe(GrpcStatus.OK);
    expect(Buffer.from(result.responseBytes!).equals(body)).toBe(true);
    const update = await raw.peers[0]!.waitFor((frame) => frame.type === WINDOW_UPDATE && frame.streamId === 1);
    expect(update.payload.readUInt32BE(0)).toBeGreaterThanOrEqual(1 << 19);
    // The connection window was raised to 8 MiB right after the preface.
    expect(raw.peers[0]!.frames.find((frame) => frame.type === WINDOW_UPDATE)!.payload.readUInt32BE(0)).toBe((8 << 20) - 65_535);
  });
});

describe('what the client sends', () => {
  it('waits for window: a request larger than the server INITIAL_WINDOW_SIZE goes out as WINDOW_UPDATEs allow', async () => {
    const request = Buffer.alloc(1_000, 'w');
    const raw = await server((peer) => {
      peer.settings([[4, 100]]);
      peer.on((frame) => {
        if (frame.type === DATA && (frame.flags & END_STREAM) !== 0) respond(peer, 1, Buffer.from('done'));
      });
    });
    const pending = call(channelTo(raw.port), request.toString(), 3_000);
    const peer = await new Promise<RawPeer>((resolve) => {
      const poll = (): void => (raw.peers[0] === undefined ? void setTimeout(poll, 5) : resolve(raw.peers[0]));
      poll();
    });
    await peer.waitFor((frame) => frame.type === DATA);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const dataSoFar = (): number[] => peer.frames.filter((f) => f.type === DATA).map((f) => f.payload.length);
    expect(dataSoFar()).toEqual([100]);
    peer.send(WINDOW_UPDATE, 0, 1, Buffer.from([0, 0, 1, 144])); // 400
    await peer.waitFor((frame) => frame.type === DATA && frame.payload.length === 400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dataSoFar()).toEqual([100, 400]);
    peer.send(WINDOW_UPDATE, 0, 1, Buffer.from([0, 0, 3, 232])); // 1000
    const result = await pending;
    expect(result.status).toBe(GrpcStatus.OK);
    const data = peer.frames.filter((f) => f.type === DATA);
    expect(data.map((f) => [f.payload.length, f.flags])).toEqual([[100, 0], [400, 0], [505, END_STREAM]]);
    expect(Buffer.concat(data.map((f) => f.payload)).equals(grpcMessage(Buffer.from(request.toString())))).toBe(true);
  });

  it('sends a header block above SETTINGS_MAX_FRAME_SIZE as HEADERS + CONTINUATION', async () => {
    const raw = await server(echoServer);
    const metadata = { 'x-a': 'a'.repeat(7_000), 'x-b': 'b'.repeat(7_000), 'x-c': 'c'.repeat(7_000) };
    const result = await unaryCall(channelTo(raw.port), { path: '/t.S/big', requestBytes: Buffer.from('m'), metadata, deadlineMs: 2_000 });
    expect([result.status, Buffer.from(result.responseBytes!).toString()]).toEqual([GrpcStatus.OK, 'm']);
    const frames = raw.peers[0]!.frames.filter((f) => f.type === HEADERS || f.type === CONTINUATION);
    expect(frames.map((f) => [f.type, f.flags, f.payload.length <= 16_384])).toEqual([[HEADERS, 0, true], [CONTINUATION, END_HEADERS, true]]);
    expect(frames[1]!.fields!.filter(([name]) => name.startsWith('x-'))).toEqual(Object.entries(metadata));
  });

  it('starts its first header block with a table size update after the server shrinks SETTINGS_HEADER_TABLE_SIZE', async () => {
    const raw = await server((peer) => {
      peer.settings([[1, 0]]);
      echoServer(peer);
    });
    const channel = channelTo(raw.port);
    expect((await call(channel, 'a', 2_000)).status).toBe(GrpcStatus.OK);
    expect((await call(channel, 'b', 2_000)).status).toBe(GrpcStatus.OK);
    const blocks = raw.peers[0]!.frames.filter(isHeaders);
    expect(blocks.map((f) => f.payload[0])).toEqual([0x20, 0x83]);
    expect(blocks.map(pathOf)).toEqual(['/t.S/a', '/t.S/b']);
  });
});

describe('connection errors: GOAWAY with the error code, then every call fails UNAVAILABLE', () => {
  it.each([
    ['a header block HPACK cannot decode', 9, (peer: RawPeer) => peer.send(HEADERS, END_HEADERS, 1, Buffer.from([0x80]))],
    ['PUSH_PROMISE although push is off', 1, (peer: RawPeer) => peer.send(PUSH_PROMISE, END_HEADERS, 1, Buffer.from([0, 0, 0, 2, 0x82]))],
    ['a frame above SETTINGS_MAX_FRAME_SIZE', 6, (peer: RawPeer) => peer.send(DATA, 0, 1, Buffer.alloc(16_385))],
    ['DATA on an idle stream', 1, (peer: RawPeer) => peer.send(DATA, 0, 9, Buffer.from([0]))],
    ['DATA padding longer than the payload', 1, (peer: RawPeer) => peer.send(DATA, PADDED, 1, Buffer.from([4, 1, 2]))],
    ['SETTINGS_ENABLE_PUSH 1 from a server', 1, (peer: RawPeer) => peer.settings([[2, 1]])],
    ['SETTINGS_MAX_FRAME_SIZE below 16384', 1, (peer: RawPeer) => peer.settings([[5, 100]])],
    ['a connection window above 2^31 − 1', 3, (peer: RawPeer) => peer.send(WINDOW_UPDATE, 0, 0, Buffer.from([0x7f, 0xff, 0xff, 0xff]))],
    ['a frame other than CONTINUATION inside a header block', 1, (peer: RawPeer) => {
      peer.send(HEADERS, 0, 1, RESPONSE_HEADERS.subarray(0, 3));
      peer.send(PING, 0, 0, Buffer.alloc(8));
    }],
  ])('%s → code %i', async (_name, code, misbehave) => {
    const raw = await server((peer) => {
      peer.settings();
      peer.on((frame) => {
        if (frame.type === DATA) misbehave(peer);
      });
    });
    const result = await call(channelTo(raw.port), 'x', 2_000);
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/^connection to http:\/\/127\.0\.0\.1:\d+ lost: HTTP\/2 [A-Z_]+: /);
    const goaway = await raw.peers[0]!.waitFor((frame) => frame.type === GOAWAY);
    expect(goaway.payload.readUInt32BE(4)).toBe(code);
  });

  it('refuses a server preface that does not start with SETTINGS', async () => {
    const raw = await server((peer) => peer.send(PING, 0, 0, Buffer.alloc(8)));
    const result = await call(channelTo(raw.port), 'x', 2_000);
    expect(result.status).toBe(GrpcStatus.UNAVAILABLE);
    expect(result.message).toMatch(/HTTP\/2 PROTOCOL_ERROR: the server preface did not start with SETTINGS$/);
    expect((await raw.peers[0]!.waitFor((frame) => frame.type === GOAWAY)).payload.readUInt32BE(4)).toBe(1);
  });
});
