/**
 * The SOAP envelope around a body, per version, and its HTTP framing:
 * - SOAP 1.1 (W3C Note, §4 and §6.1.1): envelope namespace http://schemas.xmlsoap.org/soap/envelope/,
 *   `Content-Type: text/xml; charset=utf-8` and a `SOAPAction` header whose value is a quoted URI ("" when none;
 *   WS-I Basic Profile R2744 requires the quotes);
 * - SOAP 1.2 (Part 2, §7.1.4 and RFC 3902): envelope namespace http://www.w3.org/2003/05/soap-envelope,
 *   `Content-Type: application/soap+xml; charset=utf-8; action="..."`, and no SOAPAction header.
 */
import type { QName, SoapVersion } from '../model.js';
import { escapeXmlAttribute, escapeXmlText, findInvalidXmlChar } from '../../xml/escape.js';
import { parseXml } from '../../xml/parse.js';
import { SoapCodecCompileError } from './errors.js';
import { XSI_NAMESPACE } from './xsi.js';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const ENVELOPE_PREFIX = 'soap';

export function envelopeNamespace(version: SoapVersion): string {
  return version === '1.1' ? SOAP11_ENVELOPE_NS : SOAP12_ENVELOPE_NS;
}

/** The SOAP version of an envelope namespace, or undefined for anything else. */
export function versionOfNamespace(ns: string): SoapVersion | undefined {
  return ns === SOAP11_ENVELOPE_NS ? '1.1' : ns === SOAP12_ENVELOPE_NS ? '1.2' : undefined;
}

/** `soap:mustUnderstand` with the version's lexical form of true (1.1 allows only "1"). */
export function mustUnderstandAttribute(version: SoapVersion): string {
  return ` ${ENVELOPE_PREFIX}:mustUnderstand="${version === '1.1' ? '1' : 'true'}"`;
}

/** HTTP request headers (lower-case names) that carry the version's media type and action. */
export function soapRequestHeaders(version: SoapVersion, action: string): Readonly<Record<string, string>> {
  if (/["\\\r\n]/.test(action)) throw new SoapCodecCompileError(`SOAP action ${JSON.stringify(action)} cannot be sent in a quoted header value`);
  if (version === '1.1') return Object.freeze({ 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` });
  return Object.freeze({ 'content-type': `application/soap+xml; charset=utf-8${action === '' ? '' : `; action="${action}"`}` });
}

/**
 * A SOAP header block the gateway adds to every request of an operation, from config: either raw XML (one
 * self-contained element: its prefixes declared inside it) or a name and a text value.
 */
export type StaticSoapHeader = { readonly xml: string } | { readonly name: QName; readonly value: string; readonly mustUnderstand?: boolean };

/** Checks and serializes the static headers once, at load. */
export function compileStaticHeaders(headers: readonly StaticSoapHeader[], version: SoapVersion): string {
  let out = '';
  headers.forEach((header, index) => {
    if ('xml' in header) {
      const xml = header.xml.trim();
      if (xml.startsWith('<?')) throw new SoapCodecCompileError(`SOAP header ${index}: remove the XML declaration`);
      try {
        // Only to refuse what would corrupt the envelope: several roots, a DOCTYPE, undeclared prefixes.
        parseXml(xml, { maxBytes: 64 * 1024, maxDepth: 32, maxElements: 1000 });
      } catch (error) {
        throw new SoapCodecCompileError(`SOAP header ${index} is not one well-formed, self-contained element: ${(error as Error).message}`);
      }
      out += xml;
      return;
    }
    const { name, value } = header;
    if (name.ns === '') throw new SoapCodecCompileError(`SOAP header ${index} (${name.local}): a header block must be namespace-qualified (SOAP 1.1 §4.2)`);
    if (findInvalidXmlChar(value) !== -1) throw new SoapCodecCompileError(`SOAP header ${index} (${name.local}): the value has a character XML cannot carry`);
    const mustUnderstand = header.mustUnderstand === true ? mustUnderstandAttribute(version) : '';
    out += `<h${index}:${name.local} xmlns:h${index}="${escapeXmlAttribute(name.ns)}"${mustUnderstand}>${escapeXmlText(value)}</h${index}:${name.local}>`;
  });
  return out;
}

/** The envelope split around its variable parts, built once per operation. */
export interface EnvelopeFrame {
  /** Up to and including the Envelope start tag. */
  readonly head: string;
  readonly headerOpen: string;
  readonly headerClose: string;
  readonly bodyOpen: string;
  /** From the Body end tag to the end. */
  readonly tail: string;
}

export function envelopeFrame(version: SoapVersion, declarations: string): EnvelopeFrame {
  const p = ENVELOPE_PREFIX;
  return {
    head: `<?xml version="1.0" encoding="utf-8"?><${p}:Envelope xmlns:${p}="${envelopeNamespace(version)}" xmlns:xsi="${XSI_NAMESPACE}"${declarations}>`,
    headerOpen: `<${p}:Header>`,
    headerClose: `</${p}:Header>`,
    bodyOpen: `<${p}:Body>`,
    tail: `</${p}:Body></${p}:Envelope>`,
  };
}
