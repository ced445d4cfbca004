import { FRAME_HEADER_LENGTH, FRAME_SIZE_ERROR } from './constants.js';
import { H2ConnectionError } from './errors.js';

/** Receives the frames a {@link FrameParser} cuts out of the byte stream, synchronously from `feed`. */
export interface FrameSink {
  /**
   * One complete frame; its payload is `buffer[start, end)`. `buffer` is either the chunk given to `feed` (the
   * common case: no copy) or a buffer of the payload alone, so a DATA payload may be retained as a subarray.
   */
  onFrame(type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void;
}

// Typed as number: the sink may call stop() during onFrame, which narrowing would not see.
const S_HEADER: number = 0;
const S_PAYLOAD: number = 1;
const S_STOPPED: number = 2;

const EMPTY = Buffer.alloc(0);

/**
 * Cuts an HTTP/2 byte stream (after the preface) into frames (RFC 9113 §4.1), fed chunks as the socket delivers
 * them: a frame may be split at any byte. A frame that lies within one chunk is handed out in place; one that
 * spans chunks is copied once into a buffer of its exact size.
 */
export class FrameParser {
  readonly #sink: FrameSink;
  /** Our SETTINGS_MAX_FRAME_SIZE: a longer frame is a connection error FRAME_SIZE_ERROR (§4.2). */
  #maxFrameSize: number;
  #state = S_HEADER;
  /** A frame header split across chunks. */
  readonly #header = Buffer.alloc(FRAME_HEADER_LENGTH);
  #headerFill = 0;
  /** A payload split across chunks, with its frame's header fields. */
  #payload: Buffer = EMPTY;
  #payloadFill = 0;
  #type = 0;
  #flags = 0;
  #streamId = 0;

  constructor(sink: FrameSink, maxFrameSize: number) {
    this.#sink = sink;
    this.#maxFrameSize = maxFrameSize;
  }

  /** Stops parsing for good (the connection is closing): the rest of the current chunk and later ones are dropped. */
  stop(): void {
    this.#state = S_STOPPED;
  }

  /**
   * Parses `chunk`, reporting every frame it completes.
   * @throws H2ConnectionError FRAME_SIZE_ERROR for a frame longer than the limit; whatever the sink throws.
   */
  feed(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    if (this.#state !== S_HEADER || this.#headerFill !== 0) {
      if (this.#state === S_STOPPED) return;
      pos = this.#resume(chunk);
      if (pos < 0) return;
    }
    while (pos + FRAME_HEADER_LENGTH <= end) {
      const length = (chunk[pos]! << 16) | (chunk[pos + 1]! << 8) | chunk[pos + 2]!;
      if (length > this.#maxFrameSize) throw tooLong(length, this.#maxFrameSize);
      const type = chunk[pos + 3]!;
      const flags = chunk[pos + 4]!;
      // The reserved bit "MUST remain unset when sending and MUST be ignored when receiving" (§4.1).
      const streamId = chunk.readUInt32BE(pos + 5) & 0x7fffffff;
      const start = pos + FRAME_HEADER_LENGTH;
      if (start + length > end) {
        this.#beginPayload(type, flags, streamId, length, chunk, start, end);
        return;
      }
      pos = start + length;
      this.#sink.onFrame(type, flags, streamId, chunk, start, pos);
      if (this.#state === S_STOPPED) return;
    }
    if (pos < end) {
      chunk.copy(this.#header, 0, pos, end);
      this.#headerFill = end - pos;
    }
  }

  /** Completes a split header or payload from the start of `chunk`; returns where to go on, or -1 if all used. */
  #resume(chunk: Buffer): number {
    let pos = 0;
    if (this.#state === S_HEADER) {
      const need = FRAME_HEADER_LENGTH - this.#headerFill;
      const take = Math.min(need, chunk.length);
      chunk.copy(this.#header, this.#headerFill, 0, take);
      this.#headerFill += take;
      if (take < need) return -1;
      pos = take;
      this.#headerFill = 0;
      const header = this.#header;
      const length = (header[0]! << 16) | (header[1]! << 8) | header[2]!;
      if (length > this.#maxFrameSize) throw tooLong(length, this.#maxFrameSize);
      const streamId = header.readUInt32BE(5) & 0x7fffffff;
      if (pos + length <= chunk.length) {
        this.#sink.onFrame(header[3]!, header[4]!, streamId, chunk, pos, pos + length);
        return this.#state === S_STOPPED ? -1 : pos + length;
      }
      this.#beginPayload(header[3]!, header[4]!, streamId, length, chunk, pos, chunk.length);
      return -1;
    }
    const payload = this.#payload;
    const take = Math.min(payload.length - this.#payloadFill, chunk.length);
    chunk.copy(payload, this.#payloadFill, 0, take);
    this.#payloadFill += take;
    if (this.#payloadFill < payload.length) return -1;
    this.#state = S_HEADER;
    this.#payload = EMPTY;
    this.#sink.onFrame(this.#type, this.#flags, this.#streamId, payload, 0, payload.length);
    return this.#state === S_STOPPED ? -1 : take;
  }

  #beginPayload(type: number, flags: number, streamId: number, length: number, chunk: Buffer, start: number, end: number): void {
    this.#state = S_PAYLOAD;
    this.#type = type;
    this.#flags = flags;
    this.#streamId = streamId;
    this.#payload = Buffer.allocUnsafe(length);
    this.#payloadFill = end - start;
    chunk.copy(this.#payload, 0, start, end);
  }

  /** Raises or lowers the frame size limit (only ever called with our own SETTINGS value). */
  set maxFrameSize(size: number) {
    this.#maxFrameSize = size;
  }
}

function tooLong(length: number, max: number): H2ConnectionError {
  return new H2ConnectionError(FRAME_SIZE_ERROR, `frame of ${length} bytes exceeds SETTINGS_MAX_FRAME_SIZE ${max}`);
}
