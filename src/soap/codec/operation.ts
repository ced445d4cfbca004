/**
 * One SOAP operation compiled for traffic: the request writer (JSON → envelope + HTTP headers) and the response
 * reader (HTTP answer → JSON, Fault or bad response), built at load from the WSDL model and reused per request.
 *
 * The JSON body of each style:
 * - document/literal with one part whose element has element content (the "wrapped" convention and most "bare"
 *   operations): the body IS that element's content, `{ "orderId": 42 }` for `<GetOrder><orderId>42</orderId>`;
 * - any other document/literal message (several parts, or one simple-typed part): an object keyed by part name;
 * - rpc/literal: an object keyed by part name; each part travels as an unqualified element named after it, inside
 *   the operation's wrapper element (`rpcWrapper`).
 * The response has the same form. Parts bound to soap:header travel in `headers`, keyed by part name.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import { resolveXmlLimits, type XmlLimits } from '../../xml/limits.js';
import type { XmlElement } from '../../xml/parse.js';
import type { ElementDecl, MessagePart, QName, SoapMessage, SoapOperation, SoapVersion, WsdlPort, XsdType } from '../model.js';
import { classifySoapResponse, type ResponseDecoder, type SoapHttpResponse, type SoapResponseOutcome } from './classify.js';
import { flattenComplexType } from './content-model.js';
import { compileStaticHeaders, envelopeFrame, soapRequestHeaders, type StaticSoapHeader } from './envelope.js';
import { ReadContext, SoapCodecCompileError, SoapDecodeError, WriteContext } from './errors.js';
import { checkFaultStatusTable, type FaultStatusTable } from './fault-status.js';
import { isJsonObject, setDocumentField, type JsonObject, type JsonValue } from './json.js';
import { PrefixRegistry, reachableNamespaces } from './namespaces.js';
import { TypeReaders, type ElementReader } from './type-reader.js';
import { TypeWriters } from './type-writer.js';
import { compileUsernameToken, type UsernameTokenOptions } from './ws-security.js';

export interface SoapOperationOptions {
  /** WS-Security UsernameToken on every request, with its secrets already resolved. */
  readonly security?: UsernameTokenOptions;
  /** Header blocks added to every request, after the Security block. */
  readonly staticHeaders?: readonly StaticSoapHeader[];
  /** Fault code / detail element → HTTP status overrides (see fault-status.ts). */
  readonly faultStatuses?: FaultStatusTable;
  readonly xmlLimits?: Partial<XmlLimits>;
  /** JSON pointer prefix of request violations in the body; default '/body'. */
  readonly bodyPointer?: string;
  /** JSON pointer prefix of violations in header parts; default '/soapHeaders'. */
  readonly headersPointer?: string;
}

export interface SoapRequestInput {
  readonly body: unknown;
  /** Values of the input's soap:header parts, by part name. */
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface SoapHttpRequest {
  readonly body: string;
  /** content-type, and soapaction for SOAP 1.1 (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface CompiledSoapOperation {
  readonly name: string;
  readonly version: SoapVersion;
  readonly soapAction: string;
  /** @throws GatewayError `soap-request-invalid` listing every violation */
  writeRequest(input: SoapRequestInput): SoapHttpRequest;
  readResponse(response: SoapHttpResponse): SoapResponseOutcome;
}

/** The codec of one WSDL model (or several): compiled writers and readers are shared by all its operations. */
export interface SoapCodec {
  /** @throws SoapCodecCompileError for a construct with no JSON form or a bad option */
  compileOperation(port: WsdlPort, operation: SoapOperation, options?: SoapOperationOptions): CompiledSoapOperation;
}

interface PartSlot {
  readonly name: string;
  readonly decl: ElementDecl;
}

/** How a message maps to JSON: one element's content, or parts by name (inside an rpc wrapper or not). */
type Layout = { readonly kind: 'content'; readonly decl: ElementDecl } | { readonly kind: 'parts'; readonly parts: readonly PartSlot[]; readonly wrapper: QName | undefined };

export interface SoapCodecOptions {
  /** The model's named types (WsdlModel.types): lets the reader honour xsi:type for derived types. */
  readonly types?: readonly XsdType[];
  /**
   * What an empty string-typed element (`<notes/>`) reads as: 'null' (default: empty and xsi:nil elements are both
   * null) or 'empty-string' ("", keeping nil, empty and absent apart).
   */
  readonly emptyStrings?: 'null' | 'empty-string';
}

export function createSoapCodec(options: SoapCodecOptions = {}): SoapCodec {
  const prefixes = new PrefixRegistry();
  const writers = new TypeWriters(prefixes);
  const readers = new TypeReaders(options.types, options.emptyStrings === 'empty-string');
  const rpcParts = new WeakMap<MessagePart, ElementDecl>();

  const partDecl = (part: MessagePart, style: SoapOperation['style'], where: string): ElementDecl => {
    if (style === 'document' || part.type === undefined) {
      if (part.element === undefined) throw new SoapCodecCompileError(`${where}: part "${part.name}" names no element (document style needs one)`);
      return part.element;
    }
    let decl = rpcParts.get(part);
    if (decl === undefined) {
      decl = { kind: 'element', name: { ns: '', local: part.name }, type: part.type, minOccurs: 1, maxOccurs: 1, nillable: false };
      rpcParts.set(part, decl);
    }
    return decl;
  };

  const layoutOf = (message: SoapMessage, style: SoapOperation['style'], where: string): Layout => {
    const parts = message.parts.map((part) => ({ name: part.name, decl: partDecl(part, style, where) }));
    const only = parts[0];
    if (style === 'document' && parts.length === 1 && only !== undefined && only.decl.type.kind === 'complex' && !flattenComplexType(only.decl.type).scalar) {
      return { kind: 'content', decl: only.decl };
    }
    if (style === 'rpc' && message.rpcWrapper === undefined) throw new SoapCodecCompileError(`${where}: an rpc operation needs its wrapper element name`);
    return { kind: 'parts', parts, wrapper: style === 'rpc' ? message.rpcWrapper : undefined };
  };

  return {
    compileOperation(port, operation, options = {}) {
      const where = `operation ${operation.name} of port ${port.name}`;
      const version = port.soapVersion;
      let limits: XmlLimits;
      try {
        limits = resolveXmlLimits(options.xmlLimits);
      } catch (error) {
        throw new SoapCodecCompileError(`${where}: ${(error as Error).message}`);
      }
      if (options.faultStatuses !== undefined) {
        const problem = checkFaultStatusTable(options.faultStatuses);
        if (problem !== undefined) throw new SoapCodecCompileError(`${where}: ${problem}`);
      }
      const input = layoutOf(operation.input, operation.style, `${where} (input)`);
      const output = layoutOf(operation.output, operation.style, `${where} (output)`);
      const inputHeaders = operation.input.headers.map((part) => ({ name: part.name, decl: partDecl(part, 'document', `${where} (input header)`) }));
      const outputHeaders = operation.output.headers.map((part) => ({ name: part.name, decl: partDecl(part, 'document', `${where} (output header)`) }));

      const writeBody = compileBodyWriter(input, writers);
      const headerWriters = inputHeaders.map((slot) => ({ name: slot.name, write: writers.element(slot.decl) }));
      const roots = [...(input.kind === 'content' ? [input.decl] : input.parts.map((part) => part.decl)), ...inputHeaders.map((slot) => slot.decl)];
      const namespaces = reachableNamespaces(roots);
      if (input.kind === 'parts' && input.wrapper !== undefined) namespaces.add(input.wrapper.ns);
      const frame = envelopeFrame(version, prefixes.declarations(namespaces));
      const httpHeaders = soapRequestHeaders(version, operation.soapAction);
      const staticHeaders = compileStaticHeaders(options.staticHeaders ?? [], version);
      const securityHeader = options.security === undefined ? undefined : compileUsernameToken(options.security, version);
      const bodyPointer = options.bodyPointer ?? '/body';
      const headersPointer = options.headersPointer ?? '/soapHeaders';

      const detailReaders = new Map<string, ElementReader>();
      for (const fault of operation.faults) if (fault.element !== undefined) detailReaders.set(fault.element.name.local, readers.element(fault.element));
      const readBody = compileBodyReader(output, readers);
      const headerReaders = outputHeaders.map((slot) => ({ name: slot.name, local: slot.decl.name.local, read: readers.element(slot.decl) }));
      const decoder: ResponseDecoder = {
        version,
        limits,
        detailReaders,
        faultStatuses: options.faultStatuses,
        oneWay: operation.output.parts.length === 0,
        readSuccess(body, header, ctx) {
          return { body: readBody(body, ctx), headers: header === undefined || headerReaders.length === 0 ? undefined : readHeaders(header, headerReaders, ctx) };
        },
      };

      return {
        name: operation.name,
        version,
        soapAction: operation.soapAction,
        writeRequest(request) {
          const ctx = new WriteContext(bodyPointer);
          const body = writeBody(request.body, ctx);
          let header = '';
          if (request.headers !== undefined && headerWriters.length > 0) {
            const headerCtx = new WriteContext(headersPointer);
            for (const { name, write } of headerWriters) {
              const value = request.headers[name];
              if (value === undefined) continue;
              headerCtx.path.push(name);
              header += write(value, headerCtx);
              headerCtx.path.pop();
            }
            ctx.violations.push(...headerCtx.violations);
          }
          if (ctx.failed) {
            const first = ctx.violations[0] as { location: string; message: string };
            const more = ctx.violations.length > 1 ? ` (and ${ctx.violations.length - 1} more)` : '';
            throw new GatewayError('soap-request-invalid', `The request does not fit SOAP operation ${operation.name}: ${first.location} ${first.message}${more}.`, {
              violations: ctx.violations,
            });
          }
          const blocks = (securityHeader === undefined ? '' : securityHeader()) + staticHeaders + header;
          const xml = frame.head + (blocks === '' ? '' : frame.headerOpen + blocks + frame.headerClose) + frame.bodyOpen + body + frame.tail;
          return { body: xml, headers: httpHeaders };
        },
        readResponse(response) {
          return classifySoapResponse(response, decoder);
        },
      };
    },
  };
}

function compileBodyWriter(layout: Layout, writers: TypeWriters): (body: unknown, ctx: WriteContext) => string {
  if (layout.kind === 'content') {
    const write = writers.element(layout.decl);
    // No body at all is the empty object: an operation whose fields are all optional may be called without one.
    return (body, ctx) => write(body === undefined ? {} : body, ctx);
  }
  const parts = layout.parts.map((part) => ({ name: part.name, write: writers.element(part.decl) }));
  const names = new Set(parts.map((part) => part.name));
  const open = layout.wrapper === undefined ? '' : `<${writers.qualify(layout.wrapper)}>`;
  const close = layout.wrapper === undefined ? '' : `</${writers.qualify(layout.wrapper)}>`;
  return function writeParts(body, ctx) {
    if (parts.length === 0 && (body === undefined || (isJsonObject(body) && Object.keys(body).length === 0))) return open === '' ? '' : open + close;
    if (!isJsonObject(body)) {
      ctx.fail(`must be an object with the fields ${[...names].join(', ')}`);
      return '';
    }
    for (const key in body) {
      if (names.has(key)) continue;
      ctx.path.push(key);
      ctx.fail('is not a part of this message');
      ctx.path.pop();
    }
    let out = open;
    for (const { name, write } of parts) {
      const value = body[name];
      ctx.path.push(name);
      if (value === undefined) ctx.fail('is required');
      else out += write(value, ctx);
      ctx.path.pop();
    }
    return out + close;
  };
}

function compileBodyReader(layout: Layout, readers: TypeReaders): (body: XmlElement, ctx: ReadContext) => JsonValue {
  if (layout.kind === 'content') {
    const read = readers.element(layout.decl);
    const local = layout.decl.name.local;
    return function readContent(body, ctx) {
      const element = body.children.find((child) => child.local === local);
      if (element === undefined) throw new SoapDecodeError(`the SOAP Body has no <${local}>`);
      // An empty response element is an empty result, not a null body.
      return read(element, ctx) ?? {};
    };
  }
  const parts = layout.parts.map((part) => ({ name: part.name, local: part.decl.name.local, read: readers.element(part.decl) }));
  const wrapped = layout.wrapper !== undefined;
  return function readParts(body, ctx) {
    const container = wrapped ? body.children[0] : body;
    if (container === undefined) throw new SoapDecodeError('the SOAP Body is empty where the rpc response wrapper was expected');
    const out: JsonObject = {};
    for (const part of parts) {
      const element = container.children.find((child) => child.local === part.local);
      if (element === undefined) continue;
      ctx.path.push(part.name);
      setDocumentField(out, part.name, part.read(element, ctx));
      ctx.path.pop();
    }
    return out;
  };
}

function readHeaders(header: XmlElement, slots: readonly { name: string; local: string; read: ElementReader }[], ctx: ReadContext): JsonObject {
  const out: JsonObject = {};
  for (const slot of slots) {
    const element = header.children.find((child) => child.local === slot.local);
    if (element === undefined) continue;
    ctx.path.push(slot.name);
    setDocumentField(out, slot.name, slot.read(element, ctx));
    ctx.path.pop();
  }
  return out;
}
