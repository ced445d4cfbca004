import { attribute, clark, type XmlElement } from './xml-reader.js';
import { el, textEl } from './xml-writer.js';

/**
 * The SOAP envelope rules the fixture enforces and the envelopes and faults it writes, for SOAP 1.1 (W3C Note,
 * 2000) and SOAP 1.2 (W3C Recommendation, Part 1 §5 and Part 2 §7).
 */

export interface SoapVersion {
  readonly id: '1.1' | '1.2';
  readonly envelopeNs: string;
  /** The media type a request must carry and a response is sent with. */
  readonly mediaType: 'text/xml' | 'application/soap+xml';
}

export const SOAP11: SoapVersion = { id: '1.1', envelopeNs: 'http://schemas.xmlsoap.org/soap/envelope/', mediaType: 'text/xml' };
export const SOAP12: SoapVersion = { id: '1.2', envelopeNs: 'http://www.w3.org/2003/05/soap-envelope', mediaType: 'application/soap+xml' };

/** SOAP 1.1 names; SOAP 1.2 renames Client → Sender and Server → Receiver. */
export type FaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

export interface FaultSpec {
  readonly code: FaultCode;
  readonly reason: string;
  /** SOAP 1.2 only: a more specific code, e.g. {urn:acme:orders:v1}OrderNotFound. */
  readonly subcode?: { readonly ns: string; readonly local: string };
  /** The serialized detail entry (one element), for faults declared in the WSDL. */
  readonly detail?: string;
  /** SOAP 1.2 MustUnderstand: the header blocks to name in env:NotUnderstood headers. */
  readonly notUnderstood?: readonly { readonly ns: string; readonly local: string }[];
  /**
   * Answer in this version instead of the endpoint's: a SOAP 1.2 node that receives a SOAP 1.1 envelope answers
   * with a SOAP 1.1 VersionMismatch fault carrying an env:Upgrade header (SOAP 1.2 Part 1, Appendix A).
   */
  readonly replyAs?: SoapVersion;
}

/** A fault to answer with; thrown anywhere below the HTTP layer. */
export class SoapFault extends Error {
  override readonly name = 'SoapFault';
  constructor(readonly spec: FaultSpec) {
    super(spec.reason);
  }
}

export const clientFault = (reason: string): SoapFault => new SoapFault({ code: 'Client', reason });

/**
 * SOAP 1.1 §6.2: every fault is a 500. SOAP 1.2 Part 2 §7.5.2.2: a Sender fault is 400 Bad Request, every other
 * fault a 500.
 */
export function faultStatus(version: SoapVersion, spec: FaultSpec): number {
  return (spec.replyAs ?? version).id === '1.2' && spec.code === 'Client' ? 400 : 500;
}

/** The single prolog every response of the service starts with (Metro-style single quotes). */
export const PROLOG = "<?xml version='1.0' encoding='UTF-8'?>";

export function envelope(version: SoapVersion, prefix: string, body: string, header = ''): string {
  const env = (local: string): string => `${prefix}:${local}`;
  const head = header === '' ? '' : el(env('Header'), undefined, header);
  return `${PROLOG}${el(env('Envelope'), { [`xmlns:${prefix}`]: version.envelopeNs }, head, el(env('Body'), undefined, body))}`;
}

/** Serializes a fault for `version`, or for the version the fault says to answer in (see FaultSpec.replyAs). */
export function faultEnvelope(version: SoapVersion, prefix: string, spec: FaultSpec): string {
  const replyIn = spec.replyAs ?? version;
  // Answering in the other version is another envelope namespace: use that version's customary prefix.
  const p = replyIn === version ? prefix : 'soap';
  const upgrade = spec.code === 'VersionMismatch' && version.id === '1.2' ? upgradeHeader(replyIn === SOAP12 ? p : 'upg') : '';
  return replyIn.id === '1.1' ? fault11(p, spec, upgrade) : fault12(p, spec, upgrade);
}

function fault11(p: string, spec: FaultSpec, header: string): string {
  // faultcode, faultstring and detail are unqualified (SOAP 1.1 §4.4); the code is a QName in the envelope namespace.
  const fault = el(
    `${p}:Fault`,
    undefined,
    textEl('faultcode', `${p}:${spec.code}`),
    textEl('faultstring', spec.reason),
    spec.detail === undefined ? '' : el('detail', undefined, spec.detail),
  );
  return envelope(SOAP11, p, fault, header);
}

const CODES_12: Record<FaultCode, string> = {
  Client: 'Sender',
  Server: 'Receiver',
  VersionMismatch: 'VersionMismatch',
  MustUnderstand: 'MustUnderstand',
};

function fault12(p: string, spec: FaultSpec, upgrade: string): string {
  const subcode =
    spec.subcode === undefined
      ? ''
      : el(`${p}:Subcode`, undefined, textEl(`${p}:Value`, `sub:${spec.subcode.local}`, { 'xmlns:sub': spec.subcode.ns }));
  const fault = el(
    `${p}:Fault`,
    undefined,
    el(`${p}:Code`, undefined, textEl(`${p}:Value`, `${p}:${CODES_12[spec.code]}`), subcode),
    el(`${p}:Reason`, undefined, textEl(`${p}:Text`, spec.reason, { 'xml:lang': 'en' })),
    spec.detail === undefined ? '' : el(`${p}:Detail`, undefined, spec.detail),
  );
  // Part 1 §5.4.8: a MustUnderstand fault names each block it did not understand in an env:NotUnderstood header.
  const notUnderstood = (spec.notUnderstood ?? [])
    .map((block) => el(`${p}:NotUnderstood`, { qname: `nu:${block.local}`, 'xmlns:nu': block.ns }))
    .join('');
  return envelope(SOAP12, p, fault, upgrade + notUnderstood);
}

/**
 * Part 1 §5.4.7: the env:Upgrade header block a SOAP 1.2 node sends with a VersionMismatch fault, naming the
 * envelope it supports. `prefix` is bound to the SOAP 1.2 namespace here when it is not the envelope's own.
 */
function upgradeHeader(prefix: string): string {
  const declare = prefix === 'upg' ? { 'xmlns:upg': SOAP12.envelopeNs } : undefined;
  return el(`${prefix}:Upgrade`, declare, el(`${prefix}:SupportedEnvelope`, { qname: `${prefix}:Envelope` }));
}

const SOAP11_NEXT = 'http://schemas.xmlsoap.org/soap/actor/next';
const SOAP12_ROLES = new Set(['http://www.w3.org/2003/05/soap-envelope/role/next', 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver']);

/** A request's envelope opened: the one element of its Body and the blocks of its Header (none without one). */
export interface OpenedEnvelope {
  readonly payload: XmlElement;
  readonly headerBlocks: readonly XmlElement[];
}

/**
 * Checks the envelope of a request and returns the one element of its Body with the Header's blocks. Whether the
 * blocks are understood is the operation's question ({@link checkMustUnderstand}), asked once it is dispatched.
 */
export function openEnvelope(root: XmlElement, version: SoapVersion): OpenedEnvelope {
  if (root.local !== 'Envelope') throw clientFault(`the document element is ${clark(root.ns, root.local)}, not a SOAP Envelope`);
  if (root.ns !== version.envelopeNs) {
    throw new SoapFault({
      code: 'VersionMismatch',
      reason: `the envelope namespace ${root.ns === '' ? '(none)' : root.ns} is not SOAP ${version.id} (${version.envelopeNs})`,
      ...(root.ns === SOAP11.envelopeNs ? { replyAs: SOAP11 } : {}),
    });
  }
  const parts = root.children;
  const inEnvelope = (element: XmlElement | undefined, local: string): boolean => element?.ns === version.envelopeNs && element.local === local;
  const header = inEnvelope(parts[0], 'Header') ? parts[0] : undefined;
  const body = parts[header === undefined ? 0 : 1];
  if (body === undefined || !inEnvelope(body, 'Body')) throw clientFault('the SOAP Envelope has no Body');
  if (parts.length > (header === undefined ? 1 : 2)) throw clientFault('the SOAP Envelope has elements after its Body');
  if (body.children.length !== 1) {
    throw clientFault(`the SOAP Body must hold exactly one element for a document/literal operation, found ${body.children.length}`);
  }
  return { payload: body.children[0] as XmlElement, headerBlocks: header?.children ?? [] };
}

/**
 * SOAP 1.1 §4.2.3, SOAP 1.2 Part 1 §5.2.3: a block targeted at this node with mustUnderstand on that the operation
 * does not understand is a MustUnderstand fault, before anything is processed.
 */
export function checkMustUnderstand(blocks: readonly XmlElement[], version: SoapVersion, understood: (block: XmlElement) => boolean): void {
  const ignored: { ns: string; local: string }[] = [];
  for (const block of blocks) {
    if (understood(block)) continue;
    const must = attribute(block, version.envelopeNs, 'mustUnderstand');
    const mandatory = version.id === '1.1' ? must === '1' : must === 'true' || must === '1';
    const target = attribute(block, version.envelopeNs, version.id === '1.1' ? 'actor' : 'role');
    const forUs = target === undefined || (version.id === '1.1' ? target === SOAP11_NEXT : SOAP12_ROLES.has(target));
    if (mandatory && forUs) ignored.push({ ns: block.ns, local: block.local });
  }
  const first = ignored[0];
  if (first !== undefined) {
    throw new SoapFault({
      code: 'MustUnderstand',
      reason: `header block ${clark(first.ns, first.local)} was not understood`,
      notUnderstood: ignored,
    });
  }
}

/**
 * The intent a request declares: SOAP 1.1 the SOAPAction header (a quoted URI, §6.1.1), SOAP 1.2 the optional
 * `action` parameter of application/soap+xml (RFC 3902). undefined when it declares none.
 */
export function declaredAction(version: SoapVersion, soapActionHeader: string | undefined, contentType: string): string | undefined {
  if (version.id === '1.1') {
    if (soapActionHeader === undefined) return undefined;
    const value = soapActionHeader.trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  const match = /;\s*action\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(contentType);
  if (match === null) return undefined;
  return match[2] ?? match[1];
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
