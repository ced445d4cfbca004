import { createH2SessionPool, type H2SessionPool } from '../../upstreams/http/h2-session-pool.js';
import { parseTarget, type TlsMaterial, type UpstreamTarget } from '../../upstreams/http/targets.js';

/** Options of {@link createGrpcChannel}. */
export interface GrpcChannelOptions {
  /** Time allowed for TCP connect + TLS handshake + the server's SETTINGS; beyond it calls fail UNAVAILABLE. */
  readonly connectMs: number;
  /** HTTP/2 sessions kept to the target, used round robin. Default 1 (one session multiplexes many calls). */
  readonly maxSessions?: number;
  /** CA / client certificate (mTLS) / servername for `https://` targets; system CAs when absent. */
  readonly tls?: TlsMaterial;
  /** Keepalive PING period (a PING unanswered one period later drops the session). Default 30 000. */
  readonly pingIntervalMs?: number;
  /**
   * Largest response message accepted; a bigger one fails the call RESOURCE_EXHAUSTED (statuscodes.md: "a message
   * larger than configured limit"). Default 4 MiB, gRPC's default receive limit.
   */
  readonly maxResponseBytes?: number;
}

/**
 * One long-lived channel to a gRPC server: its pooled HTTP/2 sessions (lazily connected, kept alive by PING,
 * replaced after GOAWAY or an error) and the limits calls on it observe. Made once per upstream target.
 */
export interface GrpcChannel {
  readonly target: UpstreamTarget;
  readonly pool: H2SessionPool;
  readonly maxResponseBytes: number;
  /** Closes the sessions (in-flight calls get a grace period); later calls fail UNAVAILABLE. */
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
  const pool = createH2SessionPool(parsed, {
    maxSessions: options.maxSessions ?? 1,
    connectMs: options.connectMs,
    tls: options.tls,
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
  });
  return Object.freeze({
    target: parsed,
    pool,
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
    close: () => pool.close(),
  });
}
