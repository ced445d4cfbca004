/** HTTP/1.1 and HTTP/2 upstreams (http2-proxy based). Only this folder imports http2-proxy and http2-wrapper. */
export { createHttpUpstream, CLIENT_CLOSED_STATUS, type HttpUpstreamOptions } from './create-http-upstream.js';
export { createH2SessionPool, NoH2Error, type H2SessionPool, type H2SessionPoolOptions } from './h2-session-pool.js';
export { ConnectTimeoutError } from './targets.js';
