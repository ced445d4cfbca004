import { z } from 'zod';

/**
 * The schema of a mapping file (`mappings/*.yaml`): one public operation bound to one or more upstream steps, with
 * request and response shapes written in the transform language (strings starting with `=` are expressions).
 */

const template = z.unknown();
const httpMethod = z.enum(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

/** What a step calls: exactly one of these. */
const CALLS = ['http', 'grpc', 'xml', 'soap'] as const;
type Call = (typeof CALLS)[number];
/** The keys each kind of step may have besides the common ones (upstream, timeoutMs, required, statuses). */
const KEYS: Readonly<Record<Call, readonly string[]>> = {
  http: ['path', 'query', 'headers', 'body', 'bodySchema', 'response'],
  grpc: ['message', 'metadata'],
  xml: ['path', 'query', 'headers', 'body', 'bodySchema', 'response'],
  soap: ['message', 'soapHeaders', 'headers'],
};
const OPTIONAL_KEYS = ['path', 'query', 'headers', 'body', 'bodySchema', 'response', 'message', 'metadata', 'soapHeaders'] as const;
const HOW: Readonly<Record<Call, string>> = {
  http: 'an http step sends `body`, `path`, `query` and `headers`',
  grpc: 'a grpc step builds its request with `message` (and `metadata`), and its result shape comes from the proto',
  xml: 'an xml step sends `body` (the XML as a template), `path`, `query` and `headers`',
  soap: 'a soap step builds its request with `message` (its soap:header parts with `soapHeaders`, HTTP headers with `headers`), and its result shape comes from the WSDL',
};

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) as string}`;
}

export const stepSchema = z
  .object({
    upstream: z
      .string()
      .min(1)
      .optional()
      .describe('an upstream of gateway.yaml: protocol http1 or http2 for `http` and `xml`, grpc for `grpc`; a `soap` step uses its service\'s'),
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
    xml: z
      .object({
        method: httpMethod,
        path: z.string().regex(/^\//, 'must start with "/"').describe('upstream path; {name} takes `path.name` of this step'),
      })
      .strict()
      .optional()
      .describe('a plain-XML exchange with an http1/http2 upstream: `body` is the XML request (a template), the answer is parsed into JSON'),
    soap: z
      .object({
        service: z.string().min(1).describe('a service of soap.services in gateway.yaml'),
        operation: z.string().min(1).describe('an operation of the service\'s WSDL port'),
      })
      .strict()
      .optional()
      .describe('a SOAP operation: `message` is its input in the codec\'s JSON form, the result its output'),
    path: z.record(z.string(), template).optional().describe('values of the {placeholders} in http.path / xml.path'),
    query: z.record(z.string(), template).optional(),
    headers: z.record(headerName, template).optional(),
    body: template.optional().describe('the JSON request body (a template); for an xml step, `{ root: { "@attr": …, "#text": …, child: … } }`'),
    bodySchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the upstream request body: the body template is checked against it'),
    response: z
      .object({
        schema: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('JSON Schema of the upstream response (an xml step: of its JSON form): expressions reading steps.<name> are checked against it'),
        arrays: z
          .array(z.string().regex(/^[^/\s]+(?:\/[^/\s]+)*$/, 'expected element names separated by "/", e.g. "items/item"'))
          .optional()
          .describe('xml steps: elements (paths of local names below the root) that are always arrays, even with one or no item'),
      })
      .strict()
      .optional(),
    message: template
      .optional()
      .describe('gRPC steps: the request message in proto3 JSON form; SOAP steps: the operation\'s input in the codec\'s JSON form (a template, checked against the proto / XSD)'),
    soapHeaders: z
      .record(z.string().min(1), template)
      .optional()
      .describe('SOAP steps: the values of the input\'s soap:header parts, by part name (a template each, checked against the XSD; a part left out sends no header block)'),
    metadata: z
      .record(z.string().regex(/^[0-9a-z_.-]+$/, 'expected a gRPC metadata key (lower-case letters, digits, "_", "-", ".")'), template)
      .optional()
      .describe('gRPC steps: request metadata (a template per key; `-bin` values are sent as given, base64)'),
    timeoutMs: z.number().int().positive().optional().describe('per step; for gRPC steps also the deadline sent upstream, for SOAP and XML steps the HTTP exchange\'s timeout'),
    required: z.boolean().default(true).describe('a failing optional step is left out and named in `partial`'),
    statuses: z
      .record(
        z
          .string()
          .regex(
            /^(?:[1-5][0-9][0-9]|[A-Za-z_][A-Za-z0-9_.-]*)$/,
            'expected a status code (http, xml steps), a gRPC status name such as NOT_FOUND (grpc steps) or a fault name, detail element or fault code (soap steps)',
          ),
        z.object({ body: template }).strict(),
      )
      .optional()
      .describe('outcomes that count as success, with the result to use: HTTP statuses (http, xml), gRPC status names (grpc), SOAP fault names, detail elements or codes (soap)'),
  })
  .strict()
  .superRefine((step, ctx) => {
    const calls = CALLS.filter((call) => step[call] !== undefined);
    if (calls.length > 1) {
      const named = calls.map((call) => `\`${call}\``);
      const message = named.length === 2 ? `a step calls either ${named[0]} or ${named[1]}, not both` : `a step calls exactly one of ${listed(CALLS.map((name) => `\`${name}\``))}, not ${listed(named)}`;
      ctx.addIssue({ code: 'custom', path: [calls[1] as Call], message });
      return;
    }
    const call = calls[0];
    if (call === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected `http: { method, path }`, `grpc: package.Service/Method`, `xml: { method, path }` or `soap: { service, operation }`' });
      return;
    }
    if (call === 'soap' && step.upstream !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['upstream'], message: `a soap step calls the upstream of soap.services.${step.soap?.service ?? '<name>'} in gateway.yaml; remove \`upstream\`` });
    } else if (call !== 'soap' && step.upstream === undefined) {
      ctx.addIssue({ code: 'custom', path: ['upstream'], message: `is required (expected string): the upstream of gateway.yaml this ${call} step calls` });
    }
    for (const key of OPTIONAL_KEYS) {
      if (step[key] === undefined || KEYS[call].includes(key)) continue;
      const owners = listed(CALLS.filter((other) => KEYS[other].includes(key)));
      ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` is for ${owners} steps: ${HOW[call]}` });
    }
    if (step.response?.arrays !== undefined && call !== 'xml') {
      ctx.addIssue({ code: 'custom', path: ['response', 'arrays'], message: '`response.arrays` is for xml steps: other steps\' answers are JSON already' });
    }
    if (step.response !== undefined && step.response.schema === undefined && call === 'http') {
      ctx.addIssue({ code: 'custom', path: ['response', 'schema'], message: 'is required (expected object)' });
    }
  })
  // Editors see the same rule: exactly one of `http`, `grpc`, `xml` (each with an upstream) and `soap`.
  .meta({
    oneOf: [{ required: ['http', 'upstream'] }, { required: ['grpc', 'upstream'] }, { required: ['xml', 'upstream'] }, { required: ['soap'], not: { required: ['upstream'] } }],
  });

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
