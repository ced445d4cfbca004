/**
 * Hop-by-hop fields (RFC 9110 §7.6.1) plus the proxy-only and HTTP/2-upgrade ones: they describe one connection and
 * are never forwarded, in either direction. Fields a message's own `Connection` header names are hop-by-hop too.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);
