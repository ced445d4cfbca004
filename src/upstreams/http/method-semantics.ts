/** What a request method says about its body, shared by every way the gateway frames an upstream request. */

/** Methods with defined content semantics: an empty body is announced with `content-length: 0` (RFC 9110 §8.6). */
export const PAYLOAD_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** Methods that do not anticipate content: an empty buffered body is sent without Content-Length (RFC 9110 §8.6). */
export const NO_PAYLOAD_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** Methods whose client body http2-proxy drops (`req.resume()` then `end()`) when it is left to stream. */
export const DUMPED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
