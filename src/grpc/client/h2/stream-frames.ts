/**
 * Receipt of the frames that carry a response: DATA (RFC 9113 §6.1) with receive-side flow control, and HEADERS
 * (§6.2) with CONTINUATION (§6.10) into the HPACK decoder.
 */
import {
  CANCEL, CONNECTION_WINDOW, ENHANCE_YOUR_CALM, STREAM_WINDOW, FLAG_END_HEADERS, FLAG_END_STREAM, FLAG_PADDED, FLAG_PRIORITY, FLOW_CONTROL_ERROR,
  FRAME_CONTINUATION, FRAME_SIZE_ERROR, PROTOCOL_ERROR,
} from './constants.js';
import type { H2Connection } from './connection.js';
import { isIdle } from './control-frames.js';
import { H2ConnectionError } from './errors.js';
import { rstStreamFrame, windowUpdateFrame } from './frames.js';
import { DISCARD_FIELDS } from './hpack-decoder.js';
import type { H2Stream } from './stream.js';

export function handleDataFrame(connection: H2Connection, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void {
  if (streamId === 0) throw new H2ConnectionError(PROTOCOL_ERROR, 'DATA on stream 0');
  // The whole payload, padding included, counts against the windows (§6.9.1).
  const length = end - start;
  if (length > connection.receiveWindow) throw new H2ConnectionError(FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
  connection.receiveWindow -= length;
  connection.receiveUnacked += length;
  let dataStart = start;
  let dataEnd = end;
  if ((flags & FLAG_PADDED) !== 0) {
    const padding = length === 0 ? 0 : buffer[start]!;
    // "If the length of the padding is the length of the frame payload or greater ... PROTOCOL_ERROR."
    if (length === 0 || padding >= length) throw new H2ConnectionError(PROTOCOL_ERROR, 'DATA padding exceeds the payload');
    dataStart = start + 1;
    dataEnd = end - padding;
  }
  const stream = connection.streams.get(streamId);
  if (stream === undefined) {
    if (isIdle(connection, streamId)) throw new H2ConnectionError(PROTOCOL_ERROR, 'DATA on an idle stream');
    // A stream we reset or finished: dropped, but its octets still count and are returned below.
  } else if (!stream.responseStarted) {
    connection.streamError(stream, PROTOCOL_ERROR, 'DATA before the response headers');
  } else {
    stream.receiveWindow -= length;
    if (stream.receiveWindow < 0) {
      connection.streamError(stream, FLOW_CONTROL_ERROR, 'DATA beyond the stream window');
    } else {
      const endStream = (flags & FLAG_END_STREAM) !== 0;
      if (endStream) closeRemote(connection, stream);
      else {
        // The body is consumed as it arrives (a unary call buffers its one message, bounded by its size limit),
        // so the window is returned once half of it is used.
        stream.receiveUnacked += length;
        if (stream.receiveUnacked >= STREAM_WINDOW / 2) {
          connection.write(windowUpdateFrame(streamId, stream.receiveUnacked));
          stream.receiveWindow += stream.receiveUnacked;
          stream.receiveUnacked = 0;
        }
      }
      stream.onData(buffer, dataStart, dataEnd, endStream);
      if (endStream) connection.streamClosed();
    }
  }
  if (connection.receiveUnacked >= CONNECTION_WINDOW / 2) {
    connection.write(windowUpdateFrame(0, connection.receiveUnacked));
    connection.receiveWindow += connection.receiveUnacked;
    connection.receiveUnacked = 0;
  }
}

export function handleHeadersFrame(
  connection: H2Connection, type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number,
): void {
  if (type === FRAME_CONTINUATION) {
    if (connection.continuationStream === 0 || streamId !== connection.continuationStream) {
      throw new H2ConnectionError(PROTOCOL_ERROR, 'CONTINUATION without a header block in progress');
    }
    connection.continuationChunks.push(buffer.subarray(start, end));
    connection.continuationLength += end - start;
    // The block must be decoded whole to keep the HPACK table in sync, so an endless one ends the connection.
    if (connection.continuationLength > 4 * connection.decoder.maxHeaderListSize) {
      throw new H2ConnectionError(ENHANCE_YOUR_CALM, 'header block too large');
    }
    if ((flags & FLAG_END_HEADERS) === 0) return;
    const block = Buffer.concat(connection.continuationChunks, connection.continuationLength);
    const endStream = (connection.continuationFlags & FLAG_END_STREAM) !== 0;
    connection.continuationStream = 0;
    connection.continuationChunks = [];
    connection.continuationLength = 0;
    decodeBlock(connection, streamId, endStream, block, 0, block.length);
    return;
  }
  if (streamId === 0) throw new H2ConnectionError(PROTOCOL_ERROR, 'HEADERS on stream 0');
  let pos = start;
  let padding = 0;
  if ((flags & FLAG_PADDED) !== 0) {
    if (pos >= end) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'HEADERS too short for its Pad Length');
    padding = buffer[pos++]!;
  }
  if ((flags & FLAG_PRIORITY) !== 0) pos += 5; // Exclusive + Stream Dependency + Weight, deprecated (§5.3.2)
  if (pos + padding > end) throw new H2ConnectionError(PROTOCOL_ERROR, 'HEADERS padding exceeds the payload');
  const fragmentEnd = end - padding;
  if ((flags & FLAG_END_HEADERS) !== 0) {
    decodeBlock(connection, streamId, (flags & FLAG_END_STREAM) !== 0, buffer, pos, fragmentEnd);
    return;
  }
  connection.continuationStream = streamId;
  connection.continuationFlags = flags;
  connection.continuationChunks = [buffer.subarray(pos, fragmentEnd)];
  connection.continuationLength = fragmentEnd - pos;
}

function decodeBlock(connection: H2Connection, streamId: number, endStream: boolean, block: Buffer, start: number, end: number): void {
  const stream = connection.streams.get(streamId);
  if (stream === undefined) {
    if (isIdle(connection, streamId)) throw new H2ConnectionError(PROTOCOL_ERROR, 'HEADERS on an idle stream');
    // Still decoded: the dynamic table must see every block (RFC 7541 §2.2).
    connection.decoder.decode(block, start, end, DISCARD_FIELDS);
    return;
  }
  const blockFlags = connection.decoder.decode(block, start, end, stream);
  stream.responseStarted = true;
  if (endStream) closeRemote(connection, stream);
  stream.onHeaders(endStream, blockFlags);
  if (endStream) connection.streamClosed();
}

/**
 * The server ended its side. Our side normally ended already; if request DATA is still waiting (the server
 * answered early, §8.1), it is abandoned with RST_STREAM CANCEL, which closes the stream.
 */
function closeRemote(connection: H2Connection, stream: H2Stream): void {
  const unfinished = stream.pendingData !== null;
  connection.detach(stream);
  if (unfinished) connection.write(rstStreamFrame(stream.id, CANCEL));
}
