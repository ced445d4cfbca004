/**
 * The one implementation of a streamed gRPC call over a pooled `node:http2` session (grpc/doc/PROTOCOL-HTTP2.md,
 * "the spec"): request messages go out as Length-Prefixed-Messages in DATA frames until {@link StreamCall.end}
 * half-closes the stream (END_STREAM); response headers, messages and the trailers carrying the status come back
 * through a {@link ServerStreamHandler}. Server-streaming (server-stream.ts: one message, then end), client-streaming
 * (client-stream.ts) and bidi calls (duplex-call.ts) are all this call, used differently.
 *
 * Response messages are parsed as DATA arrives: a message may span several frames and a frame may hold several
 * messages; each complete message is handed to `onMessage` at once.
 *
 * Backpressure both ways: {@link StreamCall.send} returns `false` when the outgoing buffer is full (then `onDrain`
 * says when to send on); `onMessage` returning `false` pauses reading (no more DATA is read, so HTTP/2 flow control
 * eventually stops the server; messages already received in the same chunk are still delivered) until
 * {@link StreamCall.resume}.
 *
 * The server may finish (status in trailers) before the client has sent everything, e.g. a client-streaming
 * method that fails on its second message. The spec's status is final then: the stream is closed with NO_ERROR
 * (RFC 9113 §8.1 lets either side stop sending a request whose response is complete) and later sends are ignored.
 */
import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { GrpcChannel } from './channel.js';
import {
  addRequestMetadata, decodeGrpcMessage, EMPTY_METADATA, FRAME_HEADER_BYTES, formatGrpcTimeout, frameMessage,
  grpcStatusFromHttp, grpcStatusFromRstCode, parseGrpcStatus, responseMetadata, type GrpcMetadata,
} from './wire.js';

/** One streamed request: everything of a unary one but the messages, which are sent with {@link StreamCall.send}. */
export interface StreamingRequest {
  /** `/package.Service/Method`. */
  readonly path: string;
  /** Custom metadata: lowercase ASCII keys, ASCII values, `-bin` keys already base64. Reserved keys are dropped. */
  readonly metadata?: GrpcMetadata;
  /** Time the whole call may take, sent as `grpc-timeout` and enforced locally. */
  readonly deadlineMs?: number;
  /** Aborting cancels the call (RST_STREAM CANCEL); `onEnd` reports CANCELLED. */
  readonly signal?: AbortSignal;
}

/**
 * What a streamed call reports, in this order: `onHeaders` at most once (not for a Trailers-Only response),
 * `onMessage` per message, then `onEnd` exactly once. Nothing is reported after `onEnd`.
 */
export interface ServerStreamHandler {
  /** Response header metadata (reserved `grpc-*`, pseudo-headers and content-type left out). */
  onHeaders(metadata: GrpcMetadata): void;
  /**
   * One response message (not framed). The bytes may be a view of the received chunk: decode them now or copy.
   * Return `false` to pause reading until {@link ServerStreamCall.resume}.
   */
  onMessage(bytes: Uint8Array): boolean | void;
  /**
   * The final status (never thrown: local failures are statuses too, as for a unary call: CANCELLED,
   * DEADLINE_EXCEEDED, UNAVAILABLE, INTERNAL for malformed framing, RESOURCE_EXHAUSTED for a message above the
   * channel's `maxResponseBytes`), the trailer metadata, and the raw `grpc-status-details-bin` when sent.
   */
  onEnd(status: number, message: string, trailers: GrpcMetadata, statusDetails: Buffer | undefined): void;
}

/** What a call with request messages of its own reports: the events above, plus when sending may go on. */
export interface DuplexHandler extends ServerStreamHandler {
  /** After {@link StreamCall.send} returned `false`: the outgoing buffer has room again. */
  onDrain?(): void;
}

/** Control of a running call whose requests were all given at its start. */
export interface ServerStreamCall {
  /** Reads on after `onMessage` returned `false`. */
  resume(): void;
  /** Cancels the call (RST_STREAM CANCEL); `onEnd` reports CANCELLED unless the call already ended. */
  cancel(): void;
}

/** Control of a running call whose request messages are sent over time. */
export interface StreamCall extends ServerStreamCall {
  /**
   * Sends one request message (not framed). Returns `false` when the outgoing buffer is full: wait for `onDrain`
   * before sending more (the message itself is queued, never dropped). After the call ended, or after
   * {@link end}, it does nothing and returns `true`.
   */
  send(message: Uint8Array): boolean;
  /** No more request messages: half-closes the stream (END_STREAM). Idempotent. */
  end(): void;
}

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = http2.constants;
/** The spec: "User-Agent → "user-agent" {structured user-agent string}". */
const USER_AGENT = 'protogate-grpc/0.1';
/** Bytes queued before the HTTP/2 stream is open beyond which `send` asks the caller to wait (Node's default). */
const QUEUE_HIGH_WATER = 16 * 1024;

/**
 * Starts a call on `channel`. The deadline, when given, covers the whole exchange. The handler's `onEnd` is called
 * exactly once (possibly before this function returns, for an expired deadline or an aborted signal), with the
 * status the server sent or the one a local failure maps to.
 */
export function startStreamCall(channel: GrpcChannel, request: StreamingRequest, handler: DuplexHandler): StreamCall {
  let stream: ClientHttp2Stream | null = null;
  let session: ClientHttp2Session | null = null;
  let timer: NodeJS.Timeout | null = null;
  let headers: IncomingHttpHeaders | null = null;
  let trailers: IncomingHttpHeaders | null = null;
  let streamError: (Error & { code?: string }) | null = null;
  /** Frames sent before the stream opened. */
  let queued: Buffer[] = [];
  let queuedBytes = 0;
  let halfClosed = false;
  let wantsDrain = false;
  let paused = false;
  let done = false;

  const end = (status: number, message: string, trailerMetadata: GrpcMetadata, details: Buffer | undefined): void => {
    if (done) return;
    done = true;
    queued = [];
    if (timer !== null) clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    handler.onEnd(status, message, trailerMetadata, details);
  };
  /** Ends the call locally, cancelling the stream if it is open (the spec: RST_STREAM CANCEL). */
  const fail = (status: number, message: string): void => {
    if (done) return;
    if (stream !== null && !stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
    end(status, message, EMPTY_METADATA, undefined);
  };
  function onAbort(): void {
    fail(GrpcStatus.CANCELLED, 'the call was cancelled by the caller');
  }
  const drained = (): void => {
    if (!wantsDrain || done) return;
    wantsDrain = false;
    handler.onDrain?.();
  };
  const reader = createMessageReader(channel.maxResponseBytes, fail, (bytes) => {
    if (handler.onMessage(bytes) === false && !done && !paused) {
      paused = true;
      stream?.pause();
    }
    return !done;
  });

  const control: StreamCall = {
    send(message) {
      if (done || halfClosed) return true;
      const frame = frameMessage(message);
      if (stream === null) {
        queued.push(frame);
        queuedBytes += frame.length;
        if (queuedBytes < QUEUE_HIGH_WATER) return true;
        wantsDrain = true;
        return false;
      }
      if (stream.write(frame)) return true;
      wantsDrain = true;
      return false;
    },
    end() {
      if (done || halfClosed) return;
      halfClosed = true;
      if (stream !== null && !stream.writableEnded) stream.end();
    },
    resume() {
      if (!paused || done) return;
      paused = false;
      stream?.resume();
    },
    cancel: onAbort,
  };

  const { signal, deadlineMs } = request;
  if (signal?.aborted === true) {
    onAbort();
    return control;
  }
  if (deadlineMs !== undefined) {
    if (deadlineMs <= 0) {
      fail(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded before the call started');
      return control;
    }
    timer = setTimeout(() => fail(GrpcStatus.DEADLINE_EXCEEDED, `deadline of ${deadlineMs} ms exceeded`), deadlineMs);
  }
  signal?.addEventListener('abort', onAbort);

  const onClose = (closed: ClientHttp2Stream): void => {
    if (done) return;
    // Trailers-Only: a single HEADERS frame that carries the status.
    const statusHeaders = trailers ?? (headers !== null && headers['grpc-status'] !== undefined ? headers : null);
    if (statusHeaders === null) {
      fail(...statusWithoutTrailers(channel, headers, streamError, session, closed));
      return;
    }
    let status = parseGrpcStatus(statusHeaders['grpc-status']);
    let message = decodeGrpcMessage(statusHeaders['grpc-message']);
    if (status === GrpcStatus.OK && reader.hasPartial()) {
      status = GrpcStatus.INTERNAL;
      message = 'truncated gRPC message at the end of the stream';
    }
    const details = status === GrpcStatus.OK ? undefined : statusHeaders['grpc-status-details-bin'];
    end(status, message, responseMetadata(statusHeaders), typeof details === 'string' ? Buffer.from(details, 'base64') : undefined);
  };

  const start = (ready: ClientHttp2Session): void => {
    if (done) return;
    const outgoing: OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': request.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': USER_AGENT,
    };
    if (deadlineMs !== undefined) outgoing['grpc-timeout'] = formatGrpcTimeout(deadlineMs);
    if (request.metadata !== undefined) addRequestMetadata(outgoing, request.metadata);
    let opened: ClientHttp2Stream;
    try {
      opened = ready.request(outgoing, { endStream: false });
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const unavailable = code === 'ERR_HTTP2_INVALID_SESSION' || code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_OUT_OF_STREAMS';
      fail(unavailable ? GrpcStatus.UNAVAILABLE : GrpcStatus.INTERNAL, `cannot start the call: ${(error as Error).message}`);
      return;
    }
    stream = opened;
    session = ready;
    opened.on('response', (received: IncomingHttpHeaders) => {
      headers = received;
      if (done || received['grpc-status'] !== undefined || Number(received[':status'] as unknown) !== 200) return;
      handler.onHeaders(responseMetadata(received));
    });
    opened.on('data', (chunk: Buffer) => {
      if (!done) reader.push(chunk);
    });
    opened.on('trailers', (received: IncomingHttpHeaders) => {
      trailers = received;
    });
    // The server ended its side (status sent): stop sending, so that 'close' settles the call now.
    opened.on('end', () => {
      if (!opened.writableEnded && !opened.closed && !opened.destroyed) opened.close(NGHTTP2_NO_ERROR);
    });
    opened.on('drain', drained);
    // Recorded and settled on 'close'; the listener also keeps a stream error from being unhandled.
    opened.on('error', (error: Error) => {
      streamError = error;
    });
    opened.on('close', () => onClose(opened));
    const frames = queued;
    queued = [];
    queuedBytes = 0;
    let writable = true;
    for (const frame of frames) writable = opened.write(frame);
    if (halfClosed) opened.end();
    if (writable) drained();
  };

  let acquired: ClientHttp2Session | Promise<ClientHttp2Session>;
  try {
    acquired = channel.pool.acquire();
  } catch (error) {
    fail(GrpcStatus.UNAVAILABLE, `no connection to ${channel.target.origin}: ${(error as Error).message}`);
    return control;
  }
  if (acquired instanceof Promise) {
    acquired.then(start, (error: Error) => fail(GrpcStatus.UNAVAILABLE, `cannot connect to ${channel.target.origin}: ${error.message}`));
  } else start(acquired);
  return control;
}

/** Splits received DATA into Length-Prefixed-Messages. */
interface MessageReader {
  /** Takes one chunk and delivers every message it completes. */
  push(chunk: Buffer): void;
  /** Bytes of an incomplete message are held (a stream ending now was cut off). */
  hasPartial(): boolean;
}

/**
 * `deliver` gets each complete message and says whether to go on (false once the call ended); bad framing or an
 * oversized message goes to `fail` (INTERNAL, RESOURCE_EXHAUSTED) and stops the reader.
 */
function createMessageReader(maxBytes: number, fail: (status: number, message: string) => void, deliver: (bytes: Uint8Array) => boolean): MessageReader {
  let pending: Buffer | null = null;
  let failed = false;
  return {
    push(chunk) {
      if (failed) return;
      let buffer: Buffer = pending === null || pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      pending = buffer;
      while (buffer.length >= FRAME_HEADER_BYTES) {
        const flag = buffer[0];
        if (flag !== 0) {
          failed = true;
          // statuscodes.md: an unsupported compression is INTERNAL; we send no grpc-accept-encoding.
          return fail(GrpcStatus.INTERNAL, flag === 1 ? 'the server sent a compressed message, but no compression was negotiated' : `invalid gRPC Compressed-Flag ${flag}`);
        }
        const length = buffer.readUInt32BE(1);
        if (length > maxBytes) {
          failed = true;
          return fail(GrpcStatus.RESOURCE_EXHAUSTED, `response message larger than ${maxBytes} bytes`);
        }
        const messageEnd = FRAME_HEADER_BYTES + length;
        if (buffer.length < messageEnd) return;
        const bytes = buffer.subarray(FRAME_HEADER_BYTES, messageEnd);
        buffer = buffer.subarray(messageEnd);
        pending = buffer.length === 0 ? null : buffer;
        if (!deliver(bytes)) return;
      }
    },
    hasPartial: () => pending !== null && pending.length > 0,
  };
}

/** The status of a stream that closed without `grpc-status` anywhere (the rules of the unary client). */
function statusWithoutTrailers(
  channel: GrpcChannel,
  headers: IncomingHttpHeaders | null,
  error: (Error & { code?: string }) | null,
  session: ClientHttp2Session | null,
  stream: ClientHttp2Stream,
): [number, string] {
  const httpStatus = headers === null ? 200 : Number(headers[':status'] as unknown);
  if (httpStatus !== 200) return [grpcStatusFromHttp(httpStatus), `HTTP ${httpStatus} without grpc-status`];
  if ((error !== null && error.code !== 'ERR_HTTP2_STREAM_ERROR') || session === null || session.destroyed) {
    return [GrpcStatus.UNAVAILABLE, `connection to ${channel.target.origin} lost: ${error?.message ?? 'the connection closed'}`];
  }
  const rstCode = stream.rstCode;
  if (rstCode !== undefined && rstCode !== 0) {
    return [grpcStatusFromRstCode(rstCode), `stream reset by the server (HTTP/2 error code ${rstCode})`];
  }
  return [GrpcStatus.INTERNAL, 'the stream ended without grpc-status'];
}
