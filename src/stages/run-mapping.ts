import type { ServerResponse } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import type { CompiledMapping } from '../mapping/compile-mapping.js';
import { runSteps } from '../mapping/executor.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';
import { TransformRuntimeError, type Scope } from '../transform/index.js';
import { ClientCancel } from './client-cancel.js';
import { queryObject } from './query-object.js';

/** Counts runtime mapping faults by mapping file; the metrics endpoint (a later issue) reads it. */
export const mappingFaults = new Map<string, number>();

/**
 * The terminal stage of a route bound by a mapping file: runs its steps (in parallel where independent), then shapes
 * the response from their results with the compiled templates. A runtime fault in an expression becomes a 502
 * `mapping-failed` problem naming the mapping and the expression; it never crashes the gateway.
 */
export function createRunMappingStage(route: RouteDefinition, mapping: CompiledMapping): Stage {
  const { requestIdHeader } = route;
  // `routes.<operationId>.timeoutMs` bounds the whole aggregation: no step starts or runs past it.
  const routeTimeoutMs = route.policy?.timeoutMs;
  const { plan, status, headers, body, file, validateResponse } = mapping;

  return async function runMappingStage(ctx: RequestContext) {
    const scope: { -readonly [K in keyof Scope]: Scope[K] } = {
      path: ctx.validated?.path ?? ctx.params,
      query: ctx.validated?.query ?? queryObject(ctx.rawQuery),
      headers: ctx.req.headers,
      body: ctx.json,
      auth: {},
      profile: ctx.profile,
      steps: {},
    };
    const canceller = new ClientCancel(ctx.res);
    try {
      const outcome = await runSteps(plan, scope, {
        canceller,
        requestId: ctx.requestId,
        requestIdHeader,
        deadlineMs: routeTimeoutMs === undefined ? undefined : ctx.startedAt + routeTimeoutMs,
      });
      const results: Record<string, unknown> = {};
      for (const [name, result] of Object.entries(outcome.results)) results[name] = result.body;
      scope.steps = results;
      const code = typeof status === 'number' ? status : Number(status.evaluate(scope));
      if (!Number.isInteger(code) || code < 100 || code > 599) {
        throw new GatewayError('mapping-failed', `mapping ${file}: the status expression gave ${String(code)}, not an HTTP status`);
      }
      let payload = body.evaluate(scope);
      if (outcome.partial.length > 0 && payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
        payload = { ...(payload as Record<string, unknown>), partial: outcome.partial };
      }
      if (validateResponse !== undefined) {
        const violations = validateResponse(payload);
        if (violations.length > 0) {
          throw new GatewayError('response-validation-failed', `mapping ${file} shaped a response that does not match the ${code} response schema of ${route.operation.operationId}.`, { violations });
        }
      }
      const text = payload === undefined ? '' : JSON.stringify(payload);
      const res = ctx.res as ServerResponse;
      const extra = headers === undefined ? undefined : (headers.evaluate(scope) as Record<string, unknown> | undefined);
      if (extra !== undefined) {
        for (const [name, value] of Object.entries(extra)) if (value !== undefined && value !== null) res.setHeader(name, String(value));
      }
      if (text !== '') res.setHeader('content-type', 'application/json');
      const length = Buffer.byteLength(text);
      res.setHeader('content-length', length);
      res.writeHead(code);
      res.end(ctx.method === 'HEAD' ? undefined : text);
      ctx.bytesOut = ctx.method === 'HEAD' ? 0 : length;
    } catch (error) {
      if (error instanceof TransformRuntimeError) {
        mappingFaults.set(file, (mappingFaults.get(file) ?? 0) + 1);
        throw new GatewayError('mapping-failed', `mapping ${file} line ${error.line}: \`${error.expression}\` failed: ${error.reason}.`, { cause: error });
      }
      // A step that could not be built (a value of the wrong type, one the gRPC codec refuses) is a fault too.
      if (GatewayError.is(error) && error.code === 'mapping-failed') mappingFaults.set(file, (mappingFaults.get(file) ?? 0) + 1);
      throw error;
    } finally {
      canceller.release();
    }
  };
}
