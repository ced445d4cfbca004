/**
 * The slice of `http2-wrapper` (2.x) that protogate uses: its `ClientRequest`, an `http.ClientRequest` look-alike
 * over one stream of a caller-supplied `node:http2` session. The package ships its own typings, but they describe
 * the agent-based API and type `h2session` as a full `ClientHttp2Session`; this ambient declaration (which takes
 * precedence) types only what we call, with `h2session` narrowed to the three members the request really touches.
 */
declare module 'http2-wrapper' {
  import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
  import type { ClientHttp2Stream } from 'node:http2';
  import type { Socket } from 'node:net';
  import type { Readable, Writable } from 'node:stream';

  /** What `ClientRequest` uses of the session it is given: liveness, its socket, `request()`. */
  export interface H2SessionLike {
    readonly destroyed: boolean;
    /** `encrypted` is read off it (a TLSSocket) to pick the scheme. */
    readonly socket: Socket;
    request(headers: OutgoingHttpHeaders): ClientHttp2Stream;
  }

  export interface H2RequestOptions {
    h2session: H2SessionLike;
    method: string;
    path: string;
    hostname: string;
    port: number;
    /** Set one by one with `setHeader`; pseudo-headers (`:authority`) are accepted. */
    headers?: OutgoingHttpHeaders;
  }

  /** The response: a Readable fed from the HTTP/2 stream, with `:status` left in `headers`. */
  export class IncomingMessage extends Readable {
    statusCode: number;
    headers: IncomingHttpHeaders;
    trailers: IncomingHttpHeaders;
    aborted: boolean;
    complete: boolean;
  }

  export class ClientRequest extends Writable {
    constructor(options: H2RequestOptions, callback?: (response: IncomingMessage) => void);
    readonly method: string;
    readonly path: string;
    readonly aborted: boolean;
    reusedSocket: boolean;
    /** True for GET, HEAD and DELETE: writes then fail and `end()` sends nothing (the stream was opened ended). */
    protected get _mustNotHaveABody(): boolean;
    /** Opens the stream (sends HEADERS) now instead of on the first write. Never rejects. */
    flushHeaders(): Promise<void>;
    abort(): void;
    setHeader(name: string, value: string | number | readonly string[]): void;
    getHeader(name: string): string | number | readonly string[] | undefined;
  }

  export function request(options: H2RequestOptions, callback?: (response: IncomingMessage) => void): ClientRequest;
}
