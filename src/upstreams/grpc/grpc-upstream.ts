import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';
import { createGrpcChannel, unaryCall, type GrpcChannel, type UnaryRequest, type UnaryResult } from '../../grpc/client/index.js';
import { loadTlsMaterial } from '../http/targets.js';

/** A named gRPC upstream: one long-lived channel per target, calls spread round robin. */
export interface GrpcUpstream {
  readonly name: string;
  unary(request: UnaryRequest): Promise<UnaryResult>;
  close(): Promise<void>;
}

export function createGrpcUpstream(name: string, config: DeepReadonly<UpstreamConfig>, baseDir: string): GrpcUpstream {
  const tls = loadTlsMaterial(config, baseDir);
  const channels: GrpcChannel[] = config.targets.map((target) =>
    createGrpcChannel(target, { connectMs: config.timeouts.connectMs, maxSessions: config.pool.maxSessions, ...(tls === undefined ? {} : { tls }) }),
  );
  let next = 0;
  return {
    name,
    unary(request) {
      const channel = channels[next] as GrpcChannel;
      next = next + 1 === channels.length ? 0 : next + 1;
      return unaryCall(channel, request);
    },
    async close() {
      await Promise.all(channels.map((channel) => channel.close()));
    },
  };
}
