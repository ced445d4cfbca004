/**
 * A lean gRPC client: {@link createGrpcChannel}, {@link unaryCall} (over our own HTTP/2 connections, ./h2/),
 * {@link serverStreamCall}, {@link clientStreamCall}, {@link duplexCall} (client-streaming and bidi; over pooled
 * `node:http2` sessions), {@link healthCheck}. Compression and name resolution are left to @grpc/grpc-js.
 */
export { createGrpcChannel, type GrpcChannel, type GrpcChannelOptions } from './channel.js';
export { unaryCall, type UnaryRequest, type UnaryResult } from './unary-call.js';
export { serverStreamCall, type ServerStreamCall, type ServerStreamHandler, type ServerStreamRequest } from './server-stream.js';
export { duplexCall, type DuplexCall, type DuplexHandler, type StreamingRequest } from './duplex-call.js';
export { clientStreamCall, type ClientStreamCall } from './client-stream.js';
export { healthCheck, HealthCheckError, type HealthStatus } from './health.js';
export type { GrpcMetadata } from './wire.js';
