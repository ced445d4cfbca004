import { createH2SessionPool, type H2SessionPool } from '../../upstreams/http/h2-session-pool.js';
import { parseTarget, type TlsMaterial, type UpstreamTarget } from '../../upstreams/http/targets.js';
import { H2ClientPool } from './h2/client-pool.js';

/** `user-agent` of our requests (the spec: "User-Agent → "user-agent" {structured user-agent string}"). */
export const USER_AGENT = 'protogate-grpc/0.1';

/** Options of {@link createGrpcChannel}. */
export interface GrpcChannelOptions {
  /** Time allowed for TCP connect + TLS handshake + the server's SETTINGS; beyond it calls fail UNAVAILABLE. */
  readonly connectMs: number;
  /** HTTP/2 connections kept to the target, used round robin. Default 1 (one connection multiplexes many calls). */
  readonly maxSessions?: number;
  /** CA / client certificate (mTLS) / servername for `https://` targets; system CAs when absent. */
  readonly tls?: TlsMaterial;
  /**
   * Keepalive period. Lean connections send a PING after a period in which nothing arrived and drop the
   * connection when it is still unanswered one period later; pooled sessions PING every period. Default 30 000.
   */
  readonly pingIntervalMs?: number;
  /**
   * Largest response message accepted; a bigger one fails the call RESOURCE_EXHAUSTED (statuscodes.md: "a message
   * larger than configured limit"). Default 4 MiB, gRPC's default receive limit.
   */
  readonly maxResponseBytes?: number;
  /**
   * @internal Transport of unary calls: 'lean' (default: our HTTP/2 client over a raw socket, src/grpc/client/h2/)
   * or 'node-http2' (a node:http2 stream per call, the previous path; kept for comparison).
   */
  readonly transport?: 'lean' | 'node-http2';
  /** @internal First stream id of lean connections (tests of stream id exhaustion). */
  readonly firstStreamId?: number;
}

/**
 * One long-lived channel to a gRPC server and the limits calls on it observe. Unary calls go over lean HTTP/2
 * connections of our own (`unaryPool`); streaming calls over pooled `node:http2` sessions (`pool`). Both connect
 * lazily, are kept alive by PING and are replaced after GOAWAY or an error. Made once per upstream target.
 */
export interface GrpcChannel {
  readonly target: UpstreamTarget;
  /** node:http2 sessions, for streaming calls (and unary calls with `transport: 'node-http2'`). */
  readonly pool: H2SessionPool;
  /** Lean connections for unary calls; null with `transport: 'node-http2'`. */
  readonly unaryPool: H2ClientPool | null;
  readonly maxResponseBytes: number;
  /** Closes the connections (in-flight calls get a grace period); later calls fail UNAVAILABLE. */
  close(): Promise<void>;
}

/**
 * Creates a channel to `target`: `http://host:port` speaks h2c with prior knowledge (as gRPC does in cleartext),
 * `https://host:port` TLS with ALPN `h2` (PROTOCOL-HTTP2.md requires HTTP/2 over TLS to negotiate `h2`).
 * No connection is made until the first call.
 * @throws Error when the target is not an http(s) origin.
 */
export function createGrpcChannel(target: string, options: GrpcChannelOptions): GrpcChannel {
  const { protocol } = new URL(target);
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`gRPC target must be http://host:port or https://host:port, got ${target}`);
  }
  const parsed = parseTarget(target);
  const maxSessions = options.maxSessions ?? 1;
  const pool = createH2SessionPool(parsed, {
    maxSessions,
    connectMs: options.connectMs,
    tls: options.tls,
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
  });
  const unaryPool = options.transport === 'node-http2'
    ? null
    : new H2ClientPool(parsed, {
      maxConnections: maxSessions,
      connectMs: options.connectMs,
      tls: options.tls,
      userAgent: USER_AGENT,
      ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
      ...(options.firstStreamId === undefined ? {} : { firstStreamId: options.firstStreamId }),
    });
  return Object.freeze({
    target: parsed,
    pool,
    unaryPool,
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
    close: async () => {
      await Promise.all([pool.close(), unaryPool?.close()]);
    },
  });
}
