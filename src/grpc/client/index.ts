/**
 * A lean gRPC client over pooled `node:http2` sessions: {@link createGrpcChannel}, {@link unaryCall},
 * {@link serverStreamCall}, {@link healthCheck}. Client/bidi streaming, compression and name resolution are left to
 * @grpc/grpc-js.
 */
export { createGrpcChannel, type GrpcChannel, type GrpcChannelOptions } from './channel.js';
export { unaryCall, type UnaryRequest, type UnaryResult } from './unary-call.js';
export { serverStreamCall, type ServerStreamCall, type ServerStreamHandler, type ServerStreamRequest } from './server-stream.js';
export { healthCheck, HealthCheckError, type HealthStatus } from './health.js';
export type { GrpcMetadata } from './wire.js';
