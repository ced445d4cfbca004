import type { ServerResponse } from 'node:http';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import type { CompiledSoapOperation } from '../soap/codec/index.js';
import { GatewayError } from '../errors/gateway-error.js';
import { TransformRuntimeError, type CompiledTemplate, type Scope } from '../transform/index.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { ClientCancel } from './client-cancel.js';
import { queryObject } from './query-object.js';

/** What a route published from a WSDL operation needs, resolved at load. */
export interface SoapRoute {
  /** The service's name under `soap.services`. */
  readonly service: string;
  readonly operation: CompiledSoapOperation;
  readonly upstream: HttpUpstream;
  /** The upstream request path: the soap:address path, or the configured `path`. */
  readonly path: string;
  /** The whole exchange, from the start of the client's request (`routes.<id>.timeoutMs`, the service's, the upstream's). */
  readonly timeoutMs: number;
  /** Largest response read; the codec's own byte limit is the same number. */
  readonly maxResponseBytes: number;
  /** The values of the input's soap:header parts, from the request (`operations.<Operation>.soapHeaders`). */
  readonly soapHeaders?: CompiledTemplate | undefined;
}

const NO_PATH: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The terminal stage of a route published from a WSDL operation: the JSON body (already read and parsed by
 * read-body) is written as the operation's envelope by the codec compiled at load, POSTed to the upstream with the
 * version's Content-Type and SOAPAction, and the buffered answer is classified: a success envelope is answered as
 * JSON, a Fault as the problem of the fault table, anything else (an HTML error page, non-XML, XML over a limit or
 * with a DOCTYPE, a 500 without a Fault) as a 502. The upstream's own timer bounds the exchange (504), a refused or
 * reset connection is a 502, and the client going away cancels the call.
 */
export function createTranscodeSoapStage(route: RouteDefinition, soap: SoapRoute): Stage {
  const { requestIdHeader } = route;
  const { operation, upstream, path, timeoutMs, maxResponseBytes, soapHeaders } = soap;

  return async function transcodeSoapStage(ctx: RequestContext) {
    ctx.upstream = upstream.name;
    // 1. The envelope; a body (or header part) that does not fit the XSD is a 400 listing every violation, before
    //    any I/O. No body is the empty object, so a missing part is reported by name.
    const body = ctx.json === undefined ? {} : ctx.json;
    const request = operation.writeRequest(soapHeaders === undefined ? { body } : { body, headers: headerParts(soapHeaders, ctx, body) });
    // 2. One buffered exchange, bounded by what is left of the route's budget.
    const elapsed = performance.now() - ctx.startedAt;
    const canceller = new ClientCancel(ctx.res);
    let reply;
    try {
      reply = await upstream.call({
        method: 'POST',
        path,
        headers: request.headers,
        body: Buffer.from(request.body, 'utf8'),
        timeoutMs: Math.max(1, Math.floor(timeoutMs - elapsed)),
        canceller,
        maxResponseBytes,
        requestId: ctx.requestId,
        requestIdHeader,
      });
    } finally {
      canceller.release();
    }
    // 3. What the answer is: the body decides, not the status (a Fault may come with 200, a success never with 500).
    const contentType = reply.headers['content-type'];
    const outcome = operation.readResponse({
      status: reply.status,
      contentType: Array.isArray(contentType) ? contentType[0] : contentType,
      body: reply.body,
    });
    if (outcome.kind !== 'success') throw outcome.error;
    const text = JSON.stringify(outcome.body);
    const bytes = Buffer.byteLength(text);
    const res = ctx.res as ServerResponse;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes });
    res.end(text);
    ctx.bytesOut = bytes;
  };
}

/** The header parts built from the request; a fault in an expression is the config's, a 502 naming the service. */
function headerParts(template: CompiledTemplate, ctx: RequestContext, body: unknown): Record<string, unknown> {
  const scope: Scope = {
    path: NO_PATH,
    query: queryObject(ctx.rawQuery),
    headers: ctx.req.headers,
    body,
    auth: {},
    profile: ctx.profile,
    steps: {},
  };
  try {
    return template.evaluate(scope) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TransformRuntimeError)) throw error;
    throw new GatewayError('mapping-failed', `soapHeaders of ${ctx.route.operationId}: \`${error.expression}\` failed: ${error.reason}.`, { cause: error });
  }
}
