/**
 * Client-streaming and bidi methods: the request body becomes the stream of request messages, each sent to the
 * upstream as soon as it is read (never the whole body first).
 *
 * The body is NDJSON (`application/x-ndjson`; the read-body stage answers 415 for any other Content-Type), one
 * request message per line in proto3 JSON, or its `body` field's value; a request message that is a
 * google.api.HttpBody (or whose `body` field is one) takes the raw body instead, each received chunk the `data` of
 * one message. Path variables and query parameters are bound once and set on EVERY message (grpc-gateway ignores
 * them for streaming methods; here `/v1/teams/{team}/people:import` fills `team` in each line, the path winning
 * over the line's own value as http.proto says for bodies).
 *
 * A bad line (not JSON, a field that does not map) cancels the call: before the response started (always, for
 * client streaming) the answer is a 400 problem naming the line (`line`, and locations `/body/line/<n>/<field>`);
 * for a bidi stream already answering, the same problem goes in-band (see stream-response.ts). Limits: the route's
 * `maxBodyBytes` per line, `limits.maxStreamedBodyBytes` for the whole body (413). A client-streaming call's
 * deadline covers the whole exchange; a bidi call lives by stream-timers.ts (each request line counts as activity).
 * The client going away cancels the call.
 */
import type { GatewayError } from '../../errors/gateway-error.js';
import type { GrpcMetadata } from '../../grpc/client/index.js';
import { asGatewayError } from '../../errors/problem.js';
import type { RequestContext } from '../../pipeline/context.js';
import type { GrpcRoute } from '../transcode-grpc.js';
import { writeMessageResponse } from './message-response.js';
import type { UrlFields } from './request-fields.js';
import { createItemEncoder, type ItemEncoder } from './request-messages.js';
import { readRequestStream, type RequestStreamLimits, type RequestStreamReader } from './request-stream.js';
import { createStreamResponder } from './stream-response.js';
import type { StreamTimings } from './stream-timers.js';

/** One streaming call, ready to start. */
export interface StreamingCallPlan {
  readonly path: string;
  readonly metadata: GrpcMetadata;
  /** The call's deadline (undefined: none, a bidi stream without a maximum duration or client grpc-timeout). */
  readonly deadlineMs: number | undefined;
  readonly fields: UrlFields;
  readonly limits: RequestStreamLimits;
  /** The lifetime of a bidi call's streamed response (stream-timers.ts). */
  readonly timings: StreamTimings;
}

/** A client-streaming call: messages from the body, then the single response answered as for a unary call. */
export function clientStreaming(ctx: RequestContext, grpc: GrpcRoute, plan: StreamingCallPlan): Promise<void> {
  const encode = encoderFor(ctx, grpc, plan);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let reader: RequestStreamReader | undefined;
    const call = grpc.upstream.clientStream({ path: plan.path, metadata: plan.metadata, deadlineMs: plan.deadlineMs }, () => reader?.resume());
    const onClientGone = (): void => call.cancel();
    ctx.res.once('close', onClientGone);
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      ctx.res.off('close', onClientGone);
      reader?.stop();
      return true;
    };
    const failWith = (error: GatewayError): void => {
      if (!settle()) return;
      call.cancel();
      reject(error);
    };
    reader = readRequestStream(ctx, modeOf(grpc), plan.limits, {
      onItem(bytes, line) {
        let message: Uint8Array;
        try {
          message = encode(bytes, line);
        } catch (error) {
          failWith(asGatewayError(error));
          return false;
        }
        return call.send(message);
      },
      onEnd: call.end,
      onError: failWith,
    });
    // The upstream may answer before the body ends (e.g. it refuses the second message): its answer is final.
    void call.result.then((result) => {
      if (!settle()) return;
      try {
        writeMessageResponse(ctx, grpc, result);
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A bidi call: messages from the body while the responses stream back (stream-response.ts rules). */
export function bidiStreaming(ctx: RequestContext, grpc: GrpcRoute, plan: StreamingCallPlan): Promise<void> {
  const encode = encoderFor(ctx, grpc, plan);
  const responder = createStreamResponder(ctx, grpc, plan.timings);
  let reader: RequestStreamReader | undefined;
  const call = grpc.upstream.duplex(
    { path: plan.path, metadata: plan.metadata, deadlineMs: plan.deadlineMs, signal: responder.signal },
    { ...responder.handler, onDrain: () => reader?.resume() },
  );
  responder.attach(call);
  reader = readRequestStream(ctx, modeOf(grpc), plan.limits, {
    onItem(bytes, line) {
      responder.activity();
      try {
        return call.send(encode(bytes, line));
      } catch (error) {
        responder.fail(asGatewayError(error));
        return false;
      }
    },
    onEnd: call.end,
    onError: responder.fail,
  });
  // However the response ends, the rest of the body is of no use any more.
  return responder.done.finally(() => reader?.stop());
}

function encoderFor(ctx: RequestContext, grpc: GrpcRoute, plan: StreamingCallPlan): ItemEncoder {
  return createItemEncoder(grpc, plan.fields, ctx.req.headers['content-type'] ?? '');
}

function modeOf(grpc: GrpcRoute): 'lines' | 'chunks' {
  return grpc.requestHttpBody === undefined ? 'lines' : 'chunks';
}
