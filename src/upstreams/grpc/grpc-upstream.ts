import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';
import {
  createGrpcChannel, serverStreamCall, unaryCall, type GrpcChannel, type ServerStreamCall, type ServerStreamHandler,
  type ServerStreamRequest, type UnaryRequest, type UnaryResult,
} from '../../grpc/client/index.js';
import { loadTlsMaterial } from '../http/targets.js';

/** A named gRPC upstream: one long-lived channel per target, calls spread round robin. */
export interface GrpcUpstream {
  readonly name: string;
  unary(request: UnaryRequest): Promise<UnaryResult>;
  /** A server-streaming call on the next channel (round robin, as unary calls). */
  serverStream(request: ServerStreamRequest, handler: ServerStreamHandler): ServerStreamCall;
  close(): Promise<void>;
}

export function createGrpcUpstream(name: string, config: DeepReadonly<UpstreamConfig>, baseDir: string): GrpcUpstream {
  const tls = loadTlsMaterial(config, baseDir);
  const channels: GrpcChannel[] = config.targets.map((target) =>
    createGrpcChannel(target, { connectMs: config.timeouts.connectMs, maxSessions: config.pool.maxSessions, ...(tls === undefined ? {} : { tls }) }),
  );
  let next = 0;
  const pick = (): GrpcChannel => {
    const channel = channels[next] as GrpcChannel;
    next = next + 1 === channels.length ? 0 : next + 1;
    return channel;
  };
  return {
    name,
    unary(request) {
      const channel = channels[next] as GrpcChannel;
      next = next + 1 === channels.length ? 0 : next + 1;
      return unaryCall(channel, request);
    },
    serverStream(request, handler) {
      return serverStreamCall(pick(), request, handler);
    },
    async close() {
      await Promise.all(channels.map((channel) => channel.close()));
    },
  };
}
