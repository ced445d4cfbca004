/**
 * The registry of every error the gateway itself answers with.
 *
 * Each code is stable: clients may switch on the problem `type`, which is derived from the code and never
 * changes meaning. Adding a code is fine; renaming or re-purposing one is a breaking change. The README's
 * error table is checked against this list by a test.
 */
export const PROBLEM_TYPE_BASE = 'urn:protogate:problem:';

export interface ErrorCodeSpec {
  readonly status: number;
  readonly title: string;
  /** One sentence for the README's table: when a client sees this. */
  readonly when: string;
}

export const ERROR_CODES = {
  'route-not-found': {
    status: 404,
    title: 'Route not found',
    when: 'No public route matches the request path.',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method not allowed',
    when: 'The path is a known route but not for this method; the `Allow` header lists the methods it has.',
  },
  'validation-failed': {
    status: 400,
    title: 'Request validation failed',
    when: 'A path, query or header parameter or the JSON body does not match the OpenAPI operation; `errors` lists each violation with its location.',
  },
  'malformed-json': {
    status: 400,
    title: 'Malformed JSON body',
    when: 'The body is declared as JSON but does not parse.',
  },
  'bad-request': {
    status: 400,
    title: 'Bad request',
    when: 'The request is not valid HTTP/1.1 framing (for example Content-Length with Transfer-Encoding, or a malformed chunk).',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    when: 'The body\'s Content-Type is not one the operation accepts.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    when: 'The body is larger than the configured limit for the route.',
  },
  'headers-too-large': {
    status: 431,
    title: 'Request header fields too large',
    when: 'The request headers exceed the configured header size limit.',
  },
  'request-timeout': {
    status: 408,
    title: 'Request timeout',
    when: 'The client did not send the whole request within the listener\'s request timeout.',
  },
  'upstream-unavailable': {
    status: 502,
    title: 'Upstream unavailable',
    when: 'The gateway could not connect to the upstream, or it closed the connection before answering.',
  },
  'upstream-timeout': {
    status: 504,
    title: 'Upstream timeout',
    when: 'The upstream did not answer within the route\'s timeout.',
  },
  'upstream-bad-response': {
    status: 502,
    title: 'Bad upstream response',
    when: 'The upstream answered with something the gateway cannot relay.',
  },
  'upstream-grpc-status': {
    status: 502,
    title: 'Upstream gRPC error',
    when: 'A gRPC upstream answered with a non-OK status; the HTTP status follows the gRPC table (e.g. NOT_FOUND 404, UNAVAILABLE 503), and `grpcCode`, `grpcMessage` and `details` (google.rpc.Status details) say what it was.',
  },
  'mapping-failed': {
    status: 502,
    title: 'Mapping failed',
    when: 'A mapping expression could not shape the data the upstreams returned (a value of the wrong type); the detail names the mapping file, line and expression.',
  },
  'response-validation-failed': {
    status: 502,
    title: 'Response validation failed',
    when: 'With `validateResponses` on, a mapped route shaped a response that does not match its OpenAPI response schema; `errors` lists each violation.',
  },
  'not-ready': {
    status: 503,
    title: 'Not ready',
    when: 'The readiness endpoint (`/readyz`): the gateway is draining, or a health-checked upstream has no healthy target; `draining`, `down` (the upstreams without a healthy target) and `upstreams` (each with its targets by index, their state and the reason the last check gave) say which.',
  },
  'soap-request-invalid': {
    status: 400,
    title: 'SOAP request invalid',
    when: 'The JSON for a SOAP operation does not fit the operation\'s XSD types (a missing or unknown field, a value outside its simple type: enumeration, pattern, bounds, number or date form); `errors` lists each violation with its JSON pointer.',
  },
  'soap-fault': {
    status: 502,
    title: 'SOAP fault',
    when: 'A SOAP upstream answered with a Fault: Client/Sender faults are 400, Server/Receiver and the others 502, unless the operation\'s fault table maps the fault code or detail element to another status (e.g. 404); `faultCode`, `faultSubcodes`, `faultReason` and `faultDetail` (the detail as JSON) say what it was.',
  },
  internal: {
    status: 500,
    title: 'Internal gateway error',
    when: 'A bug in the gateway; the log line with the same request id has the details.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function problemType(code: ErrorCode): string {
  return PROBLEM_TYPE_BASE + code;
}
