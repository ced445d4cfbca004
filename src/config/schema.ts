import { z } from 'zod';
import { forwardHeaderProblem } from '../grpc/metadata-rules.js';
import { SOAP_DEFAULTS, soapSchema } from './soap-schema.js';

/**
 * The schema of `gateway.yaml`. Every default lives here, so `gateway validate` and the generated JSON Schema
 * tell the whole truth about what an omitted field means.
 */

const port = z.number().int().min(0).max(65535);
const positiveMs = z.number().int().positive();
const byteSize = z.number().int().positive();

const listenerTls = z
  .object({
    cert: z.string().min(1).describe('PEM certificate chain file, relative to the config file'),
    key: z.string().min(1).describe('PEM private key file, relative to the config file'),
  })
  .strict();

export const listenerSchema = z
  .object({
    name: z.string().min(1).default('public'),
    protocol: z
      .enum(['http1', 'h2c', 'https'])
      .default('http1')
      .describe('http1: HTTP/1.1 cleartext; h2c: HTTP/2 cleartext with prior knowledge; https: TLS with ALPN (h2 and http/1.1)'),
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8080),
    tls: listenerTls.optional(),
  })
  .strict()
  .superRefine((listener, ctx) => {
    if (listener.protocol === 'https' && listener.tls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'required when protocol is "https" (cert and key files)' });
    }
  });

export const limitsSchema = z
  .object({
    maxBodyBytes: byteSize.default(1_048_576).describe('largest request body read for validation or buffering'),
    maxStreamedBodyBytes: byteSize
      .default(1_073_741_824)
      .describe('largest request body streamed to an upstream without buffering'),
    maxHeaderBytes: byteSize.default(16_384),
    headersTimeoutMs: positiveMs.default(10_000).describe('time allowed to receive all request headers, from the start of the request'),
    requestTimeoutMs: positiveMs
      .default(60_000)
      .describe(
        'total time allowed to receive a whole request, headers and body, from its start; the streamed request body of a gRPC client-streaming or bidi route is bounded by its stream limits instead',
      ),
    keepAliveTimeoutMs: positiveMs.default(5_000),
  })
  .strict();

const upstreamTls = z
  .object({
    ca: z.string().min(1).optional().describe('PEM CA bundle file'),
    cert: z.string().min(1).optional().describe('client certificate (mTLS)'),
    key: z.string().min(1).optional().describe('client key (mTLS)'),
    servername: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .strict();

/**
 * Active health checking of an upstream's targets. The first answer decides a new target's state (as Envoy does at
 * start-up); after that the thresholds apply, except that an explicit "not serving" (gRPC NOT_SERVING, HTTP 503)
 * takes the target out at once.
 */
export const healthCheckSchema = z
  .object({
    intervalMs: positiveMs.default(5_000).describe('time between the end of one check of a target and the start of the next'),
    timeoutMs: positiveMs.default(1_000).describe('a check not answered within this counts as a failure'),
    unhealthyThreshold: z.number().int().positive().default(3).describe('consecutive failures that take a healthy target out of rotation'),
    healthyThreshold: z.number().int().positive().default(2).describe('consecutive successes that bring an unhealthy target back'),
    service: z
      .string()
      .optional()
      .describe('grpc only: the service name sent in grpc.health.v1.HealthCheckRequest (default "": the server as a whole)'),
    path: z
      .string()
      .regex(/^\/[^#\s]*$/, 'expected a path like "/health" (optional query, no fragment)')
      .optional()
      .describe('http1/http2 only: GET this path, healthy on 2xx; without it a check opens a connection (and TLS handshake)'),
    panicThresholdPercent: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe('below this share of healthy targets, balance over all targets (Envoy\'s panic threshold); with no healthy target it always does'),
  })
  .strict();

const targetUrl = z
  .string()
  .refine((value) => /^https?:\/\/[^/]+\/?$/.test(value), {
    message: 'expected an origin like "http://127.0.0.1:9001" or "https://orders.internal:8443" (no path)',
  });

/** Default of an upstream's `timeouts.requestMs`, the timeout of a route without `timeoutMs`. */
export const UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS = 15_000;

export const upstreamSchema = z
  .object({
    protocol: z
      .enum(['http1', 'http2', 'grpc'])
      .describe('http2 and grpc use h2c prior knowledge for http:// targets and ALPN for https://'),
    targets: z.array(targetUrl).min(1),
    tls: upstreamTls.optional(),
    timeouts: z
      .object({
        connectMs: positiveMs.default(2_000),
        requestMs: positiveMs.default(UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS).describe('from sending the request to the end of the response headers'),
      })
      .strict()
      .default({ connectMs: 2_000, requestMs: UPSTREAM_REQUEST_TIMEOUT_DEFAULT_MS }),
    pool: z
      .object({
        maxConnections: z.number().int().positive().default(128).describe('HTTP/1.1 sockets per target'),
        maxSessions: z.number().int().positive().default(1).describe('HTTP/2 sessions per target'),
      })
      .strict()
      .default({ maxConnections: 128, maxSessions: 1 }),
    healthCheck: healthCheckSchema
      .optional()
      .describe('active health checks: grpc.health.v1 Check for grpc upstreams, GET path (or a connection) for http1/http2'),
  })
  .strict()
  .superRefine((upstream, ctx) => {
    const check = upstream.healthCheck;
    if (check === undefined) return;
    if (upstream.protocol === 'grpc' && check.path !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['healthCheck', 'path'], message: 'only for http1/http2 upstreams; a grpc upstream is checked with grpc.health.v1 (see "service")' });
    }
    if (upstream.protocol !== 'grpc' && check.service !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['healthCheck', 'service'], message: 'only for grpc upstreams; an http upstream is checked with "path"' });
    }
  });

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');

/** Default of a route's `streamIdleTimeoutMs` (Envoy's default stream idle timeout). */
export const STREAM_IDLE_TIMEOUT_DEFAULT_MS = 300_000;
/** Default of a route's `sseHeartbeatMs`. */
export const SSE_HEARTBEAT_DEFAULT_MS = 15_000;

export const routePolicySchema = z
  .object({
    upstream: z.string().min(1).optional().describe('upstream name; defaults to the OpenAPI document\'s upstream'),
    path: z
      .string()
      .regex(/^\//, 'must start with "/"')
      .optional()
      .describe('upstream path template; {param} placeholders take the route\'s path parameters. Default: the route\'s own path'),
    timeoutMs: positiveMs
      .optional()
      .describe('time allowed for the upstream call (default: the upstream\'s timeouts.requestMs); on gRPC server-streaming and bidi routes, the time to the first response message'),
    maxBodyBytes: byteSize.optional(),
    headers: z
      .object({
        add: z.record(headerName, z.string()).default({}),
        remove: z.array(headerName).default([]),
      })
      .strict()
      .optional(),
    validate: z.boolean().default(true),
    validateResponses: z.boolean().optional().describe('check a mapped route\'s shaped response against its OpenAPI response schema (default: the top-level setting)'),
    streamIdleTimeoutMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        `gRPC server-streaming and bidi routes: end the stream when no message went either way for this long (in-band DEADLINE_EXCEEDED error). Default ${STREAM_IDLE_TIMEOUT_DEFAULT_MS} (5 minutes); 0: never`,
      ),
    maxStreamDurationMs: positiveMs
      .optional()
      .describe('gRPC server-streaming and bidi routes: end the stream this long after it started, whatever it does (in-band DEADLINE_EXCEEDED error; also sent upstream as grpc-timeout). Default: no limit'),
    sseHeartbeatMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(`gRPC streams answered as Server-Sent Events: send a ": keepalive" comment after this long without writing, so proxies keep the connection. Default ${SSE_HEARTBEAT_DEFAULT_MS}; 0: never`),
  })
  .strict();

export const openapiEntrySchema = z
  .object({
    file: z.string().min(1),
    upstream: z.string().min(1).optional().describe('upstream for every operation of this document without a route policy naming one'),
  })
  .strict();

export const profileSchema = z
  .object({
    select: z
      .object({
        header: z.object({ name: headerName, value: z.string() }).strict().optional(),
        host: z.string().min(1).optional().describe('the request\'s Host / :authority without port'),
        pathPrefix: z.string().regex(/^\/[^?#]*[^/]$/, 'expected a prefix like "/m" (leading "/", no trailing "/")').optional().describe('stripped before routing'),
        listener: z.string().min(1).optional().describe('name of a listener'),
      })
      .strict()
      .refine((select) => Object.values(select).some((value) => value !== undefined), 'expected at least one selector: header, host, pathPrefix or listener'),
    openapi: z
      .array(openapiEntrySchema)
      .optional()
      .describe('the profile\'s own OpenAPI documents: it serves their operations instead of the top-level ones'),
    operations: z.array(z.string().min(1)).optional().describe('the operations this profile serves (default: all of its documents); others are 404 here'),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    $schema: z.string().optional(),
    listeners: z.array(listenerSchema).min(1).default([{ name: 'public', protocol: 'http1', host: '127.0.0.1', port: 8080 }]),
    limits: limitsSchema.default({
      maxBodyBytes: 1_048_576,
      maxStreamedBodyBytes: 1_073_741_824,
      maxHeaderBytes: 16_384,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
    }),
    shutdown: z
      .object({
        drainTimeoutMs: positiveMs.default(10_000),
        notReadyDelayMs: z
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('on SIGTERM/SIGINT, keep accepting and serving this long with the readiness endpoint answering 503, so load balancers stop sending before the listeners close'),
      })
      .strict()
      .default({ drainTimeoutMs: 10_000, notReadyDelayMs: 0 }),
    requestId: z
      .object({
        header: headerName.default('x-request-id'),
        trustIncoming: z.boolean().default(true).describe('keep a well-formed incoming id instead of generating one'),
      })
      .strict()
      .default({ header: 'x-request-id', trustIncoming: true }),
    logging: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        accessLog: z.boolean().default(true),
      })
      .strict()
      .default({ level: 'info', accessLog: true }),
    openapi: z.array(openapiEntrySchema).default([]).describe('the public contract: OpenAPI documents whose operations are routes'),
    mappings: z.array(z.string().min(1)).default([]).describe('mapping files (declarative transforms); see mappings/'),
    upstreams: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, _ and -'), upstreamSchema),
    routes: z.record(z.string(), routePolicySchema).default({}),
    profiles: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, _ and -'), profileSchema)
      .default({})
      .describe('Backend-for-Frontend profiles, tried in order; a request no profile selects gets the default route set'),
    env: z.record(z.string(), z.string()).default({}).describe('constants mapping expressions read as env.NAME'),
    protos: z
      .object({
        files: z.array(z.string().min(1)).default([]).describe('.proto files whose services are published (relative to the config file)'),
        includeDirs: z.array(z.string().min(1)).default(['proto']).describe('import search path; google/api and the well-known types are built in'),
        descriptorSets: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'serialized google.protobuf.FileDescriptorSet files (e.g. protoc --include_imports -o api.binpb api.proto), loaded like .proto sources with their google.api.http rules; instead of or beside files',
          ),
      })
      .strict()
      .default({ files: [], includeDirs: ['proto'], descriptorSets: [] }),
    grpc: z
      .object({
        services: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'expected a fully qualified service name'), z.object({ upstream: z.string().min(1) }).strict())
          .default({})
          .describe('gRPC services whose google.api.http rules are published as routes, and the upstream serving each'),
        emitDefaults: z.boolean().default(false).describe('JSON responses include fields holding their default values'),
        int64AsNumber: z.boolean().default(false).describe('64-bit integers as JSON numbers (refused beyond 2^53) instead of strings'),
        ignoreUnknownFields: z.boolean().default(false).describe('accept unknown JSON fields and query parameters instead of answering 400'),
        forwardHeaders: z
          .array(headerName.superRefine((name, ctx) => {
            const problem = forwardHeaderProblem(name);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }))
          .default([])
          .describe(
            'request headers copied to the gRPC call as metadata under the same (lower-case) name. Request headers "Grpc-Metadata-<name>" are always forwarded as <name>. ' +
              'Never listed: authorization (see forwardAuthorization), hop-by-hop and framing headers (host, content-length, content-type, te, ...), "grpc-" names',
          ),
        forwardAuthorization: z
          .boolean()
          .default(false)
          .describe('forward the client\'s Authorization header as "authorization" metadata; the only switch for it (it may not be listed in forwardHeaders)'),
        responseMetadata: z
          .array(z.string().regex(/^(\*|[0-9A-Za-z_.-]+)$/, 'expected a gRPC metadata name or "*"'))
          .default([])
          .describe('response header and trailer metadata returned to the client as "Grpc-Metadata-<name>" headers (on success and on error problems; -bin values stay base64). ["*"] allows all'),
      })
      .strict()
      .default({
        services: {},
        emitDefaults: false,
        int64AsNumber: false,
        ignoreUnknownFields: false,
        forwardHeaders: [],
        forwardAuthorization: false,
        responseMetadata: [],
      }),
    soap: soapSchema.default(SOAP_DEFAULTS).describe('SOAP services published from their WSDL as JSON routes (see src/config/soap-schema.ts)'),
    openapiEndpoint: z
      .union([z.string().regex(/^\/[^?#]*$/, 'expected a path like "/openapi.json"'), z.literal(false)])
      .default('/openapi.json')
      .describe('where GET serves the merged OpenAPI 3.1 document of every route (false: not served)'),
    healthEndpoints: z
      .object({
        liveness: z
          .union([z.string().regex(/^\/[^?#]*$/, 'expected a path like "/healthz"'), z.literal(false)])
          .default('/healthz')
          .describe('GET answers 200 while the process serves (false: not served)'),
        readiness: z
          .union([z.string().regex(/^\/[^?#]*$/, 'expected a path like "/readyz"'), z.literal(false)])
          .default('/readyz')
          .describe('GET answers 200 when not draining and every health-checked upstream has a healthy target, else 503 (false: not served)'),
      })
      .strict()
      .default({ liveness: '/healthz', readiness: '/readyz' })
      .describe('answered on every listener before routing; a route on the same path is a config error'),
    validateResponses: z
      .boolean()
      .default(false)
      .describe('check every mapped route\'s shaped response against its OpenAPI response schema at runtime (costs CPU; the shapes are type-checked at load anyway)'),
  })
  .strict();

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type ParsedConfig = z.output<typeof gatewayConfigSchema>;
export type ListenerConfig = z.output<typeof listenerSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type RoutePolicy = z.output<typeof routePolicySchema>;
export type ProfileConfig = z.output<typeof profileSchema>;
export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
