/**
 * Reading a SOAP Fault into one typed value for both versions:
 * - 1.1 (§4.4): faultcode (a QName; "Client.Authentication" is the dotted, more specific form of Client),
 *   faultstring, faultactor, detail; the children are unqualified;
 * - 1.2 (Part 1, §5.4): Code/Value with nested Subcode/Value, Reason/Text (one per xml:lang), Node, Role, Detail;
 *   the children are in the envelope namespace.
 * Children are matched by local name, so a server that qualifies the 1.1 children (many do) is read the same.
 */
import type { SoapVersion } from '../model.js';
import { XML_NAMESPACE, attributeValue, resolveQNameText, type XmlElement } from '../../xml/parse.js';
import { ReadContext, SoapDecodeError } from './errors.js';
import { genericJson, repeatedNames } from './generic-xml.js';
import { pushField, setDocumentField, type JsonObject, type JsonValue } from './json.js';
import type { ElementReader } from './type-reader.js';

export interface SoapFault {
  readonly version: SoapVersion;
  /**
   * Local name of the fault code: Client, Server, VersionMismatch, MustUnderstand (1.1); Sender, Receiver,
   * VersionMismatch, MustUnderstand, DataEncodingUnknown (1.2); or whatever an application put there.
   */
  readonly code: string;
  /** Namespace of the code (the envelope namespace for the standard ones). */
  readonly codeNamespace: string;
  /** 1.2 Subcode values, outermost first; for 1.1 the parts after a standard code's dots. Local names. */
  readonly subcodes: readonly string[];
  /** faultstring, or the 1.2 Reason text in English (else the first one). */
  readonly reason: string;
  /** faultactor (1.1) or Role (1.2). */
  readonly actor: string | undefined;
  /** Node (1.2). */
  readonly node: string | undefined;
  /**
   * The detail entries by local name: typed by the operation's fault declaration whose element matches, otherwise
   * converted generically. Null when the fault has no detail or an empty one.
   */
  readonly detail: JsonObject | null;
}

const STANDARD_11_CODES = new Set(['Client', 'Server', 'VersionMismatch', 'MustUnderstand']);

/** Detail readers of an operation's declared faults, by the local name of their detail element. */
export type DetailReaders = ReadonlyMap<string, ElementReader>;

export function readFault(fault: XmlElement, version: SoapVersion, detailReaders: DetailReaders): SoapFault {
  return version === '1.1' ? readFault11(fault, detailReaders) : readFault12(fault, detailReaders);
}

function readFault11(fault: XmlElement, detailReaders: DetailReaders): SoapFault {
  const codeElement = child(fault, 'faultcode');
  const qname = codeElement === undefined ? { ns: '', local: 'Server' } : resolveQNameText(codeElement, codeElement.text);
  const [first = '', ...rest] = qname.local.split('.');
  const dotted = STANDARD_11_CODES.has(first) && rest.length > 0;
  return {
    version: '1.1',
    code: dotted ? first : qname.local,
    codeNamespace: qname.ns,
    subcodes: dotted ? rest : [],
    reason: child(fault, 'faultstring')?.text.trim() ?? '',
    actor: optionalText(child(fault, 'faultactor')),
    node: undefined,
    detail: readDetail(child(fault, 'detail'), detailReaders),
  };
}

function readFault12(fault: XmlElement, detailReaders: DetailReaders): SoapFault {
  const code = child(fault, 'Code');
  const value = code === undefined ? undefined : child(code, 'Value');
  const qname = value === undefined ? { ns: '', local: 'Receiver' } : resolveQNameText(value, value.text);
  const subcodes: string[] = [];
  // Subcodes nest; the depth limit of the parse bounds this loop.
  for (let sub = code === undefined ? undefined : child(code, 'Subcode'); sub !== undefined; sub = child(sub, 'Subcode')) {
    const subValue = child(sub, 'Value');
    if (subValue !== undefined) subcodes.push(resolveQNameText(subValue, subValue.text).local);
  }
  return {
    version: '1.2',
    code: qname.local,
    codeNamespace: qname.ns,
    subcodes,
    reason: reasonText(child(fault, 'Reason')),
    actor: optionalText(child(fault, 'Role')),
    node: optionalText(child(fault, 'Node')),
    detail: readDetail(child(fault, 'Detail'), detailReaders),
  };
}

function reasonText(reason: XmlElement | undefined): string {
  if (reason === undefined) return '';
  let chosen: XmlElement | undefined;
  for (const text of reason.children) {
    if (text.local !== 'Text') continue;
    chosen ??= text;
    const lang = attributeValue(text, XML_NAMESPACE, 'lang')?.toLowerCase();
    if (lang === 'en' || lang?.startsWith('en-') === true) {
      chosen = text;
      break;
    }
  }
  return chosen?.text.trim() ?? '';
}

function readDetail(detail: XmlElement | undefined, detailReaders: DetailReaders): JsonObject | null {
  if (detail === undefined || detail.children.length === 0) return null;
  const out: JsonObject = {};
  const repeated = repeatedNames(detail.children);
  for (const entry of detail.children) {
    const value = readDetailEntry(entry, detailReaders.get(entry.local));
    if (repeated?.has(entry.local) === true) pushField(out, entry.local, value);
    else setDocumentField(out, entry.local, value);
  }
  return out;
}

function readDetailEntry(entry: XmlElement, reader: ElementReader | undefined): JsonValue {
  if (reader === undefined) return genericJson(entry);
  try {
    return reader(entry, new ReadContext());
  } catch (error) {
    // A detail that does not fit its declaration is still worth relaying: the fault is what the client needs.
    if (error instanceof SoapDecodeError) return genericJson(entry);
    throw error;
  }
}

function child(parent: XmlElement, local: string): XmlElement | undefined {
  for (const element of parent.children) if (element.local === local) return element;
  return undefined;
}

function optionalText(element: XmlElement | undefined): string | undefined {
  const text = element?.text.trim();
  return text === undefined || text === '' ? undefined : text;
}
