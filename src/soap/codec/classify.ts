/**
 * What an upstream's HTTP answer to a SOAP request is: a success envelope, a Fault, or something the gateway cannot
 * relay. The body decides, not the labels: a Fault is a Fault under any status (SOAP 1.1 §6.2 says 500, many
 * servers send 200), an envelope is read whatever its Content-Type says, and the status and media type only shape
 * the message when the body is not SOAP at all.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import { child } from '../../openapi/json-pointer.js';
import { XmlLimitError, isXmlError } from '../../xml/errors.js';
import type { XmlLimits } from '../../xml/limits.js';
import { parseXml, type XmlElement } from '../../xml/parse.js';
import { decodeXmlBytes } from '../../xml/read-body.js';
import { describeUnreadableXml } from '../../xml/unreadable.js';
import type { SoapVersion } from '../model.js';
import { versionOfNamespace } from './envelope.js';
import { ReadContext, SoapDecodeError } from './errors.js';
import { readFault, type DetailReaders, type SoapFault } from './fault.js';
import { soapFaultToError, type FaultStatusTable } from './fault-status.js';
import type { JsonValue } from './json.js';

/** The upstream's answer, as read by the HTTP client. */
export interface SoapHttpResponse {
  readonly status: number;
  /** The Content-Type header, if any. */
  readonly contentType: string | undefined;
  readonly body: string | Uint8Array;
}

export type SoapResponseOutcome =
  | { readonly kind: 'success'; readonly body: JsonValue; readonly headers: Readonly<Record<string, JsonValue>> | undefined }
  | { readonly kind: 'fault'; readonly fault: SoapFault; readonly error: GatewayError }
  | { readonly kind: 'bad'; readonly error: GatewayError };

/** What the classifier needs from a compiled operation. */
export interface ResponseDecoder {
  readonly version: SoapVersion;
  readonly limits: XmlLimits;
  readonly detailReaders: DetailReaders;
  readonly faultStatuses: FaultStatusTable | undefined;
  /** True when the operation declares no output parts: an empty 200/202 is its success. */
  readonly oneWay: boolean;
  /** Reads the Body's children (and the Header, for bound header parts); throws SoapDecodeError. */
  readSuccess(body: XmlElement, header: XmlElement | undefined, ctx: ReadContext): { body: JsonValue; headers: Readonly<Record<string, JsonValue>> | undefined };
}

export function classifySoapResponse(response: SoapHttpResponse, decoder: ResponseDecoder): SoapResponseOutcome {
  const { status } = response;
  const size = typeof response.body === 'string' ? response.body.length : response.body.byteLength;
  const ok = status >= 200 && status < 300;
  if (size === 0) {
    if (ok && decoder.oneWay) return { kind: 'success', body: null, headers: undefined };
    return bad(status, `an empty body${ok ? ' where a SOAP envelope was expected' : ''}`);
  }

  // Bytes are measured before they are decoded: a 100 MB body must not become a 100 MB string first.
  if (typeof response.body !== 'string' && size > decoder.limits.maxBytes) {
    return bad(status, `a response over the configured limit: ${new XmlLimitError('bytes', decoder.limits.maxBytes).message}`);
  }
  let root: XmlElement;
  try {
    const text = typeof response.body === 'string' ? response.body : decodeXmlBytes(response.body, response.contentType);
    root = parseXml(text, decoder.limits);
  } catch (error) {
    if (!isXmlError(error)) throw error;
    return bad(status, describeUnreadableXml(error, response.contentType, response.body, 'a SOAP envelope'));
  }

  const version = root.local === 'Envelope' ? versionOfNamespace(root.ns) : undefined;
  if (version === undefined) {
    if (root.local.toLowerCase() === 'html') return bad(status, 'an HTML page, not a SOAP envelope');
    return bad(status, `XML whose root element is ${describeName(root)}, not a SOAP Envelope`);
  }
  let header: XmlElement | undefined;
  let body: XmlElement | undefined;
  for (const part of root.children) {
    if (part.ns !== root.ns) continue;
    if (part.local === 'Header') header = part;
    else if (part.local === 'Body') body = part;
  }
  if (body === undefined) return bad(status, 'a SOAP envelope without a Body');

  const first = body.children[0];
  // A Fault is read in the version it came in: a SOAP 1.1 server answers a 1.2 request with a 1.1 VersionMismatch.
  if (first !== undefined && first.local === 'Fault' && first.ns === root.ns) {
    const fault = readFault(first, version, decoder.detailReaders);
    return { kind: 'fault', fault, error: soapFaultToError(fault, decoder.faultStatuses) };
  }
  if (!ok) return bad(status, 'a SOAP envelope but no Fault');
  if (version !== decoder.version) return bad(status, `a SOAP ${version} envelope from a SOAP ${decoder.version} endpoint`);

  const ctx = new ReadContext();
  try {
    const result = decoder.readSuccess(body, header, ctx);
    return { kind: 'success', body: result.body, headers: result.headers };
  } catch (error) {
    if (!(error instanceof SoapDecodeError)) throw error;
    const where = child('', ...ctx.path);
    return bad(status, `a SOAP response that does not fit its schema at ${where === '' ? '/' : where}: ${error.message}`);
  }
}

function bad(status: number, what: string): SoapResponseOutcome {
  return {
    kind: 'bad',
    error: new GatewayError('upstream-bad-response', `The SOAP upstream answered HTTP ${status} with ${what}.`, {
      extensions: { upstreamStatus: status },
    }),
  };
}

function describeName(element: XmlElement): string {
  return element.ns === '' ? `<${element.local}>` : `{${element.ns}}${element.local}`;
}
