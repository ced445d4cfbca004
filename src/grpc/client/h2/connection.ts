/**
 * One HTTP/2 client connection (RFC 9113) over a raw `net.Socket` or `tls.TLSSocket`, for requests whose body is
 * known up front (gRPC unary calls). It owns the frame parser, the HPACK decoder, both directions of flow
 * control, keepalive PING and GOAWAY handling; streams are {@link H2Stream} objects and a
 * {@link ConnectionOwner} (the pool) decides which connection a stream goes to.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { NoH2Error } from '../../../upstreams/http/h2-session-pool.js';
import { ConnectTimeoutError } from '../../../upstreams/http/targets.js';
import {
  CONNECTION_PREFACE, CONNECTION_WINDOW, DEFAULT_HEADER_TABLE_SIZE, DEFAULT_MAX_FRAME_SIZE, DEFAULT_WINDOW_SIZE,
  errorCodeName, FRAME_CONTINUATION, FRAME_DATA, FRAME_HEADERS, FRAME_SETTINGS, INTERNAL_ERROR, MAX_STREAM_ID,
  NO_ERROR, PROTOCOL_ERROR, REFUSED_STREAM, SETTINGS_ENABLE_PUSH, SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_HEADER_LIST_SIZE, STREAM_WINDOW,
} from './constants.js';
import { handleControlFrame, type PeerSettings } from './control-frames.js';
import { H2ConnectionError, H2ConnectionLostError } from './errors.js';
import { FrameOutput } from './frame-output.js';
import { FrameParser, type FrameSink } from './frame-parser.js';
import { goawayFrame, pingFrame, rstStreamFrame, settingsFrame, windowUpdateFrame } from './frames.js';
import { HpackDecoder } from './hpack-decoder.js';
import { sendBlockedData, sendRequest } from './request-frames.js';
import { handleDataFrame, handleHeadersFrame } from './stream-frames.js';
import type { H2Stream } from './stream.js';

/** What a connection tells the pool that owns it. */
export interface ConnectionOwner {
  /** The server's SETTINGS arrived: streams may be opened. */
  onConnectionReady(connection: H2Connection): void;
  /** A stream slot freed up, or the peer raised SETTINGS_MAX_CONCURRENT_STREAMS. */
  onStreamSlot(connection: H2Connection): void;
  /** No new streams on this connection any more (GOAWAY, stream ids used up, closing); in-flight ones go on. */
  onConnectionDraining(connection: H2Connection): void;
  /** The connection is gone. `wasReady` is false when it never got as far as the server's SETTINGS. */
  onConnectionClosed(connection: H2Connection, error: Error, wasReady: boolean): void;
}

/** Options of {@link H2Connection}. */
export interface H2ConnectionOptions {
  readonly secure: boolean;
  /** TCP connect + TLS handshake + the server's SETTINGS must complete within this. */
  readonly connectMs: number;
  /**
   * Keepalive: after a period with nothing received a PING is sent; no ACK one period later drops the connection.
   */
  readonly pingIntervalMs: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce per header block. */
  readonly maxHeaderListSize: number;
  /** First stream id (odd). Only tests start elsewhere than 1, to reach id exhaustion. */
  readonly firstStreamId: number;
}

const C_CONNECTING = 0;
const C_READY = 1;
const C_DRAINING = 2;
const C_CLOSED = 3;

const PING_DATA = Buffer.from('protogt\0', 'latin1');

/** One HTTP/2 connection; see the module comment. Listeners on the socket are per connection, never per stream. */
export class H2Connection implements FrameSink {
  readonly socket: net.Socket;
  readonly #owner: ConnectionOwner;
  readonly #options: H2ConnectionOptions;
  #state = C_CONNECTING;
  readonly streams = new Map<number, H2Stream>();
  #nextStreamId: number;
  /** Highest stream id opened: frames on higher odd ids are on idle streams. */
  lastStreamId = 0;
  readonly peer: PeerSettings = {
    maxConcurrentStreams: Number.POSITIVE_INFINITY,
    initialWindowSize: DEFAULT_WINDOW_SIZE,
    maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
    maxHeaderListSize: Number.POSITIVE_INFINITY,
  };
  /** The connection-level send window. */
  sendWindow = DEFAULT_WINDOW_SIZE;
  receiveWindow = CONNECTION_WINDOW;
  receiveUnacked = 0;
  /**
   * The peer lowered SETTINGS_HEADER_TABLE_SIZE: our next block starts with a size update to 0 (we never index),
   * after which later changes no longer concern us (RFC 7541 §4.2).
   */
  tableSizeUpdate = false;
  tableSizeZeroed = false;
  readonly decoder: HpackDecoder;
  readonly #parser: FrameParser;
  readonly #output: FrameOutput;
  /** Streams with request DATA waiting for window, in the order they blocked. */
  readonly blocked: H2Stream[] = [];
  /** A header block in progress across CONTINUATION frames. */
  continuationStream = 0;
  continuationFlags = 0;
  continuationChunks: Buffer[] = [];
  continuationLength = 0;
  #connectTimer: NodeJS.Timeout | null;
  #pingTimer: NodeJS.Timeout | null = null;
  #pingOutstanding = false;
  #readSinceTick = false;
  /** The first error seen (socket error, GOAWAY with an error): what the streams are failed with. */
  #error: Error | null = null;
  #closed: Promise<void> | null = null;
  #onClosed: (() => void) | null = null;

  constructor(socket: net.Socket, owner: ConnectionOwner, options: H2ConnectionOptions) {
    this.socket = socket;
    this.#owner = owner;
    this.#options = options;
    this.#nextStreamId = options.firstStreamId;
    this.decoder = new HpackDecoder(DEFAULT_HEADER_TABLE_SIZE, options.maxHeaderListSize);
    this.#parser = new FrameParser(this, DEFAULT_MAX_FRAME_SIZE);
    this.#output = new FrameOutput(socket);
    this.#connectTimer = setTimeout(() => this.#fail(new ConnectTimeoutError(options.connectMs)), options.connectMs);
    this.#connectTimer.unref();
    socket.once(options.secure ? 'secureConnect' : 'connect', () => this.#onConnect());
    socket.on('data', (chunk: Buffer) => this.#onSocketData(chunk));
    socket.on('error', (error: Error) => {
      this.#error ??= error;
    });
    socket.on('close', () => this.terminate(this.#error ?? new H2ConnectionLostError('the server closed the connection')));
  }

  /** Ready for a new stream now: connected, not draining, below the peer's concurrency limit. */
  canOpen(): boolean {
    return this.#state === C_READY && this.streams.size < this.peer.maxConcurrentStreams;
  }

  /** Streams open on the connection. */
  get activeStreams(): number {
    return this.streams.size;
  }

  #onConnect(): void {
    if (this.#options.secure) {
      // Speak h2 only to a server that selected it by ALPN (RFC 9113 §3.2), else fail clearly now.
      const alpn = (this.socket as tls.TLSSocket).alpnProtocol;
      if (alpn !== 'h2') {
        this.#fail(new NoH2Error(alpn ?? false));
        return;
      }
    }
    this.socket.setNoDelay(true);
    // The preface, our SETTINGS and the connection window increase go out in one write (RFC 9113 §3.4).
    this.write(
      Buffer.concat([
        CONNECTION_PREFACE,
        settingsFrame([
          [SETTINGS_ENABLE_PUSH, 0],
          [SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW],
          [SETTINGS_MAX_HEADER_LIST_SIZE, this.#options.maxHeaderListSize],
        ]),
        windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW_SIZE),
      ]),
    );
  }

  #onSocketData(chunk: Buffer): void {
    this.#readSinceTick = true;
    try {
      this.#parser.feed(chunk);
    } catch (error) {
      this.#connectionError(error instanceof H2ConnectionError ? error : new H2ConnectionError(INTERNAL_ERROR, (error as Error).message));
    }
  }

  /** FrameSink: dispatches one frame. Throws H2ConnectionError for a connection error. */
  onFrame(type: number, flags: number, streamId: number, buffer: Buffer, start: number, end: number): void {
    if (this.continuationStream !== 0 && type !== FRAME_CONTINUATION) {
      throw new H2ConnectionError(PROTOCOL_ERROR, 'expected a CONTINUATION frame');
    }
    if (this.#state === C_CONNECTING && type !== FRAME_SETTINGS) {
      // "The server connection preface consists of a potentially empty SETTINGS frame" that MUST come first (§3.4).
      throw new H2ConnectionError(PROTOCOL_ERROR, 'the server preface did not start with SETTINGS');
    }
    if (type === FRAME_DATA) handleDataFrame(this, flags, streamId, buffer, start, end);
    else if (type === FRAME_HEADERS || type === FRAME_CONTINUATION) handleHeadersFrame(this, type, flags, streamId, buffer, start, end);
    else handleControlFrame(this, type, flags, streamId, buffer, start, end);
  }

  /** The server's first SETTINGS was applied (and acknowledged). */
  onPeerSettings(): void {
    if (this.#state === C_CONNECTING) {
      this.#state = C_READY;
      if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
      this.#connectTimer = null;
      this.#pingTimer = setInterval(() => this.#onPingTick(), this.#options.pingIntervalMs);
      this.#pingTimer.unref();
      this.#owner.onConnectionReady(this);
      return;
    }
    this.flush();
    if (this.#state === C_READY) this.#owner.onStreamSlot(this);
  }

  /** Opens `stream` (the caller checked {@link canOpen}) and sends its request. */
  open(stream: H2Stream): void {
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    this.lastStreamId = id;
    stream.id = id;
    stream.connection = this;
    stream.sendWindow = this.peer.initialWindowSize;
    stream.receiveWindow = STREAM_WINDOW;
    stream.receiveUnacked = 0;
    stream.pendingData = null;
    stream.responseStarted = false;
    this.streams.set(id, stream);
    // Stream ids cannot be reused (§5.1.1): once they run out, new streams go to a new connection.
    if (this.#nextStreamId > MAX_STREAM_ID) this.drain();
    sendRequest(this, stream);
  }

  /** Sends request DATA that waits for window, as far as the connection and stream windows allow. */
  flush(): void {
    if (this.#state !== C_CLOSED) sendBlockedData(this);
  }

  /** Resets `stream` with `errorCode` (a cancelled call: CANCEL) and forgets it. No callback is made. */
  reset(stream: H2Stream, errorCode: number): void {
    if (stream.connection !== this) return;
    this.detach(stream);
    this.write(rstStreamFrame(stream.id, errorCode));
    this.streamClosed();
  }

  /** Removes a stream from the connection's books. */
  detach(stream: H2Stream): void {
    this.streams.delete(stream.id);
    stream.connection = null;
    if (stream.pendingData !== null) {
      stream.pendingData = null;
      const index = this.blocked.indexOf(stream);
      if (index >= 0) this.blocked.splice(index, 1);
    }
  }

  /** A stream closed: its slot is free; a draining connection closes once idle. */
  streamClosed(): void {
    if (this.#state === C_READY) this.#owner.onStreamSlot(this);
    else if (this.#state === C_DRAINING && this.streams.size === 0) this.#end();
  }

  /** Queues a frame for the end of the tick (see {@link FrameOutput}); dropped once the connection is closed. */
  write(frame: Buffer): void {
    if (this.#state !== C_CLOSED) this.#output.write(frame);
  }

  /** Stops opening streams here; in-flight streams finish, then the connection closes. */
  drain(): void {
    if (this.#state !== C_READY && this.#state !== C_CONNECTING) return;
    this.#state = C_DRAINING;
    this.#owner.onConnectionDraining(this);
    if (this.streams.size === 0) queueMicrotask(() => this.streamClosed());
  }

  /** The peer's GOAWAY (RFC 9113 §6.8): streams above `lastStreamId` were never processed and may go elsewhere. */
  onGoaway(lastStreamId: number, errorCode: number, debug: string): void {
    const reason = new H2ConnectionLostError(
      `the server sent GOAWAY ${errorCodeName(errorCode)}${debug === '' ? '' : ` (${debug})`}`,
    );
    if (errorCode !== NO_ERROR) this.#error ??= reason;
    this.drain();
    for (const stream of this.streams.values()) {
      if (stream.id <= lastStreamId) continue;
      this.detach(stream);
      stream.onUnprocessed(reason);
    }
    if (this.#state === C_DRAINING && this.streams.size === 0) this.#end();
  }

  /** The peer refused a stream (REFUSED_STREAM) or reset it. */
  onResetStream(stream: H2Stream, errorCode: number): void {
    this.detach(stream);
    if (errorCode === REFUSED_STREAM) stream.onUnprocessed(new H2ConnectionLostError('the server refused the stream (REFUSED_STREAM)'));
    else stream.onReset(errorCode);
    this.streamClosed();
  }

  /** Answers or records PING (RFC 9113 §6.7). */
  onPing(ack: boolean, buffer: Buffer, start: number): void {
    if (ack) this.#pingOutstanding = false;
    else this.write(pingFrame(buffer, start, true));
  }

  #onPingTick(): void {
    if (this.#state !== C_READY && this.#state !== C_DRAINING) return;
    if (this.#pingOutstanding) {
      this.#fail(new H2ConnectionLostError(`no answer to a keepalive PING within ${this.#options.pingIntervalMs} ms`));
      return;
    }
    if (this.#readSinceTick) {
      this.#readSinceTick = false;
      return;
    }
    this.#pingOutstanding = true;
    this.write(pingFrame(PING_DATA, 0, false));
  }

  /** A connection error (§5.4.1): GOAWAY with the code, then close; every stream fails. */
  #connectionError(error: H2ConnectionError): void {
    if (this.#state === C_CLOSED) return;
    const socket = this.socket;
    this.#output.flush();
    socket.write(goawayFrame(0, error.h2Code, error.message), () => socket.destroy());
    this.terminate(error);
  }

  /** Ends the connection without a GOAWAY (the peer is gone or never answered). */
  #fail(error: Error): void {
    this.#error ??= error;
    this.socket.destroy();
    this.terminate(error);
  }

  /** Graceful end of an idle draining connection: GOAWAY NO_ERROR, then FIN. */
  #end(): void {
    if (this.#state === C_CLOSED) return;
    this.#output.flush();
    const socket = this.socket;
    socket.end(goawayFrame(0, NO_ERROR, ''));
    // A server that never closes its side would keep the socket half-open.
    const timer = setTimeout(() => socket.destroy(), 2_000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    this.terminate(new H2ConnectionLostError('the connection was closed'));
  }

  /** Tears the connection down once; streams still on it fail with `error`. */
  terminate(error: Error): void {
    if (this.#state === C_CLOSED) return;
    const wasReady = this.#state !== C_CONNECTING;
    this.#state = C_CLOSED;
    this.#parser.stop();
    if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#connectTimer = this.#pingTimer = null;
    this.blocked.length = 0;
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.#owner.onConnectionClosed(this, error, wasReady);
    for (const stream of streams) {
      stream.connection = null;
      stream.pendingData = null;
      stream.onConnectionLost(error);
    }
    if (this.socket.destroyed) this.#onClosed?.();
    else this.socket.once('close', () => this.#onClosed?.());
  }

  /**
   * Closes the connection: no new streams, in-flight ones get `graceMs` to finish, then the socket is destroyed.
   * Resolves once the socket closed.
   */
  close(graceMs: number): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#onClosed = resolve;
      if (this.#state === C_CLOSED) {
        if (this.socket.destroyed) resolve();
        return;
      }
      if (this.#state === C_CONNECTING) {
        this.#fail(new H2ConnectionLostError('the channel was closed'));
        return;
      }
      this.drain();
      if (this.streams.size === 0) {
        this.#end();
        return;
      }
      const timer = setTimeout(() => this.#fail(new H2ConnectionLostError('the channel was closed')), graceMs);
      timer.unref();
    });
    return this.#closed;
  }

  /** A stream error we detected (RFC 9113 §5.4.2): RST_STREAM, and the stream learns why. */
  streamError(stream: H2Stream, errorCode: number, message: string): void {
    this.reset(stream, errorCode);
    stream.onProtocolError(`HTTP/2 stream error ${errorCodeName(errorCode)}: ${message}`);
  }
}
