/**
 * Hand-built WSDL models for the codec tests: the same objects the WSDL importer produces, written directly so
 * the codec is tested on its own. Builders default to the common case (unqualified local elements, min/max 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  AttributeDecl,
  ComplexType,
  ElementDecl,
  Facets,
  ModelGroup,
  Particle,
  QName,
  SimpleType,
  SoapFaultDecl,
  SoapMessage,
  SoapOperation,
  SoapVersion,
  WsdlPort,
  XsdType,
} from '../../src/soap/model.js';

export const TNS = 'urn:example:orders';

export function simple(builtin: string, facets: Facets = {}, name?: string): SimpleType {
  return { kind: 'simple', builtin, facets, ...(name === undefined ? {} : { name: { ns: TNS, local: name } }) };
}

export const xs = {
  string: simple('string'),
  int: simple('int'),
  long: simple('long'),
  integer: simple('integer'),
  unsignedLong: simple('unsignedLong'),
  decimal: simple('decimal'),
  double: simple('double'),
  float: simple('float'),
  boolean: simple('boolean'),
  date: simple('date'),
  dateTime: simple('dateTime'),
  base64Binary: simple('base64Binary'),
};

interface Occurs {
  readonly min?: number;
  readonly max?: number;
}

export function el(local: string, type: XsdType, options: Occurs & { ns?: string; nillable?: boolean; default?: string; fixed?: string } = {}): ElementDecl {
  return {
    kind: 'element',
    name: { ns: options.ns ?? '', local },
    type,
    minOccurs: options.min ?? 1,
    maxOccurs: options.max ?? 1,
    nillable: options.nillable ?? false,
    ...(options.default === undefined ? {} : { default: options.default }),
    ...(options.fixed === undefined ? {} : { fixed: options.fixed }),
  };
}

/** A top-level (qualified) element in the target namespace. */
export function top(local: string, type: XsdType): ElementDecl {
  return el(local, type, { ns: TNS });
}

function group(kind: ModelGroup['kind'], particles: readonly Particle[], occurs: Occurs): ModelGroup {
  return { kind, minOccurs: occurs.min ?? 1, maxOccurs: occurs.max ?? 1, particles };
}
export const seq = (...particles: Particle[]): ModelGroup => group('sequence', particles, {});
export const choice = (...particles: Particle[]): ModelGroup => group('choice', particles, {});
export const groupOf = (kind: ModelGroup['kind'], occurs: Occurs, ...particles: Particle[]): ModelGroup => group(kind, particles, occurs);

export function attr(local: string, type: SimpleType, options: { required?: boolean; fixed?: string; ns?: string } = {}): AttributeDecl {
  return { name: { ns: options.ns ?? '', local }, type, required: options.required ?? false, ...(options.fixed === undefined ? {} : { fixed: options.fixed }) };
}

export function complex(parts: { name?: string; content?: ModelGroup; attributes?: AttributeDecl[]; text?: SimpleType; base?: QName } = {}): ComplexType {
  return {
    kind: 'complex',
    ...(parts.name === undefined ? {} : { name: { ns: TNS, local: parts.name } }),
    ...(parts.content === undefined ? {} : { content: parts.content }),
    attributes: parts.attributes ?? [],
    ...(parts.text === undefined ? {} : { text: parts.text }),
    mixed: false,
    abstract: false,
    ...(parts.base === undefined ? {} : { base: parts.base }),
  };
}

/** A type that contains itself: `build` gets the type object, whose content is filled in afterwards. */
export function recursive(name: string, build: (self: ComplexType) => ModelGroup): ComplexType {
  const self = complex({ name }) as { -readonly [K in keyof ComplexType]: ComplexType[K] };
  self.content = build(self);
  return self;
}

export function message(parts: SoapMessage['parts'], extra: Partial<SoapMessage> = {}): SoapMessage {
  return { parts, headers: [], ...extra };
}

export function operation(name: string, input: SoapMessage, output: SoapMessage, extra: Partial<SoapOperation> = {}): SoapOperation {
  return { name, style: 'document', soapAction: `${TNS}/${name}`, input, output, faults: [] as SoapFaultDecl[], ...extra };
}

export function port(version: SoapVersion, operations: SoapOperation[]): WsdlPort {
  return { name: version === '1.1' ? 'OrdersSoap' : 'OrdersSoap12', address: 'http://legacy.test/orders', soapVersion: version, binding: { ns: TNS, local: 'OrdersBinding' }, operations };
}

/** A document/literal wrapped operation: request element `name`, response element `name + 'Response'`. */
export function wrapped(name: string, request: ComplexType, response: ComplexType, extra: Partial<SoapOperation> = {}): SoapOperation {
  return operation(name, message([{ name: 'parameters', element: top(name, request) }]), message([{ name: 'parameters', element: top(`${name}Response`, response) }]), extra);
}

/** A SOAP 1.1 response envelope around body content. */
export function envelope11(body: string, header = ''): string {
  return `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">${header === '' ? '' : `<s:Header>${header}</s:Header>`}<s:Body>${body}</s:Body></s:Envelope>`;
}

export function envelope12(body: string): string {
  return `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${body}</env:Body></env:Envelope>`;
}

const GOLDEN_DIR = path.resolve(import.meta.dirname, '../golden/soap');

/**
 * Compares an envelope with test/golden/soap/<name>. Golden files are indented for review; whitespace between
 * tags is not part of the comparison (the codec writes none). UPDATE_GOLDEN=1 rewrites them.
 */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, indentXml(actual));
  const expected = readFileSync(file, 'utf8').replace(/>\s*\n\s*</g, '><').trim();
  return { expected, actual };
}

/** Indents compact XML whose text contains no markup (true of what the codec writes: '<' is always escaped). */
function indentXml(xml: string): string {
  const tokens = xml.split(/(<[^>]+>)/).filter((token) => token !== '');
  let depth = 0;
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.startsWith('</')) {
      depth--;
      out += '\n' + '  '.repeat(depth) + token;
    } else if (token.startsWith('<?') || token.endsWith('/>')) {
      out += (out === '' ? '' : '\n') + '  '.repeat(depth) + token.trim();
    } else if (token.startsWith('<')) {
      const text = tokens[i + 1];
      const close = tokens[i + 2];
      if (text !== undefined && !text.startsWith('<') && close?.startsWith('</') === true) {
        out += '\n' + '  '.repeat(depth) + token + text + close;
        i += 2;
        continue;
      }
      out += '\n' + '  '.repeat(depth) + token;
      depth++;
    } else out += token;
  }
  return out.trim() + '\n';
}
