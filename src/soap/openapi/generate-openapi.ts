import { problemJsonSchema, problemResponse } from '../../errors/problem-schema.js';
import type { SoapVersion, WsdlPort, XsdType } from '../model.js';
import { XsdJsonSchemas, operationJsonSchemas, type JsonSchema } from '../xsd-json-schema.js';

/** One published SOAP service, as the generator needs it. */
export interface SoapOpenApiService {
  /** The name under `soap.services`: tag, operation id prefix and schema name prefix. */
  readonly name: string;
  readonly basePath: string;
  readonly port: WsdlPort;
  /** The WSDL it came from, for the tag's description. */
  readonly source: string;
  /** HTTP statuses of each operation's fault table (beyond the defaults), by WSDL operation name. */
  readonly faultStatuses: ReadonlyMap<string, readonly number[]>;
  /** The model's named types: a response may hold a type derived from the declared one (xsi:type). */
  readonly types?: readonly XsdType[] | undefined;
  /** Request headers and query parameters an operation reads (for its soap:header parts), by WSDL operation name. */
  readonly parameters?: ReadonlyMap<string, readonly { readonly in: 'header' | 'query'; readonly name: string }[]>;
}

const REF = '#/components/schemas/';
/** Name of the problem schema of SOAP routes in `components.schemas`. */
export const SOAP_PROBLEM_SCHEMA = 'SoapProblem';

/** What each default error status of a SOAP route means (the fault table may add others). */
const DEFAULT_ERRORS: Readonly<Record<string, string>> = {
  '400': 'The JSON does not fit the operation\'s XSD types (soap-request-invalid, `errors` lists each violation), is not JSON, or the service answered a Client/Sender fault (soap-fault).',
  '413': 'The body is larger than the route\'s limit.',
  '415': 'The body is not application/json.',
  '502': 'The service answered a Server/Receiver fault (soap-fault), or something that is not a SOAP answer (upstream-bad-response), or could not be reached.',
  '504': 'The service did not answer within the route\'s timeout.',
};

/**
 * An OpenAPI 3.1.0 document of the routes published from WSDL operations: `POST <basePath>/<Operation>` with the
 * request body and the 200 response under the codec's JSON convention (src/soap/xsd-json-schema.ts), and the
 * problem responses. Types become `components.schemas` named `<service>.<Type>` (response side) and
 * `<service>.request.<Type>` (request side: integers may be strings, optional fields may be null, and so on).
 */
export function generateSoapOpenApi(services: readonly SoapOpenApiService[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, JsonSchema> = {};
  const tags: Record<string, unknown>[] = [];
  for (const service of services) {
    const request = new XsdJsonSchemas({ direction: 'request', refPrefix: REF, namePrefix: `${service.name}.request.` });
    const response = new XsdJsonSchemas({ direction: 'response', refPrefix: REF, namePrefix: `${service.name}.`, ...(service.types === undefined ? {} : { types: service.types }) });
    const { port } = service;
    tags.push({ name: service.name, description: `SOAP ${port.soapVersion} port ${port.name} of ${service.source}` });
    for (const operation of port.operations) {
      const bodies = operationJsonSchemas(operation, request, response);
      const declared = operation.faults.map((fault) => fault.name).join(', ');
      paths[`${service.basePath}/${operation.name}`] = {
        post: {
          operationId: `${service.name}.${operation.name}`,
          summary: `${operation.name} (SOAP ${port.soapVersion}, ${operation.style}/literal)`,
          description: `Calls ${operation.name} on port ${port.name}${operation.soapAction === '' ? '' : ` (SOAPAction ${operation.soapAction})`}.` +
            (declared === '' ? '' : ` Declared faults: ${declared}.`),
          tags: [service.name],
          ...parametersOf(service.parameters?.get(operation.name) ?? [], operation.input.headers.map((part) => part.name)),
          requestBody: { required: false, content: { 'application/json': { schema: bodies.input } } },
          responses: responsesOf(bodies.output, bodies.faults, service.faultStatuses.get(operation.name) ?? [], port.soapVersion),
        },
      };
    }
    for (const [name, schema] of [...request.definitions, ...response.definitions]) schemas[name] = schema;
  }
  schemas[SOAP_PROBLEM_SCHEMA] = soapProblemSchema();
  return { openapi: '3.1.0', info: { title: 'SOAP services published by protogate', version: '1.0.0' }, tags, paths, components: { schemas } };
}

function parametersOf(reads: readonly { readonly in: 'header' | 'query'; readonly name: string }[], parts: readonly string[]): { parameters?: unknown[] } {
  if (reads.length === 0) return {};
  const description = `Read by the gateway for the soap:header part${parts.length === 1 ? '' : 's'} ${parts.join(', ')}.`;
  return { parameters: reads.map((read) => ({ name: read.name, in: read.in, required: false, description, schema: { type: 'string' } })) };
}

function responsesOf(output: JsonSchema, faults: Readonly<Record<string, JsonSchema>>, mapped: readonly number[], version: SoapVersion): Record<string, unknown> {
  // A fault's problem carries its detail, typed by the operation's declared fault elements.
  const problem: JsonSchema =
    Object.keys(faults).length === 0
      ? { $ref: REF + SOAP_PROBLEM_SCHEMA }
      : {
          type: 'object',
          allOf: [{ $ref: REF + SOAP_PROBLEM_SCHEMA }],
          properties: { faultDetail: { anyOf: [{ type: 'object', properties: faults, additionalProperties: true }, { type: 'null' }] } },
        };
  const responses: Record<string, unknown> = {
    '200': { description: `The operation's output, converted from the SOAP ${version} response.`, content: { 'application/json': { schema: output } } },
  };
  const statuses = new Set([...Object.keys(DEFAULT_ERRORS), ...mapped.map(String)]);
  for (const status of [...statuses].sort()) {
    responses[status] = problemResponse(DEFAULT_ERRORS[status] ?? 'A SOAP fault mapped to this status by the operation\'s fault table (soap-fault).', problem);
  }
  return responses;
}

function soapProblemSchema(): JsonSchema {
  return problemJsonSchema('RFC 9457 problem details, with the SOAP fault when the service answered one.', 'Request violations, each with the JSON pointer of the field.', {
    soapVersion: { type: 'string', enum: ['1.1', '1.2'] },
    faultCode: { type: 'string', description: 'Client, Server (1.1); Sender, Receiver (1.2); VersionMismatch, MustUnderstand, ...' },
    faultSubcodes: { type: 'array', items: { type: 'string' }, description: 'SOAP 1.2 subcodes, or the parts of a dotted SOAP 1.1 code.' },
    faultReason: { type: 'string' },
    faultDetail: { anyOf: [{ type: 'object' }, { type: 'null' }], description: 'The fault detail entries as JSON, by element local name.' },
    upstreamStatus: { type: 'integer', description: 'The HTTP status of an answer that was not a SOAP envelope.' },
  });
}
