/**
 * The JSON Schema of the problem+json bodies the gateway writes (problem.ts), for the generated OpenAPI documents:
 * the RFC 9457 §3.1 members, `errors` (the request violations), then the protocol's extension members.
 */
export function problemJsonSchema(
  description: string,
  violationsDescription: string,
  extensions: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    type: 'object',
    description,
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', format: 'uri-reference' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 100, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: {
        type: 'array',
        description: violationsDescription,
        items: { type: 'object', properties: { location: { type: 'string' }, message: { type: 'string' } } },
      },
      ...extensions,
    },
  };
}

/** An OpenAPI Response Object whose body is problem+json of `schema`. */
export function problemResponse(description: string, schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { description, content: { 'application/problem+json': { schema } } };
}
