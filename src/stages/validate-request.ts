import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import type { RouteDefinition } from '../pipeline/compiled-route.js';

/**
 * Checks path, query and header parameters and the JSON body against the OpenAPI operation with the validators
 * compiled at load. Every violation is reported at once, each with its location.
 */
export function createValidateRequestStage(route: RouteDefinition): Stage | null {
  if (route.policy?.validate === false || route.operation.validator.checksNothing === true) return null;
  const { validator, operationId } = route.operation;

  return async function validateRequestStage(ctx: RequestContext, next) {
    const result = validator.validate({
      path: ctx.params,
      rawQuery: ctx.rawQuery,
      headers: ctx.req.headers,
      body: ctx.json,
      hasBody: ctx.hasBody,
      mediaType: ctx.mediaType,
    });
    if (!result.ok) {
      const count = result.violations.length;
      throw new GatewayError(
        'validation-failed',
        `The request does not match operation ${operationId}: ${count} ${count === 1 ? 'violation' : 'violations'}.`,
        { violations: result.violations },
      );
    }
    ctx.validated = result.params;
    return next(ctx);
  };
}
