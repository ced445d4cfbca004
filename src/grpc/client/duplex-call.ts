/**
 * Client-streaming and bidirectional gRPC calls: request messages are sent over time with {@link DuplexCall.send}
 * and the stream half-closed with {@link DuplexCall.end}, while response headers, messages and the status come back
 * through a {@link ServerStreamHandler}. The transport, framing, backpressure and status rules are those of
 * {@link startStreamCall} (stream-call.ts), shared with server streaming.
 */
import type { GrpcChannel } from './channel.js';
import { startStreamCall, type DuplexHandler, type StreamCall, type StreamingRequest } from './stream-call.js';

export type { DuplexHandler, ServerStreamHandler, StreamingRequest } from './stream-call.js';

/** Control of a running duplex call: send, half-close, resume reading, cancel. */
export type DuplexCall = StreamCall;

/**
 * Starts a call on `channel` whose request messages are given with {@link DuplexCall.send}. The deadline, when
 * given, covers the whole exchange. The handler's `onEnd` is called exactly once, with the status the server sent
 * or the one a local failure maps to (CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED).
 */
export function duplexCall(channel: GrpcChannel, request: StreamingRequest, handler: DuplexHandler): DuplexCall {
  return startStreamCall(channel, request, handler);
}
