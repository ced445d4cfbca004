import { z } from 'zod';

/**
 * The schema of a mapping file (`mappings/*.yaml`): one public operation bound to one or more upstream steps, with
 * request and response shapes written in the transform language (strings starting with `=` are expressions).
 */

const template = z.unknown();
const httpMethod = z.enum(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

/** Keys a step may only have when it calls an HTTP upstream, and when it calls a gRPC upstream. */
const HTTP_ONLY = ['path', 'query', 'headers', 'body', 'bodySchema', 'response'] as const;
const GRPC_ONLY = ['message', 'metadata'] as const;

export const stepSchema = z
  .object({
    upstream: z.string().min(1).describe('an upstream of gateway.yaml: protocol http1 or http2 for `http`, grpc for `grpc`'),
    http: z
      .object({
        method: httpMethod,
        path: z.string().regex(/^\//, 'must start with "/"').describe('upstream path; {name} takes `path.name` of this step'),
      })
      .strict()
      .optional(),
    grpc: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.]*\/[A-Za-z_][A-Za-z0-9_]*$/, 'expected "package.Service/Method"')
      .optional()
      .describe('the unary gRPC method to call, "package.Service/Method"; it needs no google.api.http rule'),
    path: z.record(z.string(), template).optional().describe('values of the {placeholders} in http.path'),
    query: z.record(z.string(), template).optional(),
    headers: z.record(headerName, template).optional(),
    body: template.optional().describe('the JSON request body (a template)'),
    bodySchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the upstream request body: the body template is checked against it'),
    response: z
      .object({ schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the upstream response: expressions reading steps.<name> are checked against it') })
      .strict()
      .optional(),
    message: template
      .optional()
      .describe('gRPC steps: the request message in proto3 JSON form (a template), checked against the method\'s input message'),
    metadata: z
      .record(z.string().regex(/^[0-9a-z_.-]+$/, 'expected a gRPC metadata key (lower-case letters, digits, "_", "-", ".")'), template)
      .optional()
      .describe('gRPC steps: request metadata (a template per key; `-bin` values are sent as given, base64)'),
    timeoutMs: z.number().int().positive().optional().describe('per step; for gRPC steps also the deadline sent upstream'),
    required: z.boolean().default(true).describe('a failing optional step is left out and named in `partial`'),
    statuses: z
      .record(
        z.string().regex(/^(?:[1-5][0-9][0-9]|[A-Z][A-Z_]*)$/, 'expected a status code (HTTP steps) or a gRPC status name such as NOT_FOUND (gRPC steps)'),
        z.object({ body: template }).strict(),
      )
      .optional()
      .describe('upstream statuses that count as success, with the result to use, e.g. 404 (or NOT_FOUND) → an empty list'),
  })
  .strict()
  .superRefine((step, ctx) => {
    if (step.http !== undefined && step.grpc !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['grpc'], message: 'a step calls either `http` or `grpc`, not both' });
    } else if (step.http === undefined && step.grpc === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected `http: { method, path }` or `grpc: package.Service/Method`' });
    }
    const misplaced = step.grpc !== undefined ? HTTP_ONLY : step.http !== undefined ? GRPC_ONLY : [];
    for (const key of misplaced) {
      if (step[key] === undefined) continue;
      const message =
        step.grpc !== undefined
          ? `\`${key}\` is for http steps: a grpc step builds its request with \`message\` (and \`metadata\`), and its result shape comes from the proto`
          : `\`${key}\` is for grpc steps: an http step sends \`body\`, \`path\`, \`query\` and \`headers\``;
      ctx.addIssue({ code: 'custom', path: [key], message });
    }
  })
  // Editors see the same rule: exactly one of `http` and `grpc`.
  .meta({ oneOf: [{ required: ['http'] }, { required: ['grpc'] }] });

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
