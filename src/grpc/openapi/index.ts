/** OpenAPI 3.1 documents generated from google.api.http bindings and proto messages (proto3 JSON mapping). */
export { generateOpenApi, grpcOperationId, type OpenApiInfo } from './generate-openapi.js';
export { SchemaRegistry, scalarSchema, wellKnownSchema, type Schema } from './schemas.js';
