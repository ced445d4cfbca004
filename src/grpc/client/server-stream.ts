/**
 * A server-streaming gRPC call (grpc/doc/PROTOCOL-HTTP2.md): one request message, sent with END_STREAM, then
 * response headers, any number of Length-Prefixed-Messages, and the trailers carrying the status. It is a streamed
 * call (stream-call.ts) that sends its single message and half-closes at once, so framing, backpressure
 * ({@link ServerStreamCall.resume} after `onMessage` returned `false`) and status rules are the same as for bidi.
 */
import type { GrpcChannel } from './channel.js';
import { startStreamCall, type ServerStreamCall, type ServerStreamHandler, type StreamingRequest } from './stream-call.js';

export type { ServerStreamCall, ServerStreamHandler } from './stream-call.js';

/** One server-streaming request: path, the serialized request message, metadata, deadline and signal. */
export interface ServerStreamRequest extends StreamingRequest {
  /** The serialized request message (not yet framed). */
  readonly requestBytes: Uint8Array;
}

/**
 * Starts a server-streaming call on `channel`. Aborting `request.signal` cancels it (CANCELLED); the deadline,
 * when given, is sent as `grpc-timeout` and enforced locally for the whole stream (DEADLINE_EXCEEDED).
 */
export function serverStreamCall(channel: GrpcChannel, request: ServerStreamRequest, handler: ServerStreamHandler): ServerStreamCall {
  const call = startStreamCall(channel, request, handler);
  // Both are no-ops when the call already ended (an expired deadline or an aborted signal).
  call.send(request.requestBytes);
  call.end();
  return { resume: call.resume, cancel: call.cancel };
}
