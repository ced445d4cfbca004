import type { Http2ServerRequest } from 'node:http2';
import { GatewayError } from '../errors/gateway-error.js';
import { isJsonMediaType } from '../openapi/parameters.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import type { ClientRequestLike } from '../upstreams/types.js';
import { closeAfterAnswer, readBodyUpTo } from './request-body.js';

/**
 * Methods whose bodies node:http sends unframed when no Content-Length is set (it does not chunk them by default),
 * which would let a body be read as a second request upstream. Their bodies are always read and re-sent with an
 * exact Content-Length (RFC 9112 §6.3).
 */
const REFRAMED_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

/**
 * Screens the request body: media type (415), size (413), JSON syntax (400). It reads the body only when someone
 * needs it (JSON validation, or re-framing for the methods above); otherwise the body streams to the upstream and
 * only its declared length is checked here.
 */
export function createReadBodyStage(route: RouteDefinition): Stage | null {
  const { operation, limits, policy } = route;
  const maxBytes = policy?.maxBodyBytes ?? limits.maxBodyBytes;
  const maxStreamed = Math.max(limits.maxStreamedBodyBytes, maxBytes);
  const accepted = operation.requestMediaTypes;
  const parseJson = operation.validator.needsJsonBody && policy?.validate !== false;

  return async function readBodyStage(ctx: RequestContext, next) {
    const { req } = ctx;
    if (!hasBody(req)) {
      return next(ctx);
    }
    const mediaType = mediaTypeOf(req.headers['content-type']);
    ctx.hasBody = true;
    ctx.mediaType = mediaType;
    if (accepted.length > 0 && !accepts(accepted, mediaType)) {
      throw new GatewayError(
        'unsupported-media-type',
        mediaType === undefined
          ? `The body has no Content-Type; expected one of: ${accepted.join(', ')}.`
          : `Content-Type ${mediaType} is not accepted here; expected one of: ${accepted.join(', ')}.`,
        { headers: { 'accept-post': accepted.join(', ') } },
      );
    }
    const isJson = mediaType !== undefined && isJsonMediaType(mediaType);
    const mustRead = (parseJson && isJson) || REFRAMED_METHODS.has(ctx.method);
    const declared = declaredLength(req);
    const limit = mustRead ? maxBytes : maxStreamed;
    if (declared !== undefined && declared > limit) {
      closeAfterAnswer(ctx);
      throw new GatewayError('payload-too-large', `The body is ${declared} bytes; the limit for this route is ${limit} bytes.`);
    }
    if (!mustRead) {
      return next(ctx);
    }
    const body = await readBodyUpTo(req, limit);
    if (body === null) {
      closeAfterAnswer(ctx);
      throw new GatewayError('payload-too-large', `The body exceeds the limit for this route of ${limit} bytes.`);
    }
    ctx.body = body;
    if (parseJson && isJson) {
      ctx.json = parseJsonBody(body);
    }
    return next(ctx);
  };
}

/** True when the request carries a body: a non-zero length, chunked framing, or an HTTP/2 stream left open. */
export function hasBody(req: ClientRequestLike): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const stream = (req as Http2ServerRequest).stream;
  return stream !== undefined && !stream.endAfterHeaders;
}

function declaredLength(req: ClientRequestLike): number | undefined {
  const length = req.headers['content-length'];
  return length === undefined ? undefined : Number(length);
}

function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** OpenAPI media type ranges: exact, `type/*`, `*\/*` (OpenAPI 3.1 §4.8.14). */
function accepts(accepted: readonly string[], mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  for (const range of accepted) {
    if (range === mediaType || range === '*/*') return true;
    if (range.endsWith('/*') && mediaType.startsWith(range.slice(0, -1))) return true;
  }
  return false;
}

function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    // V8's message names the position ("Unexpected token } in JSON at position 12"), which helps the client.
    const reason = error instanceof Error ? error.message : 'not JSON';
    throw new GatewayError('malformed-json', `The body is not valid JSON: ${reason}.`);
  }
}
