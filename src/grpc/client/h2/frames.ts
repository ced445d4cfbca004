/**
 * Builders of the frames the client sends (RFC 9113 §6). Each returns one Buffer ready for `socket.write`, except
 * {@link writeFrameHeader}, which fills a header into a larger buffer the caller assembles.
 */
import {
  FLAG_ACK, FRAME_GOAWAY, FRAME_HEADER_LENGTH, FRAME_PING, FRAME_RST_STREAM, FRAME_SETTINGS, FRAME_WINDOW_UPDATE,
} from './constants.js';

/** Writes a 9-byte frame header at `offset`. */
export function writeFrameHeader(buffer: Buffer, offset: number, length: number, type: number, flags: number, streamId: number): void {
  buffer[offset] = length >>> 16;
  buffer[offset + 1] = (length >>> 8) & 0xff;
  buffer[offset + 2] = length & 0xff;
  buffer[offset + 3] = type;
  buffer[offset + 4] = flags;
  buffer.writeUInt32BE(streamId, offset + 5);
}

/** A SETTINGS frame with `settings` as [identifier, value] pairs. */
export function settingsFrame(settings: ReadonlyArray<readonly [number, number]>): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 6 * settings.length);
  writeFrameHeader(frame, 0, 6 * settings.length, FRAME_SETTINGS, 0, 0);
  let offset = FRAME_HEADER_LENGTH;
  for (const [id, value] of settings) {
    frame.writeUInt16BE(id, offset);
    frame.writeUInt32BE(value, offset + 2);
    offset += 6;
  }
  return frame;
}

/** SETTINGS with ACK: always the same bytes. */
export const SETTINGS_ACK: Buffer = (() => {
  const frame = Buffer.alloc(FRAME_HEADER_LENGTH);
  writeFrameHeader(frame, 0, 0, FRAME_SETTINGS, FLAG_ACK, 0);
  return frame;
})();

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 4);
  writeFrameHeader(frame, 0, 4, FRAME_WINDOW_UPDATE, 0, streamId);
  frame.writeUInt32BE(increment, FRAME_HEADER_LENGTH);
  return frame;
}

export function rstStreamFrame(streamId: number, errorCode: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 4);
  writeFrameHeader(frame, 0, 4, FRAME_RST_STREAM, 0, streamId);
  frame.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH);
  return frame;
}

/** PING with 8 bytes of opaque data copied from `data[start, start + 8)`; `ack` for the answer to the peer's. */
export function pingFrame(data: Buffer, start: number, ack: boolean): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 8);
  writeFrameHeader(frame, 0, 8, FRAME_PING, ack ? FLAG_ACK : 0, 0);
  data.copy(frame, FRAME_HEADER_LENGTH, start, start + 8);
  return frame;
}

/** GOAWAY with the last peer-initiated stream we processed (always 0 for a client that refuses push). */
export function goawayFrame(lastStreamId: number, errorCode: number, debug: string): Buffer {
  const debugBytes = Buffer.from(debug.slice(0, 256), 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 8 + debugBytes.length);
  writeFrameHeader(frame, 0, 8 + debugBytes.length, FRAME_GOAWAY, 0, 0);
  frame.writeUInt32BE(lastStreamId, FRAME_HEADER_LENGTH);
  frame.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH + 4);
  debugBytes.copy(frame, FRAME_HEADER_LENGTH + 8);
  return frame;
}

/** A frame header alone, for a payload written separately (CONTINUATION, DATA of a large body). */
export function frameHeader(length: number, type: number, flags: number, streamId: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  writeFrameHeader(header, 0, length, type, flags, streamId);
  return header;
}
