import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { DeepReadonly } from '../config/deep-freeze.js';
import type { LimitsConfig, ListenerConfig } from '../config/schema.js';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { bareProblemBody } from '../errors/problem.js';
import type { Dispatcher } from './dispatch.js';
import type { ListenerTls } from './listener-tls.js';
import { boundHttp2RequestTime, expiredWhileExempt } from './request-time-bound.js';

/** A bound listener: its address and how to shut it down. */
export interface Listener {
  readonly name: string;
  readonly protocol: ListenerConfig['protocol'];
  readonly host: string;
  readonly port: number;
  /** Stop accepting; tell HTTP/2 clients with GOAWAY and close idle HTTP/1.1 connections. */
  stopAccepting(): void;
  /** Destroy every remaining connection (after the drain deadline). */
  destroyAll(): void;
  /** Resolves when the server has fully closed. */
  closed(): Promise<void>;
  /** https: new handshakes use this certificate and key (a reload's); connections already open keep theirs. */
  useTls(tls: ListenerTls): void;
}

type AnyServer = http.Server | http2.Http2Server | http2.Http2SecureServer;

/**
 * Starts one listener. HTTP/1.1 uses node:http with its header-size limit and its two request timers
 * (`headersTimeout` for the headers and `requestTimeout` for the whole request, both counted from the start of
 * the request, not per read, so a slow client cannot stretch them); HTTP/2 streams get the same whole-request
 * bound from request-time-bound.ts, which also exempts routes whose body is a stream of messages. `https` serves h2
 * and http/1.1 on one port through ALPN; `h2c` is HTTP/2 with prior knowledge.
 */
export async function startListener(
  config: DeepReadonly<ListenerConfig>,
  limits: DeepReadonly<LimitsConfig>,
  dispatcher: Dispatcher,
  tls: ListenerTls | undefined,
): Promise<Listener> {
  const handler = dispatcher.handlerFor(config.name);
  const http1Options: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  };
  const h2Settings: http2.Settings = { maxHeaderListSize: limits.maxHeaderBytes };

  let server: AnyServer;
  if (config.protocol === 'http1') {
    server = http.createServer(http1Options, handler);
  } else if (config.protocol === 'h2c') {
    server = http2.createServer({ settings: h2Settings, maxSessionMemory: 32 }, handler);
  } else {
    if (tls === undefined) throw new Error(`listener "${config.name}": no certificate read`);
    server = http2.createSecureServer(
      {
        cert: tls.cert,
        key: tls.key,
        allowHTTP1: true,
        settings: h2Settings,
        ...http1Options,
      } as http2.SecureServerOptions,
      handler,
    );
    // The HTTP/1.1 fallback of a secure HTTP/2 server ignores these as constructor options; it reads the
    // properties (and starts its connection checker with the interval when it begins listening).
    Object.assign(server, {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: http1Options.connectionsCheckingInterval,
    });
  }

  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => writeClientError(error, socket));
  if (config.protocol !== 'http1') {
    // Stream-level HTTP/2 protocol errors are answered by node with RST_STREAM; nothing to write here.
    server.on('sessionError', () => undefined);
    const requestTimeoutMs = limits.requestTimeoutMs;
    server.on('stream', (stream: http2.ServerHttp2Stream) => boundHttp2RequestTime(stream, requestTimeoutMs));
  }
  if (config.protocol === 'https') {
    server.on('tlsClientError', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const closedPromise = new Promise<void>((resolve) => server.once('close', () => resolve()));

  return {
    name: config.name,
    protocol: config.protocol,
    host: address.address,
    port: address.port,
    stopAccepting() {
      server.close();
      for (const session of sessions) session.close();
      (server as http.Server).closeIdleConnections?.();
    },
    destroyAll() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
    closed: () => closedPromise,
    useTls(next) {
      if (config.protocol === 'https') (server as http2.Http2SecureServer).setSecureContext({ cert: next.cert, key: next.key });
    },
  };
}

/**
 * node:http rejects bad framing (CL with TE, conflicting Content-Lengths, malformed chunks), oversized headers
 * and slow requests (headers, or a body still arriving past `requestTimeout`); we answer those as problem+json
 * and close the connection, since the byte stream can no longer be trusted (RFC 9112 §11.2).
 */
function writeClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // An exempt request (a body that is a stream of messages) lives by its route's limits: the connection stays.
  // node:http has then already swapped its own socket error listener for a no-op, which only means socket errors
  // close the connection without a 'clientError'.
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && expiredWhileExempt(socket)) return;
  if (!socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers-too-large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? 'request-timeout'
        : 'bad-request';
  if (error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const spec = ERROR_CODES[code];
  const body = bareProblemBody(code, code === 'bad-request' ? `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'}).` : spec.when);
  socket.end(
    `HTTP/1.1 ${spec.status} ${http.STATUS_CODES[spec.status] ?? ''}\r\n` +
      'content-type: application/problem+json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
