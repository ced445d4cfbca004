import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';

/** TLS settings of an upstream with the PEM files already read (once, at creation). */
export interface TlsMaterial {
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly servername: string | undefined;
  readonly rejectUnauthorized: boolean;
}

/** One origin of an upstream, parsed once. */
export interface UpstreamTarget {
  readonly origin: string;
  readonly secure: boolean;
  /** Host name or IP literal without IPv6 brackets, as `net.connect` wants it. */
  readonly hostname: string;
  readonly port: number;
  /** `host[:port]` as it goes into `Host` / `:authority` (default ports omitted, RFC 9110 §7.2). */
  readonly authority: string;
}

/** Error code of a connect attempt that did not complete within `timeouts.connectMs`. */
export const CONNECT_TIMEOUT_CODE = 'PROTOGATE_CONNECT_TIMEOUT';

/** Thrown (as a socket/session error) when a connection is not established within `connectMs`. */
export class ConnectTimeoutError extends Error {
  readonly code = CONNECT_TIMEOUT_CODE;
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`connect timed out after ${timeoutMs} ms`);
    this.name = 'ConnectTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Reads the upstream's CA / client certificate / key files (relative to `baseDir`).
 * @returns undefined when the upstream has no `tls` section.
 */
export function loadTlsMaterial(config: DeepReadonly<UpstreamConfig>, baseDir: string): TlsMaterial | undefined {
  const tlsConfig = config.tls;
  if (tlsConfig === undefined) return undefined;
  const read = (file: string | undefined): Buffer | undefined =>
    file === undefined ? undefined : readFileSync(resolve(baseDir, file));
  return {
    ca: read(tlsConfig.ca),
    cert: read(tlsConfig.cert),
    key: read(tlsConfig.key),
    servername: tlsConfig.servername,
    rejectUnauthorized: tlsConfig.rejectUnauthorized,
  };
}

/** Parses an origin URL from the config (`http://host:port` or `https://host:port`). */
export function parseTarget(origin: string): UpstreamTarget {
  const url = new URL(origin);
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    origin: url.origin,
    secure,
    hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    authority: url.host,
  };
}

/** TLS client options shared by the HTTP/1.1 agent and HTTP/2 sessions (undefined members are left out). */
export function tlsClientOptions(material: TlsMaterial | undefined): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: material?.rejectUnauthorized ?? true };
  if (material?.ca !== undefined) options.ca = material.ca;
  if (material?.cert !== undefined) options.cert = material.cert;
  if (material?.key !== undefined) options.key = material.key;
  if (material?.servername !== undefined) options.servername = material.servername;
  return options;
}

/**
 * Options of our own `tls.connect` to `target` offering the `alpn` protocols: {@link tlsClientOptions} plus SNI, by
 * default the target's host name; none for an IP literal (RFC 6066 §3: literal IP addresses are not permitted).
 */
export function tlsSocketOptions(material: TlsMaterial | undefined, target: UpstreamTarget, alpn: string[]): tls.ConnectionOptions {
  const options = { ...tlsClientOptions(material), ALPNProtocols: alpn };
  if (options.servername === undefined && net.isIP(target.hostname) === 0) options.servername = target.hostname;
  return options;
}

/**
 * Destroys a freshly created `socket` with a {@link ConnectTimeoutError} unless it is connected (TCP, plus the TLS handshake for a
 * TLS socket) within `timeoutMs`. Node has no connect timeout of its own; `socket.setTimeout` would also fire on
 * an idle pooled connection, which is not what this limit means.
 */
export function armConnectTimeout(socket: net.Socket, timeoutMs: number): void {
  if (socket.destroyed) return;
  const isTls = socket instanceof tls.TLSSocket;
  const timer = setTimeout(onConnectTimeout, timeoutMs, socket, timeoutMs);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  socket.once(isTls ? 'secureConnect' : 'connect', clear);
  socket.once('close', clear);
}

function onConnectTimeout(socket: net.Socket, timeoutMs: number): void {
  socket.destroy(new ConnectTimeoutError(timeoutMs));
}

function armIfSocket(stream: Duplex | null | undefined, timeoutMs: number): void {
  if (stream instanceof net.Socket) armConnectTimeout(stream, timeoutMs);
}

/** `http.Agent` whose new connections fail with {@link ConnectTimeoutError} after `connectMs`. */
class TimedHttpAgent extends http.Agent {
  readonly #connectMs: number;
  constructor(options: http.AgentOptions, connectMs: number) {
    super(options);
    this.#connectMs = connectMs;
  }
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    armIfSocket(socket, this.#connectMs);
    return socket;
  }
}

/** `https.Agent` twin of {@link TimedHttpAgent}; the timeout covers the TLS handshake too. */
class TimedHttpsAgent extends https.Agent {
  readonly #connectMs: number;
  constructor(options: https.AgentOptions, connectMs: number) {
    super(options);
    this.#connectMs = connectMs;
  }
  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    armIfSocket(socket, this.#connectMs);
    return socket;
  }
}

/**
 * One keep-alive agent for one HTTP/1.1 target: `maxSockets` = pool.maxConnections, LIFO so the warmest socket
 * is reused and idle ones age out on the server's keep-alive timer, TLS options for `https://` targets.
 */
export function createHttp1Agent(
  target: UpstreamTarget,
  config: DeepReadonly<UpstreamConfig>,
  tlsMaterial: TlsMaterial | undefined,
): http.Agent {
  const base: http.AgentOptions = {
    keepAlive: true,
    maxSockets: config.pool.maxConnections,
    scheduling: 'lifo',
  };
  if (!target.secure) return new TimedHttpAgent(base, config.timeouts.connectMs);
  return new TimedHttpsAgent({ ...base, ...tlsClientOptions(tlsMaterial) }, config.timeouts.connectMs);
}
