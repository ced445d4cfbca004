import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './misbehaviour.js';
import type { Operation, OperationContext } from './operations.js';
import { decodeElement, SchemaViolation, type Decoded, type DecodedObject, type ElementDecl } from './schema-decoder.js';
import {
  clientFault,
  declaredAction,
  envelope,
  faultEnvelope,
  checkMustUnderstand,
  faultStatus,
  mediaTypeOf,
  openEnvelope,
  SoapFault,
  type SoapVersion,
} from './soap-protocol.js';
import { clark, DoctypeError, readXml, XmlReadError, type XmlElement } from './xml-reader.js';

/** One port of the WSDL: where it listens, which SOAP version it speaks, and the operations of its binding. */
export interface Endpoint {
  readonly path: string;
  readonly version: SoapVersion;
  /** The envelope prefix this port's stack writes (soap:, env:, soapenv:). */
  readonly prefix: string;
  readonly operations: readonly Operation[];
}

/**
 * Answers one SOAP request: media type, XML, envelope, dispatch by the Body's element, the declared action, schema
 * validation, then the operation. Pure apart from what the operation does to the store.
 */
export function answerSoap(endpoint: Endpoint, headers: IncomingHttpHeaders, body: Buffer, context: OperationContext): Reply {
  const { version } = endpoint;
  const contentType = headers['content-type'] ?? '';
  if (mediaTypeOf(contentType) !== version.mediaType) {
    // Checked before the XML, as servlet-based stacks do: the wrong version is refused at the HTTP layer.
    return {
      status: 415,
      headers: { 'content-type': 'text/plain;charset=utf-8' },
      body: `Unsupported Content-Type: ${contentType || '(none)'}; this SOAP ${version.id} endpoint accepts ${version.mediaType}\n`,
    };
  }
  try {
    const { operation, payload, headerBlocks } = dispatch(endpoint, headers, body);
    checkMustUnderstand(headerBlocks, version, (block) => operation.headers?.some((decl) => decl.ns === block.ns && decl.name === block.local) === true);
    const input = decode(operation, payload);
    const response = operation.handle(input, context, decodeHeaders(operation, headerBlocks));
    return { status: 200, headers: xmlHeaders(version), body: envelope(version, endpoint.prefix, response) };
  } catch (error) {
    const fault = error instanceof SoapFault ? error : new SoapFault({ code: 'Server', reason: `Internal error: ${(error as Error).message}` });
    const replyIn = fault.spec.replyAs ?? version;
    return { status: faultStatus(version, fault.spec), headers: xmlHeaders(replyIn), body: faultEnvelope(version, endpoint.prefix, fault.spec) };
  }
}

function xmlHeaders(version: SoapVersion): Record<string, string> {
  return { 'content-type': `${version.mediaType}; charset=utf-8` };
}

function dispatch(endpoint: Endpoint, headers: IncomingHttpHeaders, body: Buffer): { operation: Operation; payload: XmlElement; headerBlocks: readonly XmlElement[] } {
  let root: XmlElement;
  try {
    root = readXml(body.toString('utf8'));
  } catch (error) {
    // SOAP 1.1 §3 and SOAP 1.2 Part 1 §5: a SOAP message MUST NOT contain a Document Type Declaration.
    if (error instanceof DoctypeError) throw clientFault('DOCTYPE is disallowed: a SOAP message must not contain a Document Type Declaration');
    if (error instanceof XmlReadError) throw clientFault(`Malformed XML: ${error.message}`);
    throw error;
  }
  const { payload, headerBlocks } = openEnvelope(root, endpoint.version);
  const operation = endpoint.operations.find((candidate) => candidate.request.ns === payload.ns && candidate.request.name === payload.local);
  if (operation === undefined) throw clientFault(`Cannot find dispatch method for ${clark(payload.ns, payload.local)}`);
  const action = declaredAction(endpoint.version, headerText(headers['soapaction']), headers['content-type'] ?? '');
  if (endpoint.version.id === '1.1' && action === undefined) {
    // SOAP 1.1 §6.1.1: a SOAP HTTP request MUST carry a SOAPAction header.
    throw clientFault(`Missing SOAPAction header; operation ${operation.name} expects "${operation.soapAction}"`);
  }
  // RFC 3902: the SOAP 1.2 action parameter is optional, but when present it must name this operation.
  if (action !== undefined && action !== operation.soapAction) {
    throw clientFault(`SOAPAction "${action}" does not match operation ${operation.name} (expected "${operation.soapAction}")`);
  }
  return { operation, payload, headerBlocks };
}

function decode(operation: Operation, payload: XmlElement, decl: ElementDecl = operation.request): DecodedObject {
  let value: Decoded;
  try {
    value = decodeElement(payload, decl);
  } catch (error) {
    if (error instanceof SchemaViolation) throw clientFault(`Unmarshalling Error: ${error.message}`);
    throw error;
  }
  if (value === null || typeof value === 'string' || Array.isArray(value)) throw clientFault(`${decl.name} must not be nil`);
  return value as DecodedObject;
}

/** The header blocks the operation declares, decoded by their schema like the body; others are ignored (SOAP 1.1 §4.2). */
function decodeHeaders(operation: Operation, blocks: readonly XmlElement[]): Readonly<Record<string, DecodedObject>> {
  const decoded: Record<string, DecodedObject> = {};
  for (const decl of operation.headers ?? []) {
    const block = blocks.find((candidate) => candidate.ns === decl.ns && candidate.local === decl.name);
    if (block !== undefined) decoded[decl.name] = decode(operation, block, decl);
  }
  return decoded;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
