import type { CompiledSoapService } from '../pipeline/soap-services.js';
import { didYouMean } from '../errors/did-you-mean.js';
import type { CompiledSoapOperation } from '../soap/codec/index.js';
import type { SoapOperation } from '../soap/model.js';
import { operationJsonSchemas, XsdJsonSchemas } from '../soap/xsd-json-schema.js';
import { objectOf, shapeFromJsonSchema, type Shape } from '../transform/index.js';
import { listed } from './step-common.js';

/** What SOAP steps are resolved against: the compiled `soap.services` of gateway.yaml. */
export interface MappingSoapContext {
  readonly services: ReadonlyMap<string, CompiledSoapService>;
  /** Every name under `soap.services`, compiled or not: a service whose problems are reported already is not re-reported. */
  readonly configured: ReadonlySet<string>;
}

export const NO_SOAP: MappingSoapContext = { services: new Map(), configured: new Set() };

/** A SOAP step's service and operation, with the shapes its `message` and its result are checked against. */
export interface SoapTarget {
  readonly kind: 'soap';
  readonly service: CompiledSoapService;
  readonly operation: { readonly wsdl: SoapOperation; readonly compiled: CompiledSoapOperation };
  /** The input as the codec accepts it (request direction of xsd-json-schema.ts). */
  readonly input: Shape;
  /** The output as the codec reads it: what `steps.<name>` reads are checked against. */
  readonly shape: Shape;
  /** The input's soap:header parts, by part name: what `soapHeaders` is checked against. */
  readonly headers: Shape;
}

/**
 * Finds `soap: { service, operation }` among the compiled services; reports an unknown service or operation with
 * the nearest name (or what exists). The shapes come from the WSDL's XSD through the same JSON Schemas the published
 * SOAP routes use, so a step is checked against exactly what the codec writes and reads.
 */
export function resolveSoapTarget(
  reference: { readonly service: string; readonly operation: string },
  context: MappingSoapContext,
  report: (key: 'service' | 'operation', message: string) => void,
): SoapTarget | undefined {
  const service = context.services.get(reference.service);
  if (service === undefined) {
    if (context.configured.has(reference.service)) return undefined; // its WSDL or config problems are reported
    const names = [...context.configured];
    const guess = didYouMean(reference.service, names);
    const rest =
      guess !== undefined ? `; did you mean "${guess}"?` : names.length === 0 ? ': add it under soap.services (wsdl, upstream)' : `; the services are: ${listed(names)}`;
    report('service', `no SOAP service "${reference.service}" in soap.services of gateway.yaml${rest}`);
    return undefined;
  }
  const operation = service.operations.get(reference.operation);
  if (operation === undefined) {
    const names = service.port.operations.map((item) => item.name);
    if (names.includes(reference.operation)) return undefined; // it did not compile: reported with the service
    const guess = didYouMean(reference.operation, names);
    const rest = guess !== undefined ? `; did you mean "${guess}"?` : `; its operations are: ${listed(names)}`;
    report('operation', `SOAP service "${service.name}" (port ${service.port.name}) has no operation "${reference.operation}"${rest}`);
    return undefined;
  }
  return { kind: 'soap', service, operation, ...soapOperationShapes(service, operation.wsdl) };
}

/**
 * The shapes templates are checked against for one operation of a compiled service: its input, its output and its
 * input's soap:header parts, from the same JSON Schemas the published routes' OpenAPI document uses.
 */
export function soapOperationShapes(service: CompiledSoapService, operation: SoapOperation): Pick<SoapTarget, 'input' | 'shape' | 'headers'> {
  const schemas = schemasOf(service);
  const { input, output, inputHeaders } = operationJsonSchemas(operation, schemas.request, schemas.response);
  return {
    input: shapeFromJsonSchema(input, (ref) => schemas.request.resolveRef(ref)),
    shape: shapeFromJsonSchema(output, (ref) => schemas.response.resolveRef(ref)),
    headers: shapeFromJsonSchema(inputHeaders, (ref) => schemas.request.resolveRef(ref)),
  };
}

/** The names among `names` that are no soap:header part of `operation`, each with why (and "did you mean"). */
export function unknownHeaderParts(operation: SoapOperation, names: readonly string[]): [name: string, message: string][] {
  const parts = operation.input.headers.map((part) => part.name);
  return names
    .filter((name) => !parts.includes(name))
    .map((name) => {
      const guess = didYouMean(name, parts);
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : parts.length === 0 ? '; its input binds no soap:header parts' : `; its header parts are: ${parts.join(', ')}`;
      return [name, `${operation.name} has no soap:header part "${name}"${hint}`];
    });
}

/** One set of definitions per service and direction, shared by all its steps (built at load, never per request). */
const SCHEMAS = new WeakMap<CompiledSoapService, { request: XsdJsonSchemas; response: XsdJsonSchemas }>();

function schemasOf(service: CompiledSoapService): { request: XsdJsonSchemas; response: XsdJsonSchemas } {
  let schemas = SCHEMAS.get(service);
  if (schemas === undefined) {
    schemas = { request: new XsdJsonSchemas({ direction: 'request' }), response: new XsdJsonSchemas({ direction: 'response', types: service.model.types ?? [] }) };
    SCHEMAS.set(service, schemas);
  }
  return schemas;
}

/**
 * The shape with no field required, at any depth: a step whose `statuses` turn a fault into a replacement result
 * may give that replacement instead of the output, so every field of its result may be missing.
 */
export function relaxRequired(shape: Shape, done = new Map<Shape, Shape>()): Shape {
  const seen = done.get(shape);
  if (seen !== undefined) return seen;
  let out: Shape = shape;
  if (shape.kind === 'object') {
    out = objectOf(
      [...shape.properties].map(([name, field]) => [name, relaxRequired(field, done)] as const),
      [],
      shape.additional === null ? null : relaxRequired(shape.additional, done),
    );
  } else if (shape.kind === 'array') {
    out = { kind: 'array', items: relaxRequired(shape.items, done) };
  } else if (shape.kind === 'union') {
    out = { kind: 'union', members: shape.members.map((member) => relaxRequired(member, done)) };
  }
  done.set(shape, out);
  return out;
}
