/**
 * A client-streaming gRPC call: any number of request messages, then exactly one response message and the status
 * (grpc/doc/PROTOCOL-HTTP2.md). Built on {@link duplexCall}; the outcome has the shape of a unary one.
 */
import { GrpcStatus } from '../../errors/grpc-status.js';
import type { GrpcChannel } from './channel.js';
import { duplexCall, type StreamingRequest } from './duplex-call.js';
import type { UnaryResult } from './unary-call.js';
import { EMPTY_METADATA, type GrpcMetadata } from './wire.js';

/** Control of a running client-streaming call, and its outcome. */
export interface ClientStreamCall {
  /** Sends one request message; `false` means wait for `onDrain` (see {@link DuplexCall.send}). */
  send(message: Uint8Array): boolean;
  /** No more request messages: the server answers now. */
  end(): void;
  /** Cancels the call (RST_STREAM CANCEL); the result is CANCELLED unless the call already ended. */
  cancel(): void;
  /**
   * Settles once, with the status (never rejects, as {@link unaryCall}). OK carries the single response message;
   * OK with no message or with more than one is INTERNAL (a unary response must hold exactly one).
   */
  readonly result: Promise<UnaryResult>;
}

/** Starts a client-streaming call on `channel`; `onDrain` follows a `send` that returned `false`. */
export function clientStreamCall(channel: GrpcChannel, request: StreamingRequest, onDrain?: () => void): ClientStreamCall {
  let resolve: (result: UnaryResult) => void = () => undefined;
  const result = new Promise<UnaryResult>((settle) => {
    resolve = settle;
  });
  let headers: GrpcMetadata = EMPTY_METADATA;
  let response: Uint8Array | undefined;
  let responses = 0;
  const call = duplexCall(channel, request, {
    onHeaders(metadata) {
      headers = metadata;
    },
    onMessage(bytes) {
      responses++;
      // The bytes are a view of a received chunk: keep a copy.
      if (responses === 1) response = Uint8Array.prototype.slice.call(bytes);
    },
    onEnd(status, message, trailers, statusDetails) {
      let code = status;
      let text = message;
      if (status === GrpcStatus.OK && responses !== 1) {
        code = GrpcStatus.INTERNAL;
        text = responses === 0 ? 'the server ended a client-streaming call with OK but sent no message' : `the server sent ${responses} messages on a client-streaming call`;
      }
      const outcome: UnaryResult = {
        status: code,
        message: text,
        responseBytes: code === GrpcStatus.OK ? response : undefined,
        headers,
        trailers,
      };
      resolve(statusDetails === undefined ? outcome : { ...outcome, statusDetails });
    },
    ...(onDrain === undefined ? {} : { onDrain }),
  });
  return { send: call.send, end: call.end, cancel: call.cancel, result };
}
