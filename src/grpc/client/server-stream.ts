/**
 * A server-streaming gRPC call over a pooled `node:http2` session (grpc/doc/PROTOCOL-HTTP2.md, "the spec"): one
 * HEADERS + one DATA frame out (the single request message, END_STREAM), then response headers, any number of
 * Length-Prefixed-Messages in DATA frames, and the trailers carrying the status.
 *
 * Messages are parsed as DATA arrives: a message may span several frames and a frame may hold several messages;
 * each complete message is handed to {@link ServerStreamHandler.onMessage} at once.
 *
 * Backpressure: when `onMessage` returns `false` the HTTP/2 stream is paused (no more DATA is read, so HTTP/2 flow
 * control eventually stops the server); messages already received in the same chunk are still delivered. Call
 * {@link ServerStreamCall.resume} (e.g. on the consumer's 'drain') to read on.
 */
import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { GrpcChannel } from './channel.js';
import type { UnaryRequest } from './unary-call.js';
import {
  addRequestMetadata, decodeGrpcMessage, EMPTY_METADATA, FRAME_HEADER_BYTES, formatGrpcTimeout, frameMessage,
  grpcStatusFromHttp, grpcStatusFromRstCode, parseGrpcStatus, responseMetadata, type GrpcMetadata,
} from './wire.js';

/** One server-streaming request: the same fields as a unary one (path, message, metadata, deadline, signal). */
export type ServerStreamRequest = UnaryRequest;

/**
 * What a server-streaming call reports, in this order: `onHeaders` at most once (not for a Trailers-Only
 * response), `onMessage` per message, then `onEnd` exactly once. Nothing is reported after `onEnd`.
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
   * The final status (never thrown: local failures are statuses too, as for {@link unaryCall}: CANCELLED,
   * DEADLINE_EXCEEDED, UNAVAILABLE, INTERNAL for malformed framing, RESOURCE_EXHAUSTED for a message above the
   * channel's `maxResponseBytes`), the trailer metadata, and the raw `grpc-status-details-bin` when sent.
   */
  onEnd(status: number, message: string, trailers: GrpcMetadata, statusDetails: Buffer | undefined): void;
}

/** Control of a running call. */
export interface ServerStreamCall {
  /** Reads on after `onMessage` returned `false`. */
  resume(): void;
  /** Cancels the call (RST_STREAM CANCEL); `onEnd` reports CANCELLED unless the call already ended. */
  cancel(): void;
}

const { NGHTTP2_CANCEL } = http2.constants;
const USER_AGENT = 'protogate-grpc/0.1';

/**
 * Starts a server-streaming call on `channel`. Aborting `request.signal` cancels it (CANCELLED); the deadline,
 * when given, is sent as `grpc-timeout` and enforced locally for the whole stream (DEADLINE_EXCEEDED).
 */
export function serverStreamCall(channel: GrpcChannel, request: ServerStreamRequest, handler: ServerStreamHandler): ServerStreamCall {
  let stream: ClientHttp2Stream | null = null;
  let session: ClientHttp2Session | null = null;
  let timer: NodeJS.Timeout | null = null;
  let headers: IncomingHttpHeaders | null = null;
  let trailers: IncomingHttpHeaders | null = null;
  let pending: Buffer | null = null;
  let streamError: (Error & { code?: string }) | null = null;
  let paused = false;
  let done = false;

  const end = (status: number, message: string, trailerMetadata: GrpcMetadata, details: Buffer | undefined): void => {
    if (done) return;
    done = true;
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

  const control: ServerStreamCall = {
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

  /** Delivers every complete message of `pending`; bad framing or an oversized message fails the call. */
  const deliver = (): void => {
    const maxBytes = channel.maxResponseBytes;
    while (!done && pending !== null && pending.length >= FRAME_HEADER_BYTES) {
      const flag = pending[0];
      if (flag !== 0) {
        fail(GrpcStatus.INTERNAL, flag === 1 ? 'the server sent a compressed message, but no compression was negotiated' : `invalid gRPC Compressed-Flag ${flag}`);
        return;
      }
      const length = pending.readUInt32BE(1);
      if (length > maxBytes) {
        fail(GrpcStatus.RESOURCE_EXHAUSTED, `response message larger than ${maxBytes} bytes`);
        return;
      }
      const messageEnd = FRAME_HEADER_BYTES + length;
      if (pending.length < messageEnd) return;
      const bytes = pending.subarray(FRAME_HEADER_BYTES, messageEnd);
      pending = pending.length === messageEnd ? null : pending.subarray(messageEnd);
      if (handler.onMessage(bytes) === false && !done && !paused) {
        paused = true;
        stream?.pause();
      }
    }
  };

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
    if (status === GrpcStatus.OK && pending !== null && pending.length > 0) {
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
      if (done) return;
      pending = pending === null || pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      deliver();
    });
    opened.on('trailers', (received: IncomingHttpHeaders) => {
      trailers = received;
    });
    // Recorded and settled on 'close'; the listener also keeps a stream error from being unhandled.
    opened.on('error', (error: Error) => {
      streamError = error;
    });
    opened.on('close', () => onClose(opened));
    opened.end(frameMessage(request.requestBytes));
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

/** The status of a stream that closed without `grpc-status` anywhere (same rules as the unary client). */
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
