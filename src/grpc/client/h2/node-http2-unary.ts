/**
 * The previous unary transport: a `node:http2` stream per call on the channel's pooled sessions. Kept so the
 * lean transport can be measured against it (bench/grpc-client.mjs) and selected per channel
 * (`transport: 'node-http2'`). Same contract as {@link unaryCall}.
 */
import http2 from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { GrpcStatus } from '../../../errors/grpc-status.js';
import { USER_AGENT, type GrpcChannel } from '../channel.js';
import type { UnaryRequest, UnaryResult } from '../unary-call.js';
import {
  addRequestMetadata, decodeGrpcMessage, EMPTY_METADATA, formatGrpcTimeout, frameMessage, grpcStatusFromHttp,
  grpcStatusFromRstCode, parseGrpcStatus, parseUnaryMessage, responseMetadata,
} from '../wire.js';

const { NGHTTP2_CANCEL } = http2.constants;
const REQUEST_OPTIONS: http2.ClientSessionRequestOptions = { endStream: false };
const CALL = Symbol('protogate.grpcCall');

type CallStream = ClientHttp2Stream & { [CALL]: UnaryCall };

/** Per-call state. Also the AbortSignal listener (`handleEvent`), so no closure is made for it. */
class UnaryCall {
  readonly channel: GrpcChannel;
  readonly request: UnaryRequest;
  resolve: (result: UnaryResult) => void = noop;
  stream: ClientHttp2Stream | null = null;
  session: ClientHttp2Session | null = null;
  timer: NodeJS.Timeout | null = null;
  headers: IncomingHttpHeaders | null = null;
  trailers: IncomingHttpHeaders | null = null;
  first: Buffer | null = null;
  rest: Buffer[] | null = null;
  received = 0;
  error: (Error & { code?: string }) | null = null;
  done = false;

  constructor(channel: GrpcChannel, request: UnaryRequest) {
    this.channel = channel;
    this.request = request;
  }

  /** AbortSignal listener. */
  handleEvent(): void {
    this.fail(GrpcStatus.CANCELLED, 'the call was cancelled by the caller');
  }

  /** Ends the call locally with `status`, cancelling the stream if it is open (the spec: RST_STREAM CANCEL). */
  fail(status: number, message: string): void {
    if (this.done) return;
    const stream = this.stream;
    if (stream !== null && !stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
    this.finish({
      status,
      message,
      responseBytes: undefined,
      headers: this.headers === null ? EMPTY_METADATA : responseMetadata(this.headers),
      trailers: EMPTY_METADATA,
    });
  }

  finish(result: UnaryResult): void {
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.request.signal?.removeEventListener('abort', this);
    this.resolve(result);
  }
}

/** A unary call over a `node:http2` session of `channel.pool`. */
export function nodeHttp2UnaryCall(channel: GrpcChannel, request: UnaryRequest): Promise<UnaryResult> {
  const call = new UnaryCall(channel, request);
  const promise = new Promise<UnaryResult>((resolve) => {
    call.resolve = resolve;
  });
  const { signal, deadlineMs } = request;
  if (signal?.aborted === true) {
    call.fail(GrpcStatus.CANCELLED, 'the call was cancelled by the caller');
    return promise;
  }
  if (deadlineMs !== undefined) {
    if (deadlineMs <= 0) {
      call.fail(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded before the call started');
      return promise;
    }
    call.timer = setTimeout(onDeadline, deadlineMs, call);
  }
  signal?.addEventListener('abort', call);
  let session: ClientHttp2Session | Promise<ClientHttp2Session>;
  try {
    session = channel.pool.acquire();
  } catch (error) {
    call.fail(GrpcStatus.UNAVAILABLE, `no connection to ${channel.target.origin}: ${(error as Error).message}`);
    return promise;
  }
  if (session instanceof Promise) {
    // Only while the session is being (re)connected: the closures here are off the hot path.
    session.then(
      (ready) => start(call, ready),
      (error: Error) => call.fail(GrpcStatus.UNAVAILABLE, `cannot connect to ${channel.target.origin}: ${error.message}`),
    );
  } else start(call, session);
  return promise;
}

function start(call: UnaryCall, session: ClientHttp2Session): void {
  if (call.done) return;
  const { request } = call;
  const headers: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': request.path,
    'content-type': 'application/grpc',
    // "te: trailers" tells intermediaries the client accepts trailers, which carry the status (the spec).
    te: 'trailers',
    'user-agent': USER_AGENT,
  };
  if (request.deadlineMs !== undefined) headers['grpc-timeout'] = formatGrpcTimeout(request.deadlineMs);
  if (request.metadata !== undefined) addRequestMetadata(headers, request.metadata);
  let stream: ClientHttp2Stream;
  try {
    stream = session.request(headers, REQUEST_OPTIONS);
  } catch (error) {
    // A session that went away between acquire and request, or metadata Node refuses as a header.
    const code = (error as { code?: string }).code ?? '';
    const unavailable = code === 'ERR_HTTP2_INVALID_SESSION' || code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_OUT_OF_STREAMS';
    call.fail(unavailable ? GrpcStatus.UNAVAILABLE : GrpcStatus.INTERNAL, `cannot start the call: ${(error as Error).message}`);
    return;
  }
  call.stream = stream;
  call.session = session;
  (stream as CallStream)[CALL] = call;
  stream.on('response', onResponse);
  stream.on('data', onData);
  stream.on('trailers', onTrailers);
  stream.on('error', onError);
  stream.on('close', onClose);
  stream.end(frameMessage(request.requestBytes));
}

function onDeadline(call: UnaryCall): void {
  call.fail(GrpcStatus.DEADLINE_EXCEEDED, `deadline of ${call.request.deadlineMs} ms exceeded`);
}

function onResponse(this: CallStream, headers: IncomingHttpHeaders): void {
  this[CALL].headers = headers;
}

function onData(this: CallStream, chunk: Buffer): void {
  const call = this[CALL];
  if (call.done) return;
  call.received += chunk.length;
  if (call.received > call.channel.maxResponseBytes + 5) {
    call.fail(GrpcStatus.RESOURCE_EXHAUSTED, `response larger than ${call.channel.maxResponseBytes} bytes`);
    return;
  }
  if (call.first === null) call.first = chunk;
  else if (call.rest === null) call.rest = [call.first, chunk];
  else call.rest.push(chunk);
}

function onTrailers(this: CallStream, trailers: IncomingHttpHeaders): void {
  this[CALL].trailers = trailers;
}

/** Recorded and settled on 'close'; having a listener keeps a stream error from ever being unhandled. */
function onError(this: CallStream, error: Error): void {
  this[CALL].error = error;
}

function onClose(this: CallStream): void {
  const call = this[CALL];
  if (call.done) return;
  const { headers, trailers } = call;
  // Trailers-Only: a single HEADERS frame that carries the status (the spec's "Trailers-Only" response).
  const statusHeaders = trailers ?? (headers !== null && headers['grpc-status'] !== undefined ? headers : null);
  if (statusHeaders === null) {
    call.fail(...statusWithoutTrailers(call, this));
    return;
  }
  const status = parseGrpcStatus(statusHeaders['grpc-status']);
  let message = decodeGrpcMessage(statusHeaders['grpc-message']);
  let code = status;
  let responseBytes: Uint8Array | undefined;
  if (status === GrpcStatus.OK) {
    const body = call.rest !== null ? Buffer.concat(call.rest, call.received) : call.first;
    const parsed = parseUnaryMessage(body ?? EMPTY_BUFFER);
    if (!parsed.ok) {
      code = parsed.status;
      message = parsed.message;
    } else if (parsed.bytes === undefined) {
      code = GrpcStatus.INTERNAL;
      message = 'the server ended a unary call with OK but sent no message';
    } else responseBytes = parsed.bytes;
  }
  const details = code === GrpcStatus.OK ? undefined : statusHeaders['grpc-status-details-bin'];
  const result: UnaryResult = {
    status: code,
    message,
    responseBytes,
    headers: trailers === null || headers === null ? EMPTY_METADATA : responseMetadata(headers),
    trailers: responseMetadata(statusHeaders),
  };
  call.finish(typeof details === 'string' ? { ...result, statusDetails: Buffer.from(details, 'base64') } : result);
}

/** The status of a stream that closed without `grpc-status` anywhere. */
function statusWithoutTrailers(call: UnaryCall, stream: ClientHttp2Stream): [number, string] {
  const { headers, error } = call;
  // Node gives `:status` as a number although the typings say string.
  const httpStatus = headers === null ? 200 : Number(headers[':status'] as unknown);
  if (httpStatus !== 200) {
    // grpc/doc/http-grpc-status-mapping.md: an intermediary (or a non-gRPC server) answered.
    return [grpcStatusFromHttp(httpStatus), `HTTP ${httpStatus} without grpc-status`];
  }
  const rstCode = stream.rstCode;
  const session = call.session;
  if ((error !== null && error.code !== 'ERR_HTTP2_STREAM_ERROR') || session === null || session.destroyed) {
    // The session failed under the stream (connection reset or closed, socket error): Node then closes the stream
    // with CANCEL, which is not the server cancelling. Transient, hence UNAVAILABLE.
    const reason = error?.message ?? 'the connection closed';
    return [GrpcStatus.UNAVAILABLE, `connection to ${call.channel.target.origin} lost: ${reason}`];
  }
  if (rstCode !== undefined && rstCode !== 0) {
    return [grpcStatusFromRstCode(rstCode), `stream reset by the server (HTTP/2 error code ${rstCode})`];
  }
  // The spec maps RST_STREAM NO_ERROR (or an ending without status) to INTERNAL.
  return [GrpcStatus.INTERNAL, 'the stream ended without grpc-status'];
}

const EMPTY_BUFFER = Buffer.alloc(0);

function noop(): void {}
