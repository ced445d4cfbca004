import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientRequestLike, ForwardRequest } from '../types.js';
import type { UpstreamTarget } from './targets.js';
import { DUMPED_METHODS, NO_PAYLOAD_METHODS } from './method-semantics.js';

/**
 * Turns the header set http2-proxy prepared (client headers minus hop-by-hop fields, plus `Via` and `Forwarded`)
 * into the upstream request's headers, in place. Order matters: forwarding headers first, then the route's
 * `headerOps` (so a route may remove what we added), then the framing and connection rules, which no operation may
 * override.
 */


/**
 * Connection-specific fields, forbidden in HTTP/2 (RFC 9113 §8.2.2); `host` is replaced by `:authority`
 * (RFC 9113 §8.3.1); `te` is handled separately (only `trailers` is allowed).
 */
const H2_FORBIDDEN = ['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'te'];

interface SocketInfo {
  readonly remoteAddress?: string | undefined;
  readonly encrypted?: boolean;
}

/**
 * Completes `headers` for one upstream request.
 *
 * @param headers the object from http2-proxy, mutated and also used as the upstream header object
 * @param http2 true for an HTTP/2 upstream: `:authority` is set and connection-specific fields removed
 */
export function prepareUpstreamHeaders(
  headers: OutgoingHttpHeaders,
  req: ClientRequestLike,
  request: ForwardRequest,
  target: UpstreamTarget,
  http2: boolean,
): void {
  const clientHeaders = req.headers;
  const socket = req.socket as SocketInfo;

  // X-Forwarded-For is a list: append this hop's client rather than replace what earlier proxies wrote.
  const address = socket.remoteAddress;
  if (address !== undefined) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] =
      prior === undefined ? address : `${Array.isArray(prior) ? prior.join(', ') : String(prior)}, ${address}`;
  }
  headers['x-forwarded-proto'] = socket.encrypted === true ? 'https' : 'http';
  const clientHost = clientHeaders[':authority'] ?? clientHeaders.host;
  if (typeof clientHost === 'string') headers['x-forwarded-host'] = clientHost;
  else delete headers['x-forwarded-host'];
  headers[request.requestIdHeader.toLowerCase()] = request.requestId;
  // The listener already answered (or will answer) 100-continue to the client; the upstream gets the body anyway.
  delete headers.expect;
  headers.host = target.authority;

  const ops = request.headerOps;
  if (ops !== undefined) {
    for (const name of ops.remove) delete headers[name];
    const add = ops.add;
    for (const name in add) headers[name.toLowerCase()] = add[name];
  }

  applyFraming(headers, req, request);

  if (http2) {
    const authority = headers.host;
    for (const name of H2_FORBIDDEN) delete headers[name];
    headers[':authority'] = typeof authority === 'string' ? authority : target.authority;
    // `te: trailers` is the one TE value HTTP/2 allows (RFC 9113 §8.2.2); gRPC-style services need it.
    if (clientHeaders.te === 'trailers') headers.te = 'trailers';
  }
}

/**
 * Request framing owned by the forwarder (RFC 9112 §6): exactly one of "exact Content-Length", "chunked" (chosen
 * by node for a streamed body without length) or "no body"; never Transfer-Encoding together with Content-Length.
 */
function applyFraming(headers: OutgoingHttpHeaders, req: ClientRequestLike, request: ForwardRequest): void {
  delete headers['transfer-encoding'];
  const body = request.body;
  if (body !== undefined) {
    if (body.length === 0 && NO_PAYLOAD_METHODS.has(request.method)) delete headers['content-length'];
    else headers['content-length'] = String(body.length);
    return;
  }
  // Streamed: only the client's own length may describe the body; for the methods http2-proxy does not stream
  // there is no body at all, so a stray Content-Length would make the upstream wait for bytes that never come.
  const clientLength = req.headers['content-length'];
  if (clientLength === undefined || DUMPED_METHODS.has(request.method)) delete headers['content-length'];
  else headers['content-length'] = clientLength;
}
