import { describe, expect, it } from 'vitest';
import { FRAME_SIZE_ERROR } from '../../src/grpc/client/h2/constants.js';
import { H2ConnectionError } from '../../src/grpc/client/h2/errors.js';
import { FrameParser, type FrameSink } from '../../src/grpc/client/h2/frame-parser.js';
import { goawayFrame, pingFrame, rstStreamFrame, settingsFrame, windowUpdateFrame, writeFrameHeader } from '../../src/grpc/client/h2/frames.js';

interface Seen {
  type: number;
  flags: number;
  streamId: number;
  payload: string;
}

class Recorder implements FrameSink {
  readonly frames: Seen[] = [];
  stopAfter = Number.POSITIVE_INFINITY;
  parser: FrameParser | null = null;
  onFrame(type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void {
    this.frames.push({ type, flags, streamId, payload: buffer.toString('hex', start, end) });
    if (this.frames.length >= this.stopAfter) this.parser?.stop();
  }
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(9 + payload.length);
  writeFrameHeader(out, 0, payload.length, type, flags, streamId);
  payload.copy(out, 9);
  return out;
}

const big = Buffer.alloc(1_000, 0xab);
const stream = Buffer.concat([
  settingsFrame([[3, 100], [4, 1 << 20]]),
  frame(0x1, 0x4 | 0x8, 1, Buffer.from([2, 0x88, 0x40, 0, 0])), // HEADERS, padded
  frame(0x0, 0x8, 1, Buffer.from([3, 1, 2, 3, 0, 0, 0])), // DATA, padded
  frame(0x0, 0x0, 3, Buffer.alloc(0)), // empty DATA
  frame(0x0, 0x1, 3, big),
  pingFrame(Buffer.from('abcdefgh'), 0, false),
  windowUpdateFrame(0, 12345),
  rstStreamFrame(5, 8),
  goawayFrame(7, 0, 'bye'),
  frame(0xfa, 0x0, 0, Buffer.from('unknown type')),
]);

function parse(chunks: Buffer[]): Seen[] {
  const recorder = new Recorder();
  const parser = new FrameParser(recorder, 16_384);
  for (const chunk of chunks) parser.feed(chunk);
  return recorder.frames;
}

describe('FrameParser', () => {
  const whole = parse([stream]);

  it('cuts a byte stream into frames, payload in place', () => {
    expect(whole.map((f) => [f.type, f.flags, f.streamId])).toEqual([
      [4, 0, 0], [1, 12, 1], [0, 8, 1], [0, 0, 3], [0, 1, 3], [6, 0, 0], [8, 0, 0], [3, 0, 5], [7, 0, 0], [0xfa, 0, 0],
    ]);
    expect(whole[0]!.payload).toBe('000300000064000400100000');
    expect(whole[2]!.payload).toBe('03010203000000');
    expect(whole[3]!.payload).toBe('');
    expect(whole[4]!.payload).toBe(big.toString('hex'));
    expect(whole[8]!.payload).toBe(`0000000700000000${Buffer.from('bye').toString('hex')}`);
  });

  it('gives the same frames for a split at every byte offset', () => {
    for (let offset = 0; offset <= stream.length; offset++) {
      expect(parse([stream.subarray(0, offset), stream.subarray(offset)]), `split at ${offset}`).toEqual(whole);
    }
  });

  it('gives the same frames fed one byte at a time, and in three pieces at every pair of offsets near frame edges', () => {
    const bytes: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
    expect(parse(bytes)).toEqual(whole);
    for (let a = 0; a < 80; a++) {
      for (let b = a; b < 80; b++) {
        expect(parse([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).toEqual(whole);
      }
    }
  });

  it('ignores the reserved bit of the stream identifier', () => {
    const raw = frame(0x0, 0, 1, Buffer.from([1]));
    raw[5] = (raw[5] ?? 0) | 0x80;
    expect(parse([raw])[0]!.streamId).toBe(1);
  });

  it('refuses a frame longer than SETTINGS_MAX_FRAME_SIZE with FRAME_SIZE_ERROR, even split in its header', () => {
    const tooLong = frame(0x0, 0, 1, Buffer.alloc(16_385));
    for (const chunks of [[tooLong], [tooLong.subarray(0, 2), tooLong.subarray(2)]]) {
      const parser = new FrameParser(new Recorder(), 16_384);
      let error: unknown;
      try {
        for (const chunk of chunks) parser.feed(chunk);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(H2ConnectionError);
      expect((error as H2ConnectionError).h2Code).toBe(FRAME_SIZE_ERROR);
    }
    expect(parse([frame(0x0, 0, 1, Buffer.alloc(16_384))])).toHaveLength(1);
  });

  it('stops for good when the sink stops it', () => {
    for (const offset of [0, 30, 60, stream.length]) {
      const recorder = new Recorder();
      recorder.stopAfter = 3;
      const parser = new FrameParser(recorder, 16_384);
      recorder.parser = parser;
      parser.feed(stream.subarray(0, offset));
      parser.feed(stream.subarray(offset));
      parser.feed(stream);
      expect(recorder.frames).toEqual(whole.slice(0, 3));
    }
  });
});
