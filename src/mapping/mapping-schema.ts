import { z } from 'zod';

/**
 * The schema of a mapping file (`mappings/*.yaml`): one public operation bound to one or more upstream steps, with
 * request and response shapes written in the transform language (strings starting with `=` are expressions).
 */

const template = z.unknown();
const httpMethod = z.enum(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

export const stepSchema = z
  .object({
    upstream: z.string().min(1).describe('an upstream of gateway.yaml (protocol http1 or http2)'),
    http: z
      .object({
        method: httpMethod,
        path: z.string().regex(/^\//, 'must start with "/"').describe('upstream path; {name} takes `path.name` of this step'),
      })
      .strict(),
    path: z.record(z.string(), template).optional().describe('values of the {placeholders} in http.path'),
    query: z.record(z.string(), template).optional(),
    headers: z.record(headerName, template).optional(),
    body: template.optional().describe('the JSON request body (a template)'),
    bodySchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the upstream request body: the body template is checked against it'),
    response: z
      .object({ schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the upstream response: expressions reading steps.<name> are checked against it') })
      .strict()
      .optional(),
    timeoutMs: z.number().int().positive().optional(),
    required: z.boolean().default(true).describe('a failing optional step is left out and named in `partial`'),
    statuses: z
      .record(z.string().regex(/^[1-5][0-9][0-9]$/, 'expected a status code'), z.object({ body: template }).strict())
      .optional()
      .describe('upstream statuses that count as success, with the result to use, e.g. 404 → an empty list'),
  })
  .strict();

export const mappingFileSchema = z
  .object({
    $schema: z.string().optional(),
    operationId: z.string().min(1),
    profile: z.string().min(1).optional().describe('the BFF profile this mapping serves; without one it serves every profile that has no mapping of its own'),
    steps: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a step name of letters, digits and _'), stepSchema)
      .refine((steps) => Object.keys(steps).length > 0, 'expected at least one step'),
    response: z
      .object({
        status: z.union([z.number().int().min(100).max(599), z.string().startsWith('=')]).default(200),
        headers: z.record(headerName, template).default({}),
        body: template,
      })
      .strict(),
  })
  .strict();

export type MappingFile = z.output<typeof mappingFileSchema>;
export type MappingStep = z.output<typeof stepSchema>;
