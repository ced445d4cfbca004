import { METHODS } from 'node:http';
import type { HttpMethod } from './types.js';

/** Every {@link HttpMethod}; the ones this Node does not parse (e.g. QUERY before llhttp 9.2) are dropped below. */
const KNOWN = [
  'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE',
  'ACL', 'BIND', 'CHECKOUT', 'COPY', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE', 'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE',
  'NOTIFY', 'PROPFIND', 'PROPPATCH', 'PURGE', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'UNBIND',
  'UNLINK', 'UNLOCK', 'UNSUBSCRIBE',
] as const satisfies readonly HttpMethod[];

// An HTTP/1.1 request with any other method is refused by node:http's parser (llhttp) with a 400 before it reaches
// us, so a route with it could never be served there (HTTP/2 would pass any token, but one contract for all listeners).
const ROUTABLE: ReadonlySet<string> = new Set(KNOWN.filter((method) => METHODS.includes(method)));

/** Whether a route can have `token` as its method: node:http parses it and it is not CONNECT. Case-sensitive. */
export function isRoutableMethod(token: string): token is HttpMethod {
  return ROUTABLE.has(token);
}

/**
 * Why a route cannot have `token` as its method (for a config issue), or undefined when it can. Methods are
 * case-sensitive (RFC 9110 §9.1), so `link` is not `LINK`: the message suggests the upper-case spelling.
 */
export function unroutableMethodReason(token: string): string | undefined {
  if (ROUTABLE.has(token)) return undefined;
  if (token === 'CONNECT') return 'CONNECT cannot be a route: its request target is host:port, not a path (RFC 9110 §9.3.6)';
  const upper = token.toUpperCase();
  if (ROUTABLE.has(upper)) return `method "${token}" is not "${upper}": methods are case-sensitive (RFC 9110 §9.1); did you mean "${upper}"?`;
  return `method "${token}" cannot reach the gateway: node:http parses only ${[...ROUTABLE].join(', ')}`;
}
