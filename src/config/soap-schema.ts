import { z } from 'zod';
import { DEFAULT_XML_LIMITS, MAX_XML_DEPTH } from '../xml/limits.js';

/**
 * The `soap` section of `gateway.yaml`: SOAP services described by a WSDL, published as JSON routes. Composed into
 * schema.ts. Cross-checks that need the WSDL (the port, the operations named here, the fault table keys) happen
 * when the routes are compiled (src/pipeline/compile-soap-routes.ts), and are reported with the same pointers.
 */

const positiveInt = z.number().int().positive();

/** The limits of src/xml/limits.ts, checked here so a bad value is a config error with its pointer. */
export const SOAP_LIMIT_DEFAULTS = {
  maxResponseBytes: DEFAULT_XML_LIMITS.maxBytes,
  maxDepth: DEFAULT_XML_LIMITS.maxDepth,
  maxElements: DEFAULT_XML_LIMITS.maxElements,
} as const;

const limits = z
  .object({
    maxResponseBytes: positiveInt
      .default(SOAP_LIMIT_DEFAULTS.maxResponseBytes)
      .describe('largest SOAP response read, in bytes (by Content-Length at once, else while it arrives); a larger one is a 502'),
    maxDepth: positiveInt.max(MAX_XML_DEPTH).default(SOAP_LIMIT_DEFAULTS.maxDepth).describe('deepest element nesting in a response (the Envelope is 1)'),
    maxElements: positiveInt.default(SOAP_LIMIT_DEFAULTS.maxElements).describe('most elements in one response'),
  })
  .strict();

/** HTTP statuses a fault may map to: the gateway answers errors only (4xx, 5xx). */
const faultStatus = z.number().int().min(400).max(599);

const faultTable = z.record(z.string().min(1), faultStatus).default({});

const operation = z
  .object({
    faults: faultTable
      .describe(
        'fault → HTTP status. Keys: a wsdl:fault name of the operation (OrderNotFound), the local name of a fault detail element ' +
          '(OrderNotFoundFault), a fault code (Client, Server, Sender, Receiver, VersionMismatch, MustUnderstand, DataEncodingUnknown) ' +
          'or a SOAP 1.1 dotted code (Client.Authentication). The most specific match wins: detail element, then subcode, then code',
      ),
    soapHeaders: z
      .record(z.string().min(1), z.unknown())
      .optional()
      .describe(
        'the published route\'s values for the soap:header parts of the operation\'s input, by part name: templates of the ' +
          'mapping language over the request (`headers`, `query`, `body`), checked against each part\'s element at load',
      ),
  })
  .strict();

const usernameToken = z
  .object({
    username: z.string().min(1),
    password: z.string().describe('use ${ENV} substitution: the secret then stays out of the file'),
    digest: z.boolean().default(false).describe('PasswordDigest (SHA-1 of nonce + created + password) instead of PasswordText'),
    mustUnderstand: z.boolean().default(true).describe('soap:mustUnderstand on the wsse:Security header block'),
  })
  .strict();

const staticHeader = z.union([
  z.object({ xml: z.string().min(1).describe('one self-contained header element, its namespace prefixes declared inside it') }).strict(),
  z
    .object({
      namespace: z.string().min(1).describe('a header block must be namespace-qualified (SOAP 1.1 §4.2)'),
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected an XML local name'),
      value: z.string(),
      mustUnderstand: z.boolean().default(false),
    })
    .strict(),
]);

export const soapServiceSchema = z
  .object({
    wsdl: z
      .string()
      .min(1)
      .describe('the WSDL 1.1 file, relative to the config file, or an http(s) URL (fetched at load; needs allowFetch)'),
    allowFetch: z.boolean().default(false).describe('allow reading the WSDL and what it imports over http(s) at load'),
    upstream: z
      .string()
      .min(1)
      .describe('an http1 or http2 upstream: its targets replace the origin of the port\'s soap:address; the address path is kept'),
    service: z.string().min(1).optional().describe('the wsdl:service; needed only when the port name is not unique'),
    port: z
      .string()
      .min(1)
      .optional()
      .describe('the wsdl:port, which decides SOAP 1.1 or 1.2; needed only when the service has several SOAP ports'),
    path: z
      .string()
      .regex(/^\/[^#\s]*$/, 'expected a path like "/orders"')
      .optional()
      .describe('the upstream request path (default: the path of the port\'s soap:address)'),
    publish: z
      .enum(['default', 'none'])
      .default('default')
      .describe('default: every operation of the port is POST <basePath>/<Operation>; none: no routes (for mapping steps)'),
    basePath: z
      .string()
      .regex(/^\/[^?#{}\s]*[^/?#{}\s]$/, 'expected a path like "/orders" (leading "/", no trailing "/", no "{")')
      .optional()
      .describe('prefix of the published routes (default "/<name>")'),
    timeoutMs: positiveInt.optional().describe('the whole exchange with the upstream (default: the upstream\'s timeouts.requestMs)'),
    faults: faultTable.describe(
      'fault → HTTP status for every operation of the port, with the keys of operations.<Operation>.faults (a wsdl:fault name or ' +
        'detail element of any operation, a fault code or a SOAP 1.1 dotted code); an operation\'s own table wins over it key by key',
    ),
    operations: z.record(z.string().min(1), operation).default({}).describe('per operation of the port, by its WSDL name'),
    security: z.object({ usernameToken }).strict().optional().describe('WS-Security header sent with every request'),
    headers: z.array(staticHeader).default([]).describe('SOAP header blocks sent with every request, after the Security block'),
    limits: limits.default(SOAP_LIMIT_DEFAULTS).describe('hardening limits on SOAP responses'),
  })
  .strict();

export const soapSchema = z
  .object({
    services: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, _ and -'), soapServiceSchema)
      .default({})
      .describe('SOAP services published as JSON routes (POST <basePath>/<Operation>), by a name of your choosing'),
  })
  .strict();

export const SOAP_DEFAULTS = { services: {} } as const;

export type SoapConfig = z.output<typeof soapSchema>;
export type SoapServiceConfig = z.output<typeof soapServiceSchema>;
