/// <reference path="./http2-wrapper.d.ts" />
import http from 'node:http';
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientHttp2Session } from 'node:http2';
import proxy from 'http2-proxy';
import { ClientRequest as H2ClientRequest, type H2SessionLike } from 'http2-wrapper';
import type { DeepReadonly } from '../../config/deep-freeze.js';
import type { UpstreamConfig } from '../../config/schema.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { abortResponse } from '../../errors/problem.js';
import type {
  ClientRequestLike,
  ClientResponseLike,
  ForwardRequest,
  ForwardResult,
  HttpUpstream,
  UpstreamCall,
  UpstreamReply,
} from '../types.js';
import {
  attachUpstream,
  Exchange,
  kExchange,
  relayResponse,
  responseEnded,
  undoPartialHead,
  type ExchangeCarrier,
  type UpstreamRequest,
  type UpstreamResponse,
} from './exchange.js';
import { callHttp1, callHttp2 } from './buffered-call.js';
import { createH2SessionPool, type H2SessionPool } from './h2-session-pool.js';
import { createFastPool, forwardFast } from './http1-fast-path.js';
import type { H1ConnectionPool } from './h1/connection-pool.js';
import { prepareUpstreamHeaders } from './request-headers.js';
import { createHttp1Agent, loadTlsMaterial, parseTarget, type UpstreamTarget } from './targets.js';
import { TargetRotation } from '../../health/target-rotation.js';
import type { CheckedUpstream } from '../../health/types.js';
import { httpHealthTarget } from './health-probe.js';
import { badResponseError, brokenResponseError, connectionError, headersTimeoutError } from './upstream-errors.js';
import { DUMPED_METHODS } from './method-semantics.js';

/** What http2-proxy hands `onReq`: the client's method and path and the headers it already cleaned. */
interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
}

/**
 * The part of http2-proxy's `web()` we use, typed for what it really does (its bundled typings describe the
 * legacy callback forms). `onReq` must declare at most two parameters and `onRes` at most three, or http2-proxy
 * switches to its legacy callback protocol.
 */
interface WebOptions {
  readonly proxyName: string;
  onReq(req: ClientRequestLike, proxied: ProxiedRequest): UpstreamRequest | Promise<UpstreamRequest>;
  onRes(req: ClientRequestLike, res: ClientResponseLike, proxyRes: UpstreamResponse): void;
}
const web = (proxy as unknown as { web(req: ClientRequestLike, res: ClientResponseLike, options: WebOptions): Promise<void> }).web;

/** Status reported for an exchange the client abandoned before any response head (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

/** Methods an HTTP/2 request opens with END_STREAM in node and in http2-wrapper (no DATA frames follow). */
const H2_ENDED_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * http2-wrapper refuses a body on GET/HEAD/DELETE; content there is legal, only without defined semantics
 * (RFC 9110 §9.3.1), and the pipeline re-frames such bodies with an exact length, so we let it through.
 */
class BodyH2ClientRequest extends H2ClientRequest {
  protected override get _mustNotHaveABody(): boolean {
    return false;
  }
}

/** A session view that opens streams without END_STREAM, for {@link BodyH2ClientRequest}. */
function bodySession(session: ClientHttp2Session): H2SessionLike {
  return {
    get destroyed() {
      return session.destroyed;
    },
    socket: session.socket,
    request: (headers) => session.request(headers, { endStream: false }),
  };
}

interface PreparedTarget {
  readonly target: UpstreamTarget;
  /** HTTP/1.1: the keep-alive agent and the module whose `request` uses it. */
  readonly agent: http.Agent | undefined;
  readonly client: typeof http | typeof https;
  /** HTTP/2: the session pool, and the host as a URL wants it (IPv6 in brackets) for http2-wrapper. */
  readonly pool: H2SessionPool | undefined;
  readonly urlHostname: string;
  /** HTTP/1.1: the connection pool of the fast path (exchanges whose body is absent or buffered). */
  readonly fastPool: H1ConnectionPool | undefined;
}

/** Options of {@link createHttpUpstream}. */
export interface HttpUpstreamOptions {
  /** Directory the upstream's TLS file paths are relative to (the config file's directory). */
  readonly baseDir: string;
  /** Pseudonym for `Via`; also what http2-proxy's loop detection looks for. Default `protogate`. */
  readonly proxyName?: string;
}

/**
 * Creates an HTTP/1.1 or HTTP/2 upstream over http2-proxy. TLS files are read now; no connection is opened until
 * the first request. Requests go round robin over `config.targets`; HTTP/1.1 uses one keep-alive agent per target,
 * HTTP/2 one session pool per target. See {@link HttpUpstream} for the `forward` and `call` contracts; `call` (buffered
 * exchanges for aggregation steps) uses the same pools, through buffered-call.ts.
 */
export function createHttpUpstream(name: string, config: DeepReadonly<UpstreamConfig>, options: HttpUpstreamOptions): CheckableHttpUpstream {
  return new ProxyHttpUpstream(name, config, options);
}

/** An HTTP upstream and what the health monitor checks on it (undefined without `healthCheck`). */
export type CheckableHttpUpstream = HttpUpstream & { readonly health: CheckedUpstream | undefined };

class ProxyHttpUpstream implements CheckableHttpUpstream {
  readonly name: string;
  readonly protocol: 'http1' | 'http2';
  readonly #http2: boolean;
  readonly #targets: readonly PreparedTarget[];
  readonly #webOptions: WebOptions;
  /** Round robin over the healthy targets: `#pick` is the one place a target is chosen. */
  readonly #rotation: TargetRotation<PreparedTarget>;
  readonly health: CheckedUpstream | undefined;

  constructor(name: string, config: DeepReadonly<UpstreamConfig>, options: HttpUpstreamOptions) {
    if (config.protocol === 'grpc') throw new Error(`upstream "${name}" is a gRPC upstream, not an HTTP one`);
    this.name = name;
    this.protocol = config.protocol;
    this.#http2 = config.protocol === 'http2';
    const tls = loadTlsMaterial(config, options.baseDir);
    this.#targets = config.targets.map((origin) => {
      const target = parseTarget(origin);
      const urlHostname = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
      if (this.#http2) {
        const pool = createH2SessionPool(target, {
          maxSessions: config.pool.maxSessions,
          connectMs: config.timeouts.connectMs,
          tls,
        });
        return { target, agent: undefined, client: http, pool, urlHostname, fastPool: undefined };
      }
      const agent = createHttp1Agent(target, config, tls);
      const fastPool = createFastPool(target, config, tls);
      return { target, agent, client: target.secure ? https : http, pool: undefined, urlHostname, fastPool };
    });
    const check = config.healthCheck;
    this.#rotation = new TargetRotation(this.#targets, check === undefined, check?.panicThresholdPercent);
    this.health = check === undefined ? undefined : {
      name,
      config: check,
      rotation: this.#rotation,
      targets: this.#targets.map((prepared) => httpHealthTarget(prepared.target, check.path, (request) => this.#callOn(prepared, request), tls)),
    };
    this.#webOptions = {
      proxyName: options.proxyName ?? 'protogate',
      onReq: (req, proxied) => this.#dispatch(req, proxied),
      onRes: relayResponse,
    };
  }

  async forward(request: ForwardRequest): Promise<ForwardResult> {
    if (!request.streamBody && !this.#http2) {
      const prepared = this.#pick();
      return forwardFast(prepared.fastPool as H1ConnectionPool, prepared.target, this.name, this.#webOptions.proxyName, request);
    }
    const exchange = new Exchange(request, this.#http2);
    (request.req as ClientRequestLike & ExchangeCarrier)[kExchange] = exchange;
    try {
      await web(request.req, request.res, this.#webOptions);
    } catch (error) {
      throw this.#failure(exchange, error);
    } finally {
      exchange.clearTimer();
    }
    if (!responseEnded(request.res)) {
      // The client went away; http2-proxy has already destroyed the upstream request.
      return { status: request.res.headersSent ? exchange.status : CLIENT_CLOSED_STATUS, bytes: exchange.bytes };
    }
    return { status: exchange.status, bytes: exchange.bytes };
  }

  call(request: UpstreamCall): Promise<UpstreamReply> {
    return this.#callOn(this.#pick(), request);
  }

  #callOn(prepared: PreparedTarget, request: UpstreamCall): Promise<UpstreamReply> {
    if (prepared.pool !== undefined) return callHttp2(prepared.pool, prepared.target, this.name, request);
    return callHttp1(prepared.fastPool as H1ConnectionPool, prepared.target, this.name, request);
  }

  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const prepared of this.#targets) {
      prepared.agent?.destroy();
      if (prepared.fastPool !== undefined) closing.push(prepared.fastPool.close());
      if (prepared.pool !== undefined) closing.push(prepared.pool.close());
    }
    await Promise.all(closing);
  }

  #pick(): PreparedTarget {
    return this.#rotation.pick();
  }

  /** http2-proxy's `onReq`: creates the upstream request; a buffered body is sent and the request ended here. */
  #dispatch(req: ClientRequestLike, proxied: ProxiedRequest): UpstreamRequest | Promise<UpstreamRequest> {
    const exchange = (req as ClientRequestLike & ExchangeCarrier)[kExchange] as Exchange;
    const request = exchange.request;
    const prepared = this.#pick();
    const headers = proxied.headers;
    prepareUpstreamHeaders(headers, req, request, prepared.target, this.#http2);
    if (prepared.pool === undefined) {
      const upstreamReq = prepared.client.request({
        agent: prepared.agent,
        hostname: prepared.target.hostname,
        port: prepared.target.port,
        method: request.method,
        path: request.path,
        headers,
      });
      return send(exchange, upstreamReq);
    }
    const session = prepared.pool.acquire();
    if (session instanceof Promise) {
      return session.then((ready) => openStream(exchange, ready, prepared, headers));
    }
    return openStream(exchange, session, prepared, headers);
  }

  #failure(exchange: Exchange, error: unknown): GatewayError {
    const res = exchange.request.res;
    if (res.headersSent) {
      // Too late for a problem response: the client must see a broken transfer, never a clean truncated one.
      abortResponse(res);
      return brokenResponseError(this.name, error);
    }
    if (exchange.relayError !== undefined) {
      undoPartialHead(exchange);
      return badResponseError(this.name, exchange.relayError);
    }
    if (exchange.timedOut) return headersTimeoutError(this.name, exchange.request.timeoutMs);
    return connectionError(this.name, error);
  }
}

function openStream(
  exchange: Exchange,
  session: ClientHttp2Session,
  prepared: PreparedTarget,
  headers: OutgoingHttpHeaders,
): UpstreamRequest {
  const request = exchange.request;
  const body = request.body;
  const options = {
    h2session: session as H2SessionLike,
    method: request.method,
    path: request.path,
    hostname: prepared.urlHostname,
    port: prepared.target.port,
    headers,
  };
  let upstreamReq: H2ClientRequest;
  if (body !== undefined && body.length > 0 && H2_ENDED_METHODS.has(request.method)) {
    options.h2session = bodySession(session);
    upstreamReq = new BodyH2ClientRequest(options);
  } else {
    upstreamReq = new H2ClientRequest(options);
  }
  send(exchange, upstreamReq);
  // http2-wrapper opens the stream on the first write or end; http2-proxy waits for it ('socket') before it
  // streams or drains the client body, so open it now when we are not sending the body ourselves.
  if (body === undefined) void upstreamReq.flushHeaders();
  return upstreamReq;
}

/**
 * Sends a buffered body (exact Content-Length was set by prepareUpstreamHeaders) and ends the request, so
 * http2-proxy finds the client body consumed and only waits for the response; otherwise leaves the body to it.
 */
function send<T extends UpstreamRequest>(exchange: Exchange, upstreamReq: T): T {
  const body = exchange.request.body;
  const streamed = body === undefined && !DUMPED_METHODS.has(exchange.request.method);
  attachUpstream(exchange, upstreamReq, streamed);
  if (body !== undefined) {
    if (body.length > 0) upstreamReq.end(body);
    else upstreamReq.end();
  }
  return upstreamReq;
}
