import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';
import {
  clientStreamCall, createGrpcChannel, duplexCall, serverStreamCall, unaryCall, type ClientStreamCall, type DuplexCall,
  type DuplexHandler, type GrpcChannel, type ServerStreamCall, type ServerStreamHandler, type ServerStreamRequest,
  type StreamingRequest, type UnaryRequest, type UnaryResult,
} from '../../grpc/client/index.js';
import { loadTlsMaterial } from '../http/targets.js';
import { TargetRotation } from '../../health/target-rotation.js';
import type { CheckedUpstream } from '../../health/types.js';
import { grpcHealthTarget } from './grpc-health-probe.js';

/**
 * A named gRPC upstream: one long-lived channel per target, calls spread round robin over the healthy ones (over
 * all of them when none is healthy, or without `healthCheck`).
 */
export interface GrpcUpstream {
  readonly name: string;
  /** What the health monitor checks (grpc.health.v1 on each channel); undefined without `healthCheck`. */
  readonly health: CheckedUpstream | undefined;
  unary(request: UnaryRequest): Promise<UnaryResult>;
  /** A server-streaming call on the next channel (round robin, as unary calls). */
  serverStream(request: ServerStreamRequest, handler: ServerStreamHandler): ServerStreamCall;
  /** A client-streaming call on the next channel; `onDrain` follows a `send` that returned false. */
  clientStream(request: StreamingRequest, onDrain?: () => void): ClientStreamCall;
  /** A bidirectional-streaming call on the next channel. */
  duplex(request: StreamingRequest, handler: DuplexHandler): DuplexCall;
  close(): Promise<void>;
}

export function createGrpcUpstream(name: string, config: DeepReadonly<UpstreamConfig>, baseDir: string): GrpcUpstream {
  const tls = loadTlsMaterial(config, baseDir);
  const channels: GrpcChannel[] = config.targets.map((target) =>
    createGrpcChannel(target, { connectMs: config.timeouts.connectMs, maxSessions: config.pool.maxSessions, ...(tls === undefined ? {} : { tls }) }),
  );
  const check = config.healthCheck;
  const rotation = new TargetRotation(channels, check === undefined, check?.panicThresholdPercent);
  /** The one place a call's channel is chosen. */
  const pick = (): GrpcChannel => rotation.pick();
  const health: CheckedUpstream | undefined =
    check === undefined
      ? undefined
      : { name, config: check, rotation, targets: channels.map((channel) => grpcHealthTarget(channel, check.service ?? '')) };
  return {
    name,
    health,
    unary(request) {
      return unaryCall(pick(), request);
    },
    serverStream(request, handler) {
      return serverStreamCall(pick(), request, handler);
    },
    clientStream(request, onDrain) {
      return clientStreamCall(pick(), request, onDrain);
    },
    duplex(request, handler) {
      return duplexCall(pick(), request, handler);
    },
    async close() {
      await Promise.all(channels.map((channel) => channel.close()));
    },
  };
}
