/**
 * Receipt of the connection's control frames (RFC 9113 §6.3–§6.9): SETTINGS, PING, GOAWAY, WINDOW_UPDATE,
 * RST_STREAM, PRIORITY, PUSH_PROMISE and unknown types. Violations throw {@link H2ConnectionError}.
 */
import {
  DEFAULT_HEADER_TABLE_SIZE, DEFAULT_MAX_FRAME_SIZE, FLAG_ACK, FLOW_CONTROL_ERROR, FRAME_GOAWAY, FRAME_PING,
  FRAME_PRIORITY, FRAME_PUSH_PROMISE, FRAME_RST_STREAM, FRAME_SETTINGS, FRAME_SIZE_ERROR, FRAME_WINDOW_UPDATE,
  MAX_ALLOWED_FRAME_SIZE, MAX_WINDOW_SIZE, PROTOCOL_ERROR, SETTINGS_ENABLE_PUSH, SETTINGS_HEADER_TABLE_SIZE,
  SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX_CONCURRENT_STREAMS, SETTINGS_MAX_FRAME_SIZE, SETTINGS_MAX_HEADER_LIST_SIZE,
} from './constants.js';
import type { H2Connection } from './connection.js';
import { H2ConnectionError } from './errors.js';
import { SETTINGS_ACK } from './frames.js';

/** What the server told us in SETTINGS (initial values of RFC 9113 §6.5.2 until it does). */
export interface PeerSettings {
  maxConcurrentStreams: number;
  initialWindowSize: number;
  maxFrameSize: number;
  /** Advisory (§6.5.2); kept for diagnostics. */
  maxHeaderListSize: number;
}

export function handleControlFrame(
  connection: H2Connection, type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number,
): void {
  const length = end - start;
  switch (type) {
    case FRAME_SETTINGS:
      onSettings(connection, flags, streamId, buffer, start, end);
      return;
    case FRAME_PING:
      if (streamId !== 0) throw protocolError('PING on a stream');
      if (length !== 8) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'PING payload is not 8 octets');
      connection.onPing((flags & FLAG_ACK) !== 0, buffer, start);
      return;
    case FRAME_GOAWAY: {
      if (streamId !== 0) throw protocolError('GOAWAY on a stream');
      if (length < 8) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'GOAWAY shorter than 8 octets');
      const lastStreamId = buffer.readUInt32BE(start) & 0x7fffffff;
      const debug = buffer.toString('utf8', start + 8, Math.min(end, start + 8 + 200));
      connection.onGoaway(lastStreamId, buffer.readUInt32BE(start + 4), debug);
      return;
    }
    case FRAME_WINDOW_UPDATE:
      onWindowUpdate(connection, streamId, buffer, start, length);
      return;
    case FRAME_RST_STREAM: {
      if (streamId === 0) throw protocolError('RST_STREAM on stream 0');
      if (length !== 4) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'RST_STREAM payload is not 4 octets');
      const stream = connection.streams.get(streamId);
      if (stream !== undefined) connection.onResetStream(stream, buffer.readUInt32BE(start));
      else if (isIdle(connection, streamId)) throw protocolError('RST_STREAM on an idle stream');
      return;
    }
    case FRAME_PRIORITY: {
      // Deprecated (§5.3.2) and ignored, but still checked.
      if (streamId === 0) throw protocolError('PRIORITY on stream 0');
      const stream = connection.streams.get(streamId);
      if (length !== 5 && stream !== undefined) connection.streamError(stream, FRAME_SIZE_ERROR, 'PRIORITY payload is not 5 octets');
      return;
    }
    case FRAME_PUSH_PROMISE:
      // We sent SETTINGS_ENABLE_PUSH 0 (§6.5.2, §8.4).
      throw protocolError('PUSH_PROMISE although push is disabled');
    default:
      // "Implementations MUST ignore and discard frames of unknown types" (§4.1).
      return;
  }
}

function onSettings(connection: H2Connection, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void {
  if (streamId !== 0) throw protocolError('SETTINGS on a stream');
  if ((flags & FLAG_ACK) !== 0) {
    if (end !== start) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
    return;
  }
  if ((end - start) % 6 !== 0) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'SETTINGS payload is not a multiple of 6 octets');
  const peer = connection.peer;
  for (let pos = start; pos < end; pos += 6) {
    const value = buffer.readUInt32BE(pos + 2);
    switch (buffer.readUInt16BE(pos)) {
      case SETTINGS_HEADER_TABLE_SIZE:
        // Our encoder never indexes; a smaller table than we started with must still be acknowledged by a size
        // update at the start of our next block (RFC 7541 §4.2), once.
        if (value < DEFAULT_HEADER_TABLE_SIZE && !connection.tableSizeZeroed) connection.tableSizeUpdate = true;
        break;
      case SETTINGS_ENABLE_PUSH:
        // "A client MUST treat receipt of a SETTINGS frame with SETTINGS_ENABLE_PUSH set to 1 as a connection
        // error"; any value other than 0 or 1 is one as well.
        if (value !== 0) throw protocolError(`SETTINGS_ENABLE_PUSH ${value} from a server`);
        break;
      case SETTINGS_MAX_CONCURRENT_STREAMS:
        peer.maxConcurrentStreams = value;
        break;
      case SETTINGS_INITIAL_WINDOW_SIZE: {
        if (value > MAX_WINDOW_SIZE) throw new H2ConnectionError(FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value}`);
        // A change applies to every open stream's window, which may go negative (§6.9.2).
        const delta = value - peer.initialWindowSize;
        peer.initialWindowSize = value;
        for (const stream of connection.streams.values()) {
          stream.sendWindow += delta;
          if (stream.sendWindow > MAX_WINDOW_SIZE) throw new H2ConnectionError(FLOW_CONTROL_ERROR, 'stream window above 2^31-1');
        }
        break;
      }
      case SETTINGS_MAX_FRAME_SIZE:
        if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) throw protocolError(`SETTINGS_MAX_FRAME_SIZE ${value}`);
        peer.maxFrameSize = value;
        break;
      case SETTINGS_MAX_HEADER_LIST_SIZE:
        peer.maxHeaderListSize = value;
        break;
      default:
        // "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST ignore
        // that setting."
        break;
    }
  }
  connection.write(SETTINGS_ACK);
  connection.onPeerSettings();
}

function onWindowUpdate(connection: H2Connection, streamId: number, buffer: Buffer, start: number, length: number): void {
  if (length !== 4) throw new H2ConnectionError(FRAME_SIZE_ERROR, 'WINDOW_UPDATE payload is not 4 octets');
  const increment = buffer.readUInt32BE(start) & 0x7fffffff;
  if (streamId === 0) {
    if (increment === 0) throw protocolError('WINDOW_UPDATE with increment 0');
    connection.sendWindow += increment;
    if (connection.sendWindow > MAX_WINDOW_SIZE) throw new H2ConnectionError(FLOW_CONTROL_ERROR, 'connection window above 2^31-1');
    connection.flush();
    return;
  }
  const stream = connection.streams.get(streamId);
  if (stream === undefined) {
    if (isIdle(connection, streamId)) throw protocolError('WINDOW_UPDATE on an idle stream');
    return;
  }
  if (increment === 0) {
    connection.streamError(stream, PROTOCOL_ERROR, 'WINDOW_UPDATE with increment 0');
    return;
  }
  stream.sendWindow += increment;
  if (stream.sendWindow > MAX_WINDOW_SIZE) connection.streamError(stream, FLOW_CONTROL_ERROR, 'stream window above 2^31-1');
  else if (stream.pendingData !== null) connection.flush();
}

/**
 * A stream in state "idle" (§5.1): one we never opened. Even ids would be server-initiated, which push being off
 * rules out.
 */
export function isIdle(connection: H2Connection, streamId: number): boolean {
  return streamId % 2 === 0 || streamId > connection.lastStreamId;
}

function protocolError(message: string): H2ConnectionError {
  return new H2ConnectionError(PROTOCOL_ERROR, message);
}
