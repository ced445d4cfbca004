/**
 * Reading a client's request body under a size limit, shared by the read-body stage and the gRPC HttpBody
 * binding, so that both refuse an oversized body the same way.
 */
import type { Http2ServerRequest } from 'node:http2';
import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext } from '../pipeline/context.js';
import type { ClientRequestLike } from '../upstreams/types.js';

/**
 * Reads the whole body, or resolves null as soon as it passes `limit` (the rest is not buffered nor read: pair a
 * null with {@link closeAfterAnswer}).
 * @throws GatewayError `bad-request` when the request errors or the client aborts.
 */
export function readBodyUpTo(req: ClientRequestLike, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new GatewayError('bad-request', 'The request body could not be read.', { cause: error }));
    };
    const onAborted = (): void => onError(new Error('client aborted'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * On HTTP/1.1, the answer to a request whose body was not read to the end closes the connection: the unread
 * bytes must not be parsed as the next request.
 */
export function closeAfterAnswer(ctx: RequestContext): void {
  if ((ctx.req as Http2ServerRequest).stream === undefined && !ctx.res.headersSent) ctx.res.setHeader('connection', 'close');
}
