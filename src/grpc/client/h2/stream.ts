import type { H2Connection } from './connection.js';
import type { HeaderFieldSink } from './hpack-decoder.js';

/**
 * One client stream of an {@link H2Connection}: a request the caller subclasses (a unary gRPC call is one object
 * that is at once the call state, the HPACK sink of its response headers and the receiver of its frames, so a
 * call allocates no listener closures). The fields are the connection's bookkeeping; the abstract methods are
 * the request to send and the events of the response, each called at most once in the order of the frames.
 */
export abstract class H2Stream implements HeaderFieldSink {
  /** Stream identifier on the current connection; 0 while not started. */
  id = 0;
  /** The connection carrying the stream, or null while queued and after it closed. */
  connection: H2Connection | null = null;
  /** What we may still send (RFC 9113 §6.9); can go negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease. */
  sendWindow = 0;
  /** What the peer may still send before we grant more. */
  receiveWindow = 0;
  /** Received octets not yet returned by WINDOW_UPDATE. */
  receiveUnacked = 0;
  /** Request body waiting for flow-control window, from `pendingOffset` on. */
  pendingData: Buffer | null = null;
  pendingOffset = 0;
  /** A header block of the response arrived (DATA before it is malformed). */
  responseStarted = false;
  /** Set by the owner to drop a stream still waiting in a pool's queue. */
  abandoned = false;

  /** Length of the request's header block, without any table size update the connection may prepend. */
  abstract headerBlockLength(): number;
  /** Writes the header block (exactly {@link headerBlockLength} octets) at `offset`. */
  abstract writeHeaderBlock(target: Buffer, offset: number): void;
  /** Length of the request body (the whole request is known up front: END_STREAM follows it). */
  abstract bodyLength(): number;
  /** Writes the body at `offset` (used when it fits in one DATA frame and the windows). */
  abstract writeBody(target: Buffer, offset: number): void;
  /** The body as one buffer (used when it must be cut into several frames). */
  abstract body(): Buffer;

  /** One field of a response header block (HPACK sink). */
  abstract onHeaderField(name: string, value: string): void;
  /**
   * A response header block ended. `blockFlags` has BLOCK_TOO_LARGE / BLOCK_MALFORMED of the HPACK decoder.
   * With `endStream` the stream is already closed and removed from the connection.
   */
  abstract onHeaders(endStream: boolean, blockFlags: number): void;
  /** DATA payload `buffer[start, end)` (padding removed). With `endStream`, as for onHeaders. */
  abstract onData(buffer: Buffer, start: number, end: number, endStream: boolean): void;
  /** The peer reset the stream (RST_STREAM other than REFUSED_STREAM). */
  abstract onReset(errorCode: number): void;
  /** We reset the stream for a stream error of the peer's (RFC 9113 §5.4.2: flow control, malformed frames). */
  abstract onProtocolError(message: string): void;
  /**
   * The peer never processed the stream (GOAWAY with a lower last-stream-id, or REFUSED_STREAM; RFC 9113 §8.7):
   * it is safe to send it again, on another connection.
   */
  abstract onUnprocessed(reason: Error): void;
  /** The connection failed or closed under the stream. */
  abstract onConnectionLost(error: Error): void;
  /** No connection could be made for a queued stream (or the pool was closed). */
  abstract onConnectError(error: Error): void;
}
