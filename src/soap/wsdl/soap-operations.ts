import type { MessagePart, SoapFaultDecl, SoapMessage, SoapOperation, SoapVersion } from '../model.js';
import { DIME_BINDING_NS, HTTP_TRANSPORTS, MIME_BINDING_NS, SOAP11_BINDING_NS, SOAP12_BINDING_NS, WSDL_NS } from './namespaces.js';
import type { SchemaCompiler } from './schema-compiler.js';
import type { Writable } from './schema-context.js';
import { attr, isWsdl } from './xml-helpers.js';
import type { XmlElement } from './xml-tree.js';
import { isRequiredExtension, type Definition, type WsdlIndex } from './wsdl-index.js';

/** What a SOAP binding contributes to each port that uses it. */
export interface BoundOperations {
  readonly soapVersion: SoapVersion;
  readonly operations: readonly SoapOperation[];
}

type Style = SoapOperation['style'];
type Direction = 'input' | 'output';

/**
 * Reads one wsdl:binding. Returns 'not-soap' for a binding without soap:binding or soap12:binding (an HTTP or other
 * binding: its ports are skipped), undefined when the SOAP binding is unusable (the reasons are reported).
 */
export function bindSoapOperations(index: WsdlIndex, schemas: SchemaCompiler, binding: Definition): BoundOperations | 'not-soap' | undefined {
  const reader = new BindingReader(index, schemas, binding);
  return reader.read();
}

class BindingReader {
  readonly #index: WsdlIndex;
  readonly #schemas: SchemaCompiler;
  readonly #binding: Definition;
  /** The namespace of this binding's SOAP extensions: WSDL 1.1 §3 (SOAP 1.1) or the SOAP 1.2 binding note. */
  #soapNs = SOAP11_BINDING_NS;
  /** Parts by style: the same part may be read as a document part and an rpc part by different operations. */
  readonly #parts: Record<Style, Map<XmlElement, MessagePart | undefined>> = { document: new Map(), rpc: new Map() };

  constructor(index: WsdlIndex, schemas: SchemaCompiler, binding: Definition) {
    this.#index = index;
    this.#schemas = schemas;
    this.#binding = binding;
  }

  read(): BoundOperations | 'not-soap' | undefined {
    const element = this.#binding.element;
    const soapBindings = element.children.filter((child) => isSoapExtension(child, 'binding'));
    const [soapBinding] = soapBindings;
    if (soapBinding === undefined) return 'not-soap';
    if (soapBindings.length > 1) this.#index.report(element, 'has more than one soap:binding / soap12:binding');
    this.#soapNs = soapBinding.name.ns;
    const soapVersion: SoapVersion = this.#soapNs === SOAP11_BINDING_NS ? '1.1' : '1.2';
    const style = this.#style(soapBinding, 'document');
    const transport = attr(soapBinding, 'transport');
    if (transport !== undefined && !HTTP_TRANSPORTS.has(transport)) {
      this.#index.report(soapBinding, `the transport ${transport} is not supported: only SOAP over HTTP (http://schemas.xmlsoap.org/soap/http) is`);
    }
    this.#checkExtensions(element, ['binding']);
    const portType = this.#index.ref(element, 'type', 'portType');
    if (portType === undefined) return undefined;
    const operations: SoapOperation[] = [];
    for (const child of element.children) {
      if (!isWsdl(child, 'operation')) continue;
      const operation = this.#operation(child, portType, style);
      if (operation !== undefined) operations.push(operation);
    }
    return { soapVersion, operations };
  }

  #operation(bound: XmlElement, portType: Definition, defaultStyle: Style): SoapOperation | undefined {
    const name = attr(bound, 'name');
    if (name === undefined) {
      this.#index.report(bound, 'a binding operation needs a name');
      return undefined;
    }
    const candidates = portType.element.children.filter((child) => isWsdl(child, 'operation') && attr(child, 'name') === name);
    const [abstract] = candidates;
    if (abstract === undefined) {
      this.#index.report(bound, `port type ${portType.name.local} has no operation "${name}"`);
      return undefined;
    }
    if (candidates.length > 1) {
      this.#index.report(bound, `operation "${name}" is overloaded in port type ${portType.name.local}: overloading is not supported (WS-I BP R2304)`);
      return undefined;
    }
    if (!this.#isRequestResponse(abstract)) return undefined;
    const soapOperation = bound.children.find((child) => child.name.ns === this.#soapNs && child.name.local === 'operation');
    const style = soapOperation === undefined ? defaultStyle : this.#style(soapOperation, defaultStyle);
    this.#checkExtensions(bound, ['operation']);
    const input = this.#message(bound, abstract, 'input', style, name);
    const output = this.#message(bound, abstract, 'output', style, name);
    const faults = this.#faults(bound, abstract);
    if (input === undefined || output === undefined) return undefined;
    return { name, style, soapAction: (soapOperation && attr(soapOperation, 'soapAction')) ?? '', input, output, faults };
  }

  /** WSDL 1.1 §2.4: the order of input and output decides the transmission primitive; only request-response maps to HTTP. */
  #isRequestResponse(abstract: XmlElement): boolean {
    const order = abstract.children.filter((child) => isWsdl(child, 'input') || isWsdl(child, 'output')).map((child) => child.name.local).join(',');
    if (order === 'input,output') return true;
    const kinds: Readonly<Record<string, string>> = {
      input: 'one-way operations (input without output) are not supported',
      output: 'notification operations (output without input) are not supported',
      'output,input': 'solicit-response operations (output before input) are not supported',
    };
    this.#index.report(abstract, kinds[order] ?? 'an operation needs one wsdl:input followed by one wsdl:output');
    return false;
  }

  #message(bound: XmlElement, abstract: XmlElement, direction: Direction, style: Style, operation: string): SoapMessage | undefined {
    const abstractIo = abstract.children.find((child) => isWsdl(child, direction));
    const boundIo = bound.children.find((child) => isWsdl(child, direction));
    if (abstractIo === undefined) return undefined;
    if (boundIo === undefined) {
      this.#index.report(bound, `the binding of operation "${operation}" has no wsdl:${direction}`);
      return undefined;
    }
    this.#checkExtensions(boundIo, ['body', 'header']);
    const message = this.#index.ref(abstractIo, 'message', 'message');
    const body = boundIo.children.find((child) => child.name.ns === this.#soapNs && child.name.local === 'body');
    if (body === undefined) {
      const attachments = boundIo.children.some((child) => child.name.ns === MIME_BINDING_NS || child.name.ns === DIME_BINDING_NS);
      if (!attachments) this.#index.report(boundIo, 'has no soap:body');
      return undefined;
    }
    this.#checkLiteral(body);
    const headers: MessagePart[] = [];
    const headerBound = new Set<XmlElement>();
    for (const header of boundIo.children.filter((child) => child.name.ns === this.#soapNs && child.name.local === 'header')) {
      this.#checkLiteral(header);
      const part = this.#headerPart(header);
      if (part === undefined) continue;
      headerBound.add(part.element);
      if (part.model !== undefined) headers.push(part.model);
    }
    const parts = message === undefined ? [] : partsOf(message);
    const listed = attr(body, 'parts')?.split(/\s+/).filter((token) => token !== '');
    for (const name of listed ?? []) {
      if (!parts.some((part) => attr(part, 'name') === name)) this.#index.report(body, `parts= names "${name}", which message ${message?.name.local ?? ''} does not have`);
    }
    // WSDL 1.1 §3.5 puts every part in the body when parts= is absent; a part also bound by soap:header would then be
    // sent twice, so it stays in the header only.
    const bodyParts = parts.filter((part) => (listed === undefined ? !headerBound.has(part) : listed.includes(attr(part, 'name') ?? '')));
    const result: Writable<SoapMessage> = {
      parts: bodyParts.map((part) => this.#part(part, style)).filter((part) => part !== undefined),
      headers,
    };
    if (style === 'rpc') {
      // WS-I BP R2717 requires namespace= for rpc/literal; without one the WSDL's targetNamespace is the usual reading.
      result.rpcWrapper = { ns: attr(body, 'namespace') ?? this.#binding.targetNamespace, local: direction === 'input' ? operation : `${operation}Response` };
    }
    return result;
  }

  #headerPart(header: XmlElement): { element: XmlElement; model: MessagePart | undefined } | undefined {
    const message = this.#index.ref(header, 'message', 'message');
    const partName = attr(header, 'part');
    if (message === undefined) return undefined;
    if (partName === undefined) {
      this.#index.report(header, 'part= is missing');
      return undefined;
    }
    const part = partsOf(message).find((candidate) => attr(candidate, 'name') === partName);
    if (part === undefined) {
      this.#index.report(header, `message ${message.name.local} has no part "${partName}"`);
      return undefined;
    }
    // WS-I BP R2205: a header part is an element; a type has no element name to put in the header.
    return { element: part, model: this.#part(part, 'document') };
  }

  #faults(bound: XmlElement, abstract: XmlElement): SoapFaultDecl[] {
    const faults: SoapFaultDecl[] = [];
    const boundFaults = bound.children.filter((child) => isWsdl(child, 'fault'));
    for (const boundFault of boundFaults) {
      const name = attr(boundFault, 'name');
      if (!abstract.children.some((child) => isWsdl(child, 'fault') && attr(child, 'name') === name)) {
        this.#index.report(boundFault, `the port type operation has no fault "${name ?? ''}"`);
      }
      const soapFault = boundFault.children.find((child) => child.name.ns === this.#soapNs && child.name.local === 'fault');
      if (soapFault !== undefined) this.#checkLiteral(soapFault);
      this.#checkExtensions(boundFault, ['fault']);
    }
    for (const fault of abstract.children.filter((child) => isWsdl(child, 'fault'))) {
      const name = attr(fault, 'name') ?? '';
      const message = this.#index.ref(fault, 'message', 'message');
      if (message === undefined) continue;
      const parts = partsOf(message);
      const [part] = parts;
      if (part === undefined || parts.length > 1) {
        this.#index.report(fault, `a fault message needs exactly one part, and ${message.name.local} has ${parts.length}`);
        continue;
      }
      const decl = this.#part(part, 'document');
      faults.push(decl?.element === undefined ? { name } : { name, element: decl.element });
    }
    return faults;
  }

  /** A message part: document style needs element=, rpc style type= (WS-I BP R2204, R2203). */
  #part(part: XmlElement, style: Style): MessagePart | undefined {
    const memo = this.#parts[style];
    if (memo.has(part)) return memo.get(part);
    const name = attr(part, 'name') ?? '';
    let model: MessagePart | undefined;
    const hasElement = part.attributes.has('element');
    const hasType = part.attributes.has('type');
    if (hasElement === hasType) {
      this.#index.report(part, 'a part needs exactly one of element= and type=');
    } else if (style === 'document' && hasType) {
      this.#index.report(part, 'uses type=, but document style (and every header and fault) needs element=');
    } else if (style === 'rpc' && hasElement) {
      this.#index.report(part, 'uses element=, but rpc/literal needs type= (WS-I BP R2203)');
    } else {
      const qname = this.#index.qname(part, hasElement ? 'element' : 'type');
      if (qname !== undefined && hasElement) {
        const element = this.#schemas.element(qname, part);
        if (element !== undefined) model = { name, element };
      } else if (qname !== undefined) {
        const type = this.#schemas.type(qname, part);
        if (type !== undefined) model = { name, type };
      }
    }
    memo.set(part, model);
    return model;
  }

  #style(element: XmlElement, fallback: Style): Style {
    const style = attr(element, 'style') ?? fallback;
    if (style === 'document' || style === 'rpc') return style;
    this.#index.report(element, `style="${style}" is neither document nor rpc`);
    return fallback;
  }

  /** use="encoded" means SOAP section 5 encoding, which needs a type system this gateway does not implement. */
  #checkLiteral(element: XmlElement): void {
    const use = attr(element, 'use') ?? 'literal';
    if (use === 'encoded') this.#index.report(element, 'use="encoded" (SOAP encoding) is not supported: only literal use is');
    else if (use !== 'literal') this.#index.report(element, `use="${use}" is neither literal nor encoded`);
  }

  /** Refuses attachments bindings, the other SOAP version's elements, and unknown required extensions. */
  #checkExtensions(element: XmlElement, allowedSoap: readonly string[]): void {
    for (const child of element.children) {
      const ns = child.name.ns;
      if (ns === WSDL_NS) continue;
      if (ns === MIME_BINDING_NS || ns === DIME_BINDING_NS) {
        this.#index.report(child, 'MIME and DIME attachment bindings are not supported');
      } else if (ns === SOAP11_BINDING_NS || ns === SOAP12_BINDING_NS) {
        if (ns !== this.#soapNs) this.#index.report(child, `SOAP versions are mixed: the binding is ${this.#soapNs === SOAP11_BINDING_NS ? 'SOAP 1.1' : 'SOAP 1.2'}`);
        else if (!allowedSoap.includes(child.name.local)) this.#index.report(child, 'is not expected here');
      } else if (isRequiredExtension(child)) {
        this.#index.report(child, `wsdl:required="true", but the extension namespace ${ns} is not supported`);
      }
    }
  }
}

function partsOf(message: Definition): XmlElement[] {
  return message.element.children.filter((child) => isWsdl(child, 'part'));
}

function isSoapExtension(element: XmlElement, local: string): boolean {
  return (element.name.ns === SOAP11_BINDING_NS || element.name.ns === SOAP12_BINDING_NS) && element.name.local === local;
}
