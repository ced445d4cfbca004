/**
 * A scriptable HTTP/2 server over raw TCP for client tests: it parses what the client sends (preface, frames,
 * request header blocks) and writes exactly the frames a test tells it to, including invalid ones.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { CONNECTION_PREFACE } from '../../src/grpc/client/h2/constants.js';
import { FrameParser } from '../../src/grpc/client/h2/frame-parser.js';
import { writeFrameHeader } from '../../src/grpc/client/h2/frames.js';
import { HpackDecoder } from '../../src/grpc/client/h2/hpack-decoder.js';

export interface ReceivedFrame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
  /** For the HEADERS or CONTINUATION frame that ends a header block: the decoded request fields. */
  readonly fields?: Array<[string, string]>;
}

/** One client connection as the server sees it. */
export class RawPeer {
  readonly socket: net.Socket;
  readonly frames: ReceivedFrame[] = [];
  #preface = Buffer.alloc(0);
  readonly #parser: FrameParser;
  readonly #decoder = new HpackDecoder(4_096, 1 << 20);
  #listeners: Array<(frame: ReceivedFrame) => void> = [];

  constructor(socket: net.Socket) {
    this.socket = socket;
    this.#parser = new FrameParser(this, 1 << 24);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (this.#preface.length < CONNECTION_PREFACE.length) {
        const need = CONNECTION_PREFACE.length - this.#preface.length;
        this.#preface = Buffer.concat([this.#preface, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
        if (this.#preface.length < CONNECTION_PREFACE.length) return;
        if (!this.#preface.equals(CONNECTION_PREFACE)) throw new Error('bad client preface');
      }
      this.#parser.feed(chunk);
    });
  }

  #block: Buffer[] | null = null;

  onFrame(type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void {
    const payload = Buffer.from(buffer.subarray(start, end));
    // A request header block, possibly spread over CONTINUATION frames; its fields go on the frame that ends it.
    if (type === 0x1) {
      let pos = (flags & 0x8) !== 0 ? 1 : 0;
      if ((flags & 0x20) !== 0) pos += 5;
      this.#block = [payload.subarray(pos, payload.length - ((flags & 0x8) !== 0 ? payload[0]! : 0))];
    } else if (type === 0x9) this.#block?.push(payload);
    let fields: Array<[string, string]> | undefined;
    if ((type === 0x1 || type === 0x9) && (flags & 0x4) !== 0 && this.#block !== null) {
      const block = Buffer.concat(this.#block);
      this.#block = null;
      const list: Array<[string, string]> = [];
      this.#decoder.decode(block, 0, block.length, { onHeaderField: (n, v) => list.push([n, v]) });
      fields = list;
    }
    const frame: ReceivedFrame = fields === undefined ? { type, flags, streamId, payload } : { type, flags, streamId, payload, fields };
    this.frames.push(frame);
    for (const listener of this.#listeners) listener(frame);
  }

  /** Calls `listener` for every frame from now on. */
  on(listener: (frame: ReceivedFrame) => void): void {
    this.#listeners.push(listener);
  }

  send(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): void {
    const frame = Buffer.alloc(9 + payload.length);
    writeFrameHeader(frame, 0, payload.length, type, flags, streamId);
    payload.copy(frame, 9);
    this.socket.write(frame);
  }

  /** SETTINGS with [id, value] pairs. */
  settings(pairs: Array<[number, number]> = []): void {
    const payload = Buffer.alloc(6 * pairs.length);
    pairs.forEach(([id, value], i) => {
      payload.writeUInt16BE(id, 6 * i);
      payload.writeUInt32BE(value, 6 * i + 2);
    });
    this.send(0x4, 0, 0, payload);
  }

  /** Resolves with the first frame (already received or future) that matches. */
  waitFor(match: (frame: ReceivedFrame) => boolean, timeoutMs = 3_000): Promise<ReceivedFrame> {
    const found = this.frames.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('frame not received in time')), timeoutMs);
      this.on((frame) => {
        if (!match(frame)) return;
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }
}

/** A header block of literals without indexing, new names, raw strings (RFC 7541 §6.2.2). */
export function headerBlock(fields: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    if (name.length > 126 || value.length > 126) throw new Error('keep test fields short');
    parts.push(Buffer.from([0x00, name.length]), Buffer.from(name, 'latin1'), Buffer.from([value.length]), Buffer.from(value, 'latin1'));
  }
  return Buffer.concat(parts);
}

/** A gRPC Length-Prefixed-Message. */
export function grpcMessage(bytes: Buffer): Buffer {
  const out = Buffer.alloc(5 + bytes.length);
  out.writeUInt32BE(bytes.length, 1);
  bytes.copy(out, 5);
  return out;
}

export interface RawH2Server {
  readonly port: number;
  readonly peers: RawPeer[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0; `onPeer` scripts each connection (it usually starts with `peer.settings()`). */
export async function startRawH2Server(onPeer: (peer: RawPeer, index: number) => void): Promise<RawH2Server> {
  const peers: RawPeer[] = [];
  const server = net.createServer((socket) => {
    const peer = new RawPeer(socket);
    peers.push(peer);
    onPeer(peer, peers.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    peers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const peer of peers) peer.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
