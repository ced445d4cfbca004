import type { OperationSchemas, RequestValidator } from '../openapi/types.js';

/**
 * The OpenAPI side of a route published from a .proto rule or a WSDL operation. Its input is checked by the
 * transcoder's codec (against the proto or the XSD), not by ajv, so its validator checks nothing and it has no
 * OpenAPI schemas.
 */
export const NO_OPENAPI_CHECKS: RequestValidator = {
  needsJsonBody: false,
  checksNothing: true,
  validate: () => ({ ok: true, params: { path: {}, query: {}, header: {} } }),
};

/** {@link NO_OPENAPI_CHECKS}, but the body stage reads and parses the JSON body, for the codec. */
export const JSON_BODY_CHECKS: RequestValidator = { ...NO_OPENAPI_CHECKS, needsJsonBody: true };

/** No OpenAPI schemas: nothing for a mapping's type checker to read. */
export const NO_SCHEMAS: OperationSchemas = { dialect: '3.1', body: undefined, parameters: [], responses: {}, resolveRef: () => undefined };
