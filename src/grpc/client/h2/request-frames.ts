/**
 * The frames of a request (RFC 9113 §8.1): HEADERS (+ CONTINUATION) with the header block, then DATA with
 * END_STREAM, within the peer's SETTINGS_MAX_FRAME_SIZE and the send-side flow-control windows (§6.9).
 */
import {
  FLAG_END_HEADERS, FLAG_END_STREAM, FRAME_CONTINUATION, FRAME_DATA, FRAME_HEADER_LENGTH, FRAME_HEADERS,
} from './constants.js';
import type { H2Connection } from './connection.js';
import { frameHeader, writeFrameHeader } from './frames.js';
import type { H2Stream } from './stream.js';

/** Sends the request of a stream just opened on `connection`. */
export function sendRequest(connection: H2Connection, stream: H2Stream): void {
  const blockLength = stream.headerBlockLength();
  const bodyLength = stream.bodyLength();
  const update = connection.tableSizeUpdate ? 1 : 0;
  const fragment = update + blockLength;
  const maxFrame = connection.peer.maxFrameSize;
  if (
    fragment <= maxFrame && bodyLength > 0 && bodyLength <= maxFrame &&
    bodyLength <= connection.sendWindow && bodyLength <= stream.sendWindow
  ) {
    // The common case: HEADERS and the one DATA frame with END_STREAM, in a single buffer.
    const out = Buffer.allocUnsafe(2 * FRAME_HEADER_LENGTH + fragment + bodyLength);
    writeFrameHeader(out, 0, fragment, FRAME_HEADERS, FLAG_END_HEADERS, stream.id);
    if (update === 1) tableSizeUpdate(connection, out, FRAME_HEADER_LENGTH);
    stream.writeHeaderBlock(out, FRAME_HEADER_LENGTH + update);
    const dataAt = FRAME_HEADER_LENGTH + fragment;
    writeFrameHeader(out, dataAt, bodyLength, FRAME_DATA, FLAG_END_STREAM, stream.id);
    stream.writeBody(out, dataAt + FRAME_HEADER_LENGTH);
    connection.sendWindow -= bodyLength;
    stream.sendWindow -= bodyLength;
    connection.write(out);
    return;
  }
  // A header block above the frame size goes out as HEADERS + CONTINUATION (§6.10), the body through flow control.
  const block = Buffer.allocUnsafe(fragment);
  if (update === 1) tableSizeUpdate(connection, block, 0);
  stream.writeHeaderBlock(block, update);
  let pos = 0;
  do {
    const length = Math.min(maxFrame, block.length - pos);
    let flags = pos + length === block.length ? FLAG_END_HEADERS : 0;
    if (pos === 0 && bodyLength === 0) flags |= FLAG_END_STREAM;
    connection.write(frameHeader(length, pos === 0 ? FRAME_HEADERS : FRAME_CONTINUATION, flags, stream.id));
    connection.write(block.subarray(pos, pos + length));
    pos += length;
  } while (pos < block.length);
  if (bodyLength > 0) {
    stream.pendingData = stream.body();
    stream.pendingOffset = 0;
    connection.blocked.push(stream);
    sendBlockedData(connection);
  }
}

/** Sends request DATA that waits for window, as far as the connection and stream windows allow. */
export function sendBlockedData(connection: H2Connection): void {
  const blocked = connection.blocked;
  for (let i = 0; i < blocked.length && connection.sendWindow > 0; ) {
    const stream = blocked[i]!;
    const data = stream.pendingData!;
    while (stream.pendingOffset < data.length && connection.sendWindow > 0 && stream.sendWindow > 0) {
      const length = Math.min(data.length - stream.pendingOffset, connection.sendWindow, stream.sendWindow, connection.peer.maxFrameSize);
      const end = stream.pendingOffset + length;
      connection.write(frameHeader(length, FRAME_DATA, end === data.length ? FLAG_END_STREAM : 0, stream.id));
      connection.write(data.subarray(stream.pendingOffset, end));
      stream.pendingOffset = end;
      connection.sendWindow -= length;
      stream.sendWindow -= length;
    }
    if (stream.pendingOffset === data.length) {
      stream.pendingData = null;
      blocked.splice(i, 1);
    } else i++;
  }
}

/** A Dynamic Table Size Update to 0 (RFC 7541 §6.3) at `offset`, once per connection. */
function tableSizeUpdate(connection: H2Connection, target: Buffer, offset: number): void {
  target[offset] = 0x20;
  connection.tableSizeUpdate = false;
  connection.tableSizeZeroed = true;
}
